"""Does each speed device of a run pay? Paired runs of ``clean`` with one device turned off.

Run by hand:
    python benchmarks/gen_corpus.py /tmp/corpus --docs 20000 --dups 2000 --seed 1
    python benchmarks/bench_keeps.py /tmp/corpus/docs [--rounds 7] [--format jsonl]

Each variant runs the whole command line (``cleaner.cli.main``) in a child
process, with one device replaced by a plain version of it:

- ``no-speculation``: pass 1 reads every large folder and the records in full
  (``engine.frequent``: no sample, no speculative sites);
- ``no-mallopt``: glibc is not told to keep freed memory (``engine.parallel.keep_freed_memory``).

Rounds take the variants in turn, the order rotating, so a load that comes and
goes falls on each alike. The figures are medians of wall and CPU seconds (the
child's and its workers'), and the median of the per-round ratios to ``base``.
A device stays only where it buys at least 5% (issue 15).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PATCHES = {
    "base": "",
    "no-speculation": (
        "import cleaner.pipeline as p\n"
        "real = p.count_frequent_lines\n"
        "p.count_frequent_lines = lambda tasks, state, engine, known, speculate: "
        "real(tasks, state, engine, known, False)\n"
    ),
    "no-mallopt": "import cleaner.cli.run as r\nr.keep_freed_memory = lambda: False\n",
}


def run(variant: str, docs: Path, out: Path, form: str) -> tuple[float, float]:
    """Run one variant; return its wall and CPU seconds."""
    shutil.rmtree(out, ignore_errors=True)
    code = (
        PATCHES[variant]
        + "import sys\nfrom cleaner.cli import main\n"
        + f"sys.argv = ['clean', {str(docs)!r}, {str(out)!r}, '-q', '--no-progress', "
        + f"'--format', {form!r}]\nmain()\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=False, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("docs", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--format", default="jsonl", choices=("text", "jsonl"))
    parser.add_argument("--variants", default=",".join(PATCHES))
    args = parser.parse_args()
    variants = args.variants.split(",")
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    print(f"load average before {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="bench-keeps-") as temp:
        for number in range(args.rounds):
            shift = number % len(variants)
            for name in variants[shift:] + variants[:shift]:
                results[name].append(run(name, args.docs, Path(temp) / "out", args.format))
    print(f"load average after {os.getloadavg()}\n")
    print("| variant | wall s (median) | CPU s (median) | wall / base (median of rounds) |")
    print("|---|---|---|---|")
    base = results["base"]
    for name in variants:
        walls = [wall for wall, _ in results[name]]
        cpus = [cpu for _, cpu in results[name]]
        ratio = statistics.median(r[0] / b[0] for r, b in zip(results[name], base, strict=True))
        print(
            f"| {name} | {statistics.median(walls):.2f} | {statistics.median(cpus):.2f} "
            f"| {ratio:.3f} |"
        )


if __name__ == "__main__":
    main()
