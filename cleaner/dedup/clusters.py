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
from .containment import candidate_pairs, pair_containments
from .exact import pair_similarities
from .lsh import ExactJaccard, Pairs, connected_roots
from .minhash import estimate_rows
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
    an analysis) candidates are decided by their estimate alone.
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
    if texts is not None and config.dedup.containment_threshold < 1.0:
        contained = containment_reader(texts, config.dedup.shingle_chars, mapper)
        clusters = add_contained(clusters, processed, config, contained)
    keys = staged_masked_keys(texts, mapper) if texts is not None else None
    return mark_templates(clusters, processed, config, keys)


# The containment of each pair of positions' texts (share of the smaller inside the other).
Containments = Callable[[list[tuple[int, int]]], list[float]]


def add_contained(
    clusters: tuple[DuplicateCluster, ...],
    processed: Sequence[Processed],
    config: CleanConfig,
    containments: Containments,
) -> tuple[DuplicateCluster, ...]:
    """Join the documents contained in another (``containment_threshold``) to the clusters.

    Candidates share most of their paragraphs (``containment.candidate_pairs``)
    and are confirmed with the exact containment of their texts. A cluster that
    no containment touches stays as it was; one that grows, or a new one, keeps
    its longest document: the smaller texts are (nearly) inside it, so it loses
    nothing they say, while keeping a shorter one would lose the paragraph a
    repost cut. Each dropped member says which test holds it to the kept one.
    """
    signed = [p.signature is not None for p in processed]
    pairs = [
        (int(a), int(b))
        for a, b in candidate_pairs([p.paragraph_keys for p in processed]).tolist()
        if signed[a] and signed[b]
    ]
    if not pairs:
        return clusters
    threshold = config.dedup.containment_threshold
    confirmed = [
        pair for pair, value in zip(pairs, containments(pairs), strict=True) if value >= threshold
    ]
    if not confirmed:
        return clusters
    position = {p.report.doc_id: k for k, p in enumerate(processed)}
    edges = [
        (position[c.kept], position[m.doc_id]) for c in clusters for m in c.dropped
    ] + confirmed
    roots = connected_roots(len(processed), np.array(edges, dtype=np.int64).reshape(-1, 2))
    touched = {int(roots[a]) for pair in confirmed for a in pair}
    kept_clusters = [c for c in clusters if int(roots[position[c.kept]]) not in touched]
    groups: dict[int, list[int]] = {}
    for node in range(len(processed)):
        if int(roots[node]) in touched:
            groups.setdefault(int(roots[node]), []).append(node)
    grown = [
        _contained_cluster(members, processed, config, containments) for members in groups.values()
    ]
    return tuple(sorted(kept_clusters + grown, key=lambda c: position[c.kept]))


def _contained_cluster(
    members: list[int],
    processed: Sequence[Processed],
    config: CleanConfig,
    containments: Containments,
) -> DuplicateCluster:
    """Name a cluster containment joined: the longest document kept, each other's test."""
    kept = max(members, key=lambda k: (processed[k].report.chars_out, -k))
    others = [k for k in members if k != kept]
    values = containments([(member, kept) for member in others])
    first = np.stack([processed[kept].signature] * len(others))
    second = np.stack([processed[member].signature for member in others])
    estimates = estimate_rows(first, second).tolist()
    dropped = []
    for member, value, estimate in zip(others, values, estimates, strict=True):
        doc_id = processed[member].report.doc_id
        if estimate >= config.dedup.jaccard_threshold:
            dropped.append(ClusterMember(doc_id, round(estimate, 3)))
        else:
            dropped.append(ClusterMember(doc_id, round(value, 3), test="containment"))
    return DuplicateCluster(processed[kept].report.doc_id, tuple(dropped))


def containment_reader(
    location_of: Callable[[int], Location], shingle_chars: int, mapper: Mapper | None = None
) -> Containments:
    """Return the exact containments of pairs of documents, read back from their files."""

    def containments(pairs: list[tuple[int, int]]) -> list[float]:
        named = [(location_of(a), location_of(b)) for a, b in pairs]
        chunks = [
            (shingle_chars, named[start : start + EXACT_CHUNK_PAIRS])
            for start in range(0, len(named), EXACT_CHUNK_PAIRS)
        ]
        found = (mapper or map)(_chunk_containments, chunks)
        return [value for chunk in found for value in chunk]

    return containments


def _chunk_containments(chunk: tuple[int, list[tuple[Location, Location]]]) -> list[float]:
    """Exact containment of each pair of texts of a chunk, each text read once."""
    size, pairs = chunk
    number: dict[Location, int] = {}
    for pair in pairs:
        for location in pair:
            number.setdefault(location, len(number))
    texts = [read_location(location) for location in number]
    return pair_containments(texts, [(number[a], number[b]) for a, b in pairs], size)


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
