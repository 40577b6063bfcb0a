"""Group near-duplicate MinHash signatures into clusters with LSH banding.

The signature is cut into ``bands`` bands of ``rows`` values; two signatures
become a *candidate pair* when all the values of at least one band agree, which
for sets of Jaccard similarity ``s`` happens with probability
``1 - (1 - s**rows)**bands``. ``choose_banding`` picks bands x rows for a
threshold by minimizing the weighted areas of false positives (below the
threshold) and false negatives (above it), as datasketch's ``MinHashLSH`` does,
but with false negatives weighted 19:1 by default: every candidate is verified
afterwards, so a false positive costs one comparison while a false negative
loses a duplicate. For threshold 0.8 and 128 permutations this gives 16 bands x
8 rows, which catches a pair with probability 0.613 at J = 0.7, 0.947 at
J = 0.8, 0.9938 at J = 0.85 and 0.9999 at J = 0.9 (datasketch's default
weights give 9 x 13: 0.084, 0.399 and 0.929).

Everything is vectorized: each band is hashed to one ``uint64`` key, equal keys
are found by sorting, and the candidates of a band are generated as index
arrays. Candidates are verified with the MinHash estimate of the Jaccard
similarity, or with an exact callback for the candidates whose estimate is
within ``exact_margin`` of the threshold (the estimate's standard deviation is
about 0.035 at J = 0.8 and 128 permutations, so on a generated corpus a few
pairs at J = 0.75 pass and a few at J = 0.85 fail without it). Verified pairs
are joined into connected components whose root is the smallest index, so the
first document in sorted order is the one kept. Identical signatures are merged
up front (estimate 1.0), so a thousand copies of one page do not make a million
candidate pairs; a bucket of many *different* signatures still yields all its
pairs. Empty signatures (see ``cleaner.minhash.is_empty``) never join a cluster.
The result depends only on the signatures and the parameters.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .identical import identical_groups
from .minhash import FNV_OFFSET_64, FNV_PRIME_64, Signatures, estimate_rows, is_empty

Pairs = npt.NDArray[np.int64]  # shape (m, 2), first < second
# The exact similarity of each pair asked about (NaN: unknown, the estimate decides).
ExactJaccard = Callable[[Pairs], npt.NDArray[np.float64]]

DEFAULT_FALSE_POSITIVE_WEIGHT = 0.05
DEFAULT_FALSE_NEGATIVE_WEIGHT = 0.95
EXACT_MARGIN = 0.15  # see needs_exact
VERIFY_CHUNK_PAIRS = 1 << 15  # pairs compared per numpy call: 4 MB of booleans at 128 perms

_INTEGRATION_POINTS = 2001  # odd, for Simpson's rule; error far below the gaps between choices
_KEY_OFFSET = FNV_OFFSET_64
_KEY_MULTIPLIER = FNV_PRIME_64  # applied per 32-bit value


@dataclass(frozen=True, slots=True)
class Banding:
    """How a signature is cut for LSH: ``bands`` bands of ``rows`` values each."""

    bands: int
    rows: int

    def __post_init__(self) -> None:
        if self.bands < 1 or self.rows < 1:
            raise ValueError(f"bands and rows must be >= 1, not {self.bands} x {self.rows}")

    def catch_probability(self, similarity: float) -> float:
        """Return the probability that a pair of this Jaccard similarity becomes a candidate.

        >>> round(Banding(16, 8).catch_probability(0.8), 4)
        0.947
        """
        return float(1.0 - (1.0 - similarity**self.rows) ** self.bands)


def _integrate(values: npt.NDArray[np.float64], low: float, high: float) -> float:
    """Integrate samples taken on an even grid of odd length by Simpson's rule."""
    weights = np.ones(len(values))
    weights[1:-1:2] = 4.0
    weights[2:-1:2] = 2.0
    return float((high - low) / (len(values) - 1) / 3.0 * np.dot(weights, values))


def _error_areas(threshold: float, bands: int, rows: int) -> tuple[float, float]:
    """Return the false positive and false negative areas of a banding."""
    below = np.linspace(0.0, threshold, _INTEGRATION_POINTS)
    above = np.linspace(threshold, 1.0, _INTEGRATION_POINTS)
    false_positive = _integrate(1.0 - (1.0 - below**rows) ** bands, 0.0, threshold)
    false_negative = _integrate((1.0 - above**rows) ** bands, threshold, 1.0)
    return false_positive, false_negative


@functools.cache
def choose_banding(
    threshold: float,
    num_perm: int,
    false_positive_weight: float = DEFAULT_FALSE_POSITIVE_WEIGHT,
    false_negative_weight: float = DEFAULT_FALSE_NEGATIVE_WEIGHT,
) -> Banding:
    """Return the bands x rows (``bands * rows <= num_perm``) with the least weighted error.

    >>> choose_banding(0.8, 128)
    Banding(bands=16, rows=8)
    >>> choose_banding(0.8, 128, 0.5, 0.5)  # datasketch's weights
    Banding(bands=9, rows=13)
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    if num_perm < 1:
        raise ValueError(f"num_perm must be >= 1, not {num_perm}")
    best, best_error = Banding(1, 1), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive, false_negative = _error_areas(threshold, bands, rows)
            error = false_positive_weight * false_positive + false_negative_weight * false_negative
            if error < best_error:
                best, best_error = Banding(bands, rows), error
    return best


def band_keys(signature_array: Signatures, banding: Banding) -> npt.NDArray[np.uint64]:
    """Hash each band of each signature to one ``uint64`` key: shape ``(n, bands)``.

    Bands use the first ``bands * rows`` values, band ``i`` the values
    ``i * rows`` to ``(i + 1) * rows``, as datasketch's ``MinHashLSH``.

    >>> band_keys(np.zeros((2, 6), np.uint32), Banding(3, 2)).shape
    (2, 3)
    """
    used = banding.bands * banding.rows
    if signature_array.shape[1] < used:
        raise ValueError(
            f"signatures have {signature_array.shape[1]} values, {banding} needs {used}"
        )
    cube = signature_array[:, :used].reshape(len(signature_array), banding.bands, banding.rows)
    keys = np.full(cube.shape[:2], _KEY_OFFSET, dtype=np.uint64)
    for row in range(banding.rows):
        keys ^= cube[:, :, row]
        keys *= np.uint64(_KEY_MULTIPLIER)
    return keys


def pairs_in_runs(
    order: npt.NDArray[np.int64], run_starts: npt.NDArray[np.int64], total: int
) -> Pairs:
    """Return every pair of ``order`` entries that fall in the same run (as index pairs)."""
    run_ends = np.append(run_starts[1:], total)
    positions = np.arange(total)
    partners = (
        np.repeat(run_ends, run_ends - run_starts) - positions - 1
    )  # later entries in the run
    first = np.repeat(positions, partners)
    offsets = np.arange(len(first)) - np.repeat(np.cumsum(partners) - partners, partners)
    second = first + offsets + 1
    pairs = np.stack([order[first], order[second]], axis=1)
    return np.sort(pairs, axis=1)


def candidate_pairs(
    keys: npt.NDArray[np.uint64], members: npt.NDArray[np.int64] | None = None
) -> Pairs:
    """Return the distinct pairs that share at least one band key, sorted.

    ``keys`` has one row per signature; ``members`` names the rows (default
    ``0..n-1``) and the pairs are given in those names.

    >>> keys = np.array([[1, 5], [2, 5], [1, 6]], dtype=np.uint64)
    >>> candidate_pairs(keys).tolist()
    [[0, 1], [0, 2]]
    """
    names = np.arange(len(keys)) if members is None else members
    found = [np.empty((0, 2), dtype=np.int64)]
    for band in range(keys.shape[1]):
        order = np.argsort(keys[:, band], kind="stable")
        ordered = keys[order, band]
        run_starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
        sizes = np.diff(np.append(run_starts, len(ordered)))
        if np.any(sizes > 1):
            found.append(pairs_in_runs(names[order], run_starts, len(ordered)))
    return unique_pairs(np.concatenate(found).astype(np.int64))


def unique_pairs(pairs: Pairs) -> Pairs:
    """Return the distinct rows of non-negative pairs, sorted (``np.unique(axis=0)``, 10x faster).

    Each pair is packed into one integer ``first * span + second``; ``np.unique``
    on rows compares them as raw bytes.

    >>> unique_pairs(np.array([[2, 1], [0, 3], [2, 1], [0, 1]])).tolist()
    [[0, 1], [0, 3], [2, 1]]
    """
    if not len(pairs):
        return pairs.reshape(0, 2)
    span = int(pairs.max()) + 1
    if span >= 1 << 31:  # the packed value would not fit in 63 bits
        return np.unique(pairs, axis=0)
    packed = np.sort(pairs[:, 0] * span + pairs[:, 1])
    packed = packed[np.concatenate(([True], packed[1:] != packed[:-1]))]
    return np.stack([packed // span, packed % span], axis=1)


def estimate_pair_jaccard(signature_array: Signatures, pairs: Pairs) -> npt.NDArray[np.float64]:
    """Return the MinHash estimate of the Jaccard similarity of each pair.

    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 0, 4], [9, 9, 9, 9]], np.uint32)
    >>> estimate_pair_jaccard(sigs, np.array([[0, 1], [0, 2]])).tolist()
    [0.75, 0.0]
    """
    estimates = np.empty(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), VERIFY_CHUNK_PAIRS):
        chunk = pairs[start : start + VERIFY_CHUNK_PAIRS]
        first, second = signature_array[chunk[:, 0]], signature_array[chunk[:, 1]]
        estimates[start : start + len(chunk)] = estimate_rows(first, second)
    return estimates


def pairwise(similarity: Callable[[int, int], float | None]) -> ExactJaccard:
    """Turn a function of one pair (None: unknown) into an ``ExactJaccard`` of many.

    >>> pairwise(lambda a, b: None if a else 0.5)(np.array([[0, 1], [1, 2]])).tolist()
    [0.5, nan]
    """

    def each(pairs: Pairs) -> npt.NDArray[np.float64]:
        values = [similarity(int(first), int(second)) for first, second in pairs.tolist()]
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    return each


def needs_exact(
    estimates: npt.NDArray[np.float64], threshold: float, margin: float = EXACT_MARGIN
) -> npt.NDArray[np.bool_]:
    """Tell which estimates are too close to the threshold to decide a pair alone.

    At 128 permutations the estimate of a pair at the threshold lands 0.15 away
    from it, on either side, with probability about 1e-5 (binomial tails): the
    pairs outside the margin are decided by their estimate, which saves reading
    and shingling two texts for most candidates (a third of the generated
    corpus's pairs estimate at 0.95 or more).

    >>> needs_exact(np.array([0.6, 0.7, 0.8, 0.94, 0.95]), 0.8).tolist()
    [False, True, True, True, False]
    """
    # A hair of tolerance: in floating point 0.8 + 0.15 is 0.9500000000000001.
    low, high = threshold - margin - 1e-9, threshold + margin - 1e-9
    return (estimates >= low) & (estimates < high)


def verify_pairs(
    signature_array: Signatures,
    pairs: Pairs,
    threshold: float,
    exact_jaccard: ExactJaccard | None = None,
    exact_margin: float = EXACT_MARGIN,
) -> Pairs:
    """Keep the candidate pairs whose similarity reaches the threshold.

    ``exact_jaccard`` is asked, once, about the pairs whose estimate is within
    ``exact_margin`` of the threshold (``needs_exact``); its similarities decide them.
    """
    estimates = estimate_pair_jaccard(signature_array, pairs)
    similar = estimates >= threshold
    if exact_jaccard is not None:
        asked = np.flatnonzero(needs_exact(estimates, threshold, exact_margin))
        if len(asked):
            exact = exact_jaccard(pairs[asked])
            known = ~np.isnan(exact)
            similar[asked[known]] = exact[known] >= threshold
    return pairs[similar]


def connected_roots(size: int, pairs: Pairs) -> npt.NDArray[np.int64]:
    """Return, per node, the smallest node of its connected component.

    Vectorized union-find: hook each edge's larger root under the smaller one,
    then compress paths, until no edge joins two roots.

    >>> connected_roots(5, np.array([[3, 4], [1, 4], [0, 2]])).tolist()
    [0, 1, 0, 1, 1]
    """
    roots = np.arange(size, dtype=np.int64)
    first, second = pairs[:, 0], pairs[:, 1]
    while True:
        root_first, root_second = roots[first], roots[second]
        differ = root_first != root_second
        if not differ.any():
            return roots
        low = np.minimum(root_first[differ], root_second[differ])
        high = np.maximum(root_first[differ], root_second[differ])
        np.minimum.at(roots, high, low)
        while True:  # path compression: every node points at its root
            compressed = roots[roots]
            if np.array_equal(compressed, roots):
                break
            roots = compressed


def find_duplicate_pairs(
    signature_array: Signatures,
    threshold: float,
    banding: Banding | None = None,
    exact_jaccard: ExactJaccard | None = None,
    exact_margin: float = EXACT_MARGIN,
) -> Pairs:
    """Return the verified pairs that join documents into clusters (enough for union-find).

    Copies of an identical signature are paired with its first occurrence only;
    other candidates come from banding and are verified.
    """
    if signature_array.ndim != 2:
        raise ValueError(
            f"signatures must be a 2-d array (n, num_perm), not {signature_array.ndim}-d"
        )
    chosen = banding or choose_banding(threshold, signature_array.shape[1])
    rows = np.flatnonzero(~is_empty(signature_array)).astype(np.int64)
    identical, distinct = identical_groups(signature_array, rows)
    candidates = candidate_pairs(band_keys(signature_array[distinct], chosen), distinct)
    verified = verify_pairs(signature_array, candidates, threshold, exact_jaccard, exact_margin)
    return np.concatenate([identical, verified]).astype(np.int64)


def find_clusters(
    signature_array: Signatures,
    threshold: float = 0.8,
    banding: Banding | None = None,
    exact_jaccard: ExactJaccard | None = None,
    exact_margin: float = EXACT_MARGIN,
) -> list[list[int]]:
    """Return the clusters of near-duplicate signatures (rows of ``signature_array``).

    Each cluster is sorted and its first member is the one to keep; clusters are
    sorted by first member; documents without a near duplicate are left out.
    ``banding`` defaults to ``choose_banding(threshold, num_perm)``.

    >>> sigs = np.array([[1, 2, 3, 4], [7, 8, 9, 9], [1, 2, 3, 5], [1, 2, 3, 4]], np.uint32)
    >>> find_clusters(sigs, 0.75, Banding(2, 2))
    [[0, 2, 3]]
    """
    pairs = find_duplicate_pairs(signature_array, threshold, banding, exact_jaccard, exact_margin)
    roots = connected_roots(len(signature_array), pairs)
    nodes = np.arange(len(roots))
    in_cluster = np.bincount(roots, minlength=len(roots))[roots] > 1
    order = np.lexsort((nodes[in_cluster], roots[in_cluster]))
    members, member_roots = nodes[in_cluster][order], roots[in_cluster][order]
    bounds = [0, *(np.flatnonzero(np.diff(member_roots)) + 1).tolist(), len(members)]
    listed = members.tolist()  # np.split made an array per cluster: 10x slower
    return [listed[start:end] for start, end in itertools.pairwise(bounds)] if listed else []
