"""Local --jobs 1, local on every core, and Ray in local mode on the same corpus, in one run.

    python benchmarks/gen_corpus.py /tmp/big --docs 76000 --dups 7600 --seed 5   # ~200 MB
    python benchmarks/bench_ray.py /tmp/big/docs [--runs 1]

Run with a Python that has ``cleaner[ray]``. Each configuration runs ``clean`` in a
child process; peak memory is the largest sum of PSS (proportional set size, so
the Ray object store's shared pages count once) over the process and all its
descendants (Ray's raylet, GCS and workers), sampled every 0.2 s. The outputs of
the three configurations are compared byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

CONFIGS = {
    "local --jobs 1": ["--jobs", "1"],
    f"local --jobs {os.cpu_count()}": [],
    "ray (local mode)": ["--engine", "ray"],
}


def _children(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            for task in tasks:
                text = (task / "children").read_text()
                todo.extend(int(child) for child in text.split())
        except OSError:
            continue
    return found


def _pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_clean(corpus: Path, out: Path, flags: list[str]) -> tuple[float, float]:
    """Run one ``clean``; return (seconds, peak MB of the process tree)."""
    clean = str(Path(sys.executable).with_name("clean"))
    started = time.perf_counter()
    process = subprocess.Popen(
        [clean, str(corpus), str(out), "--no-progress", "-q", *flags],
        stderr=subprocess.PIPE,
    )
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, sum(_pss_mb(pid) for pid in _children(process.pid)))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 1):
        raise SystemExit(f"clean failed ({process.returncode}): {process.stderr.read().decode()}")
    return seconds, peak


def tree_digest(folder: Path) -> str:
    """Return one hash of every file's path and bytes under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_ray_out"))
    args = parser.parse_args()
    size_mb = sum(p.stat().st_size for p in args.corpus.rglob("*.txt")) / 1e6
    files = sum(1 for _ in args.corpus.rglob("*.txt"))
    print(f"corpus: {files} files, {size_mb:.1f} MB; load {os.getloadavg()[0]:.1f}")
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in CONFIGS}
    digests: dict[str, str] = {}
    for _ in range(args.runs):
        for name, flags in CONFIGS.items():  # the configurations take turns
            out = args.work / "_".join(name.split()[:3]).strip("()")
            subprocess.run(["rm", "-rf", str(out)], check=True)
            results[name].append(run_clean(args.corpus, out, flags))
            digests[name] = tree_digest(out)
    print(f"load after: {os.getloadavg()[0]:.1f}\n")
    base = statistics.median(s for s, _ in results["local --jobs 1"])
    print("| configuration | seconds | MB/s | x --jobs 1 | peak MB (PSS, whole tree) | output |")
    print("|---|---|---|---|---|---|")
    for name, runs in results.items():
        seconds = statistics.median(s for s, _ in runs)
        peak = statistics.median(p for _, p in runs)
        print(
            f"| {name} | {seconds:.1f} | {size_mb / seconds:.2f} | {base / seconds:.2f} "
            f"| {peak:.0f} | {digests[name]} |"
        )
    same = len(set(digests.values())) == 1
    print(f"\noutputs byte-identical across configurations: {same}")


if __name__ == "__main__":
    main()
