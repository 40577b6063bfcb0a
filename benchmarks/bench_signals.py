"""What the document signals (issue 18) cost in pass 2: paired runs, signals on and off.

Run by hand:
    python benchmarks/gen_corpus.py /tmp/corpus --docs 20000 --dups 2000 --seed 1
    python benchmarks/bench_signals.py /tmp/corpus/docs [--files 4000] [--rounds 7] [--pairing task]

Pass 2 (``workers.clean_task``: read, decode, normalize, strip, sign, block
dedup, signals) runs in this process on the run's read tasks, with nothing
staged (as `clean check`). Each round runs it once with the signals and
once without (``with_signals`` replaced by a pass-through); the figure is the
median over rounds of the paired ratio. With ``--pairing task`` (the default)
the two runs alternate task by task (which goes first alternates too), so a
machine shared with other work slows both halves of a pair alike; with
``--pairing round`` each round runs all tasks one way, then the other.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from cleaner.clean.signals import identify_language
from cleaner.data import CleanConfig
from cleaner.engine import workers
from cleaner.read.plan import TASK_FILES
from cleaner.read.readers import plan_tasks


def pass_two(state: workers.RunState, tasks: list) -> float:
    started = time.process_time()
    for task in tasks:
        workers.clean_task(state, task)
    return time.process_time() - started


def paired_by_task(state: workers.RunState, tasks: list, measured, without) -> dict[bool, float]:
    """Run each task with and without signals, back to back, alternating which goes first."""
    times = {True: 0.0, False: 0.0}
    for number, task in enumerate(tasks):
        for signals in (True, False) if number % 2 == 0 else (False, True):
            workers.with_signals = measured if signals else without
            times[signals] += pass_two(state, [task])
    workers.with_signals = measured
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("docs", type=Path)
    parser.add_argument("--files", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pairing", choices=("task", "round"), default="task")
    args = parser.parse_args()
    paths = sorted(p.relative_to(args.docs).as_posix() for p in args.docs.rglob("*.txt"))
    paths = paths[: args.files]
    tasks = plan_tasks(str(args.docs), paths, CleanConfig(), TASK_FILES)
    state = workers.RunState(str(args.docs), CleanConfig(), {}, None)
    measured = workers.with_signals

    def without(finished, config):
        return finished

    pass_two(state, tasks[:1])  # warm: imports, tables, the first task's caches
    # and the language identifier's model, which a process loads once if a text
    # needs it (0.4 s of CPU, not a cost per document: README says so).
    identify_language("The market is open today.")
    ratios, on_times, off_times = [], [], []
    for round_number in range(args.rounds):
        if args.pairing == "task":
            times = paired_by_task(state, tasks, measured, without)
        else:
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
        f"{len(paths)} files in {len(tasks)} tasks, {args.rounds} rounds paired by "
        f"{args.pairing}: pass 2 without signals "
        f"{statistics.median(off_times) * per_file:.0f} µs a file, with "
        f"{statistics.median(on_times) * per_file:.0f} µs; "
        f"median ratio {statistics.median(ratios):.3f} "
        f"(min {min(ratios):.3f}, max {max(ratios):.3f})"
    )


if __name__ == "__main__":
    main()
