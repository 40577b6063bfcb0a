"""Deduplicate a run against a persistent index of the documents earlier runs kept.

With an index, a document is dropped exactly when it near-duplicates a document
kept before it: one indexed by an earlier run, or an earlier kept document of
this run (sorted order). That rule, unlike transitive clusters, gives the same
kept set whether a corpus is cleaned in one run or in several batches.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...data import ClusterMember, DedupConfig, DuplicateCluster, IndexDuplicate, Processed
from ..near import MINHASH_SCHEME, bands_and_rows
from .store import IndexParams, IndexRecord, deduplicate_batch, open_index


def index_params(dedup: DedupConfig) -> IndexParams:
    """Return the index settings that match a run's MinHash settings."""
    bands, rows = bands_and_rows(dedup.jaccard_threshold, dedup.num_perm)
    return IndexParams(
        num_perm=dedup.num_perm,
        bands=bands,
        rows=rows,
        shingle_chars=dedup.shingle_chars,
        seed=dedup.seed,
        hash_scheme=MINHASH_SCHEME,
        threshold=dedup.jaccard_threshold,
    )


def index_record(processed: Processed) -> IndexRecord:
    """Return the index entry of a kept document.

    Its id carries a key of the cleaned text, so a later crawl may bring a new
    page under the same file name.
    """
    report = processed.report
    signature = np.asarray(processed.signature, dtype=np.uint64)
    return IndexRecord(f"{report.doc_id}@{processed.text_key:016x}", report.doc_id, signature)


def deduplicate_with_index(
    location: str, processed: Sequence[Processed], dedup: DedupConfig
) -> tuple[tuple[DuplicateCluster, ...], tuple[IndexDuplicate, ...], list[IndexRecord]]:
    """Decide which documents go; return in-run clusters, index matches and records to add.

    Nothing is added here: the caller adds the returned records once the kept
    files are written, so a killed run never indexes a document it did not write.
    """
    signed = [p for p in processed if p.signature is not None]
    records = [index_record(p) for p in signed]
    with open_index(location, index_params(dedup)) as index:
        results = deduplicate_batch(index, records, add=False)
    in_run = {record.doc_id: record.source_path for record in records}
    members: dict[str, list[ClusterMember]] = {}
    from_index: list[IndexDuplicate] = []
    to_add: list[IndexRecord] = []
    for record, matches in zip(records, results, strict=True):
        if not matches:
            to_add.append(record)
            continue
        best = matches[0]
        similarity = round(best.similarity, 3)
        if best.doc_id in in_run:
            members.setdefault(best.source_path, []).append(
                ClusterMember(record.source_path, similarity)
            )
        else:
            from_index.append(
                IndexDuplicate(record.source_path, best.doc_id, best.source_path, similarity)
            )
    order = {p.report.doc_id: i for i, p in enumerate(processed)}
    clusters = tuple(
        DuplicateCluster(kept, tuple(dropped))
        for kept, dropped in sorted(members.items(), key=lambda item: order[item[0]])
    )
    return clusters, tuple(from_index), to_add


def add_to_index(location: str, records: Sequence[IndexRecord], dedup: DedupConfig) -> None:
    """Add the documents a run kept (and wrote) to the index, in one transaction."""
    if records:
        with open_index(location, index_params(dedup)) as index:
            index.add_many(records)
