"""What the document signals (issue 18) cost in pass 2: paired runs, signals on and off.

Run by hand:
    python benchmarks/gen_corpus.py /tmp/corpus --docs 20000 --dups 2000 --seed 1
    python benchmarks/bench_signals.py /tmp/corpus/docs [--files 4000] [--rounds 7]

Pass 2 (``workers.clean_task``: read, decode, normalize, strip, sign, block
dedup, signals) runs in this process on the run's read tasks, with nothing
staged (as `clean check`). Each round runs it once with the signals and
once without (``with_signals`` replaced by a pass-through), in alternating
order; the figure is the median over rounds of the paired ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from cleaner.data import CleanConfig
from cleaner.engine import workers
from cleaner.read.plan import TASK_FILES
from cleaner.read.readers import plan_tasks


def pass_two(state: workers.RunState, tasks: list) -> float:
    started = time.process_time()
    for task in tasks:
        workers.clean_task(state, task)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("docs", type=Path)
    parser.add_argument("--files", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    paths = sorted(p.relative_to(args.docs).as_posix() for p in args.docs.rglob("*.txt"))
    paths = paths[: args.files]
    tasks = plan_tasks(str(args.docs), paths, CleanConfig(), TASK_FILES)
    state = workers.RunState(str(args.docs), CleanConfig(), {}, None)
    measured = workers.with_signals

    def without(finished, config):
        return finished

    pass_two(state, tasks[:1])  # warm: imports, tables, the first task's caches
    ratios, on_times, off_times = [], [], []
    for round_number in range(args.rounds):
        order = (True, False) if round_number % 2 == 0 else (False, True)
        times = {}
        for signals in order:
            workers.with_signals = measured if signals else without
            times[signals] = pass_two(state, tasks)
        workers.with_signals = measured
        ratios.append(times[True] / times[False])
        on_times.append(times[True])
        off_times.append(times[False])
    per_file = 1e6 / len(paths)
    print(
        f"{len(paths)} files, {args.rounds} paired rounds: pass 2 without signals "
        f"{statistics.median(off_times) * per_file:.0f} µs a file, with "
        f"{statistics.median(on_times) * per_file:.0f} µs; "
        f"median ratio {statistics.median(ratios):.3f} "
        f"(min {min(ratios):.3f}, max {max(ratios):.3f})"
    )


if __name__ == "__main__":
    main()
