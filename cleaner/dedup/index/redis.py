"""The MinHash index in a Redis database, for several workers adding to one index.

Keys, under ``cleaner:{name}`` (``name`` from ``?name=`` in the URL, default ``index``):

- ``…:meta`` hash: ``schema_version`` and ``params`` (JSON), each set once with HSETNX;
- ``…:next`` counter: the last document number handed out;
- ``…:ids`` hash: doc_id -> document number;
- ``…:docs`` hash: document number -> signature bytes (little-endian, stored width)
  followed by ``[doc_id, source_path]`` as JSON;
- ``…:band:{band}:{key}`` set: the numbers of the documents whose band has that key.
  Numbers rather than ids keep each set an intset, half the memory of a set of strings.

``add_many`` and ``remove`` WATCH the ``ids`` hash and write in one MULTI/EXEC: a
killed client never sends EXEC, so nothing of its batch is applied, and a worker
whose EXEC loses the race against another worker's write retries on the new state.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import numpy.typing as npt

from .store import (
    SCHEMA_VERSION,
    IndexConflict,
    IndexMismatch,
    IndexParams,
    IndexRecord,
    IndexUnavailable,
    MinHashIndex,
    StoredDoc,
    as_matrix,
    band_keys,
    check_params,
    pack_signatures,
    params_from_json,
    unpack_signature,
)

# Lookups and fetches go to the server in pipelines of this many commands.
PIPELINE_COMMANDS = 5_000
# How often a write is tried while other workers keep changing the index first.
WRITE_ATTEMPTS = 100


def split_url(location: str) -> tuple[str, str]:
    """Return the URL for redis-py (our ``name`` taken out) and the index name.

    >>> split_url("redis://127.0.0.1:6379/2?name=daily")
    ('redis://127.0.0.1:6379/2', 'daily')
    >>> split_url("redis://127.0.0.1:6379/0")
    ('redis://127.0.0.1:6379/0', 'index')
    """
    parts = urlsplit(location)
    query = parse_qsl(parts.query)
    names = [value for key, value in query if key == "name"]
    rest = urlencode([(key, value) for key, value in query if key != "name"])
    return urlunsplit(parts._replace(query=rest)), (names[-1] if names else "index")


class RedisIndex(MinHashIndex):
    """The index in a Redis database; the keys are listed in the module docstring."""

    def __init__(self, location: str, params: IndexParams | None) -> None:
        """Connect, and store ``params`` unless the index exists (then compare them)."""
        try:
            import redis
        except ImportError:
            raise IndexUnavailable(
                f"the index {location} needs the redis package: pip install 'cleaner[redis]'"
            ) from None
        self._watch_error = redis.WatchError
        url, name = split_url(location)
        self._prefix = f"cleaner:{name}"
        # Any: redis-py's annotations type most replies as "Awaitable | Any".
        self._client: Any = redis.Redis.from_url(url)
        try:
            stored = self._open_meta(location, params)
        except redis.RedisError as error:
            self._client.close()
            raise IndexUnavailable(
                f"cannot use the Redis index {location}: {error}; start the server or fix the URL"
            ) from error
        except BaseException:
            self._client.close()
            raise
        super().__init__(location, stored)

    def _key(self, *parts: object) -> str:
        return ":".join([self._prefix, *map(str, parts)])

    def _open_meta(self, location: str, params: IndexParams | None) -> IndexParams:
        meta = self._key("meta")
        if params is not None:
            # HSETNX: of several workers creating the index at once, exactly one writes.
            self._client.hsetnx(meta, "params", json.dumps(asdict(params)))
            self._client.hsetnx(meta, "schema_version", str(SCHEMA_VERSION))
        text, version = self._client.hmget(meta, ["params", "schema_version"])
        if text is None:
            raise IndexUnavailable(f"there is no index at {location}: check the URL and name")
        if version is None or int(version) != SCHEMA_VERSION:
            raise IndexMismatch(
                f"the index {location} has schema version {version!r}, this cleaner reads "
                f"version {SCHEMA_VERSION}: build a new index under a new name"
            )
        stored = params_from_json(text.decode())
        check_params(location, stored, params)
        return stored

    def _candidates(self, keys: npt.NDArray[np.int64]) -> list[list[StoredDoc]]:
        lookups = [
            ("smembers", self._key("band", band, key))
            for row in keys
            for band, key in enumerate(row.tolist())
        ]
        members = self._pipelined(lookups)
        bands = self.params.bands
        per_query = [
            sorted({int(n) for found in members[start : start + bands] for n in found})
            for start in range(0, len(members), bands)
        ]
        wanted = sorted({number for numbers in per_query for number in numbers})
        blobs = self._pipelined([("hget", self._key("docs"), number) for number in wanted])
        stored = {
            number: self._unpack(blob)
            for number, blob in zip(wanted, blobs, strict=True)
            if blob is not None  # removed since the lookup
        }
        return [[stored[n] for n in numbers if n in stored] for numbers in per_query]

    def _unpack(self, blob: bytes) -> StoredDoc:
        size = self.params.num_perm * self.params.signature_bits // 8
        doc_id, source_path = json.loads(blob[size:])
        return doc_id, source_path, unpack_signature(blob[:size], self.params)

    def _pipelined(self, commands: list[tuple[Any, ...]]) -> list[Any]:
        results: list[Any] = []
        for start in range(0, len(commands), PIPELINE_COMMANDS):
            with self._client.pipeline(transaction=False) as pipe:
                for name, *args in commands[start : start + PIPELINE_COMMANDS]:
                    getattr(pipe, name)(*args)
                results.extend(pipe.execute())
        return results

    def add_many(self, records: Iterable[IndexRecord]) -> int:  # noqa: D102
        # Read everything first: a retry after a lost race writes the same batch again.
        batch = list(records)
        if not batch:
            return 0
        ids = [record.doc_id for record in batch]
        if len(set(ids)) < len(ids):
            twice = min(doc for doc, count in Counter(ids).items() if count > 1)
            raise IndexConflict(f"document {twice!r} is twice in the batch; nothing was added")
        matrix = as_matrix([record.signature for record in batch], self.params)
        keys = band_keys(matrix, self.params).tolist()
        blobs = [
            signature + json.dumps([r.doc_id, r.source_path]).encode()
            for signature, r in zip(pack_signatures(matrix, self.params), batch, strict=True)
        ]

        def write(pipe: Any) -> None:
            for doc_id, number in zip(ids, pipe.hmget(self._key("ids"), ids), strict=True):
                if number is not None:
                    raise IndexConflict(
                        f"document {doc_id!r} is already in the index {self.location}; nothing "
                        "was added (remove it first to replace it)"
                    )
            # Numbers taken by a write that then fails are skipped, never reused.
            first = int(self._client.incrby(self._key("next"), len(batch))) - len(batch) + 1
            numbers = range(first, first + len(batch))
            buckets: dict[str, list[int]] = {}
            for number, row in zip(numbers, keys, strict=True):
                for band, key in enumerate(row):
                    buckets.setdefault(self._key("band", band, key), []).append(number)
            pipe.multi()
            pipe.hset(self._key("ids"), mapping=dict(zip(ids, numbers, strict=True)))
            pipe.hset(self._key("docs"), mapping=dict(zip(numbers, blobs, strict=True)))
            for bucket, members in buckets.items():
                pipe.sadd(bucket, *members)

        self._watched(write)
        return len(batch)

    def remove(self, doc_id: str) -> bool:  # noqa: D102
        found = False

        def write(pipe: Any) -> None:
            nonlocal found
            number = pipe.hget(self._key("ids"), doc_id)
            blob = None if number is None else pipe.hget(self._key("docs"), number)
            found = blob is not None
            pipe.multi()
            if blob is not None:
                signature = self._unpack(blob)[2][None, :]
                for band, key in enumerate(band_keys(signature, self.params)[0].tolist()):
                    pipe.srem(self._key("band", band, key), number)
                pipe.hdel(self._key("ids"), doc_id)
                pipe.hdel(self._key("docs"), number)

        self._watched(write)
        return found

    def _watched(self, write: Callable[[Any], None]) -> None:
        """Run ``write`` inside WATCH ids / MULTI / EXEC, again if another worker wrote first."""
        for attempt in range(WRITE_ATTEMPTS):
            with self._client.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(self._key("ids"))
                    write(pipe)
                    pipe.execute()
                    return
                except self._watch_error:
                    time.sleep(min(0.001 * 2**attempt, 0.1))
        raise IndexUnavailable(
            f"gave up writing to {self.location} after {WRITE_ATTEMPTS} attempts: other workers "
            "kept changing it first; add smaller batches"
        )

    def stats(self) -> dict[str, Any]:  # noqa: D102
        return {
            "backend": "redis",
            "location": self.location,
            "schema_version": SCHEMA_VERSION,
            "documents": int(self._client.hlen(self._key("ids"))),
            "params": asdict(self.params),
            "server_memory_bytes": int(self._client.info("memory")["used_memory"]),
        }

    def close(self) -> None:  # noqa: D102
        self._client.close()
