r"""Explain how one text is cleaned, line by line: kept, changed, cut or removed, and why.

Pure: text and configuration in, an :class:`Explanation` out. It runs
``clean_text`` (what a run does to the file, except the corpus-level
``corpus-frequent`` pass, which needs the other documents) and lines the result
up with the input:

>>> explained = explain_text("当前位置\uff1a首页 > 要闻\n医保惠民\n全市参保714.9 万人\u3002")
>>> [(line.line_no, line.status, line.reason) for line in explained.lines]
[(1, 'removed', 'navigation/breadcrumb-label'), (2, 'kept', ''), (3, 'changed', '')]
>>> explained.lines[2].rules
('digit-cjk-spacing',)
>>> explained.lines[2].output == "全市参保714.9万人\u3002"
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Literal

from ..data import CleanConfig, CleanedText, Removal
from .document import clean_normalized
from .normalize import RULE_NAMES, normalize_text

LineStatus = Literal["kept", "changed", "partial", "removed", "blank"]
# Where two versions of a line differ, look this many characters ahead on each
# side for the nearest point where they agree again.
RESYNC_WINDOW = 64
# Two changes this close together read better as one (" 2 0 2 1 " -> "2021").
DIFF_MERGE_GAP = 1


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of a changed line: ``old`` became ``new`` (equal when unchanged).

    ``cut`` marks the fragment removed from a kept line (an attribution); its
    ``new`` is empty.
    """

    old: str
    new: str
    cut: bool = False


@dataclass(frozen=True, slots=True)
class ExplainedLine:
    """One input line and what cleaning did to it.

    Attributes:
        line_no: 1-based, in the input text.
        original: the line as it was read.
        status: ``kept`` (unchanged), ``changed`` (by normalization), ``partial``
            (kept with a fragment cut off), ``removed``, or ``blank`` (empty or
            white space: the output has no blank lines).
        output: the line as written; empty when removed or blank.
        reason: ``class/rule`` of the removal or cut (``navigation/breadcrumb-label``).
        rules: the normalization rules that changed the line, in the order they run.
        pieces: the line as a diff from ``original`` to ``output`` (changed and
            partial lines only).
        note: more about the reason (which lines a duplicated block repeats).
        warnings: kinds of the quality warnings on the line (``unit-without-figure``).

    """

    line_no: int
    original: str
    status: LineStatus
    output: str = ""
    reason: str = ""
    rules: tuple[str, ...] = ()
    pieces: tuple[Piece, ...] = ()
    note: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Explanation:
    """Every input line explained, and the cleaning result they come from."""

    lines: tuple[ExplainedLine, ...]
    cleaned: CleanedText

    def counts(self) -> Counter[str]:
        """Count the lines by status."""
        return Counter(line.status for line in self.lines)

    def removed_by_class(self) -> Counter[str]:
        """Count the removed lines by boilerplate class (``duplicate`` included)."""
        return Counter(line.reason.split("/")[0] for line in self.lines if line.status == "removed")


def explain_text(text: str, config: CleanConfig = CleanConfig()) -> Explanation:
    r"""Clean ``text`` as a run does and say, for every input line, what happened to it.

    >>> explained = explain_text("标题\n\n完成任务\u3002\uff08王 涛\uff09\n标题")
    >>> [line.status for line in explained.lines]
    ['kept', 'blank', 'partial', 'removed']
    >>> explained.lines[2].reason, explained.lines[3].reason
    ('attribution/trailing-names', 'title-repeat/repeats-title')
    >>> [piece for piece in explained.lines[2].pieces if piece.cut] == [
    ...     Piece("\uff08王 涛\uff09", "", cut=True)
    ... ]
    True
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    normalized = normalize_text(text, config.normalize)
    cleaned = clean_normalized(text, normalized, config, frozenset())
    originals = text.split("\n")
    if originals and originals[-1] == "":
        originals.pop()
    normals = normalized.text.split("\n")
    removals: dict[int, Removal] = {}
    cuts: dict[int, Removal] = {}
    for removal in cleaned.removed:
        chosen = cuts if removal.partial else removals
        chosen.setdefault(removal.line_no, removal)
    kept_numbers = [
        number
        for number in range(1, len(originals) + 1)
        if number not in removals and normals[number - 1].strip()
    ]
    outputs = cleaned.text.split("\n")[:-1]
    if len(outputs) != len(kept_numbers):  # never expected; fall back on the normal form
        outputs = [_without_cut(normals[n - 1], cuts.get(n)) for n in kept_numbers]
    output_of = dict(zip(kept_numbers, outputs, strict=True))
    notes = {
        block.lines[0]: f"repeats lines {block.original_lines[0]}-{block.original_lines[1]}"
        for block in cleaned.duplicate_blocks
    }
    warnings: dict[int, list[str]] = {}
    for warning in cleaned.warnings:
        warnings.setdefault(warning.line_no, []).append(warning.kind)
    lines = []
    for number, original in enumerate(originals, start=1):
        normal = normals[number - 1]
        base = ExplainedLine(number, original, "blank", warnings=tuple(warnings.get(number, ())))
        if number in removals:
            removal = removals[number]
            note = notes.get(number, "")
            line = replace(base, status="removed", reason=_reason(removal), note=note)
        elif number in output_of:
            line = _explain_kept(base, normal, output_of[number], cuts.get(number), config)
        else:
            line = base
        lines.append(line)
    return Explanation(tuple(lines), cleaned)


def diff_pieces(old: str, new: str) -> tuple[Piece, ...]:
    """Split a change from ``old`` to ``new`` into equal and changed pieces.

    >>> pieces = diff_pieces("全市,其中 2 0 2 1 年", "全市\uff0c其中2021年")
    >>> [piece.old for piece in pieces]
    ['全市', ',', '其中', ' 2 0 2 1 ', '年']
    >>> [piece.new for piece in pieces] == ["全市", "\uff0c", "其中", "2021", "年"]
    True
    """
    pieces: list[Piece] = []
    for i1, i2, j1, j2 in align(old, new):
        piece = Piece(old[i1:i2], new[j1:j2])
        if _mergeable(pieces, piece):
            gap = pieces.pop()
            previous = pieces.pop()
            piece = Piece(previous.old + gap.old + piece.old, previous.new + gap.new + piece.new)
        pieces.append(piece)
    return tuple(pieces)


def align(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """Line up two versions of a line: spans ``(i1, i2, j1, j2)``, equal or changed, in order.

    Normalization only makes small local edits, so a greedy walk that resumes at
    the nearest point where both sides agree again finds them, in linear time
    (difflib's matcher is quadratic on long lines of repetitive text).

    >>> align("a, b", "a\uff0cb")
    [(0, 1, 0, 1), (1, 3, 1, 2), (3, 4, 2, 3)]
    """
    spans = []
    i = j = 0
    while i < len(old) or j < len(new):
        start_i, start_j = i, j
        while i < len(old) and j < len(new) and old[i] == new[j]:
            i, j = i + 1, j + 1
        if i == start_i:
            skip_old, skip_new = _resync(old, new, i, j)
            i, j = i + skip_old, j + skip_new
        spans.append((start_i, i, start_j, j))
    return spans


def _resync(old: str, new: str, i: int, j: int) -> tuple[int, int]:
    """Return the shortest change (characters of ``old``, of ``new``) after which both agree."""
    for total in range(1, 2 * RESYNC_WINDOW + 1):
        for skip_old in range(min(total, RESYNC_WINDOW), max(0, total - RESYNC_WINDOW) - 1, -1):
            skip_new = total - skip_old
            if i + skip_old > len(old) or j + skip_new > len(new):
                continue
            at_ends = i + skip_old == len(old) and j + skip_new == len(new)
            if (
                at_ends
                or old[i + skip_old : i + skip_old + 1] == new[j + skip_new : j + skip_new + 1]
            ):
                return skip_old, skip_new
    return len(old) - i, len(new) - j


def _mergeable(pieces: list[Piece], piece: Piece) -> bool:
    """Tell whether a change follows another change across a gap of at most one character."""
    if piece.old == piece.new or len(pieces) < 2:
        return False
    gap, previous = pieces[-1], pieces[-2]
    # Only across digits, Latin letters and ASCII signs: "2 0 2 1" is one change,
    # while a Chinese character between a dropped space and a widened comma keeps
    # the two apart.
    short = len(gap.old) <= DIFF_MERGE_GAP and gap.old.isascii() and not gap.old.isspace()
    return gap.old == gap.new and short and previous.old != previous.new


def _explain_kept(
    base: ExplainedLine, normal: str, output: str, cut: Removal | None, config: CleanConfig
) -> ExplainedLine:
    """Explain a line that is written: unchanged, changed by normalization, or cut."""
    original = base.original
    rules = _rules_for(original, config) if normal != original else ()
    if cut is None:
        if output == original:
            return replace(base, status="kept", output=output)
        pieces = diff_pieces(original, output)
        return replace(base, status="changed", output=output, rules=rules, pieces=pieces)
    # The cut fragment is the end of the normalized line; find where it starts in
    # the original, so the rest is diffed and the fragment shown as it was read.
    split = _original_index(original, normal, len(output))
    pieces = (*diff_pieces(original[:split], output), Piece(original[split:], "", cut=True))
    return replace(
        base, status="partial", output=output, reason=_reason(cut), rules=rules, pieces=pieces
    )


def _original_index(original: str, normal: str, position: int) -> int:
    """Map a position in the normalized line back to the original line.

    >>> _original_index("完成\u3002 (王 涛)", "完成\u3002\uff08王 涛\uff09", 3)
    3
    """
    for i1, i2, j1, j2 in align(original, normal):
        if j1 <= position < j2 or (j1 == j2 == position):
            return i1 + (position - j1) if original[i1:i2] == normal[j1:j2] else i1
    return len(original)


def _rules_for(original: str, config: CleanConfig) -> tuple[str, ...]:
    """Return the normalization rules that change one line, in the order they run."""
    counts = normalize_text(original, config.normalize).rule_counts
    return tuple(rule for rule in RULE_NAMES if rule in counts)


def _without_cut(normal: str, cut: Removal | None) -> str:
    """Return a normalized line without its cut fragment."""
    if cut is not None and normal.rstrip().endswith(cut.text):
        return normal.rstrip()[: -len(cut.text)].rstrip()
    return normal


def _reason(removal: Removal) -> str:
    return f"{removal.category}/{removal.rule}"
