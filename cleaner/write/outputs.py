"""Put the kept documents into OUT in the format asked for: the table of writers.

Runs once the duplicates are known. The main process decides what goes where
(which staged bytes make which file, which shard) and the engine's workers do
the writing, while the run renders its reports: a new output format is one
writer here, and the same tasks run on every engine.

Every file reaches OUT complete or not at all: a text tree's files were staged
whole and are renamed into place once made durable (one ``sync``), shards are
written under a temporary name in the work directory, flushed and renamed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..data import CleanConfig, CleanReport, FileFailure, FileReport, Processed
from ..errors import OutputError, UsageProblem
from ..read.staged import Location, read_location
from .files import finish_jsonl, flush_staged
from .records import jsonl_record_bytes
from .resume import EarlierRun
from .shards import ShardTask, plan_shards, write_shard
from .tree import PlaceTask, place_files, plan_placing

if TYPE_CHECKING:
    from ..engine.cleaned import Cleaned
    from ..engine.local import Engine, Waiting

DROPPED_DIR = "_dropped"
# Files a placing task renames: enough to make a task worth a message.
PLACE_CHUNK_FILES = 2048


@dataclass(frozen=True, slots=True)
class Output:
    """One document to write: where its bytes are staged and what it is called.

    ``name`` is its path in a text tree, ``source`` what a failure names,
    ``staged`` its staged file (an absolute path), ``start`` and ``size`` its
    bytes there, ``record`` whether they are its JSON Lines record, and ``note``
    what a dropped document's record gains (the reason it was dropped).
    """

    name: str
    source: str
    staged: str
    start: int
    size: int
    record: bool
    note: dict[str, Any] | None = None


class Writer(Protocol):
    """Turn the documents to write into tasks a worker runs on its own."""

    def tasks(
        self, outputs: Sequence[Output], out: str, prefix: str, work_dir: str, config: CleanConfig
    ) -> list[Any]:
        """Return the tasks that write ``outputs`` under ``out``, their names after ``prefix``."""

    def run(self, task: Any) -> list[FileFailure]:
        """Write one task's files; return the documents that could not be written."""


class TreeWriter:
    """A text tree: each document's cleaned text as a file, at its path under OUT."""

    def tasks(
        self, outputs: Sequence[Output], out: str, prefix: str, work_dir: str, config: CleanConfig
    ) -> list[PlaceTask]:
        """Make the staged texts durable; return chunks of renames into ``out``."""
        if outputs:
            flush_staged()
        moves = [(o.staged, o.start, o.size, o.record, prefix + o.name, o.source) for o in outputs]
        return plan_placing(moves, out, work_dir, PLACE_CHUNK_FILES)

    def run(self, task: PlaceTask) -> list[FileFailure]:
        """Put one chunk of texts in place."""
        return place_files(task)


class ShardWriter:
    """JSON Lines or Parquet: the records in shards (``corpus.jsonl``, ``corpus-00001.jsonl``)."""

    def __init__(self, kind: str) -> None:
        """Write shards of ``kind`` (``jsonl`` or ``parquet``)."""
        self.kind = kind

    def tasks(
        self, outputs: Sequence[Output], out: str, prefix: str, work_dir: str, config: CleanConfig
    ) -> list[ShardTask]:
        """Cut the records into shards of ``config.shard_bytes``."""
        pieces = [(o.staged, o.start, o.size, o.note, o.source) for o in outputs]
        return plan_shards(pieces, out, prefix, work_dir, self.kind, config)

    def run(self, task: ShardTask) -> list[FileFailure]:
        """Write one shard."""
        return write_shard(task)


WRITERS: dict[str, Writer] = {
    "text": TreeWriter(),
    "jsonl": ShardWriter("jsonl"),
    "parquet": ShardWriter("parquet"),
}


def writing_tasks(
    kept: Sequence[Output],
    dropped: Sequence[Output],
    out: str,
    work_dir: str,
    config: CleanConfig,
) -> list[tuple[Callable[[Any], list[FileFailure]], Any]]:
    """Return every task (function, argument) that writes a run's outputs into OUT.

    The dropped documents, when asked for, go under ``_dropped`` in the same format.
    """
    writer = WRITERS[config.output_format]
    tasks: list[tuple[Callable[[Any], list[FileFailure]], Any]] = [
        (writer.run, task) for task in writer.tasks(kept, out, "", work_dir, config)
    ]
    if config.write_dropped and dropped:
        prefix = DROPPED_DIR + "/"
        tasks += [
            (writer.run, task) for task in writer.tasks(dropped, out, prefix, work_dir, config)
        ]
    return tasks


def run_writing_task(job: tuple[Callable[[Any], list[FileFailure]], Any]) -> list[FileFailure]:
    """Run one writing task (on a worker): what ``writing_tasks`` returned."""
    function, task = job
    return function(task)


@dataclass(frozen=True, slots=True)
class Writing:
    """Writers at work: wait for them with ``finish_writing``.

    ``copy_error`` says why the ``--jsonl`` copy could not be written; the run
    writes everything else, its reports too, then stops with it.
    """

    waiting: Waiting
    copy_error: OutputError | None = None

    def raise_copy_error(self) -> None:
        """Raise the error of the ``--jsonl`` copy, if it had one."""
        if self.copy_error is not None:
            raise self.copy_error


def start_writing(
    cleaned: Cleaned,
    report: CleanReport,
    earlier: EarlierRun,
    out: Path,
    config: CleanConfig,
    engine: Engine,
) -> Writing:
    """Start writing the kept documents (and the dropped ones, when asked) into OUT.

    A copy of the JSON Lines asked for with ``--jsonl`` is written first, here:
    its texts are about to be renamed into place.
    """
    work_dir = cleaned.work_dir
    assert work_dir is not None  # a run that writes stages its texts
    earlier.withdraw(cleaned, report, work_dir)
    notes = dropped_notes(report)
    kept, dropped = [], []
    for position, (record, file) in enumerate(zip(cleaned.processed, report.files, strict=True)):
        if position in cleaned.in_place and file.status == "written":
            continue  # already in OUT, as an earlier --resume run wrote it
        output = _output(cleaned, position, record, notes.get(file.doc_id))
        if file.status == "written":
            kept.append(output)
        elif file.status in ("duplicate", "filtered"):
            dropped.append(output)
    copy_error = None
    if config.jsonl_path:
        try:
            _write_jsonl_copy(Path(config.jsonl_path), cleaned, report, work_dir)
        except OutputError as error:
            copy_error = error
    tasks = writing_tasks(kept, dropped, os.fspath(out), work_dir, config)
    return Writing(engine.start(run_writing_task, tasks), copy_error)


def finish_writing(writing: Writing, report: CleanReport) -> tuple[CleanReport, list[FileFailure]]:
    """Wait for the writers; mark the documents they could not write as failed."""
    try:
        unwritten = [failure for failures in writing.waiting.wait() for failure in failures]
    except UsageProblem:
        raise
    except Exception as error:  # a writer's own crash: the run cannot say what is in OUT
        raise OutputError(f"cannot write the outputs: {error}") from error
    if not unwritten:
        return report, []
    sources = {failure.rel_path for failure in unwritten}
    files = tuple(
        replace(f, status="failed") if f.source_path in sources and f.status == "written" else f
        for f in report.files
    )
    failures = tuple(sorted([*report.failures, *unwritten], key=lambda f: f.rel_path))
    return replace(report, files=files, failures=failures), unwritten


def dropped_notes(report: CleanReport) -> dict[str, dict[str, Any]]:
    """Return, per document not written, why: the note its record carries under ``_dropped``."""
    notes: dict[str, dict[str, Any]] = {}
    for cluster in report.clusters:
        for member in cluster.dropped:
            notes[member.doc_id] = {
                "reason": "near-duplicate",
                "kept": cluster.kept,
                "similarity": member.similarity,
            }
    for duplicate in report.index_duplicates:
        notes[duplicate.doc_id] = {
            "reason": "index-duplicate",
            "kept": duplicate.indexed_id,
            "similarity": duplicate.similarity,
        }
    for file in report.files:
        if file.filtered is not None:
            notes[file.doc_id] = {"reason": "filtered", **asdict(file.filtered)}
    return notes


def _output(
    cleaned: Cleaned, position: int, record: Processed, note: dict[str, Any] | None
) -> Output:
    path, start, size, is_record = cleaned.location(position)
    return Output(record.name, record.report.source_path, path, start, size, is_record, note)


def _write_jsonl_copy(target: Path, cleaned: Cleaned, report: CleanReport, work_dir: str) -> None:
    """Write the kept documents as JSON Lines to ``target`` (``-``: standard output)."""
    lines = (
        _jsonl_of(cleaned.location(position), file)
        for position, file in enumerate(report.files)
        if file.status == "written"
    )
    try:
        finish_jsonl([target], lines, Path(work_dir))
    except OSError as error:
        where = f" to {error.filename}" if error.filename else ""
        raise OutputError(f"cannot write JSON Lines{where}: {error.strerror or error}") from error


def _jsonl_of(location: Location, file: FileReport) -> bytes:
    path, start, size, is_record = location
    if is_record:
        with open(path, "rb") as stream:
            stream.seek(start)
            return stream.read(size)
    return jsonl_record_bytes(file, read_location(location))
