import csv
import itertools
import json
import random
import sys
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from cleaner.dedup.lsh import (
    Banding,
    band_keys,
    candidate_pairs,
    choose_banding,
    connected_roots,
    estimate_pair_jaccard,
    find_clusters,
    find_duplicate_pairs,
    pairwise,
)
from cleaner.dedup.minhash import EMPTY_VALUE, signatures
from cleaner.dedup.shingles import jaccard, shingle_set

ROOT = Path(__file__).resolve().parent.parent
GOV_REPORTS = ROOT.parent / "shared" / "corpora" / "cn-gov-reports"
THRESHOLD, NUM_PERM = 0.8, 128


@pytest.mark.parametrize(
    ("threshold", "num_perm", "weights"),
    [
        (0.8, 128, (0.5, 0.5)),
        (0.8, 128, (0.05, 0.95)),
        (0.5, 64, (0.5, 0.5)),
        (0.9, 256, (0.5, 0.5)),
        (0.7, 128, (0.2, 0.8)),
        (0.95, 128, (0.5, 0.5)),
    ],
)
def test_choose_banding_agrees_with_datasketch(threshold, num_perm, weights):
    reference = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    assert choose_banding(threshold, num_perm, *weights) == Banding(reference.b, reference.r)


def test_documented_banding_and_catch_probabilities():
    banding = choose_banding(0.8, 128)
    assert banding == Banding(16, 8)
    caught = [round(banding.catch_probability(s), 4) for s in (0.7, 0.8, 0.85, 0.9)]
    assert caught == [0.6133, 0.947, 0.9938, 0.9999]


def test_bad_banding_and_threshold_are_rejected():
    with pytest.raises(ValueError, match="bands and rows"):
        Banding(0, 8)
    with pytest.raises(ValueError, match="threshold"):
        choose_banding(1.5, 128)
    with pytest.raises(ValueError, match="needs"):
        band_keys(np.zeros((2, 8), np.uint32), Banding(4, 4))


def test_band_keys_are_equal_exactly_when_bands_are_equal():
    rng = np.random.default_rng(0)
    sigs = rng.integers(0, 3, size=(60, 12), dtype=np.uint32)
    banding = Banding(3, 4)
    keys = band_keys(sigs, banding)
    for first, second in itertools.combinations(range(len(sigs)), 2):
        for band in range(3):
            same = np.array_equal(
                sigs[first, band * 4 : band * 4 + 4], sigs[second, band * 4 : band * 4 + 4]
            )
            assert (keys[first, band] == keys[second, band]) == same


def test_candidate_pairs_are_the_pairs_sharing_a_band():
    rng = np.random.default_rng(1)
    sigs = rng.integers(0, 2, size=(80, 8), dtype=np.uint32)
    keys = band_keys(sigs, Banding(2, 4))
    expected = [
        [first, second]
        for first, second in itertools.combinations(range(len(sigs)), 2)
        if (keys[first] == keys[second]).any()
    ]
    assert candidate_pairs(keys).tolist() == expected
    names = np.arange(len(sigs)) * 10
    assert candidate_pairs(keys, names).tolist() == [[a * 10, b * 10] for a, b in expected]


def python_roots(size, pairs):
    parent = list(range(size))

    def find(node):
        while parent[node] != node:
            node = parent[node]
        return node

    for first, second in pairs:
        low, high = sorted((find(first), find(second)))
        parent[high] = low
    return [find(node) for node in range(size)]


@pytest.mark.parametrize("seed", range(5))
def test_connected_roots_are_the_smallest_member(seed):
    rng = random.Random(seed)
    pairs = sorted({tuple(sorted(rng.sample(range(200), 2))) for _ in range(150)})
    roots = connected_roots(200, np.array(pairs, dtype=np.int64))
    assert roots.tolist() == python_roots(200, pairs)


def test_find_clusters_shape_and_order():
    sigs = np.array(
        [[5, 6, 7, 8], [1, 2, 3, 4], [9, 9, 9, 9], [1, 2, 3, 4], [5, 6, 7, 9], [1, 1, 1, 1]],
        dtype=np.uint32,
    )
    assert find_clusters(sigs, 0.75, Banding(2, 2)) == [[0, 4], [1, 3]]
    assert find_clusters(sigs[:3], 0.75, Banding(2, 2)) == []


def test_empty_signatures_never_cluster():
    sigs = np.full((3, NUM_PERM), EMPTY_VALUE, dtype=np.uint32)
    assert find_clusters(sigs) == []
    text = "\u533b\u4fdd\u60e0\u6c11\u5de5\u7a0b\u5efa\u8bbe\u6301\u7eed\u63a8\u8fdb"
    assert find_clusters(signatures(["", text, " ", text])) == [[1, 3]]


def test_many_identical_signatures_make_few_pairs():
    sigs = np.repeat(signatures(["\u533b\u4fdd\u60e0\u6c11\u5de5\u7a0b"]), 5000, axis=0)
    pairs = find_duplicate_pairs(sigs, THRESHOLD)
    assert len(pairs) == 4999
    assert find_clusters(sigs) == [list(range(5000))]


def test_exact_callback_decides_and_is_asked_only_near_the_threshold():
    sigs = np.array([[1, 2, 3, 4], [1, 2, 3, 5], [1, 2, 7, 8], [1, 9, 9, 9]], dtype=np.uint32)
    asked = []

    def exact(first, second):
        asked.append((first, second))
        return {(0, 1): 0.5}.get((first, second))

    # Estimates: (0,1) 0.75, (0,2) (1,2) 0.5, pairs with row 3: 0.25; margin 0.3 asks
    # about estimates in [0.45, 1.05).
    checked = pairwise(exact)
    clusters = find_clusters(sigs, 0.75, Banding(4, 1), exact_jaccard=checked, exact_margin=0.3)
    assert clusters == []
    assert sorted(asked) == [(0, 1), (0, 2), (1, 2)]
    unknown = pairwise(lambda a, b: None)
    assert find_clusters(sigs, 0.75, Banding(4, 1), exact_jaccard=unknown) == [[0, 1]]


def test_estimates_far_above_the_threshold_decide_alone():
    """A pair estimated at 0.95 or more is a duplicate without reading its texts."""
    sigs = np.array([[1] * 20, [1] * 19 + [2], [1] * 17 + [2, 2, 2]], dtype=np.uint32)
    asked = []

    def exact(first, second):
        asked.append((first, second))
        return 0.0

    # Estimates: (0,1) 0.95, (0,2) 0.85, (1,2) 0.9; the exact check says "not similar".
    clusters = find_clusters(sigs, 0.8, Banding(4, 5), exact_jaccard=pairwise(exact))
    assert clusters == [[0, 1]]
    assert sorted(asked) == [(0, 2), (1, 2)]


def report_paragraphs() -> list[str]:
    if not GOV_REPORTS.is_dir():
        pytest.skip("../shared/corpora/cn-gov-reports is not beside the repository")
    csv.field_size_limit(sys.maxsize)
    texts = []
    for path in sorted((GOV_REPORTS / "provincial-2026-raw").glob("2026_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            texts += [row["full_text"] for row in csv.DictReader(stream)]
    national = GOV_REPORTS / "national-wikisource" / "government_work_reports.jsonl"
    texts += [json.loads(line)["content"] for line in national.read_text("utf-8").splitlines()]
    lines = {line.strip()[:300]: None for text in texts for line in text.splitlines()}
    return [line for line in lines if len(line) >= 20]


def edited_copy(text: str, target: float, rng: random.Random) -> tuple[str, float]:
    """Substitute characters while the exact Jaccard stays at or above the target."""
    original = shingle_set(text, 5)
    current, similarity = text, 1.0
    while True:
        chars = list(current)
        for _ in range(max(1, len(chars) // 200)):
            chars[rng.randrange(len(chars))] = rng.choice(text)
        candidate = "".join(chars)
        value = jaccard(original, shingle_set(candidate, 5))
        if value < target:
            return current, similarity
        current, similarity = candidate, value


@pytest.fixture(scope="module")
def corpus():
    """300 documents from disjoint paragraphs, 60 near-duplicates (J 0.85-1), 20 near misses (0.5-0.7)."""
    rng = random.Random(7)
    paragraphs = report_paragraphs()
    rng.shuffle(paragraphs)
    stream = iter(paragraphs)
    docs = ["\n".join(next(stream) for _ in range(rng.randint(3, 8))) for _ in range(300)]
    truth = {"duplicates": [], "near_misses": []}
    for kind, count, low, high in (("duplicates", 60, 0.85, 1.0), ("near_misses", 20, 0.5, 0.7)):
        for _ in range(count):
            source = rng.randrange(len(docs) if kind == "duplicates" else 300)
            copy, similarity = edited_copy(docs[source], rng.uniform(low, high), rng)
            truth[kind].append((source, len(docs), similarity))
            docs.append(copy)
    order = list(range(len(docs)))
    rng.shuffle(order)  # document i is written at position order[i]
    texts = [""] * len(docs)
    for index, position in enumerate(order):
        texts[position] = docs[index]
    for kind in truth:
        truth[kind] = [(order[a], order[b], j) for a, b, j in truth[kind]]
    return texts, signatures(texts, NUM_PERM), truth


def brute_force_pairs(sigs):
    pairs = np.array(list(itertools.combinations(range(len(sigs)), 2)), dtype=np.int64)
    return pairs[estimate_pair_jaccard(sigs, pairs) >= THRESHOLD]


def clusters_of(size, pairs):
    roots = connected_roots(size, np.asarray(pairs, dtype=np.int64).reshape(-1, 2))
    groups = {}
    for node, root in enumerate(roots.tolist()):
        groups.setdefault(root, []).append(node)
    return [group for _, group in sorted(groups.items()) if len(group) > 1]


def datasketch_pairs(sigs, params=None):
    """Pairs found by datasketch MinHashLSH on the same signatures, verified by its estimate."""
    index = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=params)
    minhashes = [MinHash(num_perm=NUM_PERM, seed=1, hashvalues=s, scheme="affine32") for s in sigs]
    for position, minhash in enumerate(minhashes):
        index.insert(position, minhash)
    pairs = set()
    for position, minhash in enumerate(minhashes):
        for other in index.query(minhash):
            if other != position and minhash.jaccard(minhashes[other]) >= THRESHOLD:
                pairs.add((min(position, other), max(position, other)))
    return sorted(pairs)


def test_clusters_are_all_pairs_estimated_at_the_threshold(corpus):
    _, sigs, _ = corpus
    assert find_clusters(sigs, THRESHOLD) == clusters_of(len(sigs), brute_force_pairs(sigs))


def test_clusters_identical_to_datasketch_with_the_same_banding(corpus):
    _, sigs, _ = corpus
    banding = choose_banding(THRESHOLD, NUM_PERM)
    reference = datasketch_pairs(sigs, params=(banding.bands, banding.rows))
    assert find_clusters(sigs, THRESHOLD) == clusters_of(len(sigs), reference)


def test_datasketch_default_banding_misses_only_pairs_without_a_common_band(corpus):
    _, sigs, _ = corpus
    default = Banding(9, 13)  # what MinHashLSH(0.8, 128) chooses
    reference = set(datasketch_pairs(sigs))
    everything = {tuple(pair) for pair in brute_force_pairs(sigs).tolist()}
    assert reference <= everything
    keys = band_keys(sigs, default)
    for first, second in everything - reference:
        assert not (keys[first] == keys[second]).any()
    assert len(everything - reference) > 0  # the reason we weight false negatives up


def test_recall_of_injected_duplicates(corpus):
    texts, sigs, truth = corpus
    root = np.arange(len(sigs))
    for cluster in find_clusters(sigs, THRESHOLD):
        root[cluster] = cluster[0]
    found = [root[a] == root[b] for a, b, _ in truth["duplicates"]]
    assert sum(found) / len(found) >= 0.99
    assert not any(root[a] == root[b] for a, b, _ in truth["near_misses"])


def test_exact_verification_reproduces_the_truth(corpus):
    texts, sigs, truth = corpus
    sets = [shingle_set(text, 5) for text in texts]
    exact = pairwise(lambda a, b: jaccard(sets[a], sets[b]))
    clusters = find_clusters(sigs, THRESHOLD, exact_jaccard=exact)
    assert clusters == clusters_of(len(texts), [(a, b) for a, b, _ in truth["duplicates"]])


def test_clusters_do_not_depend_on_input_order(corpus):
    _, sigs, _ = corpus
    order = np.random.default_rng(3).permutation(len(sigs))
    shuffled = find_clusters(sigs[order], THRESHOLD)
    relabelled = sorted(sorted(int(order[i]) for i in cluster) for cluster in shuffled)
    assert relabelled == find_clusters(sigs, THRESHOLD)


def test_unique_pairs_equal_numpys_unique_rows():
    from cleaner.dedup.lsh import unique_pairs

    rng = np.random.default_rng(5)
    for size, high in [(0, 1), (1, 1), (500, 10), (20_000, 3_000)]:
        pairs = rng.integers(0, high, (size, 2))
        assert np.array_equal(unique_pairs(pairs), np.unique(pairs, axis=0).reshape(-1, 2))


@pytest.mark.parametrize("width", [128, 7])
def test_identical_signatures_grouped_by_fingerprint_as_by_bytes(width, monkeypatch):
    from cleaner.dedup import identical as _identical

    rng = np.random.default_rng(width)
    signatures_ = rng.integers(0, 1 << 32, (3_000, width), dtype=np.uint32)
    for row in range(0, 3_000, 7):  # copies, some of copies
        signatures_[row] = signatures_[(row * 31) % 3_000]
    rows = np.flatnonzero(rng.random(3_000) > 0.05).astype(np.int64)
    expected = _identical.identical_groups_by_bytes(signatures_, rows)
    got = _identical.identical_groups(signatures_, rows)
    assert len(expected[0]) > 100
    assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True))
    # Every fingerprint equal: the rows disagree, and the grouping falls back to bytes.
    monkeypatch.setattr(
        _identical, "_fingerprint_weights", lambda words: np.zeros(words, np.uint64)
    )
    collided = _identical.identical_groups(signatures_, rows)
    assert all(np.array_equal(a, b) for a, b in zip(collided, expected, strict=True))
