"""Read JSON Lines: one JSON object a line, plain or compressed (``.gz``, ``.zst``).

The layout datatrove, Data-Juicer and Hugging Face ``datasets`` exchange: a text
field, an id field and any others (kept as the document's ``extra``). A line
that is not a JSON object with a string text is reported with its file and
line number, and the run goes on; so does a truncated compressed file, after
the lines read before the damage.

A large plain file is read by several workers at once, each a byte range cut
at a line end; compressed files are read whole, by one worker each.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..data import CleanConfig, Document, FileFailure, ReadTask
from ..errors import UsageProblem
from .files import printable_path
from .records import record_document

ZSTD_INSTALL_HINT = "reading .zst files needs zstandard: pip install 'cleaner[zstd]'"
# A plain file larger than this is split into ranges of about this size: enough to
# spread a single file over every core, few enough to keep tasks worth a message.
SPLIT_BYTES = 16 << 20
COUNT_CHUNK_BYTES = 1 << 20


def open_compressed(path: str) -> IO[bytes]:
    """Open a file for reading bytes, decompressing ``.gz`` and ``.zst`` by their name."""
    if path.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]  # a GzipFile is binary IO
    if path.endswith(".zst"):
        try:
            import zstandard
        except ImportError as error:
            raise UsageProblem(ZSTD_INSTALL_HINT) from error
        raw = open(path, "rb")  # noqa: SIM115 - closed by the reader wrapped around it
        reader = zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)
        return io.BufferedReader(reader)
    return open(path, "rb")  # noqa: SIM115 - the caller closes it


class JsonLines:
    """JSON Lines files (``.jsonl``, ``.ndjson``; plain, ``.gz`` or ``.zst``)."""

    keeps_extraction = False
    one_per_file = False

    def tasks(self, root: str, rel_path: str) -> list[ReadTask]:
        """Return one task, or byte ranges cut at line ends for a large plain file."""
        path = os.path.join(root, rel_path)
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0  # the read reports why
        if path.endswith((".gz", ".zst")) or size <= SPLIT_BYTES:
            return [ReadTask("jsonl", (rel_path,))]
        return [
            ReadTask("jsonl", (rel_path,), start=start, stop=stop, first_line=line)
            for start, stop, line in _line_ranges(path, size)
        ]

    def documents(
        self, root: str, task: ReadTask, config: CleanConfig
    ) -> Iterator[Document | FileFailure]:
        """Yield each record of the task's file (or range) as a document, or its failure."""
        (rel_path,) = task.paths
        name = printable_path(rel_path)
        line_no = task.first_line - 1
        try:
            with open_compressed(os.path.join(root, rel_path)) as stream:
                if task.start:
                    stream.seek(task.start)
                budget = None if task.stop is None else task.stop - task.start
                for line in stream:
                    line_no += 1
                    if not line.strip():
                        continue
                    yield _parse(line, rel_path, line_no, f"{name}:{line_no}", config)
                    if budget is not None:
                        budget -= len(line)
                        if budget <= 0:
                            break
        except (OSError, EOFError, ValueError) as error:
            # A truncated or damaged compressed file: what was read before stands.
            yield FileFailure(f"{name}:{line_no + 1}", f"cannot read further: {_reason(error)}")


def _parse(
    line: bytes, rel_path: str, line_no: int, where: str, config: CleanConfig
) -> Document | FileFailure:
    try:
        record: Any = json.loads(line)
    except UnicodeDecodeError:
        return FileFailure(where, "not UTF-8 (JSON Lines are UTF-8)")
    except ValueError as error:
        return FileFailure(where, f"not valid JSON ({error})")
    if not isinstance(record, dict):
        return FileFailure(where, f"a JSON {type(record).__name__}, not an object")
    return record_document(record, rel_path, line_no, where, config)


def _line_ranges(path: str, size: int) -> list[tuple[int, int, int]]:
    """Cut a plain file into (start, stop, first line) ranges of about ``SPLIT_BYTES``.

    Each cut is just after a newline; the lines before each cut are counted
    (at memory speed), so every record keeps its line number.
    """
    ranges: list[tuple[int, int, int]] = []
    start, position, newlines = 0, 0, 0
    with open(path, "rb") as stream:
        while position < size:
            first_line = newlines + 1
            target = min(size, start + SPLIT_BYTES)
            while position < target:
                chunk = stream.read(min(COUNT_CHUNK_BYTES, target - position))
                if not chunk:
                    break
                newlines += chunk.count(b"\n")
                position += len(chunk)
            rest = stream.readline()  # to the end of the line the cut fell in
            position += len(rest)
            newlines += rest.count(b"\n")
            if position == start:
                break  # the file shrank under us: reading it says what is left
            ranges.append((start, position, first_line))
            start = position
    return ranges


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the records of a JSON Lines file this tool wrote (one object a line)."""
    with open_compressed(os.fspath(path)) as stream:
        for line in stream:
            record: dict[str, Any] = json.loads(line)
            yield record
