"""Write a text tree: each kept document's cleaned text as a file at its path under OUT.

Pass 2 staged each text in a file of its own in the work directory (on the
same file system), so a kept text only has to be renamed into place: atomic,
and on every core. A text staged as a record (never, today) or a dropped
document's copy is written out instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..data import FileFailure
from ..read.names import printable_path
from ..read.staged import read_location
from .confined import ConfinedTree
from .files import write_temporary

# (staged file, start, size, whether a record, name under OUT, source for messages)
Move = tuple[str, int, int, bool, str, str]


@dataclass(frozen=True, slots=True)
class PlaceTask:
    """A chunk of texts to put under ``out``: renamed when ``rename``, else copied."""

    out: str
    moves: tuple[Move, ...]
    rename: bool
    work_dir: str  # where a copy is written before it is renamed into place


def plan_placing(
    moves: list[Move], out: str, work_dir: str, chunk: int, rename: bool = True
) -> list[PlaceTask]:
    """Cut the texts to place into chunks of ``chunk`` (in run order: sorted names)."""
    return [
        PlaceTask(out, tuple(moves[start : start + chunk]), rename, work_dir)
        for start in range(0, len(moves), chunk)
    ]


def place_files(task: PlaceTask) -> list[FileFailure]:
    """Put each text of a chunk in place, through no link in OUT; return those that failed.

    Each folder of OUT is opened once for the files in it (``ConfinedTree``).
    """
    placed: set[tuple[int, int]] = set()
    failures: list[FileFailure] = []
    with ConfinedTree(task.out) as tree:
        for staged, start, size, record, name, source in task.moves:
            try:
                if tree.identity(name) in placed:
                    # Two names, one file (a case-insensitive file system): keep the first.
                    raise FileExistsError(0, f"{printable_path(name)} was already written")
                if task.rename and not record and start == 0:
                    tree.replace(staged, name)
                else:
                    text = read_location((staged, start, size, record))
                    tree.replace(write_temporary("copy", text, Path(task.work_dir)), name)
                if (identity := tree.identity(name)) is not None:
                    placed.add(identity)
            except OSError as error:
                reason = f"cannot write output: {error.strerror or error}"
                failures.append(FileFailure(source, reason))
    return failures
