"""Create and replace files under OUT without following a link: the one way writers do it.

Every folder from OUT down to a file is opened relative to its parent's descriptor
with ``O_NOFOLLOW`` (and made when missing: ``mkdir`` never follows a link), so a
symbolic link in the output tree, to a folder or a file, dangling or in a loop, is
met as a link and refused, named, never written through. A file arrives by a rename
into the folder so opened, which replaces a name and never follows it; a link in
its place is refused too, so that the message names it. Nothing is checked first
and written later: the check is the opening, and a link made in between is refused
or replaced all the same. OUT itself is opened as it is named: it is the user's choice.

The folder open last is kept open, so files placed in sorted order (the run's
order) open each folder once, whatever the depth of the tree.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from ..errors import OutputError
from ..read.names import printable_path
from .files import write_temporary

FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class LinkInOutput(OSError):
    """A symbolic link met on the way to a file under OUT; its message names it."""

    def __init__(self, rel_path: str, target: str) -> None:
        """Name the link (relative to OUT) and where it points."""
        super().__init__(
            errno.ELOOP,
            f"{printable_path(rel_path)} is a symbolic link in the output directory "
            f"(to {printable_path(target)}); links there are not followed: remove it",
        )

    def __str__(self) -> str:
        """Return the message alone (no errno), as the run's messages quote it."""
        return str(self.strerror)


class ConfinedTree:
    """The folders under one root, opened a component at a time and never through a link."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        """Write under ``root`` (opened when first needed, following links: it is OUT)."""
        self.root = os.fspath(root)
        self._root: int | None = None
        self._current: tuple[str, ...] = ()  # the folder open in ``_folder``, as names
        self._folder: int | None = None

    def __enter__(self) -> ConfinedTree:
        """Use the tree for a ``with`` block."""
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close every descriptor the tree holds."""
        self.close()

    def close(self) -> None:
        """Close every descriptor the tree holds."""
        for descriptor in (self._folder, self._root):
            if descriptor is not None:
                os.close(descriptor)
        self._root = self._folder = None
        self._current = ()

    def folder(self, rel_dir: str, create: bool = True) -> int:
        """Return a descriptor of the folder ``rel_dir`` (POSIX, relative), made if missing.

        Raises:
            LinkInOutput: a folder on the way is a symbolic link.
            OSError: a file is in the way, or a folder cannot be made.

        """
        parts = _names(rel_dir)
        if not parts:
            if self._folder is not None:
                os.close(self._folder)
            self._folder, self._current = None, ()
            return self._open_root()
        if parts == self._current and self._folder is not None:
            return self._folder
        deeper = parts[: len(self._current)] == self._current and self._folder is not None
        start = len(self._current) if deeper else 0
        descriptor = self._folder if deeper else self._open_root()
        assert descriptor is not None
        for depth in range(start, len(parts)):
            child = _enter(descriptor, parts, depth, create)
            if descriptor not in (self._root, self._folder):
                os.close(descriptor)
            descriptor = child
        if self._folder is not None and self._folder != descriptor:
            os.close(self._folder)
        self._folder, self._current = descriptor, parts
        return descriptor

    def replace(self, source: str, rel_path: str) -> None:
        """Rename the file at ``source`` (outside the tree's links) to ``rel_path`` under the root.

        Raises:
            LinkInOutput: a folder on the way, or ``rel_path`` itself, is a symbolic link.

        """
        folder_name, _, name = rel_path.rpartition("/")
        folder = self.folder(folder_name)
        _refuse_link(folder, name, rel_path)
        os.replace(source, name, dst_dir_fd=folder)

    def take(self, rel_path: str, destination: str) -> None:
        """Move the file ``rel_path`` out of the tree to ``destination`` (a path outside it)."""
        folder_name, _, name = rel_path.rpartition("/")
        os.replace(name, destination, src_dir_fd=self.folder(folder_name, create=False))

    def identity(self, rel_path: str) -> tuple[int, int] | None:
        """Return the (device, inode) of ``rel_path`` (a final link followed), None if none."""
        folder_name, _, name = rel_path.rpartition("/")
        try:
            status = os.stat(name, dir_fd=self.folder(folder_name))
        except FileNotFoundError:
            return None
        return status.st_dev, status.st_ino

    def _open_root(self) -> int:
        if self._root is None:
            self._root = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        return self._root


def _names(rel_path: str) -> tuple[str, ...]:
    """Split a relative POSIX path into names; refuse what would leave the root."""
    parts = tuple(part for part in rel_path.split("/") if part)
    if any(part in (".", "..") for part in parts) or rel_path.startswith("/"):
        raise OSError(errno.EINVAL, f"{printable_path(rel_path)} is not a path inside the output")
    return parts


def _enter(parent: int, parts: tuple[str, ...], depth: int, create: bool) -> int:
    """Open folder ``parts[depth]`` in ``parent`` without following a link; make it if missing."""
    name = parts[depth]
    try:
        return os.open(name, FOLDER_FLAGS, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise
    except OSError:
        _refuse_link(parent, name, "/".join(parts[: depth + 1]))
        raise
    try:
        os.mkdir(name, dir_fd=parent)
    except FileExistsError:
        pass  # made meanwhile, or a dangling link: the open says which
    try:
        return os.open(name, FOLDER_FLAGS, dir_fd=parent)
    except OSError:
        _refuse_link(parent, name, "/".join(parts[: depth + 1]))
        raise


def _refuse_link(folder: int, name: str, rel_path: str) -> None:
    """Raise ``LinkInOutput`` if ``name`` in ``folder`` is a symbolic link."""
    try:
        status = os.lstat(name, dir_fd=folder)
    except OSError:
        return
    if stat.S_ISLNK(status.st_mode):
        try:
            target = os.readlink(name, dir_fd=folder)
        except OSError:
            target = "?"
        raise LinkInOutput(rel_path, target)


def replace_inside(root: Path, rel_path: str, source: str) -> None:
    """Rename ``source`` to ``rel_path`` under ``root``, following no link on the way."""
    with ConfinedTree(root) as tree:
        tree.replace(source, rel_path)


def write_inside(root: Path, rel_path: str, text: str | Iterable[str], temp_dir: Path) -> None:
    """Write UTF-8 text to ``rel_path`` under ``root`` atomically, through ``temp_dir``.

    ``temp_dir`` is the run's work directory, on the same file system as ``root``.
    """
    temporary = write_temporary(rel_path.rpartition("/")[2], text, temp_dir)
    try:
        replace_inside(root, rel_path, temporary)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def take_out(root: Path, rel_path: str, destination: str) -> None:
    """Move ``rel_path`` from under ``root`` to ``destination``, following no link on the way."""
    with ConfinedTree(root) as tree:
        tree.take(rel_path, destination)


def make_work_dir(work_dir: Path) -> None:
    """Make the run's work directory (a new folder in OUT).

    Raises:
        OutputError: a link is in its place (named).
        OSError: it cannot be made.

    """
    work_dir.parent.mkdir(parents=True, exist_ok=True)
    with ConfinedTree(work_dir.parent) as tree:
        out = tree.folder("")
        try:
            os.mkdir(work_dir.name, dir_fd=out)
        except FileExistsError:
            try:
                _refuse_link(out, work_dir.name, work_dir.name)
            except LinkInOutput as link:
                shown = printable_path(str(work_dir.parent))
                message = f"cannot write into the output directory {shown}: {link}"
                raise OutputError(message) from link
            raise
