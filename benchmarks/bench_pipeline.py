"""MB/s per stage and end to end, from one run, on a generated corpus with known duplicates.

Run by hand:
    python benchmarks/gen_corpus.py /tmp/corpus --docs 20000 --dups 2000 --seed 1
    python benchmarks/bench_pipeline.py /tmp/corpus [--sample 2000]

Each stage runs over the same documents in one process, timed on its own
(median of 3 runs on a sample of documents, MB of input text per second); then
the whole `clean` runs end to end with --jobs 1 and --jobs 2 on the whole corpus,
and precision/recall of the dropped documents is measured against truth.json.
The datasketch baselines (per-shingle update, update_batch) run on the same sample.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from datasketch import MinHash

from cleaner.clean.blocks import find_duplicate_blocks
from cleaner.clean.boilerplate.strip import strip_boilerplate
from cleaner.clean.document import clean_text
from cleaner.clean.normalize import normalize_text
from cleaner.data import CleanConfig, RawFile
from cleaner.dedup.minhash import compact_text
from cleaner.dedup.near import find_near_duplicates, paragraph_signatures
from cleaner.engine.workers import edge_keys
from cleaner.read.decode import decode_file

CONFIG = CleanConfig()


def median_seconds(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def stage_table(blobs: list[bytes]) -> list[tuple[str, float]]:
    megabytes = sum(len(b) for b in blobs) / 1e6
    raws = [RawFile(f"{i}.txt", b) for i, b in enumerate(blobs)]
    docs = [decode_file(raw) for raw in raws]
    texts = [d.text for d in docs]
    normalized = [normalize_text(t) for t in texts]
    lines = [n.text.split("\n") for n in normalized]
    stripped = [
        strip_boilerplate(ls, CONFIG.boilerplate, frozenset(), t.split("\n"))
        for ls, t in zip(lines, texts, strict=True)
    ]
    rows = [paragraph_signatures(s.lines, CONFIG.dedup) for s in stripped]
    cleaned = [clean_text(t) for t in texts]
    signatures = [c.signature for c in cleaned]
    sample_shingles = [
        [compact_text(t)[i : i + 5].encode() for i in range(max(1, len(compact_text(t)) - 4))]
        for t in texts[: max(1, len(texts) // 10)]
    ]
    baseline_mb = sum(len(t.encode()) for t in texts[: len(sample_shingles)]) / 1e6

    def per_shingle() -> None:
        for shingles in sample_shingles:
            m = MinHash(num_perm=128, seed=1)
            for shingle in shingles:
                m.update(shingle)

    def batch() -> None:
        for shingles in sample_shingles:
            MinHash(num_perm=128, seed=1).update_batch(shingles)

    def write() -> None:
        with tempfile.TemporaryDirectory() as folder:
            for index, c in enumerate(cleaned):
                (Path(folder) / f"{index}.txt").write_text(c.text, encoding="utf-8")

    def scan() -> None:
        # Pass 1 after decoding: the keys of the candidate lines among each text's edges.
        for text in texts:
            edge_keys(text.split("\n"), CONFIG)

    stages = [
        ("decode", lambda: [decode_file(raw) for raw in raws], megabytes),
        ("pass 1 edge keys (after decode)", scan, megabytes),
        ("normalize", lambda: [normalize_text(t) for t in texts], megabytes),
        (
            "boilerplate",
            lambda: [strip_boilerplate(ls, CONFIG.boilerplate) for ls in lines],
            megabytes,
        ),
        (
            "signatures (numpy)",
            lambda: [paragraph_signatures(s.lines, CONFIG.dedup) for s in stripped],
            megabytes,
        ),
        (
            "signatures (numpy, 32 documents a call, as pass 2)",
            lambda: [
                paragraph_signatures(
                    [line for s in stripped[i : i + 32] for line in s.lines], CONFIG.dedup
                )
                for i in range(0, len(stripped), 32)
            ],
            megabytes,
        ),
        (
            "block dedup",
            lambda: [
                find_duplicate_blocks(s.lines, CONFIG.dedup, r)
                for s, r in zip(stripped, rows, strict=True)
            ],
            megabytes,
        ),
        (
            "LSH + clusters",
            lambda: find_near_duplicates(
                [str(i) for i in range(len(texts))], signatures, [1] * len(texts), CONFIG.dedup
            ),
            megabytes,
        ),
        ("write", write, megabytes),
        ("datasketch update per shingle (10% sample)", per_shingle, baseline_mb),
        ("datasketch update_batch (10% sample)", batch, baseline_mb),
    ]
    return [(name, size / median_seconds(run)) for name, run, size in stages]


def end_to_end(docs: Path, jobs: int) -> tuple[float, float, dict]:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cleaner",
                str(docs),
                out,
                "--jobs",
                str(jobs),
                "-q",
                "--no-numbers-matter",
            ],
            check=False,
        )
        seconds = time.perf_counter() - started
        report = json.loads((Path(out) / "_report.json").read_text(encoding="utf-8"))
    megabytes = sum(f["chars_in"] for f in report["files"])  # characters; bytes below
    return seconds, megabytes, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()
    paths = sorted((args.corpus / "docs").rglob("*.txt"))
    sample = random.Random(1).sample(paths, min(args.sample, len(paths)))
    blobs = [p.read_bytes() for p in sample]
    print(f"stages on {len(blobs)} documents, {sum(map(len, blobs)) / 1e6:.1f} MB (median of 3):")
    table = stage_table(blobs)
    baseline = dict(table)["datasketch update per shingle (10% sample)"]
    print("| stage | MB/s | x datasketch per shingle |\n|---|---|---|")
    for name, speed in table:
        print(f"| {name} | {speed:.2f} | {speed / baseline:.1f} |")
    size = sum(p.stat().st_size for p in paths) / 1e6
    truth = json.loads((args.corpus / "truth.json").read_text(encoding="utf-8"))
    print(f"\nend to end on {len(paths)} documents, {size:.1f} MB:")
    print(
        "| jobs | seconds | MB/s | recall | precision | dropped not duplicates |\n"
        "|---|---|---|---|---|---|"
    )
    for jobs in (1, 2):
        seconds, _, report = end_to_end(args.corpus / "docs", jobs)
        dropped = {m["doc_id"]: c["kept"] for c in report["clusters"] for m in c["dropped"]}
        pairs = truth["duplicates"]
        found = sum(
            1 for d in pairs if d["copy"] in dropped or dropped.get(d["original"]) == d["copy"]
        )
        involved = {d["copy"] for d in pairs} | {d["original"] for d in pairs}
        false = sum(1 for doc in dropped if doc not in involved)
        # Precision: the share of dropped documents that belong to a duplicate pair.
        precision = (len(dropped) - false) / len(dropped) if dropped else 1.0
        print(
            f"| {jobs} | {seconds:.1f} | {size / seconds:.2f} | {found / len(pairs):.4f} "
            f"| {precision:.4f} | {false} |"
        )


if __name__ == "__main__":
    main()
