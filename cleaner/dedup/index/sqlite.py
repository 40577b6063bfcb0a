"""The SQLite backend of the MinHash index: one file, tables ``meta``, ``docs``, ``bands``."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .store import (
    CHUNK_RECORDS,
    SCHEMA_VERSION,
    SQLITE_MAX_PARAMS,
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

# A killed process loses nothing committed and never corrupts the file in WAL mode;
# synchronous=NORMAL only risks the last commits on a power cut or OS crash, which a
# re-run redoes (the input is still there), for commits that skip an fsync each.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA journal_size_limit=67108864",  # shrink the WAL back to 64 MiB after big adds
)
SQLITE_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE docs (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE,"
    " source_path TEXT NOT NULL, signature BLOB NOT NULL)",
    # The primary key is the lookup index; WITHOUT ROWID stores the rows in it, once.
    "CREATE TABLE bands (band INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,"
    " PRIMARY KEY (band, key, doc)) WITHOUT ROWID",
)
SQLITE_BUSY_SECONDS = 60.0


class SqliteIndex(MinHashIndex):
    """The index in an SQLite file: tables ``meta``, ``docs`` and ``bands``."""

    def __init__(self, path: str, params: IndexParams | None) -> None:
        """Open or create the file, and store ``params`` or compare them with the stored."""
        file = Path(path)
        if params is None and not file.is_file():
            raise IndexUnavailable(f"there is no index at {path}: check the path")
        if not file.parent.is_dir():
            raise IndexUnavailable(
                f"cannot create the index {path}: the folder {file.parent} does not exist"
            )
        self._db = sqlite3.connect(path, timeout=SQLITE_BUSY_SECONDS, isolation_level=None)
        try:
            for pragma in SQLITE_PRAGMAS:
                self._db.execute(pragma)
            stored = self._open_schema(path, params)
            check_params(path, stored, params)
        except sqlite3.DatabaseError as error:
            self._db.close()
            if "not a database" in str(error):
                raise IndexMismatch(
                    f"{path} is not a cleaner index: give a new index path"
                ) from None
            raise IndexUnavailable(f"cannot open the index {path}: {error}") from error
        except BaseException:
            self._db.close()
            raise
        super().__init__(path, stored)

    def _open_schema(self, path: str, params: IndexParams | None) -> IndexParams:
        with self._transaction():
            tables = {name for (name,) in self._db.execute("SELECT name FROM sqlite_master")}
            if not tables and params is not None:
                for statement in SQLITE_SCHEMA:
                    self._db.execute(statement)
                self._db.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [
                        ("schema_version", str(SCHEMA_VERSION)),
                        ("params", json.dumps(asdict(params))),
                    ],
                )
                return params
            if "meta" not in tables:
                raise IndexMismatch(f"{path} is not a cleaner index: give a new index path")
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            raise IndexMismatch(
                f"the index {path} has schema version {meta.get('schema_version')}, this cleaner "
                f"reads version {SCHEMA_VERSION}: build a new index at a new path"
            )
        return params_from_json(meta["params"])

    @contextlib.contextmanager
    def _transaction(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so two writers queue instead of
        # one failing halfway with "database is locked".
        self._db.execute(begin)
        try:
            yield
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _candidates(self, keys: npt.NDArray[np.int64]) -> list[list[StoredDoc]]:
        lookup = "SELECT doc FROM bands WHERE band = ? AND key = ?"
        with self._transaction("BEGIN"):  # one snapshot for all the lookups
            per_query = []
            for row in keys.tolist():
                found: set[int] = set()
                for band, key in enumerate(row):
                    found.update(doc for (doc,) in self._db.execute(lookup, (band, key)))
                per_query.append(sorted(found))
            wanted = sorted(set().union(*per_query))
            stored: dict[int, StoredDoc] = {}
            for start in range(0, len(wanted), SQLITE_MAX_PARAMS):
                part = wanted[start : start + SQLITE_MAX_PARAMS]
                marks = ",".join("?" * len(part))
                for row_id, doc_id, source_path, blob in self._db.execute(
                    f"SELECT id, doc_id, source_path, signature FROM docs WHERE id IN ({marks})",
                    part,
                ):
                    stored[row_id] = (doc_id, source_path, unpack_signature(blob, self.params))
        return [[stored[doc] for doc in docs if doc in stored] for docs in per_query]

    def add_many(self, records: Iterable[IndexRecord]) -> int:  # noqa: D102
        added, pending = 0, iter(records)
        with self._transaction():
            (first_new,) = self._db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM docs").fetchone()
            while chunk := list(islice(pending, CHUNK_RECORDS)):
                matrix = as_matrix([record.signature for record in chunk], self.params)
                ids = np.arange(first_new + added, first_new + added + len(chunk), dtype=np.int64)
                try:
                    self._db.executemany(
                        "INSERT INTO docs VALUES (?, ?, ?, ?)",
                        zip(
                            ids.tolist(),
                            [record.doc_id for record in chunk],
                            [record.source_path for record in chunk],
                            pack_signatures(matrix, self.params),
                            strict=True,
                        ),
                    )
                except sqlite3.IntegrityError:
                    raise self._conflict(chunk, first_new) from None
                keys = band_keys(matrix, self.params).ravel()
                bands = np.tile(np.arange(self.params.bands, dtype=np.int64), len(chunk))
                docs = np.repeat(ids, self.params.bands)
                # Sorted rows go into the B-tree in order: fewer pages touched per chunk.
                order = np.lexsort((docs, keys, bands))
                self._db.executemany(
                    "INSERT INTO bands VALUES (?, ?, ?)",
                    zip(
                        bands[order].tolist(),
                        keys[order].tolist(),
                        docs[order].tolist(),
                        strict=True,
                    ),
                )
                added += len(chunk)
        return added

    def _conflict(self, chunk: list[IndexRecord], first_new: int) -> IndexConflict:
        old = "SELECT 1 FROM docs WHERE doc_id = ? AND id < ?"
        for position, doc_id in enumerate(record.doc_id for record in chunk):
            if self._db.execute(old, (doc_id, first_new)).fetchone():
                where = f"already in the index {self.location}"
                return IndexConflict(f"document {doc_id!r} is {where}; nothing was added")
            if any(other.doc_id == doc_id for other in chunk[:position]):
                return IndexConflict(
                    f"document {doc_id!r} is twice in the batch; nothing was added"
                )
        return IndexConflict(f"a document id is already in the index {self.location}")

    def remove(self, doc_id: str) -> bool:  # noqa: D102
        with self._transaction():
            row = self._db.execute(
                "SELECT id, signature FROM docs WHERE doc_id = ?", (doc_id,)
            ).fetchone()
            if row is None:
                return False
            keys = band_keys(unpack_signature(row[1], self.params)[None, :], self.params)[0]
            self._db.executemany(
                "DELETE FROM bands WHERE band = ? AND key = ? AND doc = ?",
                [(band, key, row[0]) for band, key in enumerate(keys.tolist())],
            )
            self._db.execute("DELETE FROM docs WHERE id = ?", (row[0],))
        return True

    def stats(self) -> dict[str, Any]:  # noqa: D102
        (documents,) = self._db.execute("SELECT COUNT(*) FROM docs").fetchone()
        files = [Path(self.location + suffix) for suffix in ("", "-wal")]
        return {
            "backend": "sqlite",
            "location": self.location,
            "schema_version": SCHEMA_VERSION,
            "documents": documents,
            "params": asdict(self.params),
            "file_bytes": sum(file.stat().st_size for file in files if file.exists()),
        }

    def close(self) -> None:  # noqa: D102
        self._db.close()
