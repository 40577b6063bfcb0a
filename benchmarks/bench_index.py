"""Cost of the persistent index next to the cost of computing the signatures.

Run by hand: python benchmarks/bench_index.py [indexed_documents]   (about 3 minutes)

- Signatures: datasketch MinHash(num_perm=128, seed=1, scheme="affine32") and
  update_batch over the character 5-grams of 2,000-character windows of the
  seed texts, timed on a sample and extrapolated to 100,000 documents.
- Adding: 100,000 documents in add_many calls of 10,000 into a new SQLite index,
  then growing it in calls of 100,000 (a day's crawl, one transaction). The
  signatures are random 32-bit values: they take the same space as real ones,
  and their band keys are as spread over the B-tree as hashed real ones.
- Querying: the index is grown to ``indexed_documents`` (default 1,000,000) and
  single ``query()`` calls are timed, half for near-copies of indexed documents
  (4 of 128 values changed; "found" is the share LSH finds) and half for new
  signatures (no candidate). "MB" is the SQLite file with its WAL, or Redis's
  used_memory.
- Redis: where ``redis-server`` is installed, one is started on a free localhost
  port (no persistence) and adding and querying at 100,000 documents is timed there.

The machine is small (2 cores) and shared: compare rows of one run, not of two.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from datasketch import MinHash

from cleaner.dedup.index.store import IndexParams, IndexRecord, MinHashIndex, open_index

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PARAMS = IndexParams(128, 9, 13, 5, 1, "affine32", 0.8)
ADD_DOCUMENTS = 100_000
ADD_BATCH = 10_000
DOC_CHARS = 2_000
SAMPLE_DOCS = 500
QUERIES = 1_000


Row = tuple[str, int, float]  # step, documents, seconds
Latency = tuple[str, int, float, float, float, float, float, int]


def sample_texts() -> list[str]:
    """2,000-character windows of the seed texts, 500 of them, starting 137 characters apart."""
    paths = sorted(SEEDS.glob("*.txt"))
    text = "".join("".join(p.read_text(encoding="utf-8").split()) for p in paths)
    text = text * (1 + (SAMPLE_DOCS * 137 + DOC_CHARS) // len(text))
    return [text[i * 137 : i * 137 + DOC_CHARS] for i in range(SAMPLE_DOCS)]


def signature_seconds_per_doc() -> float:
    """Median over 3 passes of shingling + datasketch update_batch, per document."""
    texts = sample_texts()
    permutations = MinHash(num_perm=128, seed=1, scheme="affine32").permutations
    passes = []
    for _ in range(3):
        started = time.perf_counter()
        for text in texts:
            shingles = {text[i : i + 5] for i in range(len(text) - 4)}
            minhash = MinHash(num_perm=128, seed=1, permutations=permutations, scheme="affine32")
            minhash.update_batch([s.encode("utf-8") for s in sorted(shingles)])
        passes.append((time.perf_counter() - started) / len(texts))
    return statistics.median(passes)


def random_records(rng: np.random.Generator, start: int, count: int) -> list[IndexRecord]:
    signatures = rng.integers(0, 2**32, size=(count, 128), dtype=np.uint64)
    return [
        IndexRecord(f"doc{start + i:08d}", f"crawl/{start + i:08d}.txt", signatures[i])
        for i in range(count)
    ]


def add_seconds(
    index: MinHashIndex,
    rng: np.random.Generator,
    span: tuple[int, int],
    batch: int,
    first: list[IndexRecord],
) -> float:
    """Add documents ``span`` in add_many calls of ``batch`` (``first`` first); time those."""
    elapsed = 0.0
    for begin in range(*span, batch):
        records = first if begin == 0 else random_records(rng, begin, batch)
        started = time.perf_counter()
        index.add_many(records)
        elapsed += time.perf_counter() - started
    return elapsed


def query_latency(
    name: str, index: MinHashIndex, rng: np.random.Generator, indexed: list[IndexRecord]
) -> Latency:
    """Time query() on near-copies of indexed documents (hits) and on new signatures (misses)."""
    near = []
    for record in indexed[: QUERIES // 2]:
        copy = record.signature.copy()
        changed = rng.choice(128, size=4, replace=False)  # similarity 124/128
        copy[changed] = rng.integers(0, 2**32, size=4, dtype=np.uint64)
        near.append(copy)
    new = [record.signature for record in random_records(rng, 10**9, QUERIES // 2)]
    cells: list[float] = []
    found = 0
    for signatures in (near, new):
        times = []
        for signature in signatures:
            started = time.perf_counter()
            matches = index.query(signature)
            times.append(time.perf_counter() - started)
            found += signatures is near and bool(matches)
        times.sort()
        cells += [statistics.median(times), times[int(len(times) * 0.95)]]
    stats = index.stats()
    size = int(stats.get("file_bytes", stats.get("server_memory_bytes", 0)))
    documents = int(stats["documents"])
    return (name, documents, *cells, found / len(near), size)  # type: ignore[return-value]


def sqlite_rows(
    target: int, rng: np.random.Generator, first: list[IndexRecord]
) -> tuple[list[Row], list[Latency]]:
    adds: list[Row] = []
    latencies: list[Latency] = []
    with tempfile.TemporaryDirectory() as folder:
        with open_index(f"{folder}/index.sqlite", PARAMS) as index:
            seconds = add_seconds(index, rng, (0, ADD_DOCUMENTS), ADD_BATCH, first)
            adds.append(("sqlite: 0 -> 100k, add_many of 10k each", ADD_DOCUMENTS, seconds))
            latencies.append(query_latency("sqlite", index, rng, first))
            grown = ADD_DOCUMENTS
            for checkpoint in sorted({c for c in (300_000, target) if c > ADD_DOCUMENTS}):
                # Later runs: one add_many (one transaction) of 100k, as deduplicate_batch does.
                seconds = add_seconds(index, rng, (grown, checkpoint), ADD_DOCUMENTS, first)
                step = f"sqlite: {grown // 1000:,}k -> {checkpoint // 1000:,}k, add_many of 100k"
                adds.append((step, checkpoint - grown, seconds))
                grown = checkpoint
                latencies.append(query_latency("sqlite", index, rng, first))
    return adds, latencies


@contextmanager
def redis_server() -> Iterator[str | None]:
    """Yield the URL of a redis-server of our own, or None where none can start."""
    server = shutil.which("redis-server")
    if server is None:
        yield None
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        args = [server, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder]
        process = subprocess.Popen(
            [*args, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
        )
        try:
            time.sleep(1.0)
            yield None if process.poll() is not None else f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = np.random.default_rng(8)
    first = random_records(rng, 0, ADD_BATCH)
    signing = ADD_DOCUMENTS * signature_seconds_per_doc()
    adds: list[Row] = [("signatures: 2,000 chars/doc (extrapolated)", ADD_DOCUMENTS, signing)]
    sqlite_adds, latencies = sqlite_rows(target, rng, first)
    adds += sqlite_adds
    with redis_server() as url:
        if url is not None:
            with open_index(url, PARAMS) as index:
                seconds = add_seconds(index, rng, (0, ADD_DOCUMENTS), ADD_BATCH, first)
                adds.append(("redis: 0 -> 100k, add_many of 10k each", ADD_DOCUMENTS, seconds))
                latencies.append(query_latency("redis", index, rng, first))
    print(f"{'step':<45} {'documents':>10} {'seconds':>8} {'per doc':>9} {'vs sign':>8}")
    for step, documents, seconds in adds:
        share = seconds / documents / (signing / ADD_DOCUMENTS)
        print(
            f"{step:<45} {documents:>10,} {seconds:8.2f} "
            f"{seconds / documents * 1e6:7.1f}us {share:8.2%}"
        )
    print()
    columns = ("hit med", "hit p95", "miss med", "miss p95", "found", "MB")
    print(f"{'query()':<8} {'indexed':>10} " + " ".join(f"{c:>9}" for c in columns))
    for name, indexed, *times, found, size in latencies:
        cells = " ".join(f"{t * 1e3:7.3f}ms" for t in times)
        print(f"{name:<8} {indexed:>10,} {cells} {found:9.1%} {size / 1e6:9.1f}")


if __name__ == "__main__":
    main()
