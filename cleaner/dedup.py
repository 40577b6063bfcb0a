"""Find duplicated blocks inside a document and near-duplicate documents (MinHash + LSH).

Texts are compared as sets of character n-grams ("shingles"): Chinese has no
spaces between words, so characters are the natural unit. Signatures are
computed with numpy for many texts at once (``minhash.py``), candidate pairs
come from LSH banding tuned for the threshold (``lsh.py``); within a document
they are verified with the exact Jaccard similarity of the shingle sets
(paragraphs are small), across documents with the estimate, or with the exact
similarity when the caller can give it. Everything is deterministic: fixed
seed, documents in sorted order, the first document of a cluster kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from . import lsh, minhash
from ._line_classes import line_key
from .data import ClusterMember, DedupConfig, DuplicateBlock, DuplicateCluster, Line, Removal

DIGITS_RE = re.compile(r"\d+(?:\.\d+)*")
# The hashing scheme of the signatures: datasketch 2's "affine32" permutations over a
# 32-bit base hash of each shingle (see minhash.py). Stored in persistent indexes.
MINHASH_SCHEME = "affine32"
# Above this many characters a paragraph is compared by its estimate alone: its
# shingle set would cost more memory than the comparison is worth.
EXACT_MAX_CHARS = 20_000
# A repeated single paragraph is a duplicated block from this many times
# min_block_chars (see find_duplicate_blocks).
SINGLE_PARAGRAPH_FACTOR = 2
# Odd constants (golden ratio, MurmurHash3) that spread document and band numbers
# over 64 bits before they are mixed into band keys.
_OWNER_MIX = 0x9E3779B97F4A7C15
_BAND_MIX = 0xC2B2AE3D27D4EB4F
Signature = npt.NDArray[np.uint32]
Signatures = npt.NDArray[np.uint32]  # one signature a row


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


def document_shingles(text: str, size: int) -> set[str]:
    r"""Return a document's shingles: those of each line (paragraph), together.

    Shingles do not span paragraphs, so a document's signature is the minimum of
    its paragraphs' (``document_signature``).

    >>> sorted(document_shingles("医保惠民\n工程", 3))
    ['保惠民', '医保惠', '工程']
    """
    shingles: set[str] = set()
    for line in text.split("\n"):
        shingles |= shingle_set(line, size)
    return shingles


def jaccard(first: set[str], second: set[str]) -> float:
    """Return the exact Jaccard similarity of two shingle sets.

    >>> jaccard({"a", "b"}, {"b", "c"})
    0.3333333333333333
    """
    if not first and not second:
        return 1.0
    shared = len(first & second)  # the union's size follows; building it cost as much again
    return shared / (len(first) + len(second) - shared)


# datasketch 2 names its hashing schemes; fixing ours keeps signatures (and so the
# output) the same whatever datasketch's default becomes.
MINHASH_SCHEME = "affine32"


def bands_and_rows(threshold: float, num_perm: int) -> tuple[int, int]:
    """Return the LSH bands x rows used for a threshold (``lsh.choose_banding``)."""
    banding = lsh.choose_banding(threshold, num_perm)
    return banding.bands, banding.rows


def signature(text: str, config: DedupConfig) -> Signature | None:
    """Return the MinHash signature of a text (of ``document_shingles``), or None if empty."""
    lines = [Line(number, line) for number, line in enumerate(text.split("\n"), start=1)]
    return document_signature(paragraph_signatures(lines, config))


def paragraph_signatures(paragraphs: Sequence[Line], config: DedupConfig) -> Signatures:
    """Return the signatures of a document's paragraphs, one row each (in one call)."""
    texts = [p.text for p in paragraphs]
    return minhash.signatures(texts, config.num_perm, config.shingle_chars, config.seed)


def document_signature(rows: Signatures) -> Signature | None:
    """Return a document's signature from its paragraphs' rows: their minimum.

    The MinHash of a union is the minimum of the MinHashes, so this is exactly the
    signature of the document's shingles (taken within paragraphs), at no cost.
    None for a document with no characters.
    """
    if len(rows) == 0:
        return None
    merged: Signature = rows.min(axis=0)
    return None if bool(minhash.is_empty(merged[None])[0]) else merged


def batch_document_signatures(rows: Signatures, counts: Sequence[int]) -> list[Signature | None]:
    """Return ``document_signature`` of each document of a batch, in one numpy call.

    ``rows`` are the paragraph signatures of the batch, ``counts[i]`` of them for
    document ``i``, in order. A call per document cost about 20 µs each.

    >>> rows = np.array([[3, 9], [5, 1], [7, 7]], np.uint32)
    >>> [None if s is None else s.tolist() for s in batch_document_signatures(rows, [2, 0, 1])]
    [[3, 1], None, [7, 7]]
    """
    signed = [k for k, count in enumerate(counts) if count]
    result: list[Signature | None] = [None] * len(counts)
    if not signed:
        return result
    starts = np.cumsum([0, *counts])[signed]
    merged = np.minimum.reduceat(rows, starts, axis=0)
    empty = minhash.is_empty(merged)
    for position, k in enumerate(signed):
        if not empty[position]:
            result[k] = merged[position]
    return result


def shares_a_band(keys: npt.NDArray[np.uint64]) -> bool:
    """Tell whether any two rows of band keys (one row a paragraph) agree in some band.

    A vectorized check that saves the per-paragraph candidate loop of a
    document with no repeated paragraph, which is most documents.

    >>> shares_a_band(np.array([[1, 2], [3, 2]], np.uint64))
    True
    >>> shares_a_band(np.array([[1, 2], [2, 1]], np.uint64))
    False
    """
    if len(keys) < 2:
        return False
    ordered = np.sort(keys, axis=0)
    return bool((ordered[1:] == ordered[:-1]).any())


def documents_sharing_bands(
    rows: Signatures, counts: Sequence[int], config: DedupConfig
) -> list[bool]:
    """Tell, per document of a batch, whether two of its paragraphs may share an LSH band.

    ``rows`` are the paragraph signatures of the batch, ``counts[i]`` of them for
    document ``i``, in order. Only a document that shares a band can hold a
    repeated block (equal texts share every band), so the others skip
    ``find_duplicate_blocks``. Each band key is mixed with its band and its
    document, and the batch sorted once: equal mixed keys mark both documents
    (a collision of the mixing only sends a document down the exact path).
    Per document, the band keys cost more than its block dedup.
    """
    shared = np.zeros(len(counts), dtype=bool)
    if sum(counts) < 2:
        return [False] * len(counts)
    keys = lsh.band_keys(rows, lsh.choose_banding(config.jaccard_threshold, config.num_perm))
    owners = np.repeat(np.arange(len(counts), dtype=np.uint64), counts)
    bands = np.arange(keys.shape[1], dtype=np.uint64)
    mixed = keys ^ (owners[:, None] * np.uint64(_OWNER_MIX)) ^ (bands * np.uint64(_BAND_MIX))
    ordered = np.sort(mixed, axis=None)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if len(repeated):
        hit = np.isin(mixed, repeated).any(axis=1)
        shared[owners[hit].astype(np.int64)] = True
    return [bool(flag) for flag in shared]


def _match_paragraphs(
    paragraphs: Sequence[Line], config: DedupConfig, signatures: Signatures
) -> list[tuple[int, float] | None]:
    """For each paragraph, the earlier paragraph it repeats and how similar they are."""
    texts = [p.text for p in paragraphs]
    keys = lsh.band_keys(signatures, lsh.choose_banding(config.jaccard_threshold, config.num_perm))
    if not shares_a_band(keys):
        # No candidate at all (equal texts share every band): most documents.
        return [None] * len(texts)
    sets: dict[int, set[str]] = {}

    def similarity(first: int, second: int) -> float:
        if max(len(texts[first]), len(texts[second])) > EXACT_MAX_CHARS:
            return minhash.estimate_jaccard(signatures[first], signatures[second])
        for position in (first, second):
            if position not in sets:
                sets[position] = shingle_set(texts[position], config.shingle_chars)
        return jaccard(sets[first], sets[second])

    exact: dict[str, int] = {}
    buckets: dict[tuple[int, int], list[int]] = {}
    matches: list[tuple[int, float] | None] = []
    for position, text in enumerate(texts):
        key = "".join(text.split())
        if key in exact:
            matches.append((exact[key], 1.0))
            continue
        band_keys = list(enumerate(keys[position].tolist()))
        candidates = sorted({c for band in band_keys for c in buckets.get(band, ())})
        best: tuple[int, float] | None = None
        for candidate in candidates:
            score = similarity(position, candidate)
            if score >= config.jaccard_threshold and (best is None or score > best[1]):
                best = (candidate, score)
        matches.append(best)
        if best is None:
            exact[key] = position
            for band in band_keys:
                buckets.setdefault(band, []).append(position)
    return matches


def find_duplicate_blocks(
    paragraphs: Sequence[Line],
    config: DedupConfig = DedupConfig(),
    signatures: Signatures | None = None,
) -> tuple[tuple[Line, ...], tuple[DuplicateBlock, ...], tuple[Removal, ...]]:
    """Remove runs of paragraphs that repeat earlier paragraphs of the same document.

    The first copy stays. A run shorter than ``config.min_block_chars`` is kept:
    a heading that happens to recur is not a duplicated block. A single
    paragraph must be ``SINGLE_PARAGRAPH_FACTOR`` times as long: a speech quotes
    a slogan twice ("要团结，不要分裂；要光明正大，不要搞阴谋诡计", 38 characters),
    while a page that repeats itself repeats longer text.

    Returns:
        The kept paragraphs, the duplicated blocks found, and one removal per
        dropped paragraph (class ``duplicate``).

    """
    if signatures is None:
        signatures = paragraph_signatures(paragraphs, config)
    matches = _match_paragraphs(paragraphs, config, signatures)
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
        needed = config.min_block_chars * (SINGLE_PARAGRAPH_FACTOR if len(run) == 1 else 1)
        if sum(len(paragraphs[i].text) for i in run) >= needed:
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


def find_near_duplicates(
    doc_ids: Sequence[str],
    signatures: Sequence[Signature | None],
    lengths: Sequence[int],
    config: DedupConfig = DedupConfig(),
    exact_jaccard: lsh.ExactJaccard | None = None,
) -> tuple[DuplicateCluster, ...]:
    """Group near-duplicate documents into clusters and pick the one to keep.

    Documents are given in the run's sorted order; a ``None`` signature (an empty
    document) never joins a cluster. Candidate pairs from LSH are confirmed with
    the MinHash estimate, or with ``exact_jaccard(pairs)`` (pairs of positions in
    ``doc_ids``) when given, so no document is dropped for a lucky estimate.
    """
    signed = [position for position, sig in enumerate(signatures) if sig is not None]
    if len(signed) < 2:
        return ()
    # One row per signed document (concatenate: 3x faster than np.stack here).
    matrix = np.concatenate([sig for sig in signatures if sig is not None]).reshape(len(signed), -1)
    exact = None
    if exact_jaccard is not None:
        positions = np.array(signed, dtype=np.int64)

        def exact(pairs: lsh.Pairs) -> npt.NDArray[np.float64]:
            return exact_jaccard(positions[pairs])

    groups = lsh.find_clusters(matrix, config.jaccard_threshold, exact_jaccard=exact)
    named = [[signed[member] for member in group] for group in groups]
    return name_clusters(named, doc_ids, signatures.__getitem__, lengths, config)


def name_clusters(
    groups: Sequence[Sequence[int]],
    doc_ids: Sequence[str],
    signature_of: Callable[[int], Signature | None],
    lengths: Sequence[int],
    config: DedupConfig,
) -> tuple[DuplicateCluster, ...]:
    """Turn groups of positions (each sorted, groups by first member) into clusters.

    Picks the document each cluster keeps (the first, or the longest) and the
    estimated similarity of every other member to it. Every engine ends here, so
    the same groups give the same clusters wherever they were found.
    """
    keeps = []
    for members in groups:
        kept = members[0]
        if config.keep == "longest":
            kept = max(members, key=lambda i: (lengths[i], -i))
        keeps.append(kept)
    # Every (kept, member) pair's estimate in one numpy call: a call per pair cost
    # 65 µs each on 2,000 dropped documents.
    pairs = [
        (cluster, kept, member)
        for cluster, (kept, members) in enumerate(zip(keeps, groups, strict=True))
        for member in members
        if member != kept and signature_of(member) is not None
    ]
    estimates: list[float] = []
    if pairs:
        # One row each (concatenate: 3x faster than np.stack here).
        firsts = np.concatenate([_signed(signature_of(kept)) for _, kept, _ in pairs])
        seconds = np.concatenate([_signed(signature_of(member)) for _, _, member in pairs])
        firsts, seconds = firsts.reshape(len(pairs), -1), seconds.reshape(len(pairs), -1)
        estimates = lsh.row_estimates(firsts, seconds).tolist()
    dropped: list[list[ClusterMember]] = [[] for _ in groups]
    for (cluster, _, member), estimate in zip(pairs, estimates, strict=True):
        dropped[cluster].append(ClusterMember(doc_ids[member], round(estimate, 3)))
    return tuple(
        DuplicateCluster(doc_ids[kept], tuple(members))
        for kept, members in zip(keeps, dropped, strict=True)
    )


def _signed(signature: Signature | None) -> Signature:
    assert signature is not None  # only signed documents are ever grouped
    return signature


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


def masked_key(text: str) -> int:
    """Return the key of a text with every number masked.

    Two texts with equal masked keys and unequal texts ``differ_only_in_numbers``.

    >>> masked_key("参保714.9万人") == masked_key("参保702万人") != masked_key("参保万人")
    True
    """
    return line_key(DIGITS_RE.sub("0", text))
