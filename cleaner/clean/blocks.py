"""Find runs of paragraphs that repeat earlier paragraphs of the same document.

A page that holds its article twice (seed 004) is caught here: each paragraph's
MinHash rows are banded (LSH) to find candidates, which are verified with the
exact Jaccard similarity of their shingle sets (paragraphs are small). The first
copy stays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..data import DedupConfig, DuplicateBlock, Line, Removal
from ..dedup import lsh, minhash
from ..dedup.near import Signatures, paragraph_signatures
from ..dedup.shingles import jaccard, shingle_set

# Above this many characters a paragraph is compared by its estimate alone: its
# shingle set would cost more memory than the comparison is worth.
EXACT_MAX_CHARS = 20_000
# A repeated single paragraph is a duplicated block from this many times
# min_block_chars (see find_duplicate_blocks).
SINGLE_PARAGRAPH_FACTOR = 2
# Odd constants (golden ratio, MurmurHash3) that spread document and band numbers
# over 64 bits before they are mixed into band keys.
_OWNER_MIX = minhash.GOLDEN_64
_BAND_MIX = minhash.MURMUR_MIX_64


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
