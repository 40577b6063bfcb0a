r"""Reposts that cut or add a paragraph: the containment test beside Jaccard similarity.

An article reposted with a paragraph cut, an editor's note added and another
site's header and footer is a duplicate to a corpus team, though the Jaccard
similarity of the two falls to 0.6-0.8: LSH banding tuned for 0.8 misses many
such pairs and the threshold rejects the rest. Containment, the share of the
smaller document's shingles found in the larger, stays near 1 for them.

Candidates come from the paragraphs: each document's paragraphs of at least
``MIN_PARAGRAPH_CHARS`` characters get a key from their MinHash signature (the
rows block dedup already computes), and two documents that share at least half
of the smaller one's keys are candidates. Each candidate is confirmed with the
exact containment of the texts' shingles (``pair_containments``), so no
document is dropped for a lucky key.

>>> keys = [np.array([1, 2, 3], np.uint64), np.array([1, 2, 3, 4], np.uint64),
...         np.array([5, 6], np.uint64)]
>>> candidate_pairs(keys).tolist()
[[0, 1]]
>>> pair_containments(["医保惠民工程\n全市参保", "医保惠民工程\n全市参保\n编者按"], [(0, 1)], 3)
[1.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..data import Line
from .exact import Codes, shingle_codes
from .lsh import Pairs, pairs_in_runs, unique_pairs
from .minhash import Signatures, is_empty
from .shingles import document_shingles

Keys = npt.NDArray[np.uint64]
# Shorter paragraphs (headings, bylines, a site's name) say little about which
# article a page holds, and many pages share them.
MIN_PARAGRAPH_CHARS = 20
# Two documents are candidates when they share at least this share of the
# smaller one's paragraph keys (and at least ``MIN_SHARED_PARAGRAPHS``).
MIN_SHARED_SHARE = 0.5
MIN_SHARED_PARAGRAPHS = 2
# A paragraph found in more documents than this is a template's, not an article's:
# its pairs are not counted (a thousand pages sharing a footer would make a
# million pairs).
MAX_DOCUMENTS_PER_KEY = 64


def paragraph_keys(rows: Signatures, lines: Sequence[Line]) -> Keys:
    """Return the sorted distinct keys of a document's long paragraphs.

    A key packs the first two values of a paragraph's MinHash signature: equal
    paragraphs always share it, paragraphs of Jaccard similarity ``s`` with
    probability ``s**2``, unrelated ones almost never.

    >>> rows = np.array([[1, 2, 9], [1, 2, 8], [3, 4, 5]], np.uint32)
    >>> lines = [Line(1, "x" * 30), Line(2, "y" * 30), Line(3, "short")]
    >>> paragraph_keys(rows, lines).tolist()
    [4294967298]
    """
    if not len(lines):
        return np.zeros(0, dtype=np.uint64)
    long_enough = np.fromiter((len(line.text) >= MIN_PARAGRAPH_CHARS for line in lines), bool)
    chosen = rows[long_enough & ~is_empty(rows)]
    keys = (chosen[:, 0].astype(np.uint64) << np.uint64(32)) | chosen[:, 1].astype(np.uint64)
    return np.unique(keys)


def candidate_pairs(keys: Sequence[Keys | None]) -> Pairs:
    """Return the pairs of documents (positions) that share most of the smaller one's paragraphs."""
    counts = np.fromiter((0 if k is None else len(k) for k in keys), np.int64, len(keys))
    if counts.sum() == 0:
        return np.zeros((0, 2), dtype=np.int64)
    flat = np.concatenate([k for k in keys if k is not None and len(k)])
    owner = np.repeat(np.arange(len(keys)), counts)
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    sizes = np.diff(np.append(starts, len(ordered)))
    # Keys of one document only, or of a template's many documents, pair nobody.
    useful = (sizes > 1) & (sizes <= MAX_DOCUMENTS_PER_KEY)
    if not useful.any():
        return np.zeros((0, 2), dtype=np.int64)
    taken = np.repeat(useful, sizes)
    members = owner[order][taken]
    runs = np.flatnonzero(np.concatenate([[True], np.diff(np.repeat(starts, sizes)[taken]) != 0]))
    pairs = pairs_in_runs(members, runs, len(members))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if not len(pairs):
        return np.zeros((0, 2), dtype=np.int64)
    span = len(keys)
    packed, shared = np.unique(pairs[:, 0] * span + pairs[:, 1], return_counts=True)
    first, second = packed // span, packed % span
    smaller = np.minimum(counts[first], counts[second])
    enough = (shared >= MIN_SHARED_PARAGRAPHS) & (shared >= MIN_SHARED_SHARE * smaller)
    return unique_pairs(np.stack([first[enough], second[enough]], axis=1))


def pair_containments(
    texts: Sequence[str], pairs: Sequence[tuple[int, int]], size: int
) -> list[float]:
    """Return, per pair, the share of the smaller text's shingles found in the other text.

    The shingles are those of Jaccard similarity (``dedup.shingles``); "smaller"
    is the text with fewer of them.

    >>> pair_containments(["abcdef", "abcdefgh", "xyz"], [(0, 1), (0, 2)], 3)
    [1.0, 0.0]
    """
    used = sorted({index for pair in pairs for index in pair})
    sets = shingle_codes([texts[index] for index in used], size)
    if sets is None:  # too many distinct characters to pack: sets of strings
        own_sets = {index: document_shingles(texts[index], size) for index in used}
        return [_set_containment(own_sets[a], own_sets[b]) for a, b in pairs]
    own = dict(zip(used, sets, strict=True))
    return [_containment(own[a], own[b]) for a, b in pairs]


def _containment(first: Codes, second: Codes) -> float:
    """Containment of the smaller of two sorted arrays of distinct codes in the other."""
    small, large = (first, second) if len(first) <= len(second) else (second, first)
    if not len(small):
        return 0.0
    if not len(large):
        return 0.0
    places = np.searchsorted(large, small)
    places[places == len(large)] = 0
    return int(np.count_nonzero(large[places] == small)) / len(small)


def _set_containment(first: set[str], second: set[str]) -> float:
    small, large = (first, second) if len(first) <= len(second) else (second, first)
    return len(small & large) / len(small) if small else 0.0
