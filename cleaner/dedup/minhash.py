"""Compute MinHash signatures of many texts at once, vectorized over code points.

A text is compared as the set of its character ``shingle_chars``-grams after
white space is removed (as ``cleaner.dedup.shingles.shingle_set`` does); a text shorter
than that is one shingle, an empty text has none. No Python object is made per
shingle: each batch of texts becomes one ``uint32`` array of code points, and
steps 1 to 3 below run in one C loop per piece (``cleaner.dedup._kernels``), or as
numpy operations over whole arrays where the C module was not built; both give
the same values, bit for bit.

Hash family (all arithmetic wraps modulo the word size):

1. Base hash of a shingle with code points ``c_0 .. c_{m-1}`` (``m <= k``):
   Horner's rule ``h = OFFSET; h = h * MULTIPLIER + c_j`` in 64 bits, then the
   MurmurHash3 64-bit finalizer ``fmix64``, keeping the top 32 bits. For
   ``m = k`` all windows are hashed at once by combining ``k`` shifted views of
   the code-point array.
2. Pre-mix with the MurmurHash3 32-bit finalizer ``fmix32``, then permutation
   ``i`` is ``pi_i(x) = a_i * x + b_i mod 2**32`` with ``a_i`` odd (a
   bijection). ``a`` and ``b`` are drawn from ``numpy.random.RandomState(seed)``
   exactly as datasketch 2.0 does for its ``"affine32"`` scheme, so step 2 is
   datasketch's permutation step bit for bit
   (see ``datasketch_compatible_signature``).
3. ``signature[i] = min over shingles of pi_i(fmix32(base_hash))``.

Signatures are ``uint32`` arrays of shape ``(n_texts, num_perm)``. An empty text
gets every value ``EMPTY_VALUE`` (``2**32 - 1``), which is what an empty
datasketch MinHash holds; ``is_empty`` tests for it. A non-empty text gets that
too only if all ``num_perm`` permutations map its every shingle to
``2**32 - 1``, which has probability about ``2**(-32 * num_perm)``.

Memory is bounded by ``batch_chars``, not by the corpus or the longest text: a
text longer than a batch is cut into pieces that overlap by ``k - 1``
characters, so every window lies whole in one piece, and the minima of its
pieces are combined. Permutations are applied to blocks of at most
``BLOCK_VALUES`` values, so a 50 MB text never holds ``num_perm`` values per
shingle at once.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

try:
    from . import _kernels  # type: ignore[attr-defined]  # compiled by setup.py, if it could be
except ImportError:  # no C compiler where this was installed: numpy does the same
    _kernels = None

Hashes = npt.NDArray[np.uint32]
Signatures = npt.NDArray[np.uint32]

EMPTY_VALUE = 0xFFFFFFFF
# Code points hashed per batch: 4 MB of them, and a pass-2 call of 384 documents
# (about 350,000 characters on the generated corpus) is one batch.
BATCH_CHARS = 1 << 20
BLOCK_VALUES = 1 << 17  # permuted values per numpy call: 512 KB, stays in a 1 MB L2 cache

# The odd 64-bit constants every hash and mix of the package uses, each named once:
# the golden ratio (Fibonacci hashing), FNV-1a's offset basis and prime, SplitMix64's
# two multipliers, MurmurHash3's 64-bit finalizer constant, and a further odd one.
GOLDEN_64 = 0x9E3779B97F4A7C15
FNV_OFFSET_64 = 0xCBF29CE484222325
FNV_PRIME_64 = 0x100000001B3
SPLITMIX_1 = 0xBF58476D1CE4E5B9
SPLITMIX_2 = 0x94D049BB133111EB
MURMUR_MIX_64 = 0xC2B2AE3D27D4EB4F

_MASK64 = (1 << 64) - 1
_POLY_OFFSET = FNV_OFFSET_64  # any fixed non-zero start; leading U+0000 still counts
_POLY_MULTIPLIER = GOLDEN_64  # odd, so each step is a bijection modulo 2**64
_FOLD_MULTIPLIER = 0xD6E8FEB86659FD93  # odd; multiply-shift keeps the well-mixed top bits
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


def compact_text(text: str) -> str:
    r"""Remove all white space, as shingling does.

    >>> compact_text("医保 惠民\n工程")
    '医保惠民工程'
    """
    return "".join(text.split())


def _check_parameters(num_perm: int, shingle_chars: int, batch_chars: int = BATCH_CHARS) -> None:
    if num_perm < 1:
        raise ValueError(f"num_perm must be >= 1, not {num_perm}")
    if shingle_chars < 1:
        raise ValueError(f"shingle_chars must be >= 1, not {shingle_chars}")
    if batch_chars < 2 * shingle_chars:
        raise ValueError(f"batch_chars must be >= 2 * shingle_chars, not {batch_chars}")


@functools.cache
def permutations(num_perm: int, seed: int) -> tuple[Hashes, Hashes]:
    """Return the affine permutation parameters ``(a, b)`` that datasketch draws for a seed.

    >>> a, b = permutations(4, 1)
    >>> bool((a % 2 == 1).all()), a.dtype.name
    (True, 'uint32')
    """
    generator = np.random.RandomState(seed)
    # The same draws, in the same order, as datasketch 2.0 "affine32"; a = 2k + 1 is odd.
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = False  # cached and shared: nobody may change them
    b.flags.writeable = False
    return a, b


def premix(hashes: Hashes) -> Hashes:
    """Apply the MurmurHash3 ``fmix32`` finalizer, datasketch's pre-mix for "affine32".

    >>> premix(np.array([0, 1], dtype=np.uint32)).tolist()
    [0, 1364076727]
    """
    shift1, multiplier1, shift2, multiplier2, shift3 = _FMIX32
    mixed = hashes ^ (hashes >> np.uint32(shift1))
    mixed *= np.uint32(multiplier1)
    mixed ^= mixed >> np.uint32(shift2)
    mixed *= np.uint32(multiplier2)
    mixed ^= mixed >> np.uint32(shift3)
    return mixed


def _finalize(state: npt.NDArray[np.uint64]) -> Hashes:
    """Reduce 64-bit Horner states to 32 bits by multiply-shift (in place)."""
    state *= np.uint64(_FOLD_MULTIPLIER)
    return (state >> np.uint64(32)).astype(np.uint32)


def _window_hashes(code_points: Hashes, shingle_chars: int) -> Hashes:
    """Return the base hash of every ``shingle_chars`` window of a code-point array."""
    count = len(code_points) - shingle_chars + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint32)
    state = code_points[:count].astype(np.uint64)
    # Horner's first step folded into a constant: OFFSET * MULTIPLIER + c_0.
    state += np.uint64(_POLY_OFFSET * _POLY_MULTIPLIER & _MASK64)
    for shift in range(1, shingle_chars):
        state *= np.uint64(_POLY_MULTIPLIER)
        state += code_points[shift : shift + count]
    return _finalize(state)


def _whole_hashes(
    code_points: Hashes, starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]
) -> Hashes:
    """Return the base hash of each piece ``code_points[start:start + length]`` as one shingle."""
    state = np.full(len(starts), _POLY_OFFSET, dtype=np.uint64)
    for position in range(int(lengths.max(initial=0))):
        active = lengths > position
        state[active] = (
            state[active] * np.uint64(_POLY_MULTIPLIER) + code_points[starts[active] + position]
        )
    return _finalize(state)


def _code_points(text: str) -> Hashes:
    # surrogatepass: scraped text decoded with surrogateescape may hold lone surrogates.
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def shingle_hashes(text: str, shingle_chars: int = 5) -> Hashes:
    """Return the base hash of each shingle of a text, in text order (repeats kept).

    Feeding these to datasketch as its hash values gives ``signature(text)``.

    >>> [len(shingle_hashes(text, 3)) for text in ("医保 惠民", "医保", " ")]
    [2, 1, 0]
    """
    _check_parameters(1, shingle_chars)
    code_points = _code_points(compact_text(text))
    if len(code_points) >= shingle_chars:
        return _window_hashes(code_points, shingle_chars)
    length = np.array([len(code_points)], dtype=np.int64)
    return _whole_hashes(code_points, np.zeros(1, dtype=np.int64), length)[: int(length[0] > 0)]


def _segment_minima(
    premixed: Hashes, segment_starts: npt.NDArray[np.int64], num_perm: int, seed: int
) -> Signatures:
    """Return, per segment of ``premixed``, the minimum of each permutation.

    The compiled loop (``cleaner.dedup._kernels``) when it was built, else numpy.
    """
    if _kernels is None:
        return _segment_minima_numpy(premixed, segment_starts, num_perm, seed)
    a, b = permutations(num_perm, seed)
    minima = np.empty((len(segment_starts), num_perm), dtype=np.uint32)
    values = np.ascontiguousarray(premixed, dtype=np.uint32)
    starts = np.ascontiguousarray(segment_starts, dtype=np.int64)
    _kernels.segment_minima(values, starts, a, b, minima)
    return minima


def _segment_minima_numpy(
    premixed: Hashes, segment_starts: npt.NDArray[np.int64], num_perm: int, seed: int
) -> Signatures:
    """``_segment_minima`` in numpy: the reference, and the fallback without a C compiler."""
    a, b = permutations(num_perm, seed)
    by_permutation = np.empty((num_perm, len(segment_starts)), dtype=np.uint32)
    step = max(1, min(num_perm, BLOCK_VALUES // max(len(premixed), 1)))
    block = np.empty((step, len(premixed)), dtype=np.uint32)
    for first in range(0, num_perm, step):
        rows = block[: min(step, num_perm - first)]
        last = first + len(rows)
        np.multiply(a[first:last, None], premixed[None, :], out=rows)
        rows += b[first:last, None]
        np.minimum.reduceat(rows, segment_starts, axis=1, out=by_permutation[first:last])
    return np.ascontiguousarray(by_permutation.T)  # one transposing copy, not one per block


def _pieces(
    compacts: Sequence[str], shingle_chars: int, batch_chars: int
) -> Iterator[tuple[list[int], list[str]]]:
    """Yield batches of (text index, piece) with about ``batch_chars`` characters each.

    The texts are compacted (``compact_text``); empty ones yield nothing. A text
    longer than ``batch_chars`` is cut into pieces overlapping by
    ``shingle_chars - 1``, so each window is in one piece.
    """
    owners: list[int] = []
    pieces: list[str] = []
    size = 0
    stride = batch_chars - shingle_chars + 1
    for index, compact in enumerate(compacts):
        starts = range(0, max(len(compact) - shingle_chars + 1, 1), stride) if compact else range(0)
        for start in starts:
            piece = compact[start : start + batch_chars]
            owners.append(index)
            pieces.append(piece)
            size += len(piece)
            if size >= batch_chars:
                yield owners, pieces
                owners, pieces, size = [], [], 0
    if pieces:
        yield owners, pieces


def _inside_pieces(
    count: int, ends: npt.NDArray[np.int64], shingle_chars: int
) -> npt.NDArray[np.bool_]:
    """Mark the windows of a joined batch that end inside the piece where they start.

    The others start in the last ``shingle_chars - 1`` positions of a piece.

    >>> _inside_pieces(6, np.array([4, 8]), 3).tolist()
    [True, True, False, False, True, True]
    """
    inside = np.ones(count, dtype=bool)
    crossing = (ends[:, None] - np.arange(1, shingle_chars)[None, :]).ravel()
    inside[crossing[(crossing >= 0) & (crossing < count)]] = False
    return inside


def _piece_signatures(
    pieces: list[str], shingle_chars: int, num_perm: int, seed: int
) -> Signatures:
    """Return the signature of each (non-empty) piece of one batch."""
    code_points = _code_points("".join(pieces))
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    if _kernels is not None:  # every step below, fused in C
        a, b = permutations(num_perm, seed)
        minima = np.empty((len(pieces), num_perm), dtype=np.uint32)
        hash_family = (_POLY_OFFSET, _POLY_MULTIPLIER, _FOLD_MULTIPLIER)
        _kernels.piece_minima(code_points, lengths, shingle_chars, *hash_family, a, b, minima)
        return minima
    return _piece_signatures_numpy(code_points, lengths, shingle_chars, num_perm, seed)


def _piece_signatures_numpy(
    code_points: Hashes,
    lengths: npt.NDArray[np.int64],
    shingle_chars: int,
    num_perm: int,
    seed: int,
) -> Signatures:
    """``_piece_signatures`` in numpy: the reference, and the fallback without a C compiler."""
    starts = np.cumsum(lengths) - lengths
    windows = _window_hashes(code_points, shingle_chars)
    windows = windows[_inside_pieces(len(windows), starts + lengths, shingle_chars)]
    is_long = lengths >= shingle_chars
    window_counts = lengths[is_long] - shingle_chars + 1
    short_hashes = _whole_hashes(code_points, starts[~is_long], lengths[~is_long])
    segment_starts = np.concatenate(
        [np.cumsum(window_counts) - window_counts, len(windows) + np.arange(len(short_hashes))]
    )
    minima = _segment_minima(
        premix(np.concatenate([windows, short_hashes])), segment_starts, num_perm, seed
    )
    result = np.empty_like(minima)
    result[np.concatenate([np.flatnonzero(is_long), np.flatnonzero(~is_long)])] = minima
    return result


def signatures(
    texts: Sequence[str],
    num_perm: int = 128,
    shingle_chars: int = 5,
    seed: int = 1,
    batch_chars: int = BATCH_CHARS,
) -> Signatures:
    """Return the MinHash signatures of texts as a ``(len(texts), num_perm)`` ``uint32`` array.

    ``batch_chars`` only trades speed for memory; the result does not depend on it.

    >>> sigs = signatures(["医保惠民工程", "医保惠民 工程", ""], num_perm=8)
    >>> sigs.shape, bool((sigs[0] == sigs[1]).all()), is_empty(sigs).tolist()
    ((3, 8), True, [False, False, True])
    """
    _check_parameters(num_perm, shingle_chars, batch_chars)
    compacts = ["".join(text.split()) for text in texts]  # compact_text, inlined
    if sum(map(len, compacts)) <= batch_chars:  # one batch, a piece per text (pass 2's calls)
        signed = [k for k, compact in enumerate(compacts) if compact]
        minima = _piece_signatures([compacts[k] for k in signed], shingle_chars, num_perm, seed)
        if len(signed) == len(texts):
            return minima
        result = np.full((len(texts), num_perm), EMPTY_VALUE, dtype=np.uint32)
        result[signed] = minima
        return result
    result = np.full((len(texts), num_perm), EMPTY_VALUE, dtype=np.uint32)
    for owners, pieces in _pieces(compacts, shingle_chars, batch_chars):
        minima = _piece_signatures(pieces, shingle_chars, num_perm, seed)
        owner_array = np.asarray(owners, dtype=np.int64)
        # Pieces of one text are adjacent: fold them, then merge with earlier batches.
        firsts = np.flatnonzero(np.diff(owner_array, prepend=-1))
        merged = np.minimum.reduceat(minima, firsts, axis=0)
        rows = owner_array[firsts]
        result[rows] = np.minimum(result[rows], merged)
    return result


def signature(text: str, num_perm: int = 128, shingle_chars: int = 5, seed: int = 1) -> Hashes:
    """Return the MinHash signature of one text (prefer ``signatures`` for many).

    >>> bool((signature("医保惠民", num_perm=8) == signature("医保 惠民", num_perm=8)).all())
    True
    """
    single: Hashes = signatures([text], num_perm, shingle_chars, seed)[0]
    return single


def datasketch_compatible_signature(
    base_hashes: npt.ArrayLike, num_perm: int = 128, seed: int = 1
) -> Hashes:
    """Return the signature of a set given the 32-bit base hash of each member.

    This is ``datasketch.MinHash(num_perm, seed, scheme="affine32")`` updated with
    values whose ``hashfunc`` gives ``base_hashes``: its ``hashvalues``, bit for bit.

    >>> datasketch_compatible_signature([], num_perm=2).tolist()
    [4294967295, 4294967295]
    """
    _check_parameters(num_perm, 1)
    hashes = np.asarray(base_hashes, dtype=np.uint32).reshape(-1)
    if len(hashes) == 0:
        return np.full(num_perm, EMPTY_VALUE, dtype=np.uint32)
    minima = _segment_minima(premix(hashes), np.zeros(1, dtype=np.int64), num_perm, seed)
    single: Hashes = minima[0]
    return single


def is_empty(signature_array: Signatures) -> npt.NDArray[np.bool_]:
    """Tell, per signature (last axis), whether it is the empty signature.

    >>> is_empty(np.array([[EMPTY_VALUE, EMPTY_VALUE], [EMPTY_VALUE, 3]], dtype=np.uint32)).tolist()
    [True, False]
    """
    empty: npt.NDArray[np.bool_] = np.all(signature_array == np.uint32(EMPTY_VALUE), axis=-1)
    return empty


def estimate_rows(first: Signatures, second: Signatures) -> npt.NDArray[np.float64]:
    """Estimate the Jaccard similarity of each pair of rows ``(first[i], second[i])``.

    The fraction of equal positions, as datasketch's ``MinHash.jaccard`` (so two
    empty signatures give 1.0): the one estimator of the package.

    >>> estimate_rows(np.array([[1, 2, 3, 4]], np.uint32), np.array([[1, 2, 0, 4]], np.uint32))
    array([0.75])
    """
    if first.shape[-1] != second.shape[-1]:
        raise ValueError(
            f"signatures differ in length ({first.shape} vs {second.shape}): use one num_perm"
        )
    equal = np.count_nonzero(first == second, axis=-1)
    return equal / float(first.shape[-1])  # type: ignore[no-any-return]  # datasketch's division


def estimate_jaccard(first: Hashes, second: Hashes) -> float:
    """Estimate the Jaccard similarity of two sets from their signatures (``estimate_rows``).

    >>> estimate_jaccard(np.array([1, 2, 3, 4], np.uint32), np.array([1, 2, 0, 4], np.uint32))
    0.75
    """
    return float(estimate_rows(first[None], second[None])[0])
