"""Where the stages of a corpus run execute: this machine's processes, or a Ray cluster.

The engine decides where code runs, never what it computes: every engine calls
the same stage functions (``workers.scan_guarded``, ``workers.process_batch``,
``dedup.name_clusters``), so a run gives the same bytes on any engine and any
number of processes. An engine does three things for ``pipeline``: count the
edge lines of every file per site (pass 1), clean the files (pass 2), and find
the near-duplicate clusters among the cleaned documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from ..data import CleanConfig, DuplicateCluster, FileFailure
from ..dedup.clusters import TextPath, find_document_clusters
from ..dedup.lsh import choose_banding
from ..dedup.minhash import permutations
from .parallel import WorkerPool
from .workers import Processed, RunState, clean_with, scan_with, site_of

# progress(stage, done, total): called after each file of a stage.
Progress = Callable[[str, int, int], None]
# Files cleaned per worker call, at most: their paragraphs are signed in one call.
# Each call has a fixed cost (about 1 ms: a staged batch file, numpy calls, a
# message); on the generated corpus 384 a call took 0.33 CPU-s less than 64
# (paired runs: 0.15 s of 3.3 s), and 1,024 no less.
BATCH_FILES = 384
# ...but a small run still gives each worker this many calls, for balance.
CALLS_PER_WORKER = 4
# Files scanned per worker call in pass 1, where a file costs about 40 µs: 128 a
# call spends less of pass 1 on messages than 32 (0.47 s against 0.56 s).
SCAN_BATCH_FILES = 128
ENGINES = ("local", "ray")
RAY_INSTALL_HINT = "--engine ray needs Ray Data: pip install 'cleaner[ray]'"


@dataclass(frozen=True, slots=True)
class EdgeCounts:
    """Pass 1's result: each site's frequent edge-line keys, the failures, each file's keys."""

    frequent: dict[str, frozenset[int]]
    failures: dict[str, FileFailure]
    edges: dict[str, list[int]]


class Engine(Protocol):
    """What ``pipeline`` asks of an engine."""

    # Whether pass 2 may clean the files of speculative sites (``frequent``): a
    # second round of cleaning must be cheap to start.
    speculates: bool

    def count_edges(
        self, rel_paths: list[str], state: RunState, known: dict[str, list[int]]
    ) -> EdgeCounts:
        """Pass 1: the keys of the edge lines found in at least ``corpus_min_docs`` files of a site.

        ``known`` gives the keys of files not read again (a resumed run).
        """

    def clean_files(
        self, todo: list[tuple[int, str]], state: RunState
    ) -> Iterator[Processed | FileFailure]:
        """Pass 2: clean each (index, path), results in the order of ``todo``."""

    def document_clusters(
        self,
        entries: list[tuple[int, str, Processed]],
        config: CleanConfig,
        work_dir: Path | None,
        texts: TextPath,
    ) -> tuple[DuplicateCluster, ...]:
        """Return the near-duplicate clusters of the cleaned documents (``entries`` in order).

        ``texts(index)`` is where the cleaned text of the ``index``-th file is.
        """

    def close(self) -> None:
        """Release what the engine started."""


def frequent_keys(counts: Mapping[tuple[str, int], int], minimum: int) -> dict[str, frozenset[int]]:
    """Return, per site, the keys counted in at least ``minimum`` files."""
    frequent: dict[str, set[int]] = {}
    for (site, key), count in counts.items():
        if count >= minimum:
            frequent.setdefault(site, set()).add(key)
    return {site: frozenset(keys) for site, keys in frequent.items()}


def _state_for(state: RunState, batch: list[Any]) -> RunState:
    """Return the state a task needs: the frequent lines of its batch's sites only."""
    if not state.frequent and not state.speculative:
        return state
    sites = {site_of(item if isinstance(item, str) else item[1]) for item in batch}
    frequent = {site: state.frequent[site] for site in sites if site in state.frequent}
    return replace(state, frequent=frequent, speculative=state.speculative & sites)


def batch_size(files: int, jobs: int) -> int:
    """Return the files a pass-2 call gets: ``BATCH_FILES``, or fewer for a small run.

    >>> batch_size(20_000, 2), batch_size(1_000, 2), batch_size(5, 4)
    (384, 125, 1)
    """
    return max(1, min(BATCH_FILES, -(-files // (jobs * CALLS_PER_WORKER))))


def _with_progress(
    items: Iterable[Any], stage: str, total: int, progress: Progress | None
) -> Iterator[Any]:
    for done, item in enumerate(items, start=1):
        if progress:
            progress(stage, done, total)
        yield item


class LocalEngine:
    """Run the stages on ``jobs`` processes of this machine (``jobs=1``: in this process)."""

    speculates = True

    def __init__(self, jobs: int, progress: Progress | None = None) -> None:
        """Use ``jobs`` processes; ``progress`` hears about every file of each pass."""
        self.jobs = jobs
        self.progress = progress
        self.pool = WorkerPool(jobs)

    def count_edges(
        self, rel_paths: list[str], state: RunState, known: dict[str, list[int]]
    ) -> EdgeCounts:
        """Scan the files not in ``known`` on the pool, count the keys here."""
        failures: dict[str, FileFailure] = {}
        edges = {rel_path: known[rel_path] for rel_path in rel_paths if rel_path in known}
        unread = [rel_path for rel_path in rel_paths if rel_path not in known]
        results = self._batched(scan_with, unread, SCAN_BATCH_FILES, state)
        for rel_path, keys in zip(
            unread, _with_progress(results, "scan", len(unread), self.progress), strict=True
        ):
            if isinstance(keys, FileFailure):
                failures[rel_path] = keys
            else:
                edges[rel_path] = sorted(keys)
        counts: Counter[tuple[str, int]] = Counter()
        for rel_path, keys in edges.items():
            site = site_of(rel_path)
            counts.update((site, key) for key in keys)
        minimum = state.config.boilerplate.corpus_min_docs
        return EdgeCounts(frequent_keys(counts, minimum), failures, edges)

    def clean_files(
        self, todo: list[tuple[int, str]], state: RunState
    ) -> Iterator[Processed | FileFailure]:
        """Clean batches of ``BATCH_FILES`` files on the pool, results in order."""
        size = batch_size(len(todo), self.jobs)
        results = self._batched(clean_with, todo, size, state)
        return _with_progress(results, "clean", len(todo), self.progress)

    def _batched(
        self,
        function: Callable[[tuple[RunState, list[Any]]], list[Any]],
        items: list[Any],
        size: int,
        state: RunState,
    ) -> Iterator[Any]:
        """Yield ``function``'s results item by item, ``size`` items a task on the pool.

        Each task carries the run's state, cut down to the frequent lines of
        the sites in its batch.
        """
        self._prepare(state)
        batches = [items[i : i + size] for i in range(0, len(items), size)]
        tasks = [(_state_for(state, batch), batch) for batch in batches]
        for batch in self.pool.map(function, tasks):
            yield from batch

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
        self,
        entries: list[tuple[int, str, Processed]],
        config: CleanConfig,
        work_dir: Path | None,
        texts: TextPath,
    ) -> tuple[DuplicateCluster, ...]:
        """Cluster the signatures in this process (small records), check candidates on the pool."""
        return find_document_clusters(entries, config, work_dir, texts, self.pool.map)

    def close(self) -> None:
        """Stop the workers."""
        self.pool.close()
