"""Pass 2 over the whole run: every task cleaned, the records put in run order.

The run order is the plan's: tasks in order, documents in the order their task
reads them. A resumed run slips the records of the files it did not clean
again into their places, so the order is the same as a full run's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..data import FileFailure, Processed, ReadTask
from ..read.readers import READERS
from ..write.staging import WHOLE_FILE, Location, staged_location
from .local import Engine, TaskSites
from .workers import RunState


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Pass 2's result: the record of every document cleaned (or reused), in run order.

    Attributes:
        processed: the records, in run order; document ids are unique.
        failures: what could not be read or cleaned.
        in_place: the positions whose text is already in OUT (kept by an earlier
            ``--resume`` run), with that file.
        work_dir: where the other texts are staged (None: an analysis, nothing staged).

    """

    processed: list[Processed]
    failures: list[FileFailure]
    in_place: dict[int, str]
    work_dir: str | None

    def location(self, position: int) -> Location:
        """Return where the text of the document at ``position`` is."""
        if position in self.in_place:
            return self.in_place[position], 0, WHOLE_FILE, False
        staged = self.processed[position].staged
        assert staged is not None and self.work_dir is not None  # only staged texts are asked for
        return staged_location(self.work_dir, staged)


def clean_all(
    tasks: Sequence[ReadTask],
    state: RunState,
    engine: Engine,
    sites: TaskSites,
    reused: Mapping[str, Processed],
    out: str | None,
) -> Cleaned:
    """Clean every task but the files in ``reused`` (by path); return the records in run order."""
    todo = [_without(task, reused) for task in tasks]
    todo = [task for task in todo if task.paths]
    full = {task.number: task for task in tasks}
    # (task number, place in the task), the record, whether it was reused
    ordered: list[tuple[tuple[int, int], Processed, bool]] = []
    failures: list[FileFailure] = []
    for task, results in zip(todo, engine.clean(todo, state, sites), strict=True):
        # A file's place among all the files of its task (some were reused).
        places = range(len(results))
        if READERS[task.reader].one_per_file and task != full[task.number]:
            index = {path: place for place, path in enumerate(full[task.number].paths)}
            places = [index[path] for path in task.paths]  # type: ignore[assignment]
        for place, result in zip(places, results, strict=True):
            if isinstance(result, FileFailure):
                failures.append(result)
            else:
                ordered.append(((task.number, place), result, False))
    for task in tasks:
        for position, path in enumerate(task.paths):
            if path in reused:
                ordered.append(((task.number, position), reused[path], True))
    ordered.sort(key=lambda entry: entry[0])
    processed = _unique_ids([record for _, record, _ in ordered])
    in_place = {
        position: os.path.join(out, record.name)
        for position, (_, record, was_reused) in enumerate(ordered)
        if was_reused and out is not None
    }
    return Cleaned(processed, failures, in_place, state.work_dir)


def _without(task: ReadTask, reused: Mapping[str, Processed]) -> ReadTask:
    """Return a task without the files a resumed run does not clean again."""
    if not reused or not any(path in reused for path in task.paths):
        return task
    kept = [
        (p, n) for p, n in zip(task.paths, task.names or task.paths, strict=True) if p not in reused
    ]
    paths, names = (tuple(x) for x in zip(*kept, strict=True)) if kept else ((), ())
    return replace(task, paths=paths, names=names)


def _unique_ids(processed: list[Processed]) -> list[Processed]:
    """Give a document whose id an earlier one has an id of its own: the id and its place.

    Records from several files may repeat an id; the report and the duplicate
    decision name documents by id. The written record keeps the input's id.
    """
    seen: set[str] = set()
    unique = []
    for record in processed:
        doc_id = record.report.doc_id
        if doc_id in seen:
            doc_id = f"{doc_id} ({record.report.source_path})"
            record = replace(record, report=replace(record.report, doc_id=doc_id))  # noqa: PLW2901
        seen.add(doc_id)
        unique.append(record)
    return unique
