"""Where the stages of a corpus run execute: this machine's processes, or a Ray cluster.

The engine decides where code runs, never what it computes: every engine calls
the same stage functions (``workers.scan_task``, ``workers.clean_task``,
``dedup.name_clusters``, the writers' tasks), so a run gives the same bytes on
any engine and any number of processes. An engine does four things for
``pipeline``: read every task for its edge lines (pass 1), clean every task
(pass 2), find the near-duplicate clusters among the cleaned documents, and
run the writers' tasks while the run renders its reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Protocol

from ..data import CleanConfig, DuplicateCluster, FileFailure, Processed, ReadTask
from ..dedup.clusters import find_document_clusters
from ..dedup.lsh import choose_banding
from ..dedup.minhash import permutations
from ..read.readers import READERS
from .counts import FrequentLines, tally_edges
from .parallel import WorkerPool
from .workers import RunState, Scanned, clean_task, scan_task

if TYPE_CHECKING:
    from .cleaned import Cleaned

# progress(stage, done, total): called as each stage goes on (files, or tasks of records).
Progress = Callable[[str, int, int], None]
ENGINES = ("local", "ray")
RAY_INSTALL_HINT = "--engine ray needs Ray Data: pip install 'cleaner[ray]'"
# A task's results, in the order of its documents.
ScanResults = list[Scanned | FileFailure]
CleanResults = list[Processed | FileFailure]
# The sites of each task's documents (by task number), where they are known.
TaskSites = Mapping[int, frozenset[str]]


class Waiting(Protocol):
    """Work started on an engine that the run waits for later."""

    def wait(self) -> list[Any]:
        """Return the results of the work, in order (raising what it raised)."""


class Engine(Protocol):
    """What ``pipeline`` asks of an engine."""

    def count_edges(
        self, scans: Sequence[ReadTask], state: RunState, known: Mapping[str, list[int]]
    ) -> FrequentLines:
        """Pass 1: read the tasks, count their documents' edge lines per site.

        ``known`` gives the edge keys of files a resumed run does not read again.
        """

    def clean(
        self, tasks: Sequence[ReadTask], state: RunState, sites: TaskSites
    ) -> Iterator[CleanResults]:
        """Pass 2: each task's cleaned documents' records, task by task, in order.

        ``sites`` gives the sites of a task's documents, where they are known,
        so that the task carries only their frequent lines.
        """

    def document_clusters(
        self, cleaned: Cleaned, config: CleanConfig
    ) -> tuple[DuplicateCluster, ...]:
        """Return the near-duplicate clusters of the cleaned documents (in run order)."""

    def start(self, function: Callable[[Any], Any], tasks: list[Any]) -> Waiting:
        """Start ``function`` on each task (the writers'), without waiting for them."""

    def close(self) -> None:
        """Release what the engine started."""


def task_units(task: ReadTask) -> int:
    """Return how much of a stage's progress a task is: its files (of one document each), or 1."""
    return len(task.paths) if READERS[task.reader].one_per_file else 1


def with_progress(
    results: Iterable[Any],
    tasks: Sequence[ReadTask],
    stage: str,
    progress: Progress | None,
) -> Iterator[Any]:
    """Yield each task's results, telling ``progress`` how far the stage has come."""
    total = sum(task_units(task) for task in tasks)
    done = 0
    for task, result in zip(tasks, results, strict=True):
        for _ in range(task_units(task) if progress else 0):
            done += 1
            progress(stage, done, total)  # type: ignore[misc]
        yield result


class _Done:
    """Work that was done on the spot."""

    def __init__(self, results: list[Any]) -> None:
        self.results = results

    def wait(self) -> list[Any]:
        return self.results


class _Futures:
    """Work running on the pool."""

    def __init__(self, futures: list[Future[Any]]) -> None:
        self.futures = futures

    def wait(self) -> list[Any]:
        return [future.result() for future in self.futures]


class LocalEngine:
    """Run the stages on ``jobs`` processes of this machine (``jobs=1``: in this process)."""

    def __init__(self, jobs: int, progress: Progress | None = None) -> None:
        """Use ``jobs`` processes; ``progress`` hears about every task of each pass."""
        self.jobs = jobs
        self.progress = progress
        self.pool = WorkerPool(jobs)

    def count_edges(
        self, scans: Sequence[ReadTask], state: RunState, known: Mapping[str, list[int]]
    ) -> FrequentLines:
        """Read the tasks on the pool for their edge lines; count them here."""
        results = self.pool.map(_scan, [(state, task) for task in scans])
        found = with_progress(results, scans, "scan", self.progress)
        return tally_edges(scans, found, known, state.config.boilerplate.corpus_min_docs)

    def clean(
        self, tasks: Sequence[ReadTask], state: RunState, sites: TaskSites
    ) -> Iterator[CleanResults]:
        """Clean the tasks on the pool, results in order."""
        self._prepare(state)
        jobs = [(state.cut(sites.get(task.number)), task) for task in tasks]
        return with_progress(self.pool.map(_clean, jobs), tasks, "clean", self.progress)

    def _prepare(self, state: RunState) -> None:
        """Compute here what every worker would otherwise compute, before they start.

        The LSH banding is chosen by numerical integration (50 ms) and the
        permutations drawn with numpy.random (a 22 ms import): workers forked
        later inherit both.
        """
        dedup = state.config.dedup
        choose_banding(dedup.jaccard_threshold, dedup.num_perm)
        permutations(dedup.num_perm, dedup.seed)

    def document_clusters(
        self, cleaned: Cleaned, config: CleanConfig
    ) -> tuple[DuplicateCluster, ...]:
        """Cluster the signatures in this process (small records), check candidates on the pool."""
        texts = cleaned.location if cleaned.work_dir is not None else None
        return find_document_clusters(cleaned.processed, config, texts, self.pool.map)

    def start(self, function: Callable[[Any], Any], tasks: list[Any]) -> Waiting:
        """Submit the tasks to the pool (run them here with one job)."""
        if self.jobs <= 1 or not tasks:  # one task too goes to a worker: it overlaps the reports
            return _Done([function(task) for task in tasks])
        return _Futures([self.pool.submit(function, task) for task in tasks])

    def close(self) -> None:
        """Stop the workers."""
        self.pool.close()


def _scan(job: tuple[RunState, ReadTask]) -> ScanResults:
    return scan_task(*job)


def _clean(job: tuple[RunState, ReadTask]) -> CleanResults:
    return clean_task(*job)
