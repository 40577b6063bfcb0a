"""Documents whose signatures are identical, grouped before any LSH banding.

Copies (10% of the generated corpus's duplicates are exact) need no candidate
pair each: every copy is paired with the first document that has its
signature, and only those first documents go on to banding.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from .minhash import GOLDEN_64, SPLITMIX_1, SPLITMIX_2, Signatures

Pairs = npt.NDArray[np.int64]  # as lsh.Pairs: shape (m, 2)


def identical_groups(
    signature_array: Signatures, rows: npt.NDArray[np.int64]
) -> tuple[Pairs, npt.NDArray[np.int64]]:
    """Return pairs joining each row to the first row with its signature, and those first rows.

    Rows are grouped by a 64-bit fingerprint of their values, then checked
    equal: sorting the 512-byte rows themselves took 90 ms for 20,000.
    """
    chosen = signature_array[rows]
    if chosen.shape[1] % 2:  # whole 64-bit words
        chosen = np.concatenate([chosen, np.zeros((len(rows), 1), dtype=np.uint32)], axis=1)
    words = np.ascontiguousarray(chosen).view(np.uint64)
    # A weighted sum of the words, wrapping modulo 2**64.
    fingerprints = (words * _fingerprint_weights(words.shape[1])).sum(axis=1, dtype=np.uint64)
    order = np.argsort(fingerprints, kind="stable")  # ties keep the rows' order
    ordered = fingerprints[order]
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    leaders_sorted = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
    leaders = np.empty_like(order)
    leaders[order] = leaders_sorted
    copies = leaders != np.arange(len(rows))
    if not np.array_equal(chosen[leaders[copies]], chosen[copies]):  # a shared fingerprint
        return identical_groups_by_bytes(signature_array, rows)
    return np.stack([rows[leaders[copies]], rows[copies]], axis=1), rows[~copies]


@functools.cache
def _fingerprint_weights(width: int) -> npt.NDArray[np.uint64]:
    """Return ``width`` fixed odd 64-bit weights (SplitMix64 of 1, 2, ...).

    Not ``numpy.random``: importing it cost the run 22 ms.

    >>> hex(int(_fingerprint_weights(1)[0]))
    '0xe220a8397b1dcdaf'
    """
    state = np.arange(1, width + 1, dtype=np.uint64) * np.uint64(GOLDEN_64)
    state = (state ^ (state >> np.uint64(30))) * np.uint64(SPLITMIX_1)
    state = (state ^ (state >> np.uint64(27))) * np.uint64(SPLITMIX_2)
    return state ^ (state >> np.uint64(31)) | np.uint64(1)


def identical_groups_by_bytes(
    signature_array: Signatures, rows: npt.NDArray[np.int64]
) -> tuple[Pairs, npt.NDArray[np.int64]]:
    """``identical_groups`` by sorting whole rows: for a fingerprint collision."""
    as_bytes = np.ascontiguousarray(signature_array[rows]).view(
        np.dtype((np.void, signature_array.shape[1] * 4))
    )
    _, first_positions, inverse = np.unique(
        as_bytes.ravel(), return_index=True, return_inverse=True
    )
    firsts = rows[first_positions]
    leaders = firsts[inverse.ravel()]
    copies = leaders != rows
    return np.stack([leaders[copies], rows[copies]], axis=1), np.sort(firsts)
