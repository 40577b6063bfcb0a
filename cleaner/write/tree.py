"""Write a text tree: each kept document's cleaned text as a file at its path under OUT.

Pass 2 staged each text in a file of its own in the work directory (on the
same file system), so a kept text only has to be renamed into place: atomic,
and on every core. A text staged as a record (never, today) or a dropped
document's copy is written out instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..data import FileFailure
from ..read.staged import read_location
from .files import TEMP_SUFFIX, make_folders

# (staged file, start, size, whether a record, name under the folder, source for messages)
Move = tuple[str, int, int, bool, str, str]


@dataclass(frozen=True, slots=True)
class PlaceTask:
    """A chunk of texts to put under ``folder``: renamed when ``rename``, else copied."""

    folder: str
    moves: tuple[Move, ...]
    rename: bool
    work_dir: str  # where a copy is written before it is renamed into place


def plan_placing(
    moves: list[Move], folder: str, work_dir: str, chunk: int, rename: bool = True
) -> list[PlaceTask]:
    """Cut the texts to place into chunks of ``chunk``."""
    return [
        PlaceTask(folder, tuple(moves[start : start + chunk]), rename, work_dir)
        for start in range(0, len(moves), chunk)
    ]


def place_files(task: PlaceTask) -> list[FileFailure]:
    """Put each text of a chunk in place; return the ones that could not be written.

    Plain strings, not Paths: this loop runs once per kept file.
    """
    folders: set[str] = set()
    placed: set[tuple[int, int]] = set()
    failures: list[FileFailure] = []
    for staged, start, size, record, name, source in task.moves:
        target = os.path.join(task.folder, name)
        try:
            folder = os.path.dirname(target)
            if folder not in folders:
                make_folders(Path(folder))
                folders.add(folder)
            if _identity(target) in placed:
                # Two names, one file (a case-insensitive file system): keep the first.
                raise FileExistsError(0, f"{name} was already written")
            if task.rename and not record and start == 0:
                os.replace(staged, target)
            else:
                text = read_location((staged, start, size, record))
                _write_copy(target, text, task.work_dir)
            if (identity := _identity(target)) is not None:
                placed.add(identity)
        except OSError as error:
            failures.append(FileFailure(source, f"cannot write output: {error.strerror or error}"))
    return failures


def _identity(path: str) -> tuple[int, int] | None:
    """Return the (device, inode) of the file at ``path``, None if there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _write_copy(target: str, text: str, work_dir: str) -> None:
    """Write a text to ``target`` through a temporary file in the work directory."""
    temporary = os.path.join(work_dir, f".copy.{os.getpid()}{TEMP_SUFFIX}")
    with open(temporary, "w", encoding="utf-8", newline="") as stream:
        stream.write(text)
    os.replace(temporary, target)
