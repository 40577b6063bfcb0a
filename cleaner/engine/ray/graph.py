"""The near-duplicate graph of a corpus as Ray Data shuffles, never gathered on the driver.

The same decisions as ``lsh.find_duplicate_pairs`` and ``lsh.connected_roots``,
made where the data is:

1. Identical signatures: each copy is joined to the first document (smallest
   index) with that signature, and only those first documents are banded.
2. Every band of a leader's signature becomes a 32-byte row ``(band, key,
   index, shard)``; a shuffle brings the rows of a bucket together, and each
   bucket of two or more documents yields its pairs. The signatures do not
   travel with the 16 band rows: two reduce-side joins (shuffles keyed by
   each end of a pair, with the leaders' signatures) bring them to the pairs,
   and the estimate rules out the pairs that cannot reach the threshold
   (Ray Data's own ``join`` needs polars; a groupby on a shard does the same).
3. Pairs found in several bands are made unique in the first join; each is
   verified with the estimate, or with the exact Jaccard similarity of the two
   texts read back from the work directory (shared storage on a cluster).
4. Connected components by alternating large-star and small-star steps
   (Kiveris et al., 2014), two shuffles a round, until neither step changes
   the graph: then each component is a star around its smallest index.

Every shuffle groups rows by a *shard* (a hash of the key modulo ``shards``),
and each shard is processed with numpy: grouping by the key itself calls
Python once per bucket, which on 76,000 documents took most of the run. Only
the ``(member, root)`` rows of documents with a near duplicate reach the driver.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ...data import CleanConfig, Staged
from ...dedup import lsh
from ...dedup.clusters import exact_jaccard_reader
from ...dedup.minhash import GOLDEN_64, estimate_rows, is_empty
from ...read.staged import Location
from ...write.staging import staged_location

# More rounds than any graph needs: each round at least halves the longest path.
MAX_ROUNDS = 64
# Shards per shuffle partition: enough to spread work, few enough to keep numpy busy.
SHARDS_PER_PARTITION = 8
_BAND_MIX = np.uint64(GOLDEN_64)  # spreads band numbers over 64 bits
_EDGES = pa.schema([("a", pa.int64()), ("b", pa.int64()), ("changed", pa.int64())])
_PAIRS = pa.schema([("a", pa.int64()), ("b", pa.int64()), ("estimate", pa.float64())])
Ints = npt.NDArray[np.int64]


def _matrix(column: pa.ChunkedArray | pa.Array, num_perm: int) -> np.ndarray[Any, Any]:
    """Turn a column of signature bytes into an (n, num_perm) uint32 matrix."""
    data = b"".join(column.to_pylist())
    return np.frombuffer(data, dtype=np.uint32).reshape(-1, num_perm)


def _ints(column: Any) -> Ints:
    return np.asarray(column, dtype=np.int64)


def _run_starts(*keys: npt.NDArray[Any]) -> Ints:
    """Return where runs of equal rows start, for arrays already sorted by ``keys``."""
    change = np.zeros(len(keys[0]), dtype=bool)
    change[:1] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change).astype(np.int64)


def signed_rows(table: pa.Table, num_perm: int, shards: int) -> pa.Table:
    """Keep the documents with a non-empty signature (as ``find_near_duplicates``), sharded."""
    lengths = np.array([len(value or b"") for value in table["signature"].to_pylist()])
    table = table.filter(pa.array(lengths == num_perm * 4)).select(["index", "signature"])
    matrix = _matrix(table["signature"], num_perm)
    if table.num_rows:
        keep = ~is_empty(matrix)
        table, matrix = table.filter(pa.array(keep)), matrix[keep]
    return table.append_column("shard", pa.array(matrix[:, 0].astype(np.int64) % shards))


def _identical_shard(group: pa.Table, num_perm: int) -> pa.Table:
    """Documents of one shard: each leads, or follows the first with its signature."""
    order = np.argsort(_ints(group["index"]), kind="stable")
    group = group.take(pa.array(order))
    indices = _ints(group["index"])
    as_bytes = np.ascontiguousarray(_matrix(group["signature"], num_perm)).view(
        np.dtype((np.void, num_perm * 4))
    )
    _, firsts, inverse = np.unique(as_bytes.ravel(), return_index=True, return_inverse=True)
    leaders = indices[firsts][inverse.ravel()]
    return pa.table({"index": indices, "leader": leaders, "signature": group["signature"]})


def _band_rows(table: pa.Table, num_perm: int, banding: lsh.Banding, shards: int) -> pa.Table:
    """One row per band of each leader's signature, 32 bytes: what the bucket shuffle moves."""
    table = table.filter(pc.equal(table["index"], table["leader"]))
    keys = lsh.band_keys(_matrix(table["signature"], num_perm), banding)
    bands = np.arange(banding.bands, dtype=np.uint64)
    shard = ((keys ^ (bands * _BAND_MIX)) % np.uint64(shards)).astype(np.int64)
    return pa.table(
        {
            "band": np.tile(bands.astype(np.int64), table.num_rows),
            "key": keys.reshape(-1),
            "index": np.repeat(_ints(table["index"]), banding.bands),
            "shard": shard.reshape(-1),
        }
    )


def _bucket_pairs(group: pa.Table, shards: int) -> pa.Table:
    """Every pair of documents sharing a bucket in this shard, keyed for the first join."""
    bands, keys, indices = _ints(group["band"]), np.asarray(group["key"]), _ints(group["index"])
    order = np.lexsort((indices, keys, bands))
    starts = _run_starts(bands[order], keys[order])
    positions = lsh.pairs_in_runs(order.astype(np.int64), starts, len(order))
    pairs = np.unique(np.sort(indices[positions], axis=1), axis=0) if len(positions) else positions
    return _join_rows(pairs[:, 0], pairs[:, 1], None, shards)


def _join_rows(node: Ints, other: Ints, signature: Any, shards: int) -> pa.Table:
    """Rows of a reduce-side join: a pair (``other`` >= 0) or a signature (``other`` = -1)."""
    if signature is None:
        signature = pa.nulls(len(node), pa.binary())
    return pa.table(
        {
            "node": pa.array(node, pa.int64()),
            "other": pa.array(other, pa.int64()),
            "signature": signature,
            "shard": pa.array(np.asarray(node, dtype=np.int64) % shards, pa.int64()),
        }
    )


def _leader_signatures(table: pa.Table, shards: int) -> pa.Table:
    """Return the signature of each banded document, as the other side of a join."""
    table = table.filter(pc.equal(table["index"], table["leader"]))
    indices = _ints(table["index"])
    return _join_rows(indices, np.full(len(indices), -1, np.int64), table["signature"], shards)


def _split_join(group: pa.Table) -> tuple[dict[int, bytes], pa.Table]:
    """Separate a join shard into its signatures by node and its pair rows."""
    is_pair = pc.greater_equal(group["other"], 0)
    signatures = group.filter(pc.invert(is_pair))
    found = dict(
        zip(signatures["node"].to_pylist(), signatures["signature"].to_pylist(), strict=True)
    )
    return found, group.filter(is_pair)


def _first_join(group: pa.Table, shards: int) -> pa.Table:
    """Give each pair (a, b) the signature of a, and key it by b for the second join."""
    found, pairs = _split_join(group)
    unique = np.unique(np.stack([_ints(pairs["node"]), _ints(pairs["other"])], 1), axis=0)
    carried = pa.array([found[int(a)] for a in unique[:, 0]], pa.binary())
    return _join_rows(unique[:, 1], unique[:, 0], carried, shards)


def _second_join(group: pa.Table, num_perm: int, floor: float) -> pa.Table:
    """Estimate each pair from both signatures; keep those that reach ``floor``."""
    found, pairs = _split_join(group)
    second, first = _ints(pairs["node"]), _ints(pairs["other"])
    if not len(first):
        return _PAIRS.empty_table()
    own = pa.array([found[int(b)] for b in second], pa.binary())
    estimates = estimate_rows(_matrix(pairs["signature"], num_perm), _matrix(own, num_perm))
    keep = estimates >= floor
    return pa.table(
        {"a": first[keep], "b": second[keep], "estimate": estimates[keep]}, schema=_PAIRS
    )


def _verified(
    table: pa.Table, config: CleanConfig, work_dir: str | None, places: npt.NDArray[np.int64]
) -> pa.Table:
    """Keep the pairs that reach the threshold, exactly when the texts can be read.

    ``places`` says where each document's text is staged (``staged_places``).
    """
    threshold = config.dedup.jaccard_threshold
    first, second = _ints(table["a"]), _ints(table["b"])
    estimates = np.asarray(table["estimate"])
    similar = estimates >= threshold
    asked = np.flatnonzero(lsh.needs_exact(estimates, threshold))
    if work_dir is not None and len(asked):
        names = np.unique(np.concatenate([first[asked], second[asked]]))

        def location(position: int) -> Location:
            return staged_location(work_dir, _place_of(places, int(names[position])))

        exact = exact_jaccard_reader(location, config.dedup.shingle_chars)
        pairs = np.searchsorted(names, np.stack([first[asked], second[asked]], axis=1))
        similar[asked] = exact(pairs) >= threshold
    return pa.table(
        {"a": first[similar], "b": second[similar], "changed": np.zeros(similar.sum(), np.int64)},
        schema=_EDGES,
    )


def _copy_edges(table: pa.Table) -> pa.Table:
    table = table.filter(pc.not_equal(table["index"], table["leader"]))
    changed = np.zeros(table.num_rows, np.int64)
    return pa.table({"a": table["leader"], "b": table["index"], "changed": changed}, schema=_EDGES)


def duplicate_edges(
    signed: Any,
    config: CleanConfig,
    work_dir: str | None,
    partitions: int,
    places: npt.NDArray[np.int64],
) -> Any:
    """Return the dataset of verified edges (a, b) between near-duplicate documents.

    ``signed`` comes from ``signed_rows`` with ``shards(partitions)`` shards;
    ``places`` says where each text is staged (``staged_places``).
    """
    num_perm, count = config.dedup.num_perm, shards(partitions)
    banding = lsh.choose_banding(config.dedup.jaccard_threshold, num_perm)
    groups = (
        signed.groupby("shard", num_partitions=partitions)
        .map_groups(_identical_shard, batch_format="pyarrow", fn_kwargs={"num_perm": num_perm})
        .materialize()
    )
    copies = groups.map_batches(_copy_edges, batch_format="pyarrow")
    floor = config.dedup.jaccard_threshold - (lsh.EXACT_MARGIN if work_dir is not None else 0.0)
    band_kwargs = {"num_perm": num_perm, "banding": banding, "shards": count}
    signatures = groups.map_batches(_leader_signatures, batch_format="pyarrow", fn_args=(count,))
    pairs = (
        groups.map_batches(_band_rows, batch_format="pyarrow", fn_kwargs=band_kwargs)
        .groupby("shard", num_partitions=partitions)
        .map_groups(_bucket_pairs, batch_format="pyarrow", fn_args=(count,))
    )
    keyed_by_b = (
        pairs.union(signatures)
        .groupby("shard", num_partitions=partitions)
        .map_groups(_first_join, batch_format="pyarrow", fn_args=(count,))
    )
    candidates = (
        keyed_by_b.union(signatures)
        .groupby("shard", num_partitions=partitions)
        .map_groups(_second_join, batch_format="pyarrow", fn_args=(num_perm, floor))
    )
    verified = candidates.map_batches(
        _verified,
        batch_format="pyarrow",
        fn_kwargs={"config": config, "work_dir": work_dir, "places": places},
    )
    return copies.union(verified)


def staged_places(staged: dict[int, Staged]) -> npt.NDArray[np.int64]:
    """Return where each document's text is staged: (index, batch, start, size, record) rows.

    40 bytes per document, sorted by index, sent once to the workers that verify
    candidate pairs (``_place_of`` looks a document up).

    >>> staged_places({9: Staged(7, 10, 5, True)}).tolist()
    [[9, 7, 10, 5, 1]]
    """
    places = np.zeros((len(staged), 5), dtype=np.int64)
    for row, index in enumerate(sorted(staged)):
        place = staged[index]
        places[row] = (index, place.batch, place.start, place.size, place.record)
    return places


def _place_of(places: npt.NDArray[np.int64], index: int) -> Staged:
    """Return where the document with cluster index ``index`` is staged."""
    row = int(np.searchsorted(places[:, 0], index))
    _, batch, start, size, record = places[row].tolist()
    return Staged(batch, start, size, bool(record))


def shards(partitions: int) -> int:
    """Return how many shards the shuffles of a cluster with ``partitions`` CPUs use."""
    return partitions * SHARDS_PER_PARTITION


def _large_star(group: pa.Table) -> pa.Table:
    """Join every larger neighbour of a node to the smallest node around it (per node)."""
    pairs = np.unique(np.stack([_ints(group["a"]), _ints(group["b"])], 1), axis=0)
    node, neighbour = pairs[:, 0], pairs[:, 1]
    starts = _run_starts(node)
    smallest = np.minimum(node[starts], np.minimum.reduceat(neighbour, starts))
    around = np.repeat(smallest, np.diff(np.append(starts, len(node))))
    larger = neighbour > node
    changed = (around != node)[larger].astype(np.int64)
    edges = {"a": neighbour[larger], "b": around[larger], "changed": changed}
    return pa.table(edges, schema=_EDGES)


def _small_star(group: pa.Table) -> pa.Table:
    """Join a node and its smaller neighbours to the smallest of them (per node)."""
    pairs = np.unique(np.stack([_ints(group["a"]), _ints(group["b"])], 1), axis=0)
    node, smaller = pairs[:, 0], pairs[:, 1]
    starts = _run_starts(node)
    sizes = np.diff(np.append(starts, len(node)))
    smallest = np.repeat(smaller[starts], sizes)  # sorted: the first is the smallest
    moved = np.concatenate([smaller, node[starts]])
    target = np.concatenate([smallest, smaller[starts]])
    changed = np.concatenate([np.repeat(sizes > 1, sizes), sizes > 1]).astype(np.int64)
    keep = moved != target
    return pa.table({"a": moved[keep], "b": target[keep], "changed": changed[keep]}, schema=_EDGES)


def _both_ways_sharded(table: pa.Table, shards: int) -> pa.Table:
    """Each edge under the shard of either end: large-star needs every node's neighbours."""
    first, second = _ints(table["a"]), _ints(table["b"])
    nodes, others = np.concatenate([first, second]), np.concatenate([second, first])
    return pa.table({"a": nodes, "b": others, "shard": nodes % shards})


def _larger_first_sharded(table: pa.Table, shards: int) -> pa.Table:
    first, second = _ints(table["a"]), _ints(table["b"])
    larger = np.maximum(first, second)
    return pa.table({"a": larger, "b": np.minimum(first, second), "shard": larger % shards})


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
    count = shards(partitions)
    for _ in range(MAX_ROUNDS):
        large = (
            edges.map_batches(_both_ways_sharded, batch_format="pyarrow", fn_args=(count,))
            .groupby("shard", num_partitions=partitions)
            .map_groups(_large_star, batch_format="pyarrow")
            .materialize()
        )
        edges = (
            large.map_batches(_larger_first_sharded, batch_format="pyarrow", fn_args=(count,))
            .groupby("shard", num_partitions=partitions)
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
