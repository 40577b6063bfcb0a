"""Run a per-file function over many files on several cores, results in input order.

The engine decides where code runs, never what it computes: ``jobs=1`` runs the
same functions in this process, so results are identical whatever ``jobs`` is.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PR_SET_PDEATHSIG = 1  # linux/prctl.h: the signal a process gets when its parent dies
# Files are small; sending them to workers in chunks keeps the overhead per file low.
CHUNK_FILES = 16


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def map_ordered(
    function: Callable[[Item], Result],
    items: Iterable[Item],
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    chunksize: int = CHUNK_FILES,
) -> Iterator[Result]:
    """Yield ``function(item)`` for each item, in order, on ``jobs`` processes.

    ``initializer(*initargs)`` sets up each worker's state once (the run's
    configuration), so it is not sent again with every file. Items that are
    already batches of files go one at a time (``chunksize=1``).
    """
    if jobs <= 1:
        initializer(*initargs)
        yield from map(function, items)
        return
    start = (initializer, initargs, os.getpid())
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=start) as pool:
        yield from pool.map(function, items, chunksize=chunksize)


def _start_worker(initializer: Callable[..., None], initargs: tuple[Any, ...], parent: int) -> None:
    """Set up a worker that dies with the run: a killed ``clean`` leaves no orphans.

    Without this, a run killed with SIGKILL left its workers blocked on a pipe
    forever, holding their memory.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl: the worker lives as before
            pass
    if os.getppid() != parent:  # the run died before prctl took effect
        os._exit(1)
    initializer(*initargs)
