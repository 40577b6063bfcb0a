"""The near-duplicate graph of a corpus as Ray Data shuffles, never gathered on the driver.

The same decisions as ``lsh.find_duplicate_pairs`` and ``lsh.connected_roots``,
made where the data is:

1. Identical signatures are grouped by their bytes; each copy is joined to the
   first document (smallest index) with that signature, and only those first
   documents are banded.
2. Every band of a signature becomes a row ``(band, key, index, signature)``;
   a shuffle groups the rows of a bucket, and each bucket of two or more
   documents yields its pairs with their MinHash estimate. Pairs the estimate
   rules out are dropped right there, so only candidates travel on.
3. A second shuffle removes pairs found in several bands; each pair is then
   verified with the estimate, or with the exact Jaccard similarity of the
   two texts read back from the work directory (shared storage on a cluster).
4. Connected components by alternating large-star and small-star steps
   (Kiveris et al., 2014), two shuffles a round, until neither step changes
   the graph: then each component is a star around its smallest index.

Only the ``(member, root)`` rows of documents that have a near duplicate come
back to the driver.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import lsh
from .clusters import exact_jaccard_reader
from .data import CleanConfig
from .minhash import is_empty

# More rounds than any graph needs: each round at least halves the longest path.
MAX_ROUNDS = 64
_EDGES = pa.schema([("a", pa.int64()), ("b", pa.int64()), ("changed", pa.int64())])


def _matrix(column: pa.ChunkedArray | pa.Array, num_perm: int) -> np.ndarray[Any, Any]:
    """Turn a column of signature bytes into an (n, num_perm) uint32 matrix."""
    data = b"".join(column.to_pylist())
    return np.frombuffer(data, dtype=np.uint32).reshape(-1, num_perm)


def signed_rows(table: pa.Table, num_perm: int) -> pa.Table:
    """Keep the documents that have a non-empty signature (as ``find_near_duplicates``)."""
    lengths = np.array([len(value or b"") for value in table["signature"].to_pylist()])
    table = table.filter(pa.array(lengths == num_perm * 4))
    if table.num_rows:
        table = table.filter(pa.array(~is_empty(_matrix(table["signature"], num_perm))))
    return table.select(["index", "signature"])


def _identical_group(group: pa.Table) -> pa.Table:
    """One signature's documents: the first leads, the copies get an edge to it."""
    indices = np.sort(np.asarray(group["index"]))
    leader = indices[0]
    return pa.table(
        {
            "index": indices,
            "leader": np.full(len(indices), leader, dtype=np.int64),
            "signature": pa.array([group["signature"][0].as_py()] * len(indices), pa.binary()),
        }
    )


def _band_rows(table: pa.Table, num_perm: int, banding: lsh.Banding) -> pa.Table:
    """One row per band of each leader's signature: what the bucket shuffle moves."""
    table = table.filter(pc.equal(table["index"], table["leader"]))
    keys = lsh.band_keys(_matrix(table["signature"], num_perm), banding)
    count = table.num_rows
    signatures = table["signature"].to_pylist()
    return pa.table(
        {
            "band": np.tile(np.arange(banding.bands, dtype=np.int64), count),
            "key": keys.reshape(-1),
            "index": np.repeat(np.asarray(table["index"], dtype=np.int64), banding.bands),
            "signature": pa.array(
                [s for s in signatures for _ in range(banding.bands)], pa.binary()
            ),
        }
    )


def _bucket_pairs(group: pa.Table, num_perm: int, floor: float) -> pa.Table:
    """Every pair of a bucket whose estimate reaches ``floor``, as (a, b, estimate)."""
    order = np.argsort(np.asarray(group["index"]), kind="stable")
    indices = np.asarray(group["index"])[order]
    if len(indices) < 2:
        return pa.table({"a": [], "b": [], "estimate": []}, schema=_PAIRS)
    matrix = _matrix(group["signature"], num_perm)[order]
    first, second = np.triu_indices(len(indices), k=1)
    positions = np.stack([first, second], axis=1).astype(np.int64)
    estimates = lsh.estimate_pair_jaccard(matrix, positions)
    keep = estimates >= floor
    return pa.table(
        {"a": indices[first[keep]], "b": indices[second[keep]], "estimate": estimates[keep]},
        schema=_PAIRS,
    )


_PAIRS = pa.schema([("a", pa.int64()), ("b", pa.int64()), ("estimate", pa.float64())])


def _first_row(group: pa.Table) -> pa.Table:
    return group.slice(0, 1)


def _verified(table: pa.Table, config: CleanConfig, work_dir: str | None) -> pa.Table:
    """Keep the pairs that reach the threshold, exactly when the texts can be read."""
    threshold = config.dedup.jaccard_threshold
    first, second = np.asarray(table["a"]), np.asarray(table["b"])
    estimates = np.asarray(table["estimate"])
    similar = estimates >= threshold
    if work_dir is not None and len(first):
        names = sorted(set(first.tolist()) | set(second.tolist()))
        position = {index: place for place, index in enumerate(names)}
        exact = exact_jaccard_reader([_staged(work_dir, index) for index in names], config)
        for row in np.flatnonzero(estimates >= threshold - lsh.EXACT_MARGIN).tolist():
            value = exact(position[int(first[row])], position[int(second[row])])
            similar[row] = value >= threshold
    return pa.table(
        {"a": first[similar], "b": second[similar], "changed": np.zeros(similar.sum(), np.int64)},
        schema=_EDGES,
    )


def _staged(work_dir: str, index: int) -> Path:
    """Where pass 2 left a document's cleaned text (``_workers._finish_file``)."""
    return Path(work_dir) / f"{index:09d}"


def duplicate_edges(signed: Any, config: CleanConfig, work_dir: str | None, partitions: int) -> Any:
    """Return the dataset of verified edges (a, b) between near-duplicate documents."""
    num_perm = config.dedup.num_perm
    banding = lsh.choose_banding(config.dedup.jaccard_threshold, num_perm)
    groups = (
        signed.groupby("signature", num_partitions=partitions)
        .map_groups(_identical_group, batch_format="pyarrow")
        .materialize()
    )
    copies = groups.map_batches(_copy_edges, batch_format="pyarrow")
    floor = config.dedup.jaccard_threshold - (lsh.EXACT_MARGIN if work_dir is not None else 0.0)
    candidates = (
        groups.map_batches(
            _band_rows, batch_format="pyarrow", fn_kwargs={"num_perm": num_perm, "banding": banding}
        )
        .groupby(["band", "key"], num_partitions=partitions)
        .map_groups(
            _bucket_pairs, batch_format="pyarrow", fn_kwargs={"num_perm": num_perm, "floor": floor}
        )
        .groupby(["a", "b"], num_partitions=partitions)
        .map_groups(_first_row, batch_format="pyarrow")
    )
    verified = candidates.map_batches(
        _verified, batch_format="pyarrow", fn_kwargs={"config": config, "work_dir": work_dir}
    )
    return copies.union(verified)


def _copy_edges(table: pa.Table) -> pa.Table:
    copies = pc.not_equal(table["index"], table["leader"])
    table = table.filter(copies)
    return pa.table(
        {
            "a": table["leader"],
            "b": table["index"],
            "changed": np.zeros(table.num_rows, np.int64),
        },
        schema=_EDGES,
    )


def _both_ways(table: pa.Table) -> pa.Table:
    first, second = _flat(table["a"]), _flat(table["b"])
    return pa.table(
        {"a": pa.concat_arrays([first, second]), "b": pa.concat_arrays([second, first])}
    )


def _flat(column: Any) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _large_star(group: pa.Table) -> pa.Table:
    """Join every larger neighbour of a node to the smallest node around it."""
    node = int(group["a"][0].as_py())
    neighbours = np.unique(np.asarray(group["b"]))
    smallest = min(node, int(neighbours[0]))
    larger = neighbours[neighbours > node]
    changed = np.full(len(larger), int(smallest != node), dtype=np.int64)
    return pa.table(
        {"a": larger, "b": np.full(len(larger), smallest, np.int64), "changed": changed},
        schema=_EDGES,
    )


def _larger_first(table: pa.Table) -> pa.Table:
    first, second = np.asarray(table["a"]), np.asarray(table["b"])
    return pa.table({"a": np.maximum(first, second), "b": np.minimum(first, second)})


def _small_star(group: pa.Table) -> pa.Table:
    """Join a node and its smaller neighbours to the smallest of them."""
    node = int(group["a"][0].as_py())
    smaller = np.unique(np.asarray(group["b"]))
    smallest = int(smaller[0])
    moved = np.append(smaller[1:], node)
    changed = np.full(len(moved), int(len(smaller) > 1), dtype=np.int64)
    return pa.table(
        {"a": moved, "b": np.full(len(moved), smallest, np.int64), "changed": changed},
        schema=_EDGES,
    )


def _block_changes(table: pa.Table) -> pa.Table:
    return pa.table({"changed": [pc.sum(table["changed"]).as_py() or 0]})


def _changes(edges: Any) -> int:
    """Count the edges a step changed: one small row per block (an aggregate starts actors)."""
    rows = edges.map_batches(_block_changes, batch_format="pyarrow").iter_rows()
    return sum(int(row["changed"]) for row in rows)


def connected_roots(edges: Any, partitions: int) -> dict[int, int]:
    """Return ``{member: root}`` for each node with an edge; a root is its component's minimum."""
    edges = edges.materialize()
    if edges.count() == 0:
        return {}
    for _ in range(MAX_ROUNDS):
        large = (
            edges.map_batches(_both_ways, batch_format="pyarrow")
            .groupby("a", num_partitions=partitions)
            .map_groups(_large_star, batch_format="pyarrow")
            .materialize()
        )
        edges = (
            large.map_batches(_larger_first, batch_format="pyarrow")
            .groupby("a", num_partitions=partitions)
            .map_groups(_small_star, batch_format="pyarrow")
            .materialize()
        )
        if not _changes(large) and not _changes(edges):
            break
    else:  # pragma: no cover - the bound is far above any graph's need
        raise RuntimeError("connected components did not converge")
    roots: dict[int, int] = {}
    for row in edges.select_columns(["a", "b"]).iter_rows():
        roots[int(row["a"])] = int(row["b"])
        roots[int(row["b"])] = int(row["b"])
    return roots
