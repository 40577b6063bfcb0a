"""Near-duplicate detection: signature speed, LSH time and accuracy against the truth.

Run by hand, on a corpus from benchmarks/gen_corpus.py:

    python benchmarks/gen_corpus.py /tmp/corpus --docs 20000 --dups 2000 --seed 1
    python benchmarks/bench_dedup.py /tmp/corpus [--repeats 3] [--sample-mb 1]

Speeds are MB of UTF-8 text per second, medians of ``--repeats`` runs (the
machines are noisy); ratios are against datasketch's ``MinHash.update`` per
shingle measured in the same run. Slow baselines run on a sample (the first
documents in sorted order: about ``--sample-mb`` for the per-shingle loop, four
times that for the other datasketch and rensa rows), which the table states. Every
signature method includes shingling (character 5-grams, white space removed, as
``cleaner.dedup.near``), 128 permutations, seed 1. Two processes: a ``multiprocessing``
pool started before the clock, texts sent in at least 8 chunks of at most 500
documents and signatures sent back (that transfer is timed). rensa is measured
when it can be imported (it is not a dependency: install it elsewhere and put it
on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from cleaner.dedup.lsh import (
    Banding,
    ExactJaccard,
    choose_banding,
    connected_roots,
    find_clusters,
    pairwise,
)
from cleaner.dedup.minhash import signatures
from cleaner.dedup.shingles import jaccard, shingle_set

NUM_PERM, SHINGLE_CHARS, SEED, THRESHOLD = 128, 5, 1, 0.8
CHUNK_DOCS = 500


def load_corpus(corpus: Path) -> tuple[list[str], list[str]]:
    paths = sorted((corpus / "docs").glob("*/*.txt"))
    return [p.relative_to(corpus / "docs").as_posix() for p in paths], [
        p.read_text("utf-8") for p in paths
    ]


def _shingle_bytes(text: str) -> list[bytes]:
    return [s.encode("utf-8") for s in sorted(shingle_set(text, SHINGLE_CHARS))]


_DS_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations


def _datasketch_minhash() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32", permutations=_DS_PERMUTATIONS)


def datasketch_update(texts: Sequence[str]) -> np.ndarray:
    rows = []
    for text in texts:
        minhash = _datasketch_minhash()
        for shingle in _shingle_bytes(text):
            minhash.update(shingle)
        rows.append(minhash.hashvalues)
    return np.array(rows)


def datasketch_update_batch(texts: Sequence[str]) -> np.ndarray:
    rows = []
    for text in texts:
        minhash = _datasketch_minhash()
        minhash.update_batch(_shingle_bytes(text))
        rows.append(minhash.hashvalues)
    return np.array(rows)


def datasketch_bulk(texts: Sequence[str]) -> np.ndarray:
    sets = [_shingle_bytes(text) for text in texts]
    minhashes = MinHash.bulk(sets, num_perm=NUM_PERM, seed=SEED, scheme="affine32")
    return np.array([m.hashvalues for m in minhashes])


def rensa_per_document(texts: Sequence[str]) -> np.ndarray:
    import rensa

    rows = []
    for text in texts:
        minhash = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
        minhash.update(list(shingle_set(text, SHINGLE_CHARS)))
        rows.append(minhash.digest())
    return np.array(rows, dtype=np.uint32)


def numpy_signatures(texts: Sequence[str]) -> np.ndarray:
    return signatures(texts, NUM_PERM, SHINGLE_CHARS, SEED)


METHODS: dict[str, Callable[[Sequence[str]], np.ndarray]] = {
    "datasketch MinHash.update per shingle": datasketch_update,
    "datasketch update_batch per document": datasketch_update_batch,
    "datasketch MinHash.bulk": datasketch_bulk,
    "rensa RMinHash per document": rensa_per_document,
    "cleaner.dedup.minhash.signatures (numpy)": numpy_signatures,
}


def _chunks(name: str, texts: list[str]) -> list[tuple[str, list[str]]]:
    """Jobs of at most CHUNK_DOCS documents, at least 8 of them so both workers stay busy."""
    size = max(1, min(CHUNK_DOCS, len(texts) // 8))
    return [(name, texts[i : i + size]) for i in range(0, len(texts), size)]


def _run_chunk(job: tuple[str, list[str]]) -> np.ndarray:
    name, texts = job
    return METHODS[name](texts)


def median_seconds(function: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sample(texts: list[str], megabytes: float | None) -> list[str]:
    """The first documents (sorted order) holding about ``megabytes`` of text."""
    if megabytes is None:
        return texts
    taken, size = [], 0
    for text in texts:
        if size >= megabytes * 1e6:
            break
        taken.append(text)
        size += len(text.encode("utf-8"))
    return taken


def megabytes(texts: Sequence[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def bench_signatures(
    texts: list[str], repeats: int, sample_mb: float, pool: multiprocessing.pool.Pool
) -> list[tuple]:
    """Return rows (method, docs, MB, MB/s with 1 process, MB/s with 2).

    Repeats go round all methods in turn, so a burst of load from elsewhere
    slows every method a little rather than one a lot.
    """
    plan = {  # method -> sample size in MB (None: the whole corpus)
        "datasketch MinHash.update per shingle": sample_mb,
        "datasketch update_batch per document": sample_mb * 4,
        "datasketch MinHash.bulk": sample_mb * 4,
        "rensa RMinHash per document": sample_mb * 4,
        "cleaner.dedup.minhash.signatures (numpy)": None,
    }
    if not _has_rensa():
        del plan["rensa RMinHash per document"]
    subsets = {name: sample(texts, size) for name, size in plan.items()}
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in plan}
    for _ in range(repeats):
        for name in plan:
            subset = subsets[name]
            chunks = _chunks(name, subset)
            times[name][0].append(median_seconds(functools.partial(METHODS[name], subset), 1))
            times[name][1].append(
                median_seconds(functools.partial(pool.map, _run_chunk, chunks), 1)
            )
    rows = []
    for name, (one, two) in times.items():
        size = megabytes(subsets[name])
        rows.append(
            (
                name,
                len(subsets[name]),
                size,
                size / statistics.median(one),
                size / statistics.median(two),
            )
        )
    return rows


def _has_rensa() -> bool:
    try:
        import rensa  # noqa: F401
    except ImportError:
        return False
    return True


def check_same_signatures(texts: list[str], pool: multiprocessing.pool.Pool) -> bool:
    """Tell whether 2 processes give the same signatures as one (they must)."""
    chunks = _chunks("cleaner.dedup.minhash.signatures (numpy)", texts)
    return bool(
        np.array_equal(np.concatenate(pool.map(_run_chunk, chunks)), numpy_signatures(texts))
    )


def datasketch_clusters(sigs: np.ndarray, banding: Banding | None) -> list[list[int]]:
    """Clusters from datasketch MinHashLSH (insert all, query each, verify the estimate)."""
    params = None if banding is None else (banding.bands, banding.rows)
    index = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=params)
    minhashes = [
        MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=s, scheme="affine32") for s in sigs
    ]
    for position, minhash in enumerate(minhashes):
        index.insert(position, minhash)
    pairs = []
    for position, minhash in enumerate(minhashes):
        for other in index.query(minhash):
            if other > position and minhash.jaccard(minhashes[other]) >= THRESHOLD:
                pairs.append((position, other))
    roots = connected_roots(len(sigs), np.array(pairs, dtype=np.int64).reshape(-1, 2))
    groups: dict[int, list[int]] = {}
    for node, root in enumerate(roots.tolist()):
        groups.setdefault(root, []).append(node)
    return [g for _, g in sorted(groups.items()) if len(g) > 1]


def score(clusters: list[list[int]], names: list[str], truth: dict) -> dict[str, float]:
    """Precision and recall of predicted clusters against the truth."""
    position = {name: i for i, name in enumerate(names)}
    predicted = np.arange(len(names))
    for cluster in clusters:
        predicted[cluster] = cluster[0]
    duplicates = np.array(
        [[position[d["original"]], position[d["copy"]]] for d in truth["duplicates"]]
    )
    actual = connected_roots(len(names), np.sort(duplicates, axis=1))
    found = predicted[duplicates[:, 0]] == predicted[duplicates[:, 1]]
    jaccards = np.array([d["jaccard"] for d in truth["duplicates"]])
    members = [m for cluster in clusters for m in cluster]
    pairs = [(c[0], m) for c in clusters for m in c[1:]]  # each dropped document with the kept one
    correct = sum(actual[a] == actual[b] for a, b in pairs)
    near = np.array([[position[d["original"]], position[d["copy"]]] for d in truth["near_misses"]])
    result = {
        "recall of duplicate pairs": float(found.mean()),
        "precision (dropped docs truly duplicates of the kept one)": correct / max(len(pairs), 1),
        "documents dropped": float(len(pairs)),
        "dropped but not duplicates": float(len(pairs) - correct),
        "near misses (J 0.5-0.76) merged": float(
            np.sum(predicted[near[:, 0]] == predicted[near[:, 1]])
        ),
        "documents in clusters": float(len(members)),
    }
    for low, high in ((0.85, 0.9), (0.9, 0.95), (0.95, 1.01)):
        band = (jaccards >= low) & (jaccards < high)
        result[f"recall at J in [{low}, {min(high, 1.0)}{']' if high > 1 else ')'}"] = float(
            found[band].mean()
        )
    return result


def exact_callback(texts: list[str]) -> ExactJaccard:
    """Exact Jaccard of pairs of documents' shingle sets, each set built once."""

    @functools.lru_cache(maxsize=4096)
    def shingles(index: int) -> frozenset[str]:
        return frozenset(shingle_set(texts[index], SHINGLE_CHARS))

    return pairwise(lambda first, second: jaccard(set(shingles(first)), set(shingles(second))))


def bench_clusters(
    sigs: np.ndarray, names: list[str], texts: list[str], truth: dict, repeats: int
) -> list[tuple[str, float, dict]]:
    chosen = choose_banding(THRESHOLD, NUM_PERM)
    shape = f"{chosen.bands}x{chosen.rows}"
    runs = [
        (f"cleaner.dedup.lsh.find_clusters ({shape}, estimate)", lambda: find_clusters(sigs, THRESHOLD)),
        (
            f"cleaner.dedup.lsh.find_clusters ({shape}, exact Jaccard for estimates in [0.65, 0.95))",
            lambda: find_clusters(sigs, THRESHOLD, exact_jaccard=exact_callback(texts)),
        ),
        (f"datasketch MinHashLSH ({shape}, estimate)", lambda: datasketch_clusters(sigs, chosen)),
        ("datasketch MinHashLSH (default 9x13, estimate)", lambda: datasketch_clusters(sigs, None)),
    ]
    results = []
    for label, run in runs:
        times = []
        for _ in range(repeats if label.startswith("cleaner") else 1):
            started = time.perf_counter()
            clusters = run()
            times.append(time.perf_counter() - started)
        results.append((label, statistics.median(times), score(clusters, names, truth)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sample-mb", type=float, default=1.0)
    args = parser.parse_args()
    names, texts = load_corpus(args.corpus)
    truth = json.loads((args.corpus / "truth.json").read_text("utf-8"))
    total = megabytes(texts)
    duplicates = len(truth["duplicates"])
    print(f"corpus: {len(texts)} documents, {total:.1f} MB, {duplicates} injected duplicates")
    with multiprocessing.Pool(2) as pool:
        rows = bench_signatures(texts, args.repeats, args.sample_mb, pool)
        same = check_same_signatures(texts, pool)
    baseline = rows[0][3]
    print("\nsignatures (128 perms, 5-gram shingles), MB/s; x = ratio to per-shingle, 1 process")
    print("| method | docs | MB | 1 process | 2 processes | x (1 proc) | x (2 proc) |")
    print("|---|---|---|---|---|---|---|")
    for name, docs, size, one, two in rows:
        ratios = f"{one / baseline:.1f} | {two / baseline:.1f}"
        print(f"| {name} | {docs} | {size:.1f} | {one:.2f} | {two:.2f} | {ratios} |")
    print(f"2 processes give the same signatures as 1: {same}")
    started = time.perf_counter()
    sigs = numpy_signatures(texts)
    signing = time.perf_counter() - started
    print(f"\nclusters at J >= {THRESHOLD} (same signatures for all), seconds (median):")
    for label, seconds, result in bench_clusters(sigs, names, texts, truth, args.repeats):
        print(f"- {label}: {seconds:.2f} s")
        for key, value in result.items():
            print(f"    {key}: {value:.4f}" if value < 1.5 else f"    {key}: {value:.0f}")
    lsh = median_seconds(lambda: find_clusters(sigs, THRESHOLD), args.repeats)
    rate = total / (signing + lsh)
    print(
        f"\nsignatures + LSH + clusters, 1 process: {rate:.1f} MB/s ({signing:.2f} s + {lsh:.2f} s)"
    )


if __name__ == "__main__":
    main()
