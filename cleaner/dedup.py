"""Find duplicated blocks inside a document and near-duplicate documents (MinHash + LSH).

Texts are compared as sets of character n-grams ("shingles"): Chinese has no
spaces between words, so characters are the natural unit. Candidate pairs come
from datasketch's ``MinHashLSH``; within a document they are then verified with
the exact Jaccard similarity of the shingle sets (paragraphs are small), across
documents with the MinHash estimate. Everything is deterministic: fixed seed,
documents in sorted order, the first document of a cluster kept.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from datasketch import MinHash, MinHashLSH

from .data import ClusterMember, DedupConfig, DuplicateBlock, DuplicateCluster, Line, Removal

DIGITS_RE = re.compile(r"\d+(?:\.\d+)*")


def shingle_set(text: str, size: int) -> set[str]:
    """Return the character n-grams of a text, white space removed.

    A text shorter than ``size`` is its own single shingle, so short lines still
    compare equal to themselves.

    >>> sorted(shingle_set("医保惠民", 3))
    ['保惠民', '医保惠']
    >>> shingle_set("医保", 3)
    {'医保'}
    """
    compact = "".join(text.split())
    if len(compact) <= size:
        return {compact} if compact else set()
    return {compact[i : i + size] for i in range(len(compact) - size + 1)}


def jaccard(first: set[str], second: set[str]) -> float:
    """Return the exact Jaccard similarity of two shingle sets.

    >>> jaccard({"a", "b"}, {"b", "c"})
    0.3333333333333333
    """
    if not first and not second:
        return 1.0
    return len(first & second) / len(first | second)


# datasketch 2 names its hashing schemes; fixing ours keeps signatures (and so the
# output) the same whatever datasketch's default becomes.
MINHASH_SCHEME = "affine32"


@functools.cache
def _permutations(num_perm: int, seed: int) -> Any:
    """Return datasketch's permutation arrays for a seed, built once (they cost ~0.15 ms)."""
    return MinHash(num_perm=num_perm, seed=seed, scheme=MINHASH_SCHEME).permutations


@functools.cache
def _bands_and_rows(threshold: float, num_perm: int) -> tuple[int, int]:
    """Return datasketch's optimal LSH bands x rows, computed once (it integrates numerically)."""
    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return index.b, index.r


def signature(shingles: set[str], config: DedupConfig) -> MinHash:
    """Return the MinHash of a shingle set (datasketch's SHA-1 based 32-bit hash)."""
    minhash = MinHash(
        num_perm=config.num_perm,
        seed=config.seed,
        permutations=_permutations(config.num_perm, config.seed),
        scheme=MINHASH_SCHEME,
    )
    # Sorted so the byte stream fed to the hash never depends on set order.
    minhash.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles)])
    return minhash


def _new_index(config: DedupConfig) -> MinHashLSH:
    params = _bands_and_rows(config.jaccard_threshold, config.num_perm)
    return MinHashLSH(threshold=config.jaccard_threshold, num_perm=config.num_perm, params=params)


def _match_paragraphs(
    paragraphs: Sequence[Line], config: DedupConfig
) -> list[tuple[int, float] | None]:
    """For each paragraph, the earlier paragraph it repeats and how similar they are."""
    sets = [shingle_set(p.text, config.shingle_chars) for p in paragraphs]
    exact: dict[str, int] = {}
    index = _new_index(config)
    matches: list[tuple[int, float] | None] = []
    for position, paragraph in enumerate(paragraphs):
        key = "".join(paragraph.text.split())
        if key in exact:
            matches.append((exact[key], 1.0))
            continue
        minhash = signature(sets[position], config)
        best: tuple[int, float] | None = None
        for candidate in sorted(index.query(minhash)):
            similarity = jaccard(sets[position], sets[candidate])
            if similarity >= config.jaccard_threshold and (best is None or similarity > best[1]):
                best = (candidate, similarity)
        matches.append(best)
        if best is None:
            index.insert(position, minhash)
            exact[key] = position
    return matches


def find_duplicate_blocks(
    paragraphs: Sequence[Line], config: DedupConfig = DedupConfig()
) -> tuple[tuple[Line, ...], tuple[DuplicateBlock, ...], tuple[Removal, ...]]:
    """Remove runs of paragraphs that repeat earlier paragraphs of the same document.

    The first copy stays. A run shorter than ``config.min_block_chars`` is kept:
    a heading that happens to recur is not a duplicated block.

    Returns:
        The kept paragraphs, the duplicated blocks found, and one removal per
        dropped paragraph (class ``duplicate``).

    """
    matches = _match_paragraphs(paragraphs, config)
    dropped: set[int] = set()
    blocks: list[DuplicateBlock] = []
    position = 0
    while position < len(paragraphs):
        if matches[position] is None:
            position += 1
            continue
        end = position
        while end < len(paragraphs) and matches[end] is not None:
            end += 1
        run = range(position, end)
        if sum(len(paragraphs[i].text) for i in run) >= config.min_block_chars:
            pairs = [m for m in matches[position:end] if m is not None]
            originals = [paragraphs[original].line_no for original, _ in pairs]
            similarity = sum(sim for _, sim in pairs) / len(pairs)
            blocks.append(
                DuplicateBlock(
                    lines=(paragraphs[position].line_no, paragraphs[end - 1].line_no),
                    original_lines=(min(originals), max(originals)),
                    similarity=round(similarity, 3),
                    paragraphs=len(pairs),
                )
            )
            dropped.update(run)
        position = end
    kept = tuple(p for i, p in enumerate(paragraphs) if i not in dropped)
    removals = tuple(
        Removal(paragraphs[i].line_no, paragraphs[i].text, "duplicate", "repeated-block")
        for i in sorted(dropped)
    )
    return kept, tuple(blocks), removals


class _UnionFind:
    """Disjoint sets over 0..n-1; the root of a set is its smallest member."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: int, second: int) -> None:
        root_a, root_b = self.find(first), self.find(second)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def find_near_duplicates(
    doc_ids: Sequence[str],
    signatures: Sequence[MinHash | None],
    lengths: Sequence[int],
    config: DedupConfig = DedupConfig(),
) -> tuple[DuplicateCluster, ...]:
    """Group near-duplicate documents into clusters and pick the one to keep.

    Documents are given in the run's sorted order; a ``None`` signature (an empty
    document) never joins a cluster. Candidates from LSH are confirmed with the
    MinHash estimate of the Jaccard similarity.
    """
    index = _new_index(config)
    for position, minhash in enumerate(signatures):
        if minhash is not None:
            index.insert(position, minhash)
    groups = _UnionFind(len(signatures))
    for position, minhash in enumerate(signatures):
        if minhash is None:
            continue
        for candidate in index.query(minhash):
            other = signatures[candidate]
            if candidate != position and other is not None:
                if minhash.jaccard(other) >= config.jaccard_threshold:
                    groups.union(position, candidate)
    members: dict[int, list[int]] = {}
    for position in range(len(signatures)):
        members.setdefault(groups.find(position), []).append(position)
    clusters = []
    for root in sorted(members):
        group = members[root]
        if len(group) < 2:
            continue
        kept = group[0]
        if config.keep == "longest":
            kept = max(group, key=lambda i: (lengths[i], -i))
        kept_signature = signatures[kept]
        assert kept_signature is not None  # only signed documents are ever united
        dropped = []
        for position in group:
            other = signatures[position]
            if position == kept or other is None:
                continue
            similarity = round(float(kept_signature.jaccard(other)), 3)
            dropped.append(ClusterMember(doc_ids[position], similarity))
        clusters.append(DuplicateCluster(doc_ids[kept], tuple(dropped)))
    return tuple(clusters)


def differ_only_in_numbers(first: str, second: str) -> bool:
    """Tell whether two texts are equal once every number is masked.

    Yearly reports built from one template differ only in their figures.

    >>> differ_only_in_numbers("参保714.9万人", "参保702.1万人")
    True
    >>> differ_only_in_numbers("参保714.9万人", "参保714.9万人")
    False
    """
    if first == second:
        return False
    return DIGITS_RE.sub("0", first) == DIGITS_RE.sub("0", second)
