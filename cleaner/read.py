"""Find input files and read their bytes; the only stage that reads the file system.

How the pipeline reads an input path that may be a directory or a single file::

    root = input_root(path)                    # the directory rel_paths are under
    rel_paths = find_files(path, config.glob)  # sorted; [path.name] for a file
    for item in iter_raw_files(root, rel_paths):
        ...                                    # RawFile, or FileFailure to report

and ``read_stdin()`` when the input is ``-``.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .data import FileFailure, RawFile
from .errors import UsageProblem

DEFAULT_PATTERN = "**/*.txt"
STDIN_PATH = "-"


def input_root(path: Path) -> Path:
    """Return the directory that relative paths from ``find_files(path)`` are under.

    >>> input_root(Path(__file__)) == Path(__file__).parent
    True
    """
    return path.parent if path.is_file() else path


def printable_path(rel_path: str) -> str:
    r"""Return a path fit for reports and messages: undecodable name bytes as ``\xNN``.

    File names that are not valid UTF-8 reach Python as lone surrogates; they are
    kept as they are for reading and writing, and shown escaped.

    >>> printable_path("bad" + b"\xff".decode("utf-8", "surrogateescape") + ".txt")
    'bad\\xff.txt'
    """
    return rel_path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def scan_files(root: Path, pattern: str = DEFAULT_PATTERN) -> tuple[list[str], list[FileFailure]]:
    """Like ``find_files``, and also say which matching names were passed over and why.

    Symbolic links out of the input, broken links, special files and unreadable
    directories are reported rather than silently skipped.
    """
    if root.is_file():
        return [root.name], []
    files = find_files(root, pattern)
    listed = set(files)
    skipped: list[FileFailure] = []
    matcher = glob_to_regex(pattern)

    def unreadable(error: OSError) -> None:
        rel = Path(error.filename).relative_to(root).as_posix() if error.filename else "?"
        skipped.append(FileFailure(rel, f"cannot read directory: {_describe(error)}"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=unreadable):
        dirnames.sort()
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        for name in sorted(filenames):
            rel_path = name if rel_dir == "." else f"{rel_dir}/{name}"
            if rel_path not in listed and matcher.fullmatch(rel_path):
                skipped.append(FileFailure(rel_path, _why_passed_over(os.path.join(dirpath, name))))
    return files, sorted(skipped, key=lambda f: f.rel_path)


def _why_passed_over(path: str) -> str:
    if os.path.islink(path):
        if not os.path.exists(path):
            return "broken symbolic link"
        return "symbolic link to a file outside the input (not followed)"
    return "not a regular file (FIFO, socket or device)"


def find_files(root: Path, pattern: str = DEFAULT_PATTERN) -> list[str]:
    """List the regular files under ``root`` that match ``pattern``, sorted by relative path.

    Paths are POSIX and relative to ``root``. ``pattern`` is a glob matched against
    the whole relative path (see ``glob_to_regex``); hidden files match like any other.
    Symlinked directories are not followed, which also makes link loops harmless; a
    symlinked file is listed only if it resolves to a regular file inside ``root``.
    Special files (FIFOs, sockets, devices) are skipped, since reading one could
    block forever.

    If ``root`` is a file, the result is ``[root.name]`` whatever the pattern: naming
    one file is an explicit choice. Read it with ``iter_raw_files(input_root(root), ...)``.
    A ``root`` that does not exist raises ``UsageProblem``.
    """
    if root.is_file():
        return [root.name]
    if not root.is_dir():
        raise UsageProblem(f"input {root} is neither a directory nor a file; check the path")
    matcher = glob_to_regex(pattern)
    real_root = os.path.realpath(root)
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()  # os.walk descends in this order; sorted makes runs repeatable
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        for name in filenames:
            rel_path = name if rel_dir == "." else f"{rel_dir}/{name}"
            if matcher.fullmatch(rel_path) and _is_regular_inside(
                os.path.join(dirpath, name), real_root
            ):
                found.append(rel_path)
    return sorted(found)


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a glob over POSIX relative paths into a regular expression.

    ``**`` as a whole path segment matches any number of directories, including none;
    ``*`` matches within one segment, ``?`` one character except ``/`` and ``[...]``
    (``[!...]`` negated) one character from a set. A pattern without ``/`` matches
    only at the top level, as in the shell. An invalid range such as ``[z-a]`` raises
    ``UsageProblem``.

    >>> rx = glob_to_regex("**/*.txt")
    >>> [bool(rx.fullmatch(p)) for p in ("a.txt", "x/y/a.txt", "a.txt.bak")]
    [True, True, False]
    >>> bool(glob_to_regex("*.txt").fullmatch("sub/a.txt"))
    False
    >>> bool(glob_to_regex("news/[0-9]?.htm*").fullmatch("news/1a.html"))
    True
    """
    segments = pattern.strip("/").split("/")
    parts: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            # "**/" may match nothing, so the slash belongs to the optional group.
            parts.append(".*" if last else "(?:[^/]+/)*")
        else:
            parts.append(_segment_to_regex(segment) + ("" if last else "/"))
    try:
        return re.compile("".join(parts))
    except re.error as error:  # e.g. a reversed range such as [z-a]
        raise UsageProblem(f"glob {pattern!r} is not a valid pattern ({error}); fix it") from error


def _segment_to_regex(segment: str) -> str:
    """Translate one path segment of a glob (no ``/``) into a regular expression."""
    out: list[str] = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            start = i + 1
            if segment[start : start + 1] == "!":
                start += 1
            if segment[start : start + 1] == "]":
                start += 1  # a "]" right after "[" or "[!" is a member, as in fnmatch
            end = segment.find("]", start)
            if end == -1:
                out.append(re.escape(ch))  # an unclosed "[" is a literal, as in fnmatch
            else:
                body = segment[i + 1 : end]
                negate = body.startswith("!")
                members = _class_members(body[1:] if negate else body)
                out.append(f"[^/{members}]" if negate else f"[{members}]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _class_members(body: str) -> str:
    r"""Escape the inside of a glob ``[...]`` for a regex class, keeping ``a-z`` ranges.

    Characters that regex classes treat specially (or warn about as future set
    operations) are escaped; a ``-`` stays a range only between two members.

    >>> _class_members("a-z]")
    'a-z\\]'
    >>> _class_members("--^")
    '\\-\\-\\^'
    """
    out: list[str] = []
    for index, ch in enumerate(body):
        is_range = (
            ch == "-"
            and 0 < index < len(body) - 1
            and "-" not in (body[index - 1], body[index + 1])
        )
        out.append(ch if ch.isalnum() or is_range or ch in "_. " else "\\" + ch)
    return "".join(out)


def _is_regular_inside(path: str, real_root: str) -> bool:
    """Say whether ``path`` is (or links to) a regular file located inside ``real_root``."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # follows links; broken ones raise
            return False
    except OSError:
        return False
    if not os.path.islink(path):
        return True
    target = os.path.realpath(path)
    try:
        return os.path.commonpath([target, real_root]) == real_root
    except ValueError:  # on different drives (Windows): certainly not inside
        return False


def iter_raw_files(root: Path, rel_paths: Iterable[str]) -> Iterator[RawFile | FileFailure]:
    """Read each file's bytes in the given order; a file that cannot be read is a failure.

    The run goes on past unreadable files: each becomes a ``FileFailure`` with a short
    reason such as ``cannot read: permission denied``.
    """
    for rel_path in rel_paths:
        try:
            data = (root / rel_path).read_bytes()
        except OSError as error:
            yield FileFailure(rel_path=rel_path, reason=f"cannot read: {_describe(error)}")
        else:
            yield RawFile(rel_path=rel_path, data=data)


def _describe(error: OSError) -> str:
    """Say in a few lowercase words why a file could not be read.

    >>> _describe(PermissionError(13, "Permission denied"))
    'permission denied'
    >>> _describe(FileNotFoundError(2, "No such file or directory"))
    'file not found (removed after the file list was made?)'
    """
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "file not found (removed after the file list was made?)"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    if error.errno is not None and error.errno in errno.errorcode:
        return os.strerror(error.errno).lower()
    return str(error) or type(error).__name__


def read_stdin() -> RawFile:
    """Read all of standard input as one file, named ``-``."""
    return RawFile(rel_path=STDIN_PATH, data=sys.stdin.buffer.read())
