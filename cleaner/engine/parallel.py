"""Run a per-file function over many files on several cores, results in input order.

The engine decides where code runs, never what it computes: ``jobs=1`` runs the
same functions in this process, so results are identical whatever ``jobs`` is.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PR_SET_PDEATHSIG = 1  # linux/prctl.h: the signal a process gets when its parent dies
# Objects allocated before a young collection, and collections before the next
# older one (Python's defaults: 700, 10, 10); see rare_collections.
RUN_GC_THRESHOLDS = (50_000, 20, 100)


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class WorkerPool:
    """Worker processes that serve every stage of a run, started at first use.

    One pool for the run, not one per stage: starting and stopping a pool cost
    15 to 25 ms each, and each new worker faulted in again the pages it shares
    with the run (five pools a run before). Workers get no state when they
    start; a task that needs the run's state carries it (``local._clean``).
    ``jobs=1`` runs everything in this process, with the same functions.
    """

    def __init__(self, jobs: int) -> None:
        """Use ``jobs`` processes (1: this one)."""
        self.jobs = jobs
        self.executor: ProcessPoolExecutor | None = None

    def map(self, function: Callable[[Item], Result], items: list[Item]) -> Iterator[Result]:
        """Yield ``function(item)`` for each item, in order; an item is a task (a batch)."""
        if self.jobs <= 1 or len(items) <= 1:
            yield from map(function, items)
            return
        yield from self._executor().map(function, items)

    def submit(self, function: Callable[[Item], Result], item: Item) -> Future[Result]:
        """Start ``function(item)`` on a worker; the future says when it is done."""
        return self._executor().submit(function, item)

    def _executor(self) -> ProcessPoolExecutor:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(
                max_workers=self.jobs, initializer=_start_worker, initargs=(os.getpid(),)
            )
        return self.executor

    def close(self) -> None:
        """Stop the workers (tasks not started yet are cancelled)."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def _start_worker(parent: int) -> None:
    """Set up a worker that dies with the run: a killed ``clean`` leaves no orphans.

    Without this, a run killed with SIGKILL left its workers blocked on a pipe
    forever, holding their memory.
    """
    _die_with(parent)


def _die_with(parent: int) -> None:
    """Make this process get SIGKILL when ``parent`` dies (Linux); exit if it already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl: the worker lives as before
            pass
    if os.getppid() != parent:  # the run died before prctl took effect
        os._exit(1)


# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
KEPT_FREE_BYTES = 256 << 20


def keep_freed_memory() -> bool:
    """Make glibc keep freed memory for reuse instead of giving it back at once.

    A run allocates and frees the same large blocks batch after batch (the
    texts of a call, the numpy arrays of its signatures); by default glibc
    unmaps or trims them, and each reuse faults the pages in again: 164,000
    page faults in a run on the generated corpus, 115,000 with this, and 0.15
    CPU-s less in the kernel. For the ``clean`` command only, whose process
    ends with the run; it changes nothing where glibc is not the allocator.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        settings = (
            (M_TRIM_THRESHOLD, KEPT_FREE_BYTES),
            (M_TOP_PAD, 64 << 20),
            (M_MMAP_THRESHOLD, 64 << 20),
        )
        return all(libc.mallopt(option, value) == 1 for option, value in settings)
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False


@contextmanager
def rare_collections() -> Iterator[None]:
    """Collect cyclic garbage rarely while a run lasts (it makes almost none).

    A run keeps a record per document, about a million objects for 20,000
    files, and each full collection walks them all: with Python's default
    thresholds they took 6% of a run (4.35 s against 4.07 s, the same peak
    memory). Forked workers inherit the thresholds; the caller's come back.
    """
    before = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
