"""Strip web boilerplate line by line, keeping the values of metadata lines.

Pure: normalized lines in, :class:`~cleaner.data.Stripped` out. Each removed
line carries its class and the rule that fired (see ``rules.py``), so the
report can explain every removal. Content wins ties: a line that ends like a
sentence is never removed by a pattern meant for short navigation lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, compress
from typing import NamedTuple

from ...data import BoilerplateConfig, Line, Removal, Stripped
from . import neighbours as N
from . import rules as R
from .lines import CAPTION, DECORATION, Position, classify_line
from .lines import corpus_candidate as corpus_candidate
from .lines import line_key as line_key
from .metadata import read_metadata
from .neighbours import is_sentence as is_sentence

# Captions that make up this share of a page's text are its content (a photo story).
PHOTO_STORY_SHARE = 0.25
NO_KEYS: frozenset[int] = frozenset()


def edge_zone(lines: Sequence[str], size: int) -> frozenset[int]:
    """Return the indexes of the first and last ``size`` non-blank lines.

    >>> sorted(edge_zone(["a", "", "b", "c", "d"], 1))
    [0, 4]
    """
    nonblank = [index for index, line in enumerate(lines) if line.strip()]
    return frozenset(nonblank[:size] + nonblank[-size:])


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
    if config.enabled:
        verdicts, texts, fragments, title_index = _judge_page(lines, config, frequent_keys)
    else:
        verdicts, texts, fragments, title_index = {}, list(lines), {}, N.find_title(lines, {})
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


def line_positions(lines: Sequence[str], gone: frozenset[int] = frozenset()) -> list[Position]:
    """Return each line's place among the non-blank lines, from the top and the bottom.

    Lines in ``gone`` (removed) are not counted, so a place is the one the line
    has in the cleaned text.

    >>> line_positions(["a", "", "b"])
    [(0, 1), (1, 1), (1, 0)]
    >>> line_positions(["a", "x", "b"], frozenset({1}))
    [(0, 1), (1, 1), (1, 0)]
    """
    return _positions([bool(line.strip()) for line in lines], gone)


def _positions(nonblank: Sequence[bool], gone: frozenset[int]) -> list[Position]:
    """Return ``line_positions`` from the lines' blankness, computed once per page.

    Both counts are running sums, paired by ``zip``: no Python code runs per line.
    """
    counted = [flag and i not in gone for i, flag in enumerate(nonblank)] if gone else nonblank
    before = accumulate(counted, initial=0)  # counted lines above each line
    # Counted lines below each line: the running sum from the bottom, one line down.
    after = list(accumulate(reversed(counted), initial=0))[-2::-1]
    return list(zip(before, after, strict=False))  # ``before`` ends with the total: dropped


class _Judgement(NamedTuple):
    """A page judged: verdicts by line index, texts with attributions cut, the title."""

    verdicts: dict[int, tuple[str, str]]
    texts: list[str]
    fragments: dict[int, str]  # attribution fragments cut off the end of lines
    title_index: int | None


def _judge_page(
    lines: Sequence[str], config: BoilerplateConfig, frequent_keys: frozenset[int]
) -> _Judgement:
    """Judge the lines until the places the rules of place saw are the places that remain.

    A footer rule looks at the last lines of the cleaned page, not of the
    scraped one: otherwise a copyright line with breadcrumbs (or echoes of the
    title) below it stays, and a second cleaning, with them gone, removes it.
    Only lines whose place moved within reach of a zone are judged again, so
    this costs little. Lines block dedup removes later are handled by
    ``document.strip_again``.
    """
    nonblank = [bool(line.strip()) for line in lines]
    positions = _positions(nonblank, frozenset())
    # A blank line is never boilerplate: only the others are judged.
    every_line = list(compress(range(len(lines)), nonblank))
    judged = _line_verdicts(lines, positions, config, frequent_keys, every_line)
    result = _judge_neighbours(lines, dict(judged), positions, config)
    # Most pages lose no line, so no place moves: the first judgement stands.
    if not result.verdicts:
        return result
    reach = max([R.EDGE_ZONE_LINES] + [rule.zone_lines for rule in (*R.LINE_RULES, *config.rules)])
    seen_at = _places(positions, reach)
    while True:
        gone = frozenset(result.verdicts)
        positions = _positions(nonblank, gone)
        places = _places(positions, reach)
        moved = [index for index, place in enumerate(places) if seen_at[index] != place]
        if not moved:
            return result
        found = _line_verdicts(lines, positions, config, frequent_keys, moved)
        for index in moved:
            seen_at[index] = places[index]
            verdict = found.get(index)
            if verdict:
                judged[index] = verdict
            else:
                judged.pop(index, None)
        result = _judge_neighbours(lines, dict(judged), positions, config)
        # The same lines gone give the same places, so no line would move: done.
        if gone == result.verdicts.keys():
            return result


def _places(positions: Sequence[Position], reach: int) -> list[tuple[int, int]]:
    """Return the lines' places as rules of place see them: beyond ``reach`` all are alike."""
    return [
        (top if top < reach else reach, bottom if bottom < reach else reach)
        for top, bottom in positions
    ]


def _judge_neighbours(
    lines: Sequence[str],
    verdicts: dict[int, tuple[str, str]],
    positions: Sequence[Position],
    config: BoilerplateConfig,
) -> _Judgement:
    """Add what lines are by their neighbours and by the title to the lines' own verdicts."""
    _keep_photo_story(lines, verdicts)
    N.mark_breadcrumb_lines(lines, verdicts)
    N.mark_related_tail(lines, verdicts)
    N.mark_beside_boilerplate(lines, verdicts)
    title_index = N.find_title(lines, verdicts)
    # Attributions are cut before titles are compared, so a title repeated with
    # "（王 涛）" after it is still a repeat (and a second cleaning finds nothing).
    texts = list(lines)
    fragments = _cut_attributions(texts, positions, verdicts, title_index, config)
    if title_index is not None:
        N.mark_title_echoes(texts, verdicts, title_index)
    return _Judgement(verdicts, texts, fragments, title_index)


def _line_verdicts(
    lines: Sequence[str],
    positions: Sequence[Position],
    config: BoilerplateConfig,
    frequent_keys: frozenset[int],
    indices: Sequence[int],
) -> dict[int, tuple[str, str]]:
    """Judge the lines at ``indices`` on their own (and by their place in the page).

    Returns the verdicts of the lines that are boilerplate, in line order.
    """
    zone = edge_zone(lines, config.corpus_zone_lines) if frequent_keys else frozenset()
    # The first line is where the title stands; a title many documents share
    # ("政府工作报告") is still their title.
    zone -= {min(zone, default=-1)}
    found: dict[int, tuple[str, str]] = {}
    for index in indices:
        frequent = frequent_keys if index in zone else NO_KEYS
        verdict = classify_line(lines[index], frequent, config, positions[index])
        if verdict is None:
            continue
        if verdict[0] == "corpus-frequent" and _inside_sentence(lines, index):
            continue
        if verdict == DECORATION and _is_footnote_mark(lines, index):
            continue
        found[index] = verdict
    return found


def _cut_attributions(
    texts: list[str],
    positions: Sequence[Position],
    verdicts: dict[int, tuple[str, str]],
    title_index: int | None,
    config: BoilerplateConfig,
) -> dict[int, str]:
    """Cut trailing attributions off kept lines (in ``texts``); return the fragments cut."""
    fragments: dict[int, str] = {}
    for index, line in enumerate(list(texts)):
        # An attribution ends in a closing bracket: most lines are done in one test.
        ending = line.rstrip().endswith((")", "\uff09"))  # False for a blank line too
        if not ending or index in verdicts or index == title_index:
            continue
        texts[index], fragment = _strip_attribution(line)
        if not fragment:
            continue
        # What is left is judged again: "中（王 涛）" leaves a page-tool word.
        rest = classify_line(texts[index], frozenset(), config, positions[index])
        if rest or not texts[index].strip():
            verdicts[index] = rest or ("attribution", "trailing-names")
        else:
            fragments[index] = fragment
    return fragments


def _keep_photo_story(lines: Sequence[str], verdicts: dict[int, tuple[str, str]]) -> None:
    """Keep the captions of a photo story: where they are much of the text, they are the text.

    A caption beside a long report describes a picture the text does not have; a
    page of three captioned photos and one sentence tells its story in them.
    """
    captions = [i for i, verdict in verdicts.items() if verdict == CAPTION]
    if not captions:
        return
    caption_chars = sum(len(lines[i].strip()) for i in captions)
    other_chars = sum(len(line.strip()) for i, line in enumerate(lines) if i not in verdicts)
    if caption_chars >= PHOTO_STORY_SHARE * (caption_chars + other_chars):
        for index in captions:
            del verdicts[index]


def _is_footnote_mark(lines: Sequence[str], index: int) -> bool:
    """Tell whether a line is a lone "↑" or "^", a footnote's back-link (Wikisource notes).

    Always kept: judging it by the note after it made a second cleaning differ
    from the first once a repeated note was removed.
    """
    return lines[index].strip() in R.FOOTNOTE_MARKS


def _inside_sentence(lines: Sequence[str], index: int) -> bool:
    """Tell whether a line is a piece of a sentence broken over lines (at a link).

    "…国务院总理李克强所作的 / 政府工作报告 / 。会议…": the line before does not end a
    sentence and the line after goes on with punctuation.
    """
    before = next((lines[i].strip() for i in range(index - 1, -1, -1) if lines[i].strip()), "")
    after = next((lines[i].strip() for i in range(index + 1, len(lines)) if lines[i].strip()), "")
    return bool(before) and not is_sentence(before) and after[:1] in R.TEXT_PUNCTUATION


def _strip_attribution(line: str) -> tuple[str, str]:
    """Split trailing spaced-names attributions off a line: ``(text, fragment)``.

    All of them go at once ("…（王 涛）（赵 冉）"), so cleaning the result again
    finds nothing more to cut.

    >>> _strip_attribution("完成。（王 涛）(赵 冉)")
    ('完成。', '（王 涛）(赵 冉)')
    """
    text = line
    # An attribution ends in a closing bracket: most lines are done without a search.
    while text.rstrip()[-1:] in ")\uff09":
        match = R.ATTRIBUTION_RE.search(text)
        if not match or match.start() == 0:
            break
        text = text[: match.start()].rstrip()
    return text, line[len(text) :].strip()
