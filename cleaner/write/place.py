"""Put the kept texts where the run was asked to: a file each under OUT, or JSON Lines.

Runs once the duplicates are known, in the main process, from the texts pass 2
staged in the work directory (``staging``). For text output each kept text has
a staged file of its own: one sync makes them all durable, then each is renamed
into place, so a run killed at any moment leaves only complete files in OUT.
JSON Lines are streamed from the batch files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data import CleanConfig, FileFailure, FileReport
from ..engine.parallel import Alongside
from ..errors import OutputError
from ..read.names import printable_path
from .confined import ConfinedTree
from .files import CORPUS_JSONL, finish_jsonl, flush_staged, jsonl_line
from .staging import BatchReader, Staged, batch_path

# Deleting these bytes leaves a text's control characters that json.dumps escapes,
# but newlines: a text with one is written through json itself (a regex search
# for them cost 15 µs a text, bytes.translate 1 µs).
NOT_UNUSUAL_CONTROL = bytes(range(0x20, 0x100)) + b"\n"
# A kept document: its run index, input path, report and where its text waits.
Kept = tuple[int, str, FileReport, Staged]


def place_outputs(
    output_dir: Path,
    work_dir: Path,
    kept: list[Kept],
    config: CleanConfig,
    alongside: bool,
    jsonl_alongside: bool,
) -> tuple[Alongside, Alongside]:
    """Put the kept texts in OUT (files, JSON Lines or both).

    Return the placing of the files and the writing of the JSON Lines: each
    goes on in a forked child while the run renders its reports (``Alongside``;
    the files when ``alongside``, the JSON Lines when ``jsonl_alongside``). The
    run waits for both (``finish_placing``: the files that failed;
    ``finish_jsonl_writing``).
    """
    targets = [output_dir / CORPUS_JSONL] if config.output_format == "jsonl" else []
    if config.jsonl_path:
        targets.append(Path(config.jsonl_path))
    # Standard output is written at once, before the run's summary; so are the
    # JSON Lines of text output, read from staged files about to be renamed.
    jsonl_alongside &= config.output_format == "jsonl" and Path("-") not in targets
    writing = Alongside(lambda: _write_jsonl(targets, work_dir, kept), jsonl_alongside)
    text = config.output_format == "text"
    placing = Alongside(lambda: _place_files(output_dir, work_dir, kept if text else []), alongside)
    return placing, writing


def _place_files(output_dir: Path, work_dir: Path, kept: list[Kept]) -> list[FileFailure]:
    """Rename the kept texts into place, once they are durable; return the files that failed."""
    if not kept:
        return []
    flush_staged()
    return _rename_into_place(output_dir, work_dir, kept)


def finish_placing(placing: Alongside) -> list[FileFailure]:
    """Wait for the kept files to be in place; return those that could not be placed."""
    error = placing.wait()
    if error is not None:
        raise OutputError(f"cannot place the cleaned files: {error}")
    failures: list[FileFailure] = placing.result
    return failures


def finish_jsonl_writing(writing: Alongside) -> None:
    """Wait for the JSON Lines to be complete; raise OutputError if they could not be written."""
    error = writing.wait()
    if error is not None:
        raise OutputError(error)


def _write_jsonl(targets: list[Path], work_dir: Path, kept: list[Kept]) -> None:
    """Stream the JSON Lines of the kept texts, read back from the batch files, to each target."""
    if not targets:
        return
    reader = BatchReader(work_dir)
    records = (jsonl_bytes(file, reader.text(staged)) for _, _, file, staged in kept)
    try:
        finish_jsonl(targets, records, work_dir)
    except OSError as error:
        where = f" to {error.filename}" if error.filename else ""
        raise OutputError(f"cannot write JSON Lines{where}: {error.strerror or error}") from error


def _rename_into_place(output_dir: Path, work_dir: Path, kept: list[Kept]) -> list[FileFailure]:
    """Rename each kept text's own staged file to its path under OUT, following no link.

    In run order, which is sorted: each folder of OUT is opened once (``ConfinedTree``).
    """
    placed: set[tuple[int, int]] = set()
    failures: list[FileFailure] = []
    with ConfinedTree(output_dir) as tree:
        for _, rel_path, file, staged in kept:
            try:
                if tree.identity(rel_path) in placed:
                    # Two inputs, one output (a case-insensitive file system): keep the first.
                    raise FileExistsError(0, f"{printable_path(rel_path)} was already written")
                tree.replace(batch_path(work_dir, staged.batch), rel_path)
                if (identity := tree.identity(rel_path)) is not None:
                    placed.add(identity)
            except OSError as error:
                reason = f"cannot write output: {error.strerror or error}"
                failures.append(FileFailure(file.source_path, reason))
    return failures


def jsonl_record(file: FileReport, text: str = "") -> dict[str, Any]:
    """Return the JSON Lines record of a kept document (the layout corpus tools read)."""
    metadata: dict[str, Any] = {"source_path": file.source_path, "encoding": file.decoding.encoding}
    metadata.update(file.metadata.as_dict())
    return {"id": file.doc_id, "text": text, "metadata": metadata}


def jsonl_bytes(file: FileReport, text: bytes) -> bytes:
    """Return ``jsonl_line(jsonl_record(file, text))`` in UTF-8, given the text in UTF-8.

    The text, most of a line, is escaped as bytes: with no control character
    but newlines, ``json.dumps`` only escapes backslashes, quotes and newlines.
    Decoding, encoding with json and encoding again cost 9 µs a document
    (tests/test_properties.py checks the bytes are the same).
    """
    if text.translate(None, NOT_UNUSUAL_CONTROL):
        return jsonl_line(jsonl_record(file, text.decode("utf-8"))).encode("utf-8")
    record = jsonl_line(jsonl_record(file, "")).encode("utf-8")
    head, _, tail = record.partition(b'"text":""')
    escaped = text.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n")
    return b"".join((head, b'"text":"', escaped, b'"', tail))
