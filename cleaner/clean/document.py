"""Clean one document's text in memory: normalize, strip boilerplate, drop repeated blocks.

Pure: text and configuration in, :class:`~cleaner.data.CleanedText` out. The
corpus pipeline runs exactly this on every file.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..data import CleanConfig, CleanedText, Line, Normalized, Removal, Stripped
from ..dedup.near import Signature, Signatures, document_signature, paragraph_signatures
from .blocks import find_duplicate_blocks
from .boilerplate.strip import strip_boilerplate
from .normalize import normalize_text
from .quality import find_quality_warnings
from .signals import measure_signals


def clean_text(
    text: str,
    config: CleanConfig = CleanConfig(),
    frequent_keys: frozenset[int] = frozenset(),
) -> CleanedText:
    r"""Clean one document's text: normalize, strip boilerplate, drop repeated blocks.

    >>> result = clean_text("当前位置：首页 > 要闻\n医保惠民\n全市参保714.9 万人。")
    >>> result.text
    '医保惠民\n全市参保714.9万人。\n'
    >>> [(r.line_no, r.category) for r in result.removed]
    [(1, 'navigation')]
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return clean_normalized(text, normalize_text(text, config.normalize), config, frequent_keys)


def clean_normalized(
    raw_text: str, normalized: Normalized, config: CleanConfig, frequent_keys: frozenset[int]
) -> CleanedText:
    """Clean a text whose normalization is already done, and measure its signals.

    The corpus pass runs the halves below itself and measures a batch's signals at once.
    """
    stripped = strip_document(raw_text, normalized, config, frequent_keys)
    rows = paragraph_signatures(stripped.lines, config.dedup)
    cleaned = finish_document(raw_text, normalized, stripped, rows, config)
    return replace(cleaned, signals=measure_signals(cleaned.text))


def strip_document(
    raw_text: str, normalized: Normalized, config: CleanConfig, frequent_keys: frozenset[int]
) -> Stripped:
    """Strip boilerplate from a normalized text: the first half of ``clean_normalized``."""
    lines = normalized.text.split("\n")
    return strip_boilerplate(lines, config.boilerplate, frequent_keys, raw_text.split("\n"))


def finish_document(
    raw_text: str,
    normalized: Normalized,
    stripped: Stripped,
    rows: Signatures,
    config: CleanConfig,
    may_repeat: bool = True,
    signature: Signature | None = None,
) -> CleanedText:
    """Drop repeated blocks and assemble the result: the second half of ``clean_normalized``.

    ``rows`` are the signatures of ``stripped.lines``, one each. They come from
    the caller so that a batch of documents is signed in one call (a call has a
    fixed cost); block dedup compares them, and the
    document's signature is their minimum over the paragraphs it keeps.
    ``may_repeat=False`` says no two paragraphs share a band (the batch checked),
    so there is no repeated block to look for. ``signature``, when given, is the
    minimum of all of ``rows`` (a batch computes its documents' at once).
    """
    whole = signature
    kept = stripped.lines
    blocks: tuple[Any, ...] = ()
    duplicate_removals: tuple[Any, ...] = ()
    if config.dedup.blocks and may_repeat:
        before = {line.line_no: row for row, line in enumerate(kept)}
        kept, blocks, duplicate_removals = find_duplicate_blocks(kept, config.dedup, rows)
        if len(kept) != len(rows):
            rows, whole = rows[[before[line.line_no] for line in kept]], None
        if duplicate_removals and config.boilerplate.enabled:
            kept, again = strip_again(kept, config)
            if again:
                duplicate_removals += again
                rows, whole = paragraph_signatures(kept, config.dedup), None
    removed = tuple(
        sorted(stripped.removed + duplicate_removals, key=lambda r: (r.line_no, r.partial))
    )
    return CleanedText(
        text="\n".join([line.text for line in kept]) + "\n" if kept else "",
        metadata=stripped.metadata,
        removed=removed,
        duplicate_blocks=blocks,
        rule_counts=normalized.rule_counts,
        lines_in=count_lines(raw_text),
        lines_out=len(kept),
        warnings=find_quality_warnings(kept),
        signature=whole if whole is not None else document_signature(rows),
    )


def count_lines(text: str) -> int:
    r"""Return how many lines ``text`` has; a final newline ends a line, it opens none.

    Counted, not split: the text may be long and its lines are not needed.

    >>> count_lines(""), count_lines("a"), count_lines("a\n"), count_lines("a\n\nb")
    (0, 1, 1, 3)
    """
    return text.count("\n") + (not text.endswith("\n") and text != "")


def strip_again(
    kept: tuple[Line, ...], config: CleanConfig
) -> tuple[tuple[Line, ...], tuple[Removal, ...]]:
    """Strip the lines left after block dedup once more, as a second cleaning would.

    Rules of place (a footer in the last lines, a menu at the edge) see the page
    without the repeated block: the lines of the first copy of an article
    printed twice are the tail now. Returns the lines that stay and the new
    removals, numbered as in the input.
    """
    again = strip_boilerplate([line.text for line in kept], config.boilerplate)
    if not again.removed:
        return kept, ()
    numbers = [line.line_no for line in kept]
    lines = tuple(replace(line, line_no=numbers[line.line_no - 1]) for line in again.lines)
    removals = tuple(replace(r, line_no=numbers[r.line_no - 1]) for r in again.removed)
    return lines, removals
