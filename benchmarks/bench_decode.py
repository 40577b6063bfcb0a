"""Decode speed: our fast path and bounded chardet sample against chardet on every file.

Run by hand: python benchmarks/bench_decode.py [repeats]
Prints medians (the machines are noisy) and ratios against the baseline
"chardet.detect on the whole file, then decode", measured in the same run.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from pathlib import Path

import chardet

from cleaner.read.decode import decode_bytes

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PROVINCIAL = ROOT.parent / "shared" / "corpora" / "cn-gov-reports" / "provincial-2026-raw"


def provincial_texts() -> list[str]:
    """The scraped page text of the 31 provincial reports (column full_text)."""
    csv.field_size_limit(sys.maxsize)
    texts = []
    for path in sorted(PROVINCIAL.glob("2026_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            texts += [row["full_text"] for row in csv.DictReader(stream)]
    return texts


def median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def baseline(data: bytes) -> str:
    encoding = chardet.detect(data)["encoding"] or "utf-8"
    return data.decode(encoding, errors="replace")


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    corpora = {"seeds": [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]}
    if PROVINCIAL.is_dir():
        corpora["provincial"] = provincial_texts()
    header = f"{'corpus':<11} {'encoding':<10} {'MB':>6} {'ours ms':>9} {'chardet-all ms':>15}"
    print(header + f" {'speed-up':>9}")
    for name, texts in corpora.items():
        for encoding in ("utf-8", "gb18030", "big5hkscs", "utf-16"):
            blobs = [t.encode(encoding, errors="replace") for t in texts]
            size = sum(len(b) for b in blobs) / 1e6
            ours = median_seconds(lambda blobs=blobs: [decode_bytes(b) for b in blobs], repeats)
            theirs = median_seconds(lambda blobs=blobs: [baseline(b) for b in blobs], repeats)
            print(
                f"{name:<11} {encoding:<10} {size:6.3f} {ours * 1e3:9.2f} "
                f"{theirs * 1e3:15.2f} {theirs / ours:8.1f}x"
            )


if __name__ == "__main__":
    main()
