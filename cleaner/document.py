"""Clean one document's text in memory: normalize, strip boilerplate, drop repeated blocks.

Pure: text and configuration in, :class:`~cleaner.data.CleanedText` out. The
corpus pipeline runs exactly this on every file.
"""

from __future__ import annotations

from typing import Any

from .boilerplate import strip_boilerplate
from .data import CleanConfig, CleanedText, Normalized
from .dedup import document_signature, find_duplicate_blocks, paragraph_signatures
from .normalize import normalize_text
from .quality import find_quality_warnings


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
    """Clean a text whose normalization is already done (the corpus pass normalizes once)."""
    lines = normalized.text.split("\n")
    raw_lines = raw_text.split("\n")
    stripped = strip_boilerplate(lines, config.boilerplate, frequent_keys, raw_lines)
    kept = stripped.lines
    blocks: tuple[Any, ...] = ()
    duplicate_removals: tuple[Any, ...] = ()
    # One numpy pass signs every paragraph: block dedup compares them, and the
    # document's signature is the minimum over the paragraphs it keeps.
    rows = paragraph_signatures(kept, config.dedup)
    if config.dedup.blocks:
        before = {line.line_no: row for row, line in enumerate(kept)}
        kept, blocks, duplicate_removals = find_duplicate_blocks(kept, config.dedup, rows)
        rows = rows[[before[line.line_no] for line in kept]]
    removed = tuple(
        sorted(stripped.removed + duplicate_removals, key=lambda r: (r.line_no, r.partial))
    )
    counted_lines = raw_lines[:-1] if raw_lines and raw_lines[-1] == "" else raw_lines
    return CleanedText(
        text="".join(line.text + "\n" for line in kept),
        metadata=stripped.metadata,
        removed=removed,
        duplicate_blocks=blocks,
        rule_counts=normalized.rule_counts,
        lines_in=len(counted_lines),
        lines_out=len(kept),
        warnings=find_quality_warnings(kept),
        signature=document_signature(rows),
    )
