"""The plan of a run's reading: the input files, their tasks, and what was passed over."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..data import CleanConfig, FileFailure, ReadTask
from ..errors import UsageProblem
from ..write.files import WORK_DIR
from .files import printable_path, scan_files
from .html import INSTALL_HINT, extraction_available
from .readers import input_glob, plan_tasks, reader_of

# Files of one document each, per task: a worker signs their paragraphs in one call
# (a call has a fixed cost: about 1 ms, a staged file, numpy calls, a message); on
# the generated corpus 384 a call took 0.33 CPU-s less than 64, and 1,024 no less.
TASK_FILES = 384
# ...but a small run still gives each worker this many tasks, for balance.
TASKS_PER_WORKER = 4


@dataclass(frozen=True, slots=True)
class InputPlan:
    """What a run reads: the input root, its tasks in run order, and the names passed over."""

    root: str
    tasks: tuple[ReadTask, ...]
    passed_over: tuple[FileFailure, ...]


def task_files(files: int, jobs: int) -> int:
    """Return the files a task gets: ``TASK_FILES``, or fewer for a small run.

    >>> task_files(20_000, 2), task_files(1_000, 2), task_files(5, 4)
    (384, 125, 1)
    """
    return max(1, min(TASK_FILES, -(-files // (jobs * TASKS_PER_WORKER))))


def plan_input(
    input_path: Path,
    config: CleanConfig,
    output_dir: Path | None,
    jobs: int,
    reserved: frozenset[str],
) -> InputPlan:
    """Find the input files and cut them into tasks; refuse what cannot run.

    Raises:
        UsageProblem: no file matches, HTML without its extra, or an input file
            with the name of one of the run's output files (``reserved``).

    """
    if not input_path.exists():
        raise UsageProblem(f"input {input_path} does not exist")
    glob = input_glob(config)
    rel_paths, passed_over = scan_files(
        input_path, glob, config.follow_symlinks, output_dir=output_dir
    )
    if not rel_paths:
        raise UsageProblem(
            f"no files match {glob!r} under {input_path}; use --glob to choose other files"
        )
    readers = {reader_of(rel_path, config.input_format) for rel_path in rel_paths}
    # WET files need no extraction; a WARC's HTML responses say so one by one.
    if "html" in readers and not extraction_available():
        raise UsageProblem(f"HTML pages were selected by {glob!r}: {INSTALL_HINT}")
    # An input named as OUT's own files (or under its work directory) would be lost.
    clash = sorted(p for p in rel_paths if p in reserved or p.partition("/")[0] == WORK_DIR)
    if clash:
        raise UsageProblem(f"input file {clash[0]} has the name of an output file of this tool")
    root = input_path if input_path.is_dir() else input_path.parent
    tasks = plan_tasks(str(root), rel_paths, config, task_files(len(rel_paths), jobs))
    passed = tuple(replace(f, rel_path=printable_path(f.rel_path)) for f in passed_over)
    return InputPlan(str(root), tuple(tasks), passed)
