"""Boilerplate passes that judge a line by the lines around it.

A lone "首页" or "政府工作报告" is content or navigation depending on what stands
beside it: a breadcrumb scraped one node per line, a header block above a
"您的位置：" line, a title repeated below the page tools. Pure: lines and the
verdicts of the line rules in, more verdicts out (``verdicts`` maps a line index
to ``(class, rule)`` and is extended in place).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from . import rules as R
from .metadata import BESIDE_RULE

Verdicts = dict[int, tuple[str, str]]
BREADCRUMB_LINES = ("navigation", "breadcrumb-lines")

# The title is looked for among the first lines that survive the line rules.
TITLE_SEARCH_LINES = 15
TITLE_MAX_CHARS = 64
# A title may be repeated split over this many short lines ("呼和浩特市医疗保障局" /
# "2022年医保惠民大事记").
TITLE_ECHO_MAX_LINES = 3
# After a repeated title, this many following lines of the title block (a subtitle,
# a speaker's line) are looked for as repeats too.
TITLE_BLOCK_LINES = 2
# A line ending in a comma or colon leads into what follows ("各位代表："): not a title.
TITLE_BAD_ENDS = ",\uff0c:\uff1a\u3001"
# Label-like lines go with these neighbours only: decoration and corpus-frequent lines
# are too weak a sign (a "。" left by a broken link sits beside real names).
ANCHOR_CATEGORIES = frozenset(
    {"navigation", "page-tools", "metadata", "related", "site-name", "accessibility", "byline"}
)


def is_sentence(line: str) -> bool:
    """Tell whether a line ends like a sentence (and so is content).

    >>> is_sentence("全市参保人数达到714.9万人。")
    True
    >>> is_sentence("当前位置：首页")
    False
    """
    return line.rstrip()[-1:] in R.SENTENCE_END_CHARS


def next_text(lines: Sequence[str], index: int, step: int) -> str:
    """Return the nearest non-blank line after (``step`` 1) or before (-1) ``index``."""
    index += step
    while 0 <= index < len(lines):
        if lines[index].strip():
            return lines[index].strip()
        index += step
    return ""


def mark_breadcrumb_lines(lines: Sequence[str], verdicts: Verdicts) -> None:
    """Mark breadcrumbs scraped one node per line: "首页 / > / 政府信息公开 / > / ...".

    A chain alternates short label lines and separator lines ("›", ">"); it is a
    breadcrumb when it starts at the home page or has two separators or more, so
    a lone ">" between two words of a text is not enough.
    """
    # No separator line, no chain: most pages are done without a list of the lines.
    if R.SEPARATOR_LINES.isdisjoint(map(str.strip, lines)):
        return
    texts = [line.strip() for line in lines]
    nonblank = [i for i, text in enumerate(texts) if text]
    position = 0
    while position < len(nonblank):
        chain = [nonblank[position]]
        if R.LABEL_LINE_RE.match(texts[chain[0]]):
            step = position + 1
            while step + 1 < len(nonblank):
                separator, label = nonblank[step], nonblank[step + 1]
                if texts[separator] not in R.SEPARATOR_LINES:
                    break
                if not R.LABEL_LINE_RE.match(texts[label]):
                    break
                chain += [separator, label]
                step += 2
        separators = (len(chain) - 1) // 2
        home = texts[chain[0]] in R.HOME_WORDS
        if separators >= R.BREADCRUMB_MIN_SEPARATORS or (separators and home):
            for index in chain:
                if verdicts.get(index, ("decoration",))[0] == "decoration":
                    verdicts[index] = BREADCRUMB_LINES
        position += len(chain)


def find_title(lines: Sequence[str], verdicts: Verdicts) -> int | None:
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


def mark_title_echoes(lines: Sequence[str], verdicts: Verdicts, title_index: int) -> None:
    """Mark lines that repeat the title, whole or split over a few short lines.

    Right after a repeated title, the lines that repeat the ones after the title
    (its subtitle, the speaker's line) go too: the title block was printed twice.
    """
    title = _compact(lines[title_index])
    nonblank = [i for i in range(title_index + 1, len(lines)) if lines[i].strip()]
    for position in range(len(nonblank)):
        # An echo starts as the title does: most lines are done in one test.
        if lines[nonblank[position]].lstrip()[:1] != title[:1]:
            continue
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
                _mark_block_echo(lines, verdicts, nonblank, position + len(group))
                break


def _mark_block_echo(
    lines: Sequence[str], verdicts: Verdicts, nonblank: list[int], start: int
) -> None:
    """Mark the lines at ``start`` that repeat the lines right after the title."""
    block = nonblank[:TITLE_BLOCK_LINES]
    for offset, original in enumerate(block):
        position = start + offset
        if position >= len(nonblank) or nonblank[position] in block or original in verdicts:
            return
        index = nonblank[position]
        if index in verdicts:
            return
        text = lines[index].strip()
        if text != lines[original].strip() or is_sentence(text) or len(text) > TITLE_MAX_CHARS:
            return
        verdicts[index] = ("title-repeat", "repeats-title-block")


def mark_related_tail(lines: Sequence[str], verdicts: Verdicts) -> None:
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


def mark_beside_boilerplate(lines: Sequence[str], verdicts: Verdicts) -> None:
    """Mark label-like lines that stand directly beside page furniture (header blocks).

    "呼和浩特市人民政府 / 呼和浩特市医疗保障局 / 工作动态" above a breadcrumb are the
    site header; "首页 / > / 云南要闻" under "您的位置：" is a breadcrumb scraped one
    node per line; a bare date under "来源：云南日报" is the publish time. Only
    direct neighbours count (no blank line between) and only short label-like lines
    (no digits, no punctuation) or bare dates go. A title is safe: a complete
    breadcrumb spreads upwards only (titles stand below it), and a complete
    metadata line takes only fields (bare dates, "时间：", "编辑：何继红"). Linear
    in the number of lines.
    """
    if not verdicts:  # nothing to spread from: most pages
        return
    # The first line of a page is where its title stands: a short title there is
    # kept even beside page furniture, unless it is a site name.
    first = next((i for i, line in enumerate(lines) if line.strip()), -1)
    queue: deque[tuple[int, int, bool]] = deque()
    for index in sorted(verdicts):
        for step, fields_only in _spread_from(verdicts[index], lines[index].strip()):
            queue.append((index, step, fields_only))
    while queue:
        anchor, step, fields_only = queue.popleft()
        index = anchor + step
        if not 0 <= index < len(lines):
            continue
        text = lines[index].strip()
        if index == first and not R.SITE_NAME_RE.match(text):
            continue
        current = verdicts.get(index)
        if current == BREADCRUMB_LINES and not fields_only:
            # A breadcrumb found on its own is part of the furniture being spread over.
            queue.append((index, step, fields_only))
            continue
        if current is None:
            verdict = _beside_verdict(text, fields_only)
        elif current[0] == "decoration" and not fields_only and text in R.SEPARATOR_LINES:
            verdict = ("navigation", "separator-beside-boilerplate")  # ">" in a breadcrumb
        else:
            continue
        if verdict:
            verdicts[index] = verdict
            queue.append((index, step, fields_only))


def _spread_from(verdict: tuple[str, str], text: str) -> list[tuple[int, bool]]:
    """Return the directions (-1 up, +1 down) a removed line spreads in, and if fields only."""
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


def _beside_verdict(text: str, fields_only: bool) -> tuple[str, str] | None:
    """Return the verdict for a line beside page furniture, or None if it is content."""
    if R.DATE_LINE_RE.match(text):
        return ("metadata", "date-beside-boilerplate")
    if R.BARE_LABEL_RE.match(text):  # "时间：" over its date
        return ("metadata", "bare-label-beside-boilerplate")
    if R.NAME_FIELD_RE.match(text):  # "编辑：何继红" under "（来源：青海日报）"
        return ("byline", "name-field-beside-boilerplate")
    if fields_only:
        return None
    if R.SITE_NAME_RE.match(text):
        return ("site-name", "site-name-beside-boilerplate")
    if R.LABEL_LINE_RE.match(text):
        return ("navigation", BESIDE_RULE)
    return None
