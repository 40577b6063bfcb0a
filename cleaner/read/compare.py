"""Compare two output trees file by file: what ``clean check --against`` finds stale."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .names import printable_path

StaleState = Literal["missing", "extra", "differs"]


@dataclass(frozen=True, slots=True)
class StaleFile:
    """A file of ``OUT`` that is not what the run would write now.

    ``path`` is POSIX, relative to ``OUT`` and shown as ``printable_path`` shows
    names; ``line`` is the first line that differs (``differs`` only).
    """

    path: str
    state: StaleState
    line: int | None = None


def first_difference(expected: bytes, actual: bytes) -> int:
    r"""Return the 1-based number of the first line where two files differ.

    >>> first_difference(b"a\nb\nc\n", b"a\nb\nx\n")
    3
    >>> first_difference(b"a\n", b"a\nmore\n")
    2
    """
    old, new = expected.split(b"\n"), actual.split(b"\n")
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return number
    # One file is the other plus a line end: the last common line differs.
    return min(len(old), len(new))


def _tree(root: Path) -> dict[str, Path]:
    """Map the POSIX relative path of every file under ``root`` (hidden ones left out)."""
    if not root.is_dir():
        return {}
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith("."):
                path = Path(dirpath) / name
                found[path.relative_to(root).as_posix()] = path
    return found


def compare_trees(expected: Path, actual: Path) -> tuple[StaleFile, ...]:
    """List the files of ``actual`` that are missing, extra or different from ``expected``.

    Hidden files (names starting with a dot, like ``.gitkeep``) are not compared.
    """
    want, have = _tree(expected), _tree(actual)
    stale = []
    for path in sorted(want.keys() | have.keys()):
        shown = printable_path(path)  # names found in OUT: as a run shows them
        if path not in have:
            stale.append(StaleFile(shown, "missing"))
        elif path not in want:
            stale.append(StaleFile(shown, "extra"))
        else:
            old, new = want[path].read_bytes(), have[path].read_bytes()
            if old != new:
                stale.append(StaleFile(shown, "differs", first_difference(old, new)))
    return tuple(stale)


