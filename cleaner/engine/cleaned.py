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
from ..read.staged import WHOLE_FILE, Location
from ..write.staging import staged_location
from .counts import FrequentLines
from .frequent import settle
from .local import Engine
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
        frequent: every site's frequent lines, as the documents were cleaned with them.

    """

    processed: list[Processed]
    failures: list[FileFailure]
    in_place: dict[int, str]
    work_dir: str | None
    frequent: dict[str, frozenset[int]]

    def location(self, position: int) -> Location:
        """Return where the text of the document at ``position`` is."""
        if position in self.in_place:
            return self.in_place[position], 0, WHOLE_FILE, False
        staged = self.processed[position].staged
        assert staged is not None and self.work_dir is not None  # only staged texts are asked for
        return staged_location(self.work_dir, staged)


# A record's place in the run: its task's number and its place among the task's documents.
Place = tuple[int, int]


def clean_all(
    tasks: Sequence[ReadTask],
    state: RunState,
    engine: Engine,
    lines: FrequentLines,
    reused: Mapping[str, Processed],
    out: str | None,
) -> Cleaned:
    """Clean every task but the files in ``reused`` (by path); return the records in run order.

    The documents of speculative sites are cleaned first without their sites'
    frequent lines; those that hold one are cleaned again (``frequent.settle``).
    """
    todo = [_without(task, reused) for task in tasks]
    todo = [task for task in todo if task.paths]
    found, failures = _clean_round(
        todo, {task.number: task for task in tasks}, state, engine, lines
    )
    ordered = sorted([*found.items(), *_reused(tasks, reused).items()])
    frequent = state.frequent
    if state.speculative or state.speculative_records:
        minimum = state.config.boilerplate.corpus_min_docs
        frequent, again = settle([record for _, record in ordered], lines, minimum)
        if again:
            second = replace(state, frequent=frequent, speculative=frozenset(), round=1)
            second = replace(second, speculative_records=False)
            places = [ordered[position][0] for position in again]
            redone, failed = _clean_again(tasks, places, second, engine, lines)
            found = {**found, **redone}
            for place in (p for p, _ in failed):
                found.pop(place, None)
            failures += [failure for _, failure in failed]
            ordered = sorted([*found.items(), *_reused(tasks, reused).items()])
    processed = _unique_ids([record for _, record in ordered])
    kept_in_out = {place for place, _ in _reused(tasks, reused).items()}
    in_place = {
        position: os.path.join(out, record.name)
        for position, (place, record) in enumerate(ordered)
        if place in kept_in_out and out is not None
    }
    return Cleaned(
        processed, sorted(failures, key=lambda f: f.rel_path), in_place, state.work_dir, frequent
    )


def _clean_round(
    todo: Sequence[ReadTask],
    full: Mapping[int, ReadTask],
    state: RunState,
    engine: Engine,
    lines: FrequentLines,
) -> tuple[dict[Place, Processed], list[FileFailure]]:
    """Clean tasks; return each record by its place in the run, and the failures."""
    found: dict[Place, Processed] = {}
    failures: list[FileFailure] = []
    for task, results in zip(todo, engine.clean(todo, state, lines.sites), strict=True):
        for place, result in zip(
            _places(task, full[task.number], len(results)), results, strict=True
        ):
            if isinstance(result, FileFailure):
                failures.append(result)
            else:
                found[(task.number, place)] = result
    return found, failures


def _places(task: ReadTask, full: ReadTask, count: int) -> Sequence[int]:
    """Return the places in ``full`` of a task's results (a task may hold part of its files)."""
    if task.only:
        return task.only
    if not READERS[task.reader].one_per_file or task == full:
        return range(count)
    index = {path: place for place, path in enumerate(full.paths)}
    return [index[path] for path in task.paths]


def _clean_again(
    tasks: Sequence[ReadTask],
    places: Sequence[Place],
    state: RunState,
    engine: Engine,
    lines: FrequentLines,
) -> tuple[dict[Place, Processed], list[tuple[Place, FileFailure]]]:
    """Clean the documents at some places again: a file by itself, a record by its place."""
    full = {task.number: task for task in tasks}
    wanted: dict[int, list[int]] = {}
    for number, place in places:
        wanted.setdefault(number, []).append(place)
    again = []
    for number, chosen in sorted(wanted.items()):
        task = full[number]
        if READERS[task.reader].one_per_file:
            names = task.names or task.paths
            paths = tuple(task.paths[p] for p in chosen)
            again.append(replace(task, paths=paths, names=tuple(names[p] for p in chosen)))
        else:
            again.append(replace(task, only=tuple(chosen)))
    found: dict[Place, Processed] = {}
    failed: list[tuple[Place, FileFailure]] = []
    for task, results in zip(again, engine.clean(again, state, lines.sites), strict=True):
        for place, result in zip(
            _places(task, full[task.number], len(results)), results, strict=True
        ):
            if isinstance(result, FileFailure):
                failed.append(((task.number, place), result))
            else:
                found[(task.number, place)] = result
    return found, failed


def _reused(tasks: Sequence[ReadTask], reused: Mapping[str, Processed]) -> dict[Place, Processed]:
    """Return the records a resumed run reuses, by their place in the run."""
    return {
        (task.number, place): reused[path]
        for task in tasks
        for place, path in enumerate(task.paths)
        if path in reused
    }


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
