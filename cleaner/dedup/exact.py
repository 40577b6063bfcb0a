"""Exact Jaccard similarity of many document pairs at once.

The candidates LSH cannot settle from their estimates are checked exactly. The
shingles are the same as ``dedup.document_shingles`` (character n-grams of each
line, white space removed; a line no longer than n is one shingle), but each is
an integer: the characters of a group of texts are numbered 1, 2, ... and an
n-gram's numbers are packed into one 64-bit code, which is exact, not a hash.
Sets of codes are sorted arrays, so the work is a few numpy calls per text
instead of a Python string per shingle: 2.5x faster than sets of strings on
the candidates of the generated corpus (119 against 300 us a pair).

A group whose texts use too many distinct characters for the packing (more
than 4,095 at n = 5) is split, down to single pairs, which fall back to sets
of strings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .shingles import document_shingles, jaccard

Codes = npt.NDArray[np.uint64]


def pair_similarities(
    texts: Sequence[str], pairs: Sequence[tuple[int, int]], size: int
) -> list[float]:
    """Return the exact Jaccard similarity of ``texts[a]`` and ``texts[b]`` for each pair.

    >>> pair_similarities(["医保惠民工程", "医保惠民项目", "医保惠民工程"], [(0, 1), (0, 2)], 3)
    [0.3333333333333333, 1.0]
    """
    used = sorted({index for pair in pairs for index in pair})
    sets = shingle_codes([texts[index] for index in used], size)
    if sets is None:  # too many distinct characters to pack: smaller groups
        if len(pairs) == 1:
            ((first, second),) = pairs
            shingles = [document_shingles(texts[index], size) for index in (first, second)]
            return [jaccard(*shingles)]
        half = len(pairs) // 2
        return pair_similarities(texts, pairs[:half], size) + pair_similarities(
            texts, pairs[half:], size
        )
    own = dict(zip(used, sets, strict=True))
    return [_similarity(own[first], own[second]) for first, second in pairs]


def _similarity(first: Codes, second: Codes) -> float:
    """Jaccard similarity of two sorted arrays of distinct codes."""
    if not len(first) or not len(second):
        return 1.0 if not len(first) and not len(second) else 0.0
    places = np.searchsorted(second, first)
    places[places == len(second)] = 0
    shared = int(np.count_nonzero(second[places] == first))
    return shared / (len(first) + len(second) - shared)


def shingle_codes(texts: Sequence[str], size: int) -> list[Codes] | None:
    """Return each text's shingles as a sorted array of distinct codes, or None.

    None says the texts use more distinct characters than ``64 // size`` bits
    can number. Each line is followed by ``size - 1`` zeros, so a window never
    spans two lines and a short line's window is the line, padded with zeros
    (no character is numbered 0).
    """
    bits = 64 // size
    lines_per_text = []
    lines: list[str] = []
    for text in texts:
        compact = [line for line in ("".join(raw.split()) for raw in text.split("\n")) if line]
        lines += compact
        lines_per_text.append(len(compact))
    points = np.frombuffer("".join(lines).encode("utf-32-le"), dtype=np.uint32)
    numbers = _number_characters(points, bits)
    if numbers is None:
        return None
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    gap = size - 1
    line_of = np.repeat(np.arange(len(lines)), lengths)
    at = np.arange(len(points)) + line_of * gap  # each character's place, lines padded
    padded = np.zeros(len(points) + len(lines) * gap, dtype=np.uint64)
    padded[at] = numbers
    ends = np.cumsum(lengths + gap) - gap
    starts = ends - lengths
    window_at = (at + size <= ends[line_of]) | ((lengths[line_of] < size) & (at == starts[line_of]))
    windows = at[window_at]
    codes = np.zeros(len(windows), dtype=np.uint64)
    shift = np.uint64(bits)
    for offset in range(size):
        codes <<= shift
        codes |= padded[windows + offset]
    # Windows come in text order: each text's are one slice.
    bounds = np.searchsorted(line_of[window_at], np.cumsum([0, *lines_per_text]))
    return [_distinct(codes[bounds[k] : bounds[k + 1]]) for k in range(len(texts))]


def _number_characters(points: npt.NDArray[np.uint32], bits: int) -> Codes | None:
    """Give the distinct code points the numbers 1, 2, ... in order; None if they need more bits."""
    if not len(points):
        return np.zeros(0, dtype=np.uint64)
    present = np.zeros(int(points.max()) + 1, dtype=bool)
    present[points] = True
    distinct = np.flatnonzero(present)
    if len(distinct) >= 1 << bits:
        return None
    number = np.zeros(len(present), dtype=np.uint64)
    number[distinct] = np.arange(1, len(distinct) + 1, dtype=np.uint64)
    return number[points]


def _distinct(codes: Codes) -> Codes:
    """Sorted distinct codes (``np.unique`` hashes first, 4x slower at these sizes)."""
    codes = np.sort(codes)
    if len(codes) < 2:
        return codes
    return codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
