r"""Reposts that cut or add a paragraph: the containment test beside Jaccard similarity.

An article reposted with a paragraph cut, an editor's note added and another
site's header and footer is a duplicate to a corpus team, though the Jaccard
similarity of the two falls to 0.6-0.8: LSH banding tuned for 0.8 misses many
such pairs and the threshold rejects the rest.

What a repost keeps is whole paragraphs. So the test works on paragraphs, not
on shingles: two documents are a repost pair when

- the smaller one's long paragraphs that are found, whole, in the larger hold
  at least ``containment_threshold`` of its shingles (the paragraph
  *containment*), and
- what differs lies at their edges (where sites put headers, footers and
  notes) and in at most one run of paragraphs inside one of them (the cut, or
  an inserted passage).

A near-duplicate that was *edited* fails both: an edited paragraph is no longer
found whole, and it leaves a run on both sides at the same place. Shingle
containment cannot tell the two apart: a copy with a few characters changed in
every paragraph is 0.9 contained in shingles and 0 in whole paragraphs.

Each document carries its long paragraphs as one array (``paragraph_keys``):
their exact keys in order, then their sizes. Candidates are documents that share
most of the smaller one's keys (``candidate_pairs``); the test needs the keys
only (``repost_match``), so it runs the same whether the texts were staged
(``clean``), not (``clean check``) or sit on a Ray cluster.

>>> first = paragraph_keys([Line(1, "甲" * 30), Line(2, "乙" * 40), Line(3, "短")])
>>> second = paragraph_keys([Line(1, "甲" * 30), Line(2, "乙" * 40), Line(3, "丙" * 25)])
>>> candidate_pairs([first, second]).tolist()
[[0, 1]]
>>> repost_match(first, second, 5)
RepostMatch(containment=1.0, inner_runs=0, smaller=0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..clean.boilerplate.lines import line_key
from ..data import CleanConfig, ClusterMember, DuplicateCluster, Line, Processed
from .lsh import Pairs, connected_roots, pairs_in_runs, unique_pairs
from .minhash import estimate_rows

Keys = npt.NDArray[np.uint64]
# Shorter paragraphs (headings, bylines, a site's name) say little about which
# article a page holds, and many pages share them.
MIN_PARAGRAPH_CHARS = 20
# Two documents are candidates when they share at least this share of the
# smaller one's paragraph keys (and at least ``MIN_SHARED_PARAGRAPHS``).
MIN_SHARED_SHARE = 0.5
MIN_SHARED_PARAGRAPHS = 2
# A paragraph found in more documents than this is a template's, not an article's:
# its pairs are not counted (a thousand pages sharing a footer would make a
# million pairs).
MAX_DOCUMENTS_PER_KEY = 64
# Runs of unshared paragraphs allowed inside the two documents (not touching their
# first or last paragraph): one cut or one inserted passage. An edited paragraph
# leaves a run in each document, so one edit inside is already two.
MAX_INNER_RUNS = 1


def paragraph_keys(lines: Sequence[Line]) -> Keys:
    """Return a document's long paragraphs as one array: their keys in order, then their sizes.

    A key is the paragraph's exact text (white space removed) hashed to 64 bits;
    a size is its characters. One array, so that a record carries it as bytes.

    >>> keys = paragraph_keys([Line(1, "x" * 30), Line(2, "short"), Line(3, "y y" * 10)])
    >>> len(keys), keys[2:].tolist()
    (4, [30, 20])
    """
    compact = ["".join(line.text.split()) for line in lines]
    long = [text for text in compact if len(text) >= MIN_PARAGRAPH_CHARS]
    return np.array([*map(line_key, long), *map(len, long)], dtype=np.uint64)


def split_keys(keys: Keys) -> tuple[Keys, Keys]:
    """Return the keys and the sizes of a ``paragraph_keys`` array."""
    half = len(keys) // 2
    return keys[:half], keys[half:]


def candidate_pairs(keys: Sequence[Keys | None]) -> Pairs:
    """Return the pairs of documents (positions) that share most of the smaller one's paragraphs.

    >>> first = np.array([1, 2, 3, 9, 9, 9], np.uint64)
    >>> candidate_pairs([first, np.array([1, 2, 3, 4, 9, 9, 9, 9], np.uint64)]).tolist()
    [[0, 1]]
    """
    distinct = [np.zeros(0, np.uint64) if k is None else np.unique(split_keys(k)[0]) for k in keys]
    counts = np.fromiter(map(len, distinct), np.int64, len(keys))
    if counts.sum() == 0:
        return np.zeros((0, 2), dtype=np.int64)
    flat = np.concatenate(distinct)
    owner = np.repeat(np.arange(len(keys)), counts)
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    sizes = np.diff(np.append(starts, len(ordered)))
    # Keys of one document only, or of a template's many documents, pair nobody.
    useful = (sizes > 1) & (sizes <= MAX_DOCUMENTS_PER_KEY)
    if not useful.any():
        return np.zeros((0, 2), dtype=np.int64)
    taken = np.repeat(useful, sizes)
    members = owner[order][taken]
    runs = np.flatnonzero(np.concatenate([[True], np.diff(np.repeat(starts, sizes)[taken]) != 0]))
    pairs = pairs_in_runs(members, runs, len(members))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if not len(pairs):
        return np.zeros((0, 2), dtype=np.int64)
    span = len(keys)
    packed, shared = np.unique(pairs[:, 0] * span + pairs[:, 1], return_counts=True)
    first, second = packed // span, packed % span
    smaller = np.minimum(counts[first], counts[second])
    enough = (shared >= MIN_SHARED_PARAGRAPHS) & (shared >= MIN_SHARED_SHARE * smaller)
    return unique_pairs(np.stack([first[enough], second[enough]], axis=1))


@dataclass(frozen=True, slots=True)
class RepostMatch:
    """How two documents' paragraphs line up.

    ``containment`` is the share of the smaller one's shingles (in long
    paragraphs) that lie in paragraphs found whole in the larger; ``inner_runs``
    counts the runs of unshared paragraphs inside either document; ``smaller``
    says which is the smaller: 0 the first, 1 the second, -1 neither (as large).
    """

    containment: float
    inner_runs: int
    smaller: int = 0

    def holds(self, threshold: float) -> bool:
        """Tell whether the pair is a repost: contained enough, differing only as reposts do."""
        return self.containment >= threshold and self.inner_runs <= MAX_INNER_RUNS


def repost_match(first: Keys, second: Keys, shingle_chars: int) -> RepostMatch:
    """Line up two documents' paragraphs (``paragraph_keys`` arrays).

    Shares count shingles, as a document's shingles are counted everywhere
    (``dedup.shingles``: those of each paragraph, ``chars - shingle_chars + 1``
    of a paragraph, at least one); the smaller document is the one with fewer.

    >>> original = np.array([1, 2, 3, 4, 104, 104, 24, 104], np.uint64)
    >>> repost_match(np.array([1, 2, 4, 7, 104, 104, 104, 14], np.uint64), original, 5)
    RepostMatch(containment=0.9677, inner_runs=1, smaller=0)
    >>> edited = np.array([1, 5, 3, 6, 104, 104, 24, 104], np.uint64)
    >>> repost_match(edited, original, 5)
    RepostMatch(containment=0.375, inner_runs=2, smaller=-1)
    """
    first_keys, first_sizes = split_keys(first)
    second_keys, second_sizes = split_keys(second)
    shared_first = np.isin(first_keys, second_keys)
    shared_second = np.isin(second_keys, first_keys)
    first_weights, second_weights = (
        np.maximum(1, sizes.astype(np.int64) - shingle_chars + 1)
        for sizes in (first_sizes, second_sizes)
    )
    first_total, second_total = int(first_weights.sum()), int(second_weights.sum())
    smaller = 0 if first_total < second_total else 1 if second_total < first_total else -1
    weights, shared = (
        (second_weights, shared_second) if smaller == 1 else (first_weights, shared_first)
    )
    total = int(weights.sum())
    contained = int(weights[shared].sum()) / total if total else 0.0
    runs = _inner_runs(shared_first) + _inner_runs(shared_second)
    return RepostMatch(round(contained, 4), runs, smaller)


def _inner_runs(shared: npt.NDArray[np.bool_]) -> int:
    """Count the runs of False that touch neither end.

    A run starts where a False follows a True; the last one touches the end
    when the array ends with False.

    >>> _inner_runs(np.array([False, True, False, False, True, False, True]))
    2
    >>> _inner_runs(np.array([True, False])), _inner_runs(np.array([False, False]))
    (0, 0)
    """
    starts = int(np.count_nonzero(shared[:-1] & ~shared[1:]))
    return starts - 1 if starts and not shared[-1] else starts


def add_contained(
    clusters: tuple[DuplicateCluster, ...],
    processed: Sequence[Processed],
    config: CleanConfig,
) -> tuple[DuplicateCluster, ...]:
    """Join the reposts (``repost_match``, at ``containment_threshold``) to the clusters.

    A cluster that no repost touches stays as it was; one that grows, or a new
    one, keeps its longest document that holds a repost: the reposts are inside
    it, so it loses nothing they say, while keeping a shorter one would lose the
    paragraph a repost cut. Each dropped member says which test holds it to the
    kept one.
    """
    keys = [p.paragraph_keys if p.signature is not None else None for p in processed]
    threshold, shingles = config.dedup.containment_threshold, config.dedup.shingle_chars
    confirmed: list[tuple[int, int]] = []
    containers: set[int] = set()
    for a, b in candidate_pairs(keys).tolist():
        match = repost_match(keys[a], keys[b], shingles)
        if match.holds(threshold):
            confirmed.append((a, b))
            containers.update({0: [b], 1: [a]}.get(match.smaller, [a, b]))
    position = {p.report.doc_id: k for k, p in enumerate(processed)}
    similar = [(position[c.kept], position[m.doc_id]) for c in clusters for m in c.dropped]
    before = connected_roots(len(processed), np.array(similar, dtype=np.int64).reshape(-1, 2))
    # A pair Jaccard similarity already joined changes nothing (nor which one is kept).
    joining = [(a, b) for a, b in confirmed if before[a] != before[b]]
    if not joining:
        return clusters
    edges = np.array(similar + joining, dtype=np.int64).reshape(-1, 2)
    roots = connected_roots(len(processed), edges)
    touched = {int(roots[a]) for a, _ in joining}
    kept_clusters = [c for c in clusters if int(roots[position[c.kept]]) not in touched]
    groups: dict[int, list[int]] = {}
    for node in range(len(processed)):
        if int(roots[node]) in touched:
            groups.setdefault(int(roots[node]), []).append(node)
    grown = [
        _contained_cluster(members, containers, processed, config) for members in groups.values()
    ]
    return tuple(sorted(kept_clusters + grown, key=lambda c: position[c.kept]))


def _contained_cluster(
    members: list[int], containers: set[int], processed: Sequence[Processed], config: CleanConfig
) -> DuplicateCluster:
    """Name a cluster containment joined: its longest document holding a repost kept.

    The kept document is one a repost is inside, not a longer near-duplicate of
    it that may not hold the repost (in ``clean check`` clusters come from
    MinHash estimates alone: next year's report may join).
    """
    holding = [k for k in members if k in containers]
    kept = max(holding, key=lambda k: (processed[k].report.chars_out, -k))
    others = [k for k in members if k != kept]
    first = np.stack([processed[kept].signature] * len(others))
    second = np.stack([processed[member].signature for member in others])
    estimates = estimate_rows(first, second).tolist()
    dropped = []
    for member, estimate in zip(others, estimates, strict=True):
        doc_id = processed[member].report.doc_id
        if estimate >= config.dedup.jaccard_threshold:
            dropped.append(ClusterMember(doc_id, round(estimate, 3)))
        else:
            match = repost_match(
                processed[member].paragraph_keys,
                processed[kept].paragraph_keys,
                config.dedup.shingle_chars,
            )
            dropped.append(ClusterMember(doc_id, round(match.containment, 3), test="containment"))
    return DuplicateCluster(processed[kept].report.doc_id, tuple(dropped))
