"""Run a corpus on Ray Data: the same stage functions as the local engine, spread over a cluster.

``pip install 'cleaner[ray]'`` adds it; ``clean IN OUT --engine ray
[--ray-address ADDR]`` uses it. What moves where:

- Pass 1 maps ``workers.scan_guarded`` over blocks of file names, explodes
  each file's edge-line keys into ``(site, key)`` rows and counts them with a
  shuffle; only the keys frequent enough come back to the driver.
- Pass 2 maps ``workers.process_batch`` over batches of ``BATCH_FILES`` files.
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
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ...data import CleanConfig, DuplicateCluster, FileFailure
from ...dedup.clusters import TextPath, mark_templates, staged_masked_keys
from ...dedup.near import name_clusters
from ...errors import UsageProblem
from ..local import RAY_INSTALL_HINT, EdgeCounts, Progress, frequent_keys
from ..workers import Processed, RunState, init_worker, process_batch, scan_guarded, site_of
from . import graph

CONNECT_SECONDS = 5.0
# Files a pass-2 batch of the graph: the figures in the README were measured at 64
# (the local engine's calls are larger: engine.BATCH_FILES).
BATCH_FILES = 64
_SCANNED = pa.schema(
    [
        ("rel_path", pa.string()),
        ("site", pa.string()),
        ("keys", pa.list_(pa.uint64())),
        ("failure", pa.binary()),
    ]
)
_CLEANED = pa.schema([("index", pa.int64()), ("record", pa.binary()), ("signature", pa.binary())])


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
    cpus = int(ray.cluster_resources().get("CPU", 1))
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
    """Pass 1 on a block of file names: each file's site and edge-line keys, or its failure."""
    init_worker(state)
    rel_paths = table["rel_path"].to_pylist()
    sites, keys, failures = [], [], []
    for rel_path in rel_paths:
        found = scan_guarded(rel_path)
        failed = isinstance(found, FileFailure)
        sites.append(site_of(rel_path))
        keys.append([] if isinstance(found, FileFailure) else sorted(found))
        failures.append(pickle.dumps(found) if failed else b"")
    return pa.table([rel_paths, sites, keys, failures], schema=_SCANNED)


def _site_keys(table: pa.Table) -> pa.Table:
    """Explode each file's keys into (site, key) rows, one per file that has the line."""
    keys = table["keys"].combine_chunks()
    parents = pc.list_parent_indices(keys)
    return pa.table({"site": table["site"].take(parents), "key": pc.list_flatten(keys)})


def _frequent_only(table: pa.Table, minimum: int) -> pa.Table:
    return table.filter(pc.greater_equal(table["count()"], minimum))


def _failed_only(table: pa.Table) -> pa.Table:
    return table.filter(pc.not_equal(pc.binary_length(table["failure"]), 0))


def _members_only(table: pa.Table, members: list[int]) -> pa.Table:
    return table.filter(pc.is_in(table["index"], value_set=pa.array(members, pa.int64())))


def _clean_rows(table: pa.Table, state: RunState) -> pa.Table:
    """Pass 2 on a batch of files: records for the driver, signatures kept apart."""
    init_worker(state)
    batch = list(zip(table["index"].to_pylist(), table["rel_path"].to_pylist(), strict=True))
    records, signatures = [], []
    for result in process_batch(batch):
        signature = b""
        if isinstance(result, Processed):
            if result.signature is not None:
                signature = np.asarray(result.signature, dtype=np.uint32).tobytes()
            result = replace(result, signature=None)
        records.append(pickle.dumps(result))
        signatures.append(signature)
    indices = [index for index, _ in batch]
    return pa.table([indices, records, signatures], schema=_CLEANED)


class RayEngine:
    """The three jobs of an engine (see ``engine.Engine``) as Ray Data datasets."""

    speculates = False  # a second pass-2 graph costs seconds to start: pass 1 reads every site

    def __init__(self, ray: Any, partitions: int, progress: Progress | None, owns: bool) -> None:
        """Use the connected ``ray``; shuffles use ``partitions`` partitions (one per CPU)."""
        self.ray = ray
        self.partitions = partitions
        self.progress = progress
        self.owns = owns
        self.cleaned: Any = None  # pass 2's dataset: index, record, signature

    def _files(self, rows: list[dict[str, Any]]) -> Any:
        blocks = max(1, min(len(rows) // BATCH_FILES, self.partitions * 4))
        return self.ray.data.from_items(rows, override_num_blocks=blocks)

    def count_edges(
        self, rel_paths: list[str], state: RunState, known: dict[str, list[int]]
    ) -> EdgeCounts:
        """Scan on the cluster, count (site, key) with a shuffle, bring back the frequent keys."""
        assert not known, "a resumed run stays on the local engine"
        scanned = (
            self._files([{"rel_path": rel_path} for rel_path in rel_paths])
            .map_batches(_scan_rows, batch_format="pyarrow", fn_kwargs={"state": state})
            .materialize()
        )
        failures: dict[str, FileFailure] = {}
        for row in scanned.map_batches(_failed_only, batch_format="pyarrow").iter_rows():
            failures[row["rel_path"]] = pickle.loads(row["failure"])
        if self.progress:
            self.progress("scan", len(rel_paths), len(rel_paths))
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
        return EdgeCounts(frequent_keys(counts, minimum), failures, {})

    def clean_files(self, todo: list[tuple[int, str]], state: RunState) -> Any:
        """Clean on the cluster; yield the records in the order of ``todo``."""
        rows = [{"index": index, "rel_path": rel_path} for index, rel_path in todo]
        self.cleaned = (
            self._files(rows)
            .map_batches(
                _clean_rows,
                batch_size=BATCH_FILES,
                batch_format="pyarrow",
                fn_kwargs={"state": state},
            )
            .materialize()
        )
        results: dict[int, Processed | FileFailure] = {}
        for row in self.cleaned.select_columns(["index", "record"]).iter_rows():
            results[int(row["index"])] = pickle.loads(row["record"])
        for done, (index, _) in enumerate(todo, start=1):
            if self.progress:
                self.progress("clean", done, len(todo))
            yield results.pop(index)

    def document_clusters(
        self,
        entries: list[tuple[int, str, Processed]],
        config: CleanConfig,
        work_dir: Path | None,
        texts: TextPath,
    ) -> tuple[DuplicateCluster, ...]:
        """Find the clusters on the cluster; name them here, as the local engine does."""
        if not config.dedup.documents or len(entries) < 2 or self.cleaned is None:
            return ()
        num_perm = config.dedup.num_perm
        shards = graph.shards(self.partitions)
        signed = self.cleaned.map_batches(
            graph.signed_rows,
            batch_format="pyarrow",
            fn_kwargs={"num_perm": num_perm, "shards": shards},
        ).materialize()
        places = graph.staged_places(
            {index: p.staged for index, _, p in entries if p.staged is not None}
        )
        edges = graph.duplicate_edges(
            signed, config, str(work_dir) if work_dir else None, self.partitions, places
        )
        roots = graph.connected_roots(edges, self.partitions)
        if not roots:
            return ()
        position = {index: place for place, (index, _, _) in enumerate(entries)}
        groups: dict[int, list[int]] = {}
        for member in sorted(roots):
            groups.setdefault(roots[member], []).append(position[member])
        wanted = signed.map_batches(
            _members_only, batch_format="pyarrow", fn_kwargs={"members": sorted(roots)}
        )
        signatures = {
            position[int(row["index"])]: np.frombuffer(row["signature"], dtype=np.uint32)
            for row in wanted.iter_rows()
        }
        processed = [p for _, _, p in entries]
        reports = [p.report for p in processed]
        clusters = name_clusters(
            [groups[root] for root in sorted(groups)],
            [r.doc_id for r in reports],
            signatures.get,
            [r.chars_out for r in reports],
            config.dedup,
        )
        keys = staged_masked_keys(entries, texts) if work_dir is not None else None
        return mark_templates(clusters, processed, config, keys)

    def close(self) -> None:
        """Shut down the Ray instance this engine started (not one it joined)."""
        self.cleaned = None
        if self.owns:
            self.ray.shutdown()
