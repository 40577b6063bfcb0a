"""The worker pool a run keeps for all its stages, and glibc memory reuse."""

from __future__ import annotations

import os
import platform
import sys

import pytest

from cleaner.engine.local import LocalEngine
from cleaner.engine.parallel import WorkerPool, keep_freed_memory


def test_map_gives_results_in_order_on_other_processes():
    pool = WorkerPool(2)
    try:
        pids = list(pool.map(_pid_and_square, [1, 2, 3, 4]))
    finally:
        pool.close()
    assert [square for _, square in pids] == [1, 4, 9, 16]
    assert all(pid != os.getpid() for pid, _ in pids)


def test_one_job_runs_everything_here():
    pool = WorkerPool(1)
    assert list(pool.map(_pid_and_square, [3])) == [(os.getpid(), 9)]


def test_writing_tasks_started_on_the_engine_report_back_in_order_and_errors_reach_the_run():
    engine = LocalEngine(2)
    try:
        results = engine.start(_pid_and_square, [5, 6, 7]).wait()
        assert [square for _, square in results] == [25, 36, 49]
        with pytest.raises(ZeroDivisionError):
            engine.start(_reciprocal, [1, 0]).wait()
    finally:
        engine.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt is glibc's")
def test_glibc_is_told_to_keep_freed_memory():
    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is glibc's")
    assert keep_freed_memory() is True
    assert keep_freed_memory() is True  # the same settings again: harmless


def _pid_and_square(value: int) -> tuple[int, int]:
    return os.getpid(), value * value


def _reciprocal(value: int) -> float:
    return 1 / value
