"""Decide which documents of a run are near-duplicates, and which of them go.

Clusters come from the documents' MinHash signatures (``dedup.find_near_duplicates``);
candidates are confirmed with the exact similarity of the texts, read back from
where the run keeps them; members that differ from the kept document only in
their figures are "same template" and stay when numbers matter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ._workers import Processed
from .data import CleanConfig, ClusterMember, DuplicateCluster
from .dedup import document_shingles, find_near_duplicates, jaccard


def find_document_clusters(
    entries: list[tuple[int, str, Processed]],
    config: CleanConfig,
    work_dir: Path | None,
    texts: dict[int, Path],
) -> tuple[DuplicateCluster, ...]:
    """Return the run's near-duplicate clusters; ``texts`` says where each text is."""
    processed = [p for _, _, p in entries]
    if not config.dedup.documents or len(processed) < 2:
        return ()
    reports = [p.report for p in processed]
    exact = None
    if work_dir is not None:
        exact = exact_jaccard_reader([texts[index] for index, _, _ in entries], config)
    clusters = find_near_duplicates(
        [r.doc_id for r in reports],
        [p.signature for p in processed],
        [r.chars_out for r in reports],
        config.dedup,
        exact,
    )
    return mark_templates(clusters, processed, config)


def mark_templates(
    clusters: Sequence[DuplicateCluster], processed: Sequence[Processed], config: CleanConfig
) -> tuple[DuplicateCluster, ...]:
    """Mark members that differ from the kept document only in their figures.

    With ``numbers_matter`` they move to ``same_template`` and are written: next
    year's report from the same template is a different document.
    """
    masked = {p.report.doc_id: (p.masked_key, p.text_key) for p in processed}

    def only_figures_differ(first: str, second: str) -> bool:
        # Equal once numbers are masked, and not identical.
        return masked[first][0] == masked[second][0] and masked[first][1] != masked[second][1]

    result = []
    for cluster in clusters:
        members = [
            replace(m, differs_only_in_numbers=only_figures_differ(cluster.kept, m.doc_id))
            for m in cluster.dropped
        ]
        templates: list[ClusterMember] = []
        if config.dedup.numbers_matter:
            templates = [m for m in members if m.differs_only_in_numbers]
            members = [m for m in members if not m.differs_only_in_numbers]
        result.append(DuplicateCluster(cluster.kept, tuple(members), tuple(templates)))
    return tuple(result)


# Shingle sets of cleaned texts kept for exact checks; candidates come in runs.
EXACT_CACHE_DOCUMENTS = 256


def exact_jaccard_reader(paths: list[Path], config: CleanConfig) -> Callable[[int, int], float]:
    """Return the exact Jaccard similarity of two documents, read back from their files."""
    cache: dict[int, set[str]] = {}

    def shingles(position: int) -> set[str]:
        if position not in cache:
            if len(cache) >= EXACT_CACHE_DOCUMENTS:
                cache.clear()
            text = paths[position].read_text(encoding="utf-8")
            cache[position] = document_shingles(text, config.dedup.shingle_chars)
        return cache[position]

    return lambda first, second: jaccard(shingles(first), shingles(second))
