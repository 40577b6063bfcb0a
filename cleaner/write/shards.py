"""Write JSON Lines and Parquet shards from the records pass 2 staged.

A shard is ``corpus.jsonl`` (``.gz``, ``.zst``) or ``corpus.parquet`` when the
run writes one file, ``corpus-00000.jsonl`` ... when ``shard_bytes`` cuts the
records into shards of about that many bytes of JSON (before compression).
The cut depends only on the records, never on how many processes ran, so the
same input gives the same shards. Each shard is written under a temporary
name in the work directory, flushed, then renamed into place.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..data import CleanConfig, FileFailure
from ..errors import UsageProblem
from ..read.names import printable_path
from ..read.staged import StagedReader
from .confined import replace_inside
from .files import FILE_MODE, TEMP_SUFFIX

CORPUS_STEM = "corpus"
SUFFIXES = {"jsonl": ".jsonl", "parquet": ".parquet"}
COMPRESSED_SUFFIXES = {"none": "", "gzip": ".gz", "zstd": ".zst"}
PARQUET_GROUP_ROWS = 10_000
ZSTD_LEVEL = 3  # zstandard's own default: fast, and far smaller than gzip's level 6 output
WRITE_CHUNK_BYTES = 1 << 20
PARQUET_INSTALL_HINT = "writing Parquet needs pyarrow: pip install 'cleaner[parquet]'"
ZSTD_INSTALL_HINT = "writing .zst needs zstandard: pip install 'cleaner[zstd]'"

# (staged file, start, size, note for a dropped document, source for messages)
Piece = tuple[str, int, int, dict[str, Any] | None, str]


@dataclass(frozen=True, slots=True)
class ShardTask:
    """One shard to write: its records' staged bytes, in order."""

    out: str
    name: str  # its path under OUT
    work_dir: str
    kind: str  # jsonl or parquet
    compression: str
    pieces: tuple[Piece, ...]


def shard_name(kind: str, compression: str, number: int | None) -> str:
    """Return a shard's file name (``number`` None: the only file).

    >>> shard_name("jsonl", "gzip", None), shard_name("parquet", "none", 3)
    ('corpus.jsonl.gz', 'corpus-00003.parquet')
    """
    stem = CORPUS_STEM if number is None else f"{CORPUS_STEM}-{number:05d}"
    return stem + SUFFIXES[kind] + COMPRESSED_SUFFIXES[compression]


def plan_shards(
    pieces: Sequence[tuple[str, int, int, dict[str, Any] | None, str]],
    out: str,
    prefix: str,
    work_dir: str,
    kind: str,
    config: CleanConfig,
) -> list[ShardTask]:
    """Cut the records into shards of ``config.shard_bytes`` (0: one file, even an empty one)."""
    groups: list[list[Piece]] = [[]]
    size = 0
    for piece in pieces:
        if config.shard_bytes and size >= config.shard_bytes:
            groups.append([])
            size = 0
        groups[-1].append(piece)
        size += piece[2]
    single = len(groups) == 1 and not config.shard_bytes
    return [
        ShardTask(
            out,
            prefix + shard_name(kind, config.compression, None if single else number),
            work_dir,
            kind,
            config.compression,
            tuple(group),
        )
        for number, group in enumerate(groups)
    ]


def write_shard(task: ShardTask) -> list[FileFailure]:
    """Write one shard; if it cannot be written, each of its documents is a failure."""
    temporary = os.path.join(
        task.work_dir, f".{os.path.basename(task.name)}.{os.getpid()}{TEMP_SUFFIX}"
    )
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(handle, "wb") as stream:
            if task.kind == "parquet":
                _write_parquet(stream, _lines(task))
            else:
                _write_jsonl(stream, _lines(task), task.compression)
            stream.flush()
            os.fsync(stream.fileno())
        replace_inside(Path(task.out), task.name, temporary)  # through no link in OUT
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        where = f"{printable_path(os.path.join(task.out, task.name))}: {error.strerror or error}"
        return [FileFailure(piece[4], f"cannot write output: {where}") for piece in task.pieces]
    return []


def _lines(task: ShardTask) -> Iterator[bytes]:
    """Yield the shard's JSON Lines, a dropped document's with its note in its metadata."""
    reader = StagedReader()
    for path, start, size, note, _ in task.pieces:
        data = reader.bytes_at((path, start, size, True))
        if note is not None:
            record = json.loads(data)
            record["metadata"]["dropped"] = note
            data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        yield data


def _write_jsonl(stream: IO[bytes], lines: Iterator[bytes], compression: str) -> None:
    if compression == "gzip":
        # No name and no time in the header: the same input gives the same bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=stream, mtime=0) as packed:
            _copy(lines, packed)  # type: ignore[arg-type]  # a GzipFile is binary IO
    elif compression == "zstd":
        try:
            import zstandard
        except ImportError as error:
            raise UsageProblem(ZSTD_INSTALL_HINT) from error
        compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
        with compressor.stream_writer(stream, closefd=False) as packed:
            _copy(lines, packed)
    else:
        _copy(lines, stream)


def _copy(lines: Iterator[bytes], stream: IO[bytes]) -> None:
    """Write lines about ``WRITE_CHUNK_BYTES`` at a time (a write per line cost 3 us more)."""
    waiting: list[bytes] = []
    held = 0
    for line in lines:
        waiting.append(line)
        held += len(line)
        if held >= WRITE_CHUNK_BYTES:
            stream.write(b"".join(waiting))
            waiting, held = [], 0
    stream.write(b"".join(waiting))


def _write_parquet(stream: IO[bytes], lines: Iterator[bytes]) -> None:
    """Write the records as Parquet: ``id``, ``text``, and ``metadata`` as JSON text.

    The metadata of records from different inputs hold different fields, so it
    is one JSON string column: a schema every shard shares. Written a row group
    at a time, so a shard is never held in memory whole.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise UsageProblem(PARQUET_INSTALL_HINT) from error
    schema = pa.schema([("id", pa.string()), ("text", pa.string()), ("metadata", pa.string())])
    with pq.ParquetWriter(stream, schema, compression="zstd") as writer:
        columns: tuple[list[str], list[str], list[str]] = ([], [], [])
        for line in lines:
            record = json.loads(line)
            columns[0].append(record["id"])
            columns[1].append(record["text"])
            metadata = json.dumps(record["metadata"], ensure_ascii=False, separators=(",", ":"))
            columns[2].append(metadata)
            if len(columns[0]) >= PARQUET_GROUP_ROWS:
                writer.write_table(pa.table(list(columns), schema=schema))
                columns = ([], [], [])
        if columns[0]:
            writer.write_table(pa.table(list(columns), schema=schema))
