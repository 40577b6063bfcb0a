"""Keep MinHash signatures of kept documents across runs: a persistent LSH index.

A run that cleans today's pages asks the index whether each page repeats a page
kept by an earlier run, without reading the earlier corpus again. The index is
an SQLite file by default (stdlib ``sqlite3``) or, for several workers adding to
one index, a Redis database (``redis://HOST:PORT/N``, see ``redis.py``).

Signatures come in as ``np.ndarray`` of ``num_perm`` unsigned integers; the index
cuts each into ``bands`` bands of ``rows`` values and stores one 64-bit key per
band. A candidate shares at least one band key; it is a match when the MinHash
estimate of the Jaccard similarity (the share of equal values) reaches the
threshold, the same test ``dedup/near.py`` applies across documents.

Batches give the same result as one run when a document is dropped exactly when
it matches a document *kept* before it in sorted order: ``deduplicate_batch``
does that for one batch against the index, then adds the kept documents. A
pipeline that clusters within a batch itself should query the index first
(``query_many``), handle the batch, then ``add_many`` what it kept.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt

from ...errors import CleanerError, UsageProblem
from ..minhash import GOLDEN_64, SPLITMIX_1, SPLITMIX_2

SCHEMA_VERSION = 1
# Signature values of these datasketch schemes fit 32 bits, so they are stored in 4
# bytes (half the file); any other scheme name is stored in 8.
SCHEME_BITS = {"affine32": 32, "legacy": 32, "affine64": 64}
# Records are banded and written this many at a time inside one transaction.
CHUNK_RECORDS = 10_000
SQLITE_MAX_PARAMS = 900

Signature = npt.NDArray[np.uint64]
# An indexed document as the backends return it: doc_id, source_path, signature.
StoredDoc = tuple[str, str, Signature]


class IndexMismatch(UsageProblem):
    """An existing index was built with other MinHash settings, or is not an index."""


class IndexConflict(CleanerError):
    """A document id to add is already in the index (or twice in one batch)."""


class IndexUnavailable(CleanerError):
    """The index cannot be opened: missing file, unreachable server, missing extra."""


@dataclass(frozen=True, slots=True)
class IndexParams:
    """The MinHash and LSH settings an index is built with; stored in the index.

    Attributes:
        num_perm: values per signature.
        bands: LSH bands; ``bands * rows`` values of each signature are banded.
        rows: values per band.
        shingle_chars: length of the character n-grams hashed (recorded, not used here).
        seed: MinHash seed (recorded, not used here).
        hash_scheme: datasketch permutation scheme, e.g. ``affine32``.
        threshold: estimated Jaccard similarity at or above which a candidate matches.

    """

    num_perm: int
    bands: int
    rows: int
    shingle_chars: int
    seed: int
    hash_scheme: str
    threshold: float

    def __post_init__(self) -> None:
        if self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm:
            raise ValueError(
                f"bands x rows ({self.bands} x {self.rows}) must be at least 1 x 1 and "
                f"at most num_perm ({self.num_perm})"
            )
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {self.threshold}")

    @property
    def signature_bits(self) -> int:
        """Return the bits stored per signature value (32 or 64)."""
        return SCHEME_BITS.get(self.hash_scheme, 64)

    def describe(self) -> str:
        """Return the settings as ``name=value`` pairs for messages.

        >>> IndexParams(128, 9, 13, 5, 1, "affine32", 0.8).describe()
        'num_perm=128 bands=9 rows=13 shingle_chars=5 seed=1 hash_scheme=affine32 threshold=0.8'
        """
        return " ".join(f"{key}={value}" for key, value in asdict(self).items())


def params_from_json(text: str) -> IndexParams:
    """Return the settings stored as JSON in an index."""
    stored = json.loads(text)
    return IndexParams(**{f.name: stored[f.name] for f in fields(IndexParams)})


def check_params(location: str, stored: IndexParams, wanted: IndexParams | None) -> None:
    """Refuse to use an index built with other settings than this run's."""
    if wanted is None or stored == wanted:
        return
    differ = [
        f.name for f in fields(IndexParams) if getattr(stored, f.name) != getattr(wanted, f.name)
    ]
    raise IndexMismatch(
        f"the index {location} was built with {stored.describe()}, but this run uses "
        f"{wanted.describe()} (they differ in {', '.join(differ)}); use a new index path, "
        "or run with the settings the index was built with"
    )


@dataclass(frozen=True, slots=True)
class Match:
    """An indexed document that a queried signature near-duplicates."""

    doc_id: str
    source_path: str
    similarity: float


@dataclass(frozen=True, slots=True, eq=False)
class IndexRecord:
    """A document to add: its id, where it came from and its MinHash signature."""

    doc_id: str
    source_path: str
    signature: Signature


def as_matrix(signatures: Sequence[Signature] | npt.NDArray[Any], params: IndexParams) -> Signature:
    """Return signatures stacked as an ``(n, num_perm)`` uint64 matrix, checked."""
    matrix = np.asarray(signatures, dtype=np.uint64).reshape(-1, params.num_perm)
    if params.signature_bits == 32 and matrix.size and int(matrix.max()) >= 1 << 32:
        raise ValueError(
            f"signature values must fit 32 bits for scheme {params.hash_scheme!r}: "
            "were they computed with another scheme?"
        )
    return matrix


_MIX_1 = np.uint64(SPLITMIX_1)
_MIX_2 = np.uint64(SPLITMIX_2)
_BAND_START = np.uint64(GOLDEN_64)


def _mix(values: Signature) -> Signature:
    """Scramble 64-bit values (the splitmix64 finalizer); wraps modulo 2**64."""
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX_1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX_2
    return values ^ (values >> np.uint64(31))


def band_keys(matrix: Signature, params: IndexParams) -> npt.NDArray[np.int64]:
    """Return one signed 64-bit key per band of each signature, shape ``(n, bands)``.

    Keys are signed because SQLite integers are. Changing this function changes
    every stored key: bump ``SCHEMA_VERSION`` with it.

    >>> params = IndexParams(4, 2, 2, 5, 1, "affine32", 0.5)
    >>> keys = band_keys(np.array([[1, 2, 1, 2], [1, 2, 3, 4]], dtype=np.uint64), params)
    >>> bool(keys[0, 0] == keys[0, 1] == keys[1, 0]), bool(keys[1, 0] == keys[1, 1])
    (True, False)
    """
    shaped = matrix[:, : params.bands * params.rows].reshape(-1, params.bands, params.rows)
    keys = np.full(shaped.shape[:2], _BAND_START, dtype=np.uint64)
    for row in range(params.rows):
        keys = _mix(keys ^ shaped[:, :, row])
    return keys.view(np.int64)


def similarity(first: Signature, second: Signature) -> float:
    """Return the MinHash estimate of the Jaccard similarity: the share of equal values.

    >>> similarity(np.array([1, 2, 3, 4], np.uint64), np.array([1, 2, 3, 5], np.uint64))
    0.75
    """
    return float(np.count_nonzero(first == second)) / len(first)


def pack_signatures(matrix: Signature, params: IndexParams) -> list[bytes]:
    """Return each signature as little-endian bytes of the stored width."""
    return [row.tobytes() for row in matrix.astype(f"<u{params.signature_bits // 8}")]


def unpack_signature(blob: bytes, params: IndexParams) -> Signature:
    """Return a stored signature as uint64 values."""
    return np.frombuffer(blob, dtype=f"<u{params.signature_bits // 8}").astype(np.uint64)


def verify(query: Signature, candidates: Iterable[StoredDoc], threshold: float) -> list[Match]:
    """Return the candidates whose estimated similarity reaches the threshold, best first."""
    matches = []
    for doc_id, source_path, stored in candidates:
        estimate = similarity(query, stored)
        if estimate >= threshold:
            matches.append(Match(doc_id, source_path, estimate))
    return sort_matches(matches)


def sort_matches(matches: Iterable[Match]) -> list[Match]:
    """Return matches by similarity, highest first, then by document id."""
    return sorted(matches, key=lambda match: (-match.similarity, match.doc_id))


class MinHashIndex(abc.ABC):
    """A persistent MinHash LSH index; use as a context manager or call ``close``."""

    def __init__(self, location: str, params: IndexParams) -> None:
        """Remember where the index is and the settings it was built with."""
        self.location = location
        self.params = params

    def query(self, signature: Signature) -> list[Match]:
        """Return the indexed documents the signature near-duplicates, best first."""
        return self.query_many([signature])[0]

    def query_many(self, signatures: Sequence[Signature] | Signature) -> list[list[Match]]:
        """Return ``query`` for each signature, looked up together (one read snapshot)."""
        matrix = as_matrix(signatures, self.params)
        if not len(matrix):
            return []
        candidates = self._candidates(band_keys(matrix, self.params))
        return [
            verify(matrix[position], stored, self.params.threshold)
            for position, stored in enumerate(candidates)
        ]

    @abc.abstractmethod
    def _candidates(self, keys: npt.NDArray[np.int64]) -> list[list[StoredDoc]]:
        """Return, per row of band keys, the stored documents sharing a band key."""

    @abc.abstractmethod
    def add_many(self, records: Iterable[IndexRecord]) -> int:
        """Add documents in one transaction: all of them, or none if anything fails.

        Returns:
            How many documents were added.

        Raises:
            IndexConflict: a document id is already indexed or repeated.

        """

    @abc.abstractmethod
    def remove(self, doc_id: str) -> bool:
        """Remove a document; return whether it was in the index."""

    @abc.abstractmethod
    def stats(self) -> dict[str, Any]:
        """Return the document count, the settings and the storage size."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection; the index stays on disk or on the server."""

    def __enter__(self) -> MinHashIndex:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def deduplicate_batch(
    index: MinHashIndex, records: Sequence[IndexRecord], *, add: bool = True
) -> list[list[Match]]:
    """Match each record against the index and the records kept before it, then add the kept.

    Give the records in the run's sorted order. A record is dropped when it
    matches an indexed document or an earlier *kept* record of the batch (never
    one that was itself dropped), so cleaning a corpus in one batch or in several,
    in order, keeps the same documents.

    Returns:
        Per record, its matches, best first; an empty list means the record was kept.

    """
    params = index.params
    matrix = as_matrix([record.signature for record in records], params)
    results = index.query_many(matrix)
    keys = band_keys(matrix, params).tolist()
    buckets: dict[tuple[int, int], list[int]] = {}
    kept: list[IndexRecord] = []
    for position, record in enumerate(records):
        earlier = sorted(
            {
                other
                for band, key in enumerate(keys[position])
                for other in buckets.get((band, key), ())
            }
        )
        stored = [(records[o].doc_id, records[o].source_path, matrix[o]) for o in earlier]
        results[position] = sort_matches(
            results[position] + verify(matrix[position], stored, params.threshold)
        )
        if not results[position]:
            kept.append(record)
            for band, key in enumerate(keys[position]):
                buckets.setdefault((band, key), []).append(position)
    if add:
        index.add_many(kept)
    return results


def open_index(location: str, params: IndexParams | None = None) -> MinHashIndex:
    """Open the index at a file path or ``redis://HOST:PORT/N[?name=NAME]``, creating it.

    Without ``params`` the index must exist and keeps its own settings (for
    housekeeping); with them, an existing index must have been built with the same.

    Raises:
        IndexMismatch: the index was built with other settings, or is not an index.
        IndexUnavailable: the file or server cannot be reached.

    """
    if location.startswith(("redis://", "rediss://", "unix://")):
        from .redis import RedisIndex

        return RedisIndex(location, params)
    from .sqlite import SqliteIndex

    return SqliteIndex(location, params)
