"""Run a corpus on Ray Data: the same stage functions as the local engine, spread over a cluster.

``pip install 'cleaner[ray]'`` adds it; ``clean IN OUT --engine ray
[--ray-address ADDR]`` uses it. What moves where:

- Pass 1 maps ``workers.scan_task`` over the read tasks, explodes each
  document's edge-line keys into ``(site, key)`` rows and counts them with a
  shuffle; only the keys frequent enough come back to the driver.
- Pass 2 maps ``workers.clean_task`` over the read tasks.
  Workers write the cleaned texts into ``OUT/.cleaner-work`` (so IN and OUT
  must be on storage every node sees) and return a small record; the records
  (report entries, no text, no signature) come to the driver, the signatures
  stay in the cluster's object store.
- Clusters come from ``graph.py``: band keys grouped by a shuffle, candidate
  pairs verified where they are found, connected components by shuffles.
  The driver gets the members of clusters and names them with
  ``dedup.name_clusters``, as the local engine does.

The driver then renames the staged files into place and writes the reports,
exactly as a local run: the output is byte-identical (tested).
"""

from __future__ import annotations

import logging
import pickle
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ...data import CleanConfig, DuplicateCluster, FileFailure, Processed, ReadTask
from ...dedup.clusters import mark_templates, staged_masked_keys
from ...dedup.containment import add_contained, candidate_pairs
from ...dedup.near import name_clusters
from ...errors import UsageProblem
from ..cleaned import Cleaned
from ..counts import FrequentLines, frequent_keys
from ..local import (
    RAY_INSTALL_HINT,
    CleanResults,
    Progress,
    TaskSites,
    Waiting,
    task_units,
    with_progress,
)
from ..workers import RunState, clean_task, scan_task
from . import graph

CONNECT_SECONDS = 5.0
_TASKS = pa.schema([("number", pa.int64()), ("task", pa.binary())])
_SCANNED = pa.schema([("site", pa.string()), ("keys", pa.list_(pa.uint64()))])
_CLEANED = pa.schema([("index", pa.int64()), ("record", pa.binary()), ("signature", pa.binary())])
# A document's index on the cluster: its task's number, then its place in the task.
# The order of indices is the run order; the driver numbers them 0, 1, 2 ...
TASK_SHIFT = 24


def start_ray_engine(address: str | None, jobs: int, progress: Progress | None) -> RayEngine:
    """Connect to the Ray cluster at ``address``, or start one here with ``jobs`` CPUs."""
    try:
        import ray
        import ray.data
    except ImportError as error:
        raise UsageProblem(RAY_INSTALL_HINT) from error
    started = False
    if address:
        _check_reachable(address)
    if not ray.is_initialized():
        try:
            ray.init(
                address=address,
                num_cpus=None if address else jobs,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.ERROR,  # its notices would bury the run's summary
            )
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"the Ray cluster at {address}" if address else "a local Ray instance"
            raise UsageProblem(f"cannot start or reach {where}: {error}") from error
        started = True
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    cpus = int(ray.cluster_resources().get("CPU", 1))  # type: ignore[no-untyped-call]
    return RayEngine(ray, max(2, cpus), progress, started)


def _check_reachable(address: str) -> None:
    """Fail in seconds on a cluster that does not answer (Ray itself retries for minutes)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto" or "local": Ray finds or starts the cluster itself
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise UsageProblem(f"cannot reach the Ray cluster at {address}: {reason}") from error


def _scan_rows(table: pa.Table, state: RunState) -> pa.Table:
    """Pass 1 on a block of tasks: each document's site and edge-line keys."""
    sites, keys = [], []
    for data in table["task"].to_pylist():
        for result in scan_task(state, pickle.loads(data)):
            if not isinstance(result, FileFailure):  # pass 2 reads it again and reports it
                _, site, found = result
                sites.append(site)
                keys.append(sorted(found))
    return pa.table([sites, keys], schema=_SCANNED)


def _site_keys(table: pa.Table) -> pa.Table:
    """Explode each document's keys into (site, key) rows, one per document that has the line."""
    keys = table["keys"].combine_chunks()
    parents = pc.list_parent_indices(keys)
    return pa.table({"site": table["site"].take(parents), "key": pc.list_flatten(keys)})


def _frequent_only(table: pa.Table, minimum: int) -> pa.Table:
    return table.filter(pc.greater_equal(table["count()"], minimum))


def _members_only(table: pa.Table, members: list[int]) -> pa.Table:
    return table.filter(pc.is_in(table["index"], value_set=pa.array(members, pa.int64())))


def _clean_rows(table: pa.Table, state: RunState) -> pa.Table:
    """Pass 2 on a block of tasks: records for the driver, signatures kept apart."""
    indices, records, signatures = [], [], []
    for number, data in zip(table["number"].to_pylist(), table["task"].to_pylist(), strict=True):
        for place, result in enumerate(clean_task(state, pickle.loads(data))):
            signature = b""
            if isinstance(result, Processed):
                if result.signature is not None:
                    signature = np.asarray(result.signature, dtype=np.uint32).tobytes()
                result = replace(result, signature=None)  # noqa: PLW2901
            indices.append((number << TASK_SHIFT) | place)
            records.append(pickle.dumps(result))
            signatures.append(signature)
    return pa.table([indices, records, signatures], schema=_CLEANED)


class RayEngine:
    """The jobs of an engine (see ``engine.Engine``) as Ray Data datasets."""

    def __init__(self, ray: Any, partitions: int, progress: Progress | None, owns: bool) -> None:
        """Use the connected ``ray``; shuffles use ``partitions`` partitions (one per CPU)."""
        self.ray = ray
        self.partitions = partitions
        self.progress = progress
        self.owns = owns
        self.cleaned: Any = None  # pass 2's dataset: index, record, signature
        self.indices: list[int] = []  # the cluster index of each record, in run order

    def _tasks(self, tasks: Sequence[ReadTask]) -> Any:
        rows = [{"number": task.number, "task": pickle.dumps(task)} for task in tasks]
        blocks = max(1, min(len(rows), self.partitions * 4))
        return self.ray.data.from_items(rows, override_num_blocks=blocks)

    def count_edges(
        self, scans: Sequence[ReadTask], state: RunState, known: Mapping[str, list[int]]
    ) -> FrequentLines:
        """Scan on the cluster, count (site, key) with a shuffle, bring back the frequent keys."""
        assert not known, "a resumed run stays on the local engine"
        scanned = self._tasks(scans).map_batches(
            _scan_rows, batch_size=1, batch_format="pyarrow", fn_kwargs={"state": state}
        )
        minimum = state.config.boilerplate.corpus_min_docs
        frequent = (
            scanned.map_batches(_site_keys, batch_format="pyarrow")
            .groupby(["site", "key"], num_partitions=self.partitions)
            .count()
            .map_batches(_frequent_only, batch_format="pyarrow", fn_kwargs={"minimum": minimum})
        )
        counts = {
            (row["site"], int(row["key"])): int(row["count()"]) for row in frequent.iter_rows()
        }
        if self.progress:
            total = sum(task_units(task) for task in scans)
            self.progress("scan", total, total)
        return FrequentLines(frequent_keys(counts, minimum), {}, {})

    def clean(
        self, tasks: Sequence[ReadTask], state: RunState, sites: TaskSites
    ) -> Iterator[CleanResults]:
        """Clean on the cluster; yield each task's records, in order."""
        self.cleaned = (
            self._tasks(tasks)
            .map_batches(
                _clean_rows, batch_size=1, batch_format="pyarrow", fn_kwargs={"state": state}
            )
            .materialize()
        )
        found: dict[int, Processed | FileFailure] = {}
        for row in self.cleaned.select_columns(["index", "record"]).iter_rows():
            found[int(row["index"])] = pickle.loads(row["record"])
        indices = sorted(found)
        self.indices = [i for i in indices if isinstance(found[i], Processed)]
        by_task: dict[int, CleanResults] = {}
        for index in indices:
            by_task.setdefault(index >> TASK_SHIFT, []).append(found.pop(index))
        return with_progress(
            (by_task.get(t.number, []) for t in tasks), tasks, "clean", self.progress
        )

    def document_clusters(
        self, cleaned: Cleaned, config: CleanConfig
    ) -> tuple[DuplicateCluster, ...]:
        """Find the clusters on the cluster; name them here, as the local engine does."""
        processed = cleaned.processed
        if not config.dedup.documents or len(processed) < 2 or self.cleaned is None:
            return ()
        assert len(self.indices) == len(processed)  # no resume on Ray: the records of pass 2
        num_perm = config.dedup.num_perm
        signed = self.cleaned.map_batches(
            graph.signed_rows,
            batch_format="pyarrow",
            fn_kwargs={"num_perm": num_perm, "shards": graph.shards(self.partitions)},
        ).materialize()
        places = graph.staged_places(
            {index: p.staged for index, p in zip(self.indices, processed, strict=True) if p.staged}
        )
        edges = graph.duplicate_edges(signed, config, cleaned.work_dir, self.partitions, places)
        roots = graph.connected_roots(edges, self.partitions)
        position = {index: place for place, index in enumerate(self.indices)}
        groups: dict[int, list[int]] = {}
        for member in sorted(roots):
            groups.setdefault(roots[member], []).append(position[member])
        wanted = set(roots)
        containing = config.dedup.containment_threshold < 1.0
        if containing:  # containment's candidates come from the paragraph keys, here
            pairs = candidate_pairs([p.paragraph_keys for p in processed])
            wanted.update(self.indices[k] for k in np.unique(pairs).tolist())
        signatures = self._signatures(signed, wanted, position)
        reports = [p.report for p in processed]
        clusters = name_clusters(
            [groups[root] for root in sorted(groups)],
            [r.doc_id for r in reports],
            signatures.get,
            [r.chars_out for r in reports],
            config.dedup,
        )
        if containing:
            signed_records = [
                replace(p, signature=signatures[k]) if k in signatures else p
                for k, p in enumerate(processed)
            ]
            clusters = add_contained(clusters, signed_records, config)
        keys = staged_masked_keys(cleaned.location) if cleaned.work_dir is not None else None
        return mark_templates(clusters, processed, config, keys)

    def _signatures(
        self, signed: Any, indices: set[int], position: dict[int, int]
    ) -> dict[int, Any]:
        """Bring the signatures of some documents to the driver, by run position."""
        if not indices:
            return {}
        wanted = signed.map_batches(
            _members_only, batch_format="pyarrow", fn_kwargs={"members": sorted(indices)}
        )
        return {
            position[int(row["index"])]: np.frombuffer(row["signature"], dtype=np.uint32)
            for row in wanted.iter_rows()
        }

    def start(self, function: Callable[[Any], Any], tasks: list[Any]) -> Waiting:
        """Run the writers' tasks on the cluster (each worker writes its own files)."""
        run = self.ray.remote(function)
        return _RayWork(self.ray, [run.remote(task) for task in tasks])

    def close(self) -> None:
        """Shut down the Ray instance this engine started (not one it joined)."""
        self.cleaned = None
        if self.owns:
            self.ray.shutdown()


class _RayWork:
    """Writers' tasks running on the cluster."""

    def __init__(self, ray: Any, references: list[Any]) -> None:
        self.ray = ray
        self.references = references

    def wait(self) -> list[Any]:
        return list(self.ray.get(self.references))
