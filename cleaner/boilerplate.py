"""Strip web boilerplate line by line, keeping the values of metadata lines.

Pure: normalized lines in, :class:`~cleaner.data.Stripped` out. Each removed
line carries its class and the rule that fired (see ``_rules.py``), so the
report can explain every removal. Content wins ties: a line that ends like a
sentence is never removed by a pattern meant for short navigation lines.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import deque
from collections.abc import Sequence

from . import _rules as R
from .data import BoilerplateConfig, Line, Removal, Stripped
from .metadata import BESIDE_RULE, byline_names, read_metadata

# The title is looked for among the first lines that survive the line rules.
TITLE_SEARCH_LINES = 15
TITLE_MAX_CHARS = 64
# A title may be repeated split over this many short lines ("呼和浩特市医疗保障局" /
# "2022年医保惠民大事记").
TITLE_ECHO_MAX_LINES = 3
# A line ending in a comma or colon leads into what follows ("各位代表："): not a title.
TITLE_BAD_ENDS = ",\uff0c:\uff1a\u3001"
# Label-like lines go with these neighbours only: decoration and corpus-frequent lines
# are too weak a sign (a "。" left by a broken link sits beside real names).
ANCHOR_CATEGORIES = frozenset(
    {"navigation", "page-tools", "metadata", "related", "site-name", "accessibility", "byline"}
)


def line_key(line: str) -> int:
    """Return a stable 64-bit key of a line for corpus-level counting.

    Python's ``hash`` is salted per process; this is not, so counts from
    different runs and processes agree.

    >>> line_key("网站地图") == line_key("网站地图")
    True
    """
    return int.from_bytes(hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest(), "big")


def is_sentence(line: str) -> bool:
    """Tell whether a line ends like a sentence (and so is content).

    >>> is_sentence("全市参保人数达到714.9万人。")
    True
    >>> is_sentence("当前位置：首页")
    False
    """
    return bool(R.SENTENCE_END_RE.search(line.rstrip()))


def edge_zone(lines: Sequence[str], size: int) -> frozenset[int]:
    """Return the indexes of the first and last ``size`` non-blank lines.

    >>> sorted(edge_zone(["a", "", "b", "c", "d"], 1))
    [0, 4]
    """
    nonblank = [index for index, line in enumerate(lines) if line.strip()]
    return frozenset(nonblank[:size] + nonblank[-size:])


def corpus_candidate(line: str, config: BoilerplateConfig) -> bool:
    """Tell whether a line may count as a corpus-frequent template line."""
    text = line.strip()
    return (
        0 < len(text) <= config.corpus_max_line_chars
        and not is_sentence(text)
        and not any(ch.isdigit() for ch in text)
        and not R.HEADING_RE.match(text)
        and text[-1] not in ":\uff1a"  # "各位代表：" opens the speech it belongs to
        and not text.endswith(R.OFFICE_TITLES)  # "国务院总理": the speaker of a report
    )


def strip_boilerplate(
    lines: Sequence[str],
    config: BoilerplateConfig = BoilerplateConfig(),
    frequent_keys: frozenset[int] = frozenset(),
    raw_lines: Sequence[str] | None = None,
) -> Stripped:
    """Remove boilerplate lines and fragments; return what stays and why the rest went.

    Args:
        lines: the normalized lines of one document (line ``i`` is input line ``i + 1``).
        config: which passes run.
        frequent_keys: ``line_key`` values of lines that recur across the corpus.
        raw_lines: the same lines before normalization; metadata is read from them
            because normalization drops the spaces that separate fields
            ("anyang.gov.cn 时间：").

    """
    verdicts: dict[int, tuple[str, str]] = {}
    if config.enabled:
        zone = edge_zone(lines, config.corpus_zone_lines) if frequent_keys else frozenset()
        # The first line is where the title stands; a title many documents share
        # ("政府工作报告") is still their title.
        zone -= {min(zone, default=-1)}
        for index, line in enumerate(lines):
            frequent = frequent_keys if index in zone else frozenset()
            verdict = classify_line(line, frequent, config)
            if verdict and verdict[0] == "corpus-frequent" and _inside_sentence(lines, index):
                verdict = None
            if verdict:
                verdicts[index] = verdict
    if config.enabled:
        _mark_related_tail(lines, verdicts)
        _mark_beside_boilerplate(lines, verdicts)
    title_index = _find_title(lines, verdicts)
    # Attributions are cut before titles are compared, so a title repeated with
    # "（王 涛）" after it is still a repeat (and a second cleaning finds nothing).
    texts = list(lines)
    fragments: dict[int, str] = {}
    if config.enabled:
        for index, line in enumerate(lines):
            if index not in verdicts and index != title_index and line.strip():
                texts[index], fragment = _strip_attribution(line)
                if not fragment:
                    continue
                # What is left is judged again: "中（王 涛）" leaves a page-tool word.
                rest = classify_line(texts[index], frozenset(), config)
                if rest or not texts[index].strip():
                    verdicts[index] = rest or ("attribution", "trailing-names")
                else:
                    fragments[index] = fragment
        if title_index is not None:
            _mark_title_echoes(texts, verdicts, title_index)
    removed: list[Removal] = []
    kept: list[Line] = []
    for index, line in enumerate(lines):
        line_no = index + 1
        if index in verdicts:
            category, rule = verdicts[index]
            removed.append(Removal(line_no, line, category, rule))
        elif line.strip():
            if index in fragments:
                removed.append(
                    Removal(line_no, fragments[index], "attribution", "trailing-names", True)
                )
            kept.append(Line(line_no, texts[index]))
    title = lines[title_index].strip() if title_index is not None else None
    metadata = read_metadata(removed, title, raw_lines)
    return Stripped(tuple(kept), tuple(removed), metadata)


def classify_line(
    line: str, frequent_keys: frozenset[int], config: BoilerplateConfig
) -> tuple[str, str] | None:
    """Return ``(class, rule)`` when a line on its own is boilerplate, else None."""
    text = line.strip()
    if not text:
        return None
    if _is_decoration(text):
        return ("decoration", "symbols-only")
    sentence = is_sentence(text)
    for rule in R.LINE_RULES:
        if len(text) <= rule.max_chars and not sentence and rule.pattern.search(text):
            return (rule.category, rule.rule)
    if not sentence and _is_page_tools(text):
        return ("page-tools", "tool-words")
    if not sentence and _is_metadata_line(text):
        return ("metadata", "labelled-fields")
    if byline_names(text) is not None:
        return ("byline", "reporter")
    if not sentence and _is_accessibility_blurb(text):
        return ("accessibility", "elder-mode-blurb")
    if frequent_keys and corpus_candidate(text, config) and line_key(text) in frequent_keys:
        return ("corpus-frequent", "recurs-across-documents")
    return None


def _is_decoration(text: str) -> bool:
    """Lines of symbols only ("··", "-----") carry no text.

    A line of Chinese sentence punctuation ("。", "》、《") is not decoration but the
    rest of a sentence that a scraper broke at a link, so it stays.

    >>> _is_decoration("\u00b7\u00b7"), _is_decoration("\u3002")
    (True, False)
    """
    if text in R.DASH_LINES:  # "——" opens a subtitle or a speaker's line: text
        return False
    return all(unicodedata.category(ch)[0] in "PSZ" for ch in text) and not any(
        ch in R.TEXT_PUNCTUATION for ch in text
    )


def _inside_sentence(lines: Sequence[str], index: int) -> bool:
    """Tell whether a line is a piece of a sentence broken over lines (at a link).

    "…国务院总理李克强所作的 / 政府工作报告 / 。会议…": the line before does not end a
    sentence and the line after goes on with punctuation.
    """
    before = next((lines[i].strip() for i in range(index - 1, -1, -1) if lines[i].strip()), "")
    after = next((lines[i].strip() for i in range(index + 1, len(lines)) if lines[i].strip()), "")
    return bool(before) and not is_sentence(before) and after[:1] in R.TEXT_PUNCTUATION


def _is_page_tools(text: str) -> bool:
    if len(text) > 60:
        return False
    core = R.PAGE_TOOL_SEPARATORS_RE.sub("", text)
    return bool(core) and R.PAGE_TOOL_LINE_RE.fullmatch(core) is not None


def _is_metadata_line(text: str) -> bool:
    if len(text) > R.META_MAX_CHARS:
        return False
    labels = [m.group(1) for m in R.META_LABEL_RE.finditer(text)]
    if not labels:
        return False
    return any(label in R.STRONG_META_LABELS for label in labels) or len(labels) >= 2


def _is_accessibility_blurb(text: str) -> bool:
    if len(text) > 200:
        return False
    hits = sum(1 for word in R.ACCESSIBILITY_WORDS if word in text)
    return hits >= R.ACCESSIBILITY_MIN_WORDS


def _find_title(lines: Sequence[str], verdicts: dict[int, tuple[str, str]]) -> int | None:
    """Return the index of the title: the first surviving line, if it looks like one."""
    seen = 0
    for index, line in enumerate(lines):
        text = line.strip()
        if not text or index in verdicts:
            continue
        seen += 1
        if seen > TITLE_SEARCH_LINES:
            return None
        if (
            len(text) <= TITLE_MAX_CHARS
            and not is_sentence(text)
            and text[-1] not in TITLE_BAD_ENDS
        ):
            return index
        return None
    return None


def _compact(text: str) -> str:
    return "".join(text.split())


def _mark_title_echoes(
    lines: Sequence[str], verdicts: dict[int, tuple[str, str]], title_index: int
) -> None:
    """Mark lines that repeat the title, whole or split over a few short lines."""
    title = _compact(lines[title_index])
    nonblank = [i for i in range(title_index + 1, len(lines)) if lines[i].strip()]
    for position in range(len(nonblank)):
        joined = ""
        group: list[int] = []
        for index in nonblank[position : position + TITLE_ECHO_MAX_LINES]:
            joined += _compact(lines[index])
            group.append(index)
            if not title.startswith(joined):
                break
            if joined == title:
                for member in group:
                    verdicts.setdefault(member, ("title-repeat", "repeats-title"))
                break


def _mark_related_tail(lines: Sequence[str], verdicts: dict[int, tuple[str, str]]) -> None:
    """After a "相关阅读" header, short link lines up to the next sentence are related links."""
    headers = [i for i, (category, _) in verdicts.items() if category == "related"]
    for header in headers:
        for index in range(header + 1, len(lines)):
            text = lines[index].strip()
            if not text or index in verdicts:
                continue
            if is_sentence(text) or len(text) > 60:
                break
            verdicts[index] = ("related", "related-link")


def _mark_beside_boilerplate(lines: Sequence[str], verdicts: dict[int, tuple[str, str]]) -> None:
    """Mark label-like lines that stand directly beside page furniture (header blocks).

    "呼和浩特市人民政府 / 呼和浩特市医疗保障局 / 工作动态" above a breadcrumb are the
    site header; "首页 / > / 云南要闻" under "您的位置：" is a breadcrumb scraped one
    node per line; a bare date under "来源：云南日报" is the publish time. Only
    direct neighbours count (no blank line between) and only short label-like lines
    (no digits, no punctuation) or bare dates go. A title is safe: a complete
    breadcrumb spreads upwards only (titles stand below it), and a complete
    metadata line takes only bare dates. Linear in the number of lines.
    """
    # The first line of a page is where its title stands: a short title there is
    # kept even beside page furniture, unless it is a site name.
    first = next((i for i, line in enumerate(lines) if line.strip()), -1)
    queue: deque[tuple[int, int, bool]] = deque()
    for index in sorted(verdicts):
        for step, dates_only in _spread_from(verdicts[index], lines[index].strip()):
            queue.append((index, step, dates_only))
    while queue:
        anchor, step, dates_only = queue.popleft()
        index = anchor + step
        if not 0 <= index < len(lines):
            continue
        text = lines[index].strip()
        if index == first and not R.SITE_NAME_RE.match(text):
            continue
        current = verdicts.get(index)
        if current is None:
            verdict = _beside_verdict(text, dates_only)
        elif current[0] == "decoration" and not dates_only and text in R.SEPARATOR_LINES:
            verdict = ("navigation", "separator-beside-boilerplate")  # ">" in a breadcrumb
        else:
            continue
        if verdict:
            verdicts[index] = verdict
            queue.append((index, step, dates_only))


def _spread_from(verdict: tuple[str, str], text: str) -> list[tuple[int, bool]]:
    """Return the directions (-1 up, +1 down) a removed line spreads in, and if dates only."""
    category = verdict[0]
    if category not in ANCHOR_CATEGORIES:
        return []
    if text[-1:] in R.OPEN_ENDINGS:  # "您的位置：", "首页 >": the rest follows on the next lines
        return [(-1, False), (1, False)]
    if category == "navigation":
        return [(-1, False)]
    if category == "metadata":
        return [(-1, True), (1, True)]
    return [(-1, False), (1, False)]


def _beside_verdict(text: str, dates_only: bool) -> tuple[str, str] | None:
    """Return the verdict for a line beside page furniture, or None if it is content."""
    if R.DATE_LINE_RE.match(text):
        return ("metadata", "date-beside-boilerplate")
    if dates_only:
        return None
    if R.SITE_NAME_RE.match(text):
        return ("site-name", "site-name-beside-boilerplate")
    if R.LABEL_LINE_RE.match(text):
        return ("navigation", BESIDE_RULE)
    return None


def _is_anchor(verdict: tuple[str, str] | None) -> bool:
    """Tell whether a removed line is page furniture that labels beside it belong to."""
    return verdict is not None and verdict[0] in ANCHOR_CATEGORIES


def _strip_attribution(line: str) -> tuple[str, str]:
    """Split trailing spaced-names attributions off a line: ``(text, fragment)``.

    All of them go at once ("…（王 涛）（赵 冉）"), so cleaning the result again
    finds nothing more to cut.

    >>> _strip_attribution("完成。（王 涛）(赵 冉)")
    ('完成。', '（王 涛）(赵 冉)')
    """
    text = line
    while True:
        match = R.ATTRIBUTION_RE.search(text)
        if not match or match.start() == 0:
            break
        text = text[: match.start()].rstrip()
    return text, line[len(text) :].strip()
