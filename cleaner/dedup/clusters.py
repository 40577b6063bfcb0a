"""Decide which documents of a run are near-duplicates, and which of them go.

Clusters come from the documents' MinHash signatures (``dedup.find_near_duplicates``);
candidates are confirmed with the exact similarity of the texts, read back from
where the run keeps them; members that differ from the kept document only in
their figures are "same template" and stay when numbers matter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..data import CleanConfig, ClusterMember, DuplicateCluster, Processed
from ..read.staged import Location, read_location
from .containment import add_contained
from .exact import pair_similarities
from .lsh import ExactJaccard, Pairs
from .near import find_near_duplicates, masked_key

# Where the cleaned text of the document at a position of the run is.
TextPath = Callable[[int], Location]
# Pairs per task of the exact check: candidates come in runs that share a document,
# and a task reads each document once.
EXACT_CHUNK_PAIRS = 64
# Runs a function over tasks, results in order: the run's worker pool's ``map``.
Mapper = Callable[[Callable[[Any], Any], list[Any]], Iterator[Any]]
# Texts per task when the masked keys of cluster members are computed.
MASK_CHUNK_TEXTS = 256
# The masked keys of the documents at some positions of a run, in order.
MaskedKeys = Callable[[list[int]], list[int]]


def find_document_clusters(
    processed: list[Processed],
    config: CleanConfig,
    texts: TextPath | None,
    mapper: Mapper | None = None,
) -> tuple[DuplicateCluster, ...]:
    """Return the run's near-duplicate clusters; ``texts`` says where each text is.

    The exact similarities of the candidates are computed by ``mapper`` (the
    run's worker pool; default: here). Without ``texts`` (nothing was staged:
    an analysis) candidates are decided by their estimate alone. Reposts
    (containment) are found from the records' paragraph keys, with or without texts.
    """
    if not config.dedup.documents or len(processed) < 2:
        return ()
    reports = [p.report for p in processed]
    exact = None
    if texts is not None:
        exact = exact_jaccard_reader(texts, config.dedup.shingle_chars, mapper)
    clusters = find_near_duplicates(
        [r.doc_id for r in reports],
        [p.signature for p in processed],
        [r.chars_out for r in reports],
        config.dedup,
        exact,
    )
    if config.dedup.containment_threshold < 1.0:  # reposts: needs no text (dedup.containment)
        clusters = add_contained(clusters, processed, config)
    keys = staged_masked_keys(texts, mapper) if texts is not None else None
    return mark_templates(clusters, processed, config, keys)


def staged_masked_keys(texts: TextPath, mapper: Mapper | None = None) -> MaskedKeys:
    """Return the function computing the masked keys of documents at positions, from their texts.

    The texts are read back and masked by ``mapper`` (default: here).
    """

    def keys(positions: list[int]) -> list[int]:
        places = [texts(position) for position in positions]
        chunks = [places[k : k + MASK_CHUNK_TEXTS] for k in range(0, len(places), MASK_CHUNK_TEXTS)]
        found = (mapper or map)(_masked_keys, chunks)
        return [key for chunk in found for key in chunk]

    return keys


def _masked_keys(places: list[Location]) -> list[int]:
    return [masked_key(read_location(place)) for place in places]


def mark_templates(
    clusters: Sequence[DuplicateCluster],
    processed: Sequence[Processed],
    config: CleanConfig,
    masked_keys: MaskedKeys | None = None,
) -> tuple[DuplicateCluster, ...]:
    """Mark members that differ from the kept document only in their figures.

    With ``numbers_matter`` they move to ``same_template`` and are written: next
    year's report from the same template is a different document. Records
    without a masked key (their text was staged) get one from
    ``masked_keys(positions)``: only the documents of clusters are read back,
    a fifth of a corpus with 10% near-duplicates, instead of every document
    masking its numbers in pass 2.
    """
    position = {p.report.doc_id: k for k, p in enumerate(processed)}
    in_clusters = {doc for c in clusters for doc in (c.kept, *(m.doc_id for m in c.dropped))}
    missing = sorted(position[d] for d in in_clusters if processed[position[d]].masked_key is None)
    if missing and masked_keys is None:
        raise ValueError("records without masked keys, and no texts to compute them from")
    computed = dict(zip(missing, masked_keys(missing) if masked_keys else [], strict=True))
    masked = {
        doc: (computed.get(k, processed[k].masked_key), processed[k].text_key)
        for doc in in_clusters
        for k in (position[doc],)
    }

    def only_figures_differ(first: str, second: str) -> bool:
        # Equal once numbers are masked, and not identical.
        (masked_first, text_first), (masked_second, text_second) = masked[first], masked[second]
        return masked_first == masked_second and text_first != text_second

    result = []
    for cluster in clusters:
        members = [
            ClusterMember(
                m.doc_id, m.similarity, only_figures_differ(cluster.kept, m.doc_id), m.test
            )
            for m in cluster.dropped
        ]
        templates: list[ClusterMember] = []
        if config.dedup.numbers_matter:
            templates = [m for m in members if m.differs_only_in_numbers]
            members = [m for m in members if not m.differs_only_in_numbers]
        result.append(DuplicateCluster(cluster.kept, tuple(members), tuple(templates)))
    return tuple(result)


def exact_jaccard_reader(
    location_of: Callable[[int], Location], shingle_chars: int, mapper: Mapper | None = None
) -> ExactJaccard:
    """Return the exact Jaccard similarities of pairs of documents, read back from their files.

    ``location_of(i)`` is where the text of position ``i`` is. Each task reads
    and shingles its documents once; ``mapper`` runs the tasks, in order (default: here).
    """

    def similarities(pairs: Pairs) -> npt.NDArray[np.float64]:
        named = [(location_of(a), location_of(b)) for a, b in pairs.tolist()]
        chunks = [
            (shingle_chars, named[start : start + EXACT_CHUNK_PAIRS])
            for start in range(0, len(named), EXACT_CHUNK_PAIRS)
        ]
        found = (mapper or map)(_chunk_similarities, chunks)
        return np.array([value for chunk in found for value in chunk], dtype=np.float64)

    return similarities


def _chunk_similarities(chunk: tuple[int, list[tuple[Location, Location]]]) -> list[float]:
    """Exact similarity of each pair of texts of a chunk, each text read once."""
    size, pairs = chunk
    number: dict[Location, int] = {}
    for pair in pairs:
        for location in pair:
            number.setdefault(location, len(number))
    texts = [read_location(location) for location in number]
    return pair_similarities(texts, [(number[a], number[b]) for a, b in pairs], size)
