"""One run at a time into an output directory: a lock the kernel lets go of when a run dies.

A run holds an exclusive ``flock`` on ``OUT/.cleaner-lock`` from its start to its
end, and the file says who holds it (pid, host, start time). A second run into the
same OUT is refused at once, naming the first, before it touches anything there.
The kernel releases the lock when the process ends however it ends (a SIGKILL too),
so a killed run leaves nothing stuck: the next run takes the lock and rewrites the
file. The lock file is removed at the end of a run, while it is still held; a run
that finds it has locked a file just removed starts again.

Where ``flock`` is missing or refused (some network file systems answer ENOLCK or
EOPNOTSUPP), the file itself is the lock: the run that creates it (``O_EXCL``) holds
it. A run killed then leaves it behind: the next run on the same host takes it over
when that pid is no longer alive, and otherwise is refused with the way out (remove
the file), since a run on another host cannot be asked.
``clean check`` never takes the lock of the committed OUT: it runs into a
temporary directory and only reads OUT.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..read.names import printable_path
from .confined import LinkInOutput, make_work_dir
from .files import WORK_DIR

try:
    import fcntl
except ImportError:  # not POSIX: the exclusive-file lock below
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".cleaner-lock"
# flock is not offered by this file system: fall back to the exclusive file.
NO_FLOCK_ERRNOS = frozenset({errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL})
# A run that finds the lock file replaced under it tries again, this many times.
ATTEMPTS = 5


@dataclass(slots=True)
class OutputLock:
    """The lock a run holds on its output directory; ``release`` lets it go (once)."""

    path: str
    descriptor: int | None
    flocked: bool

    def release(self) -> None:
        """Remove the lock file while it is held (if it is still ours), then let the lock go."""
        if self.descriptor is None:
            return
        try:
            if _same_file(self.descriptor, self.path):
                os.unlink(self.path)
        except OSError:
            pass  # OUT is gone: the lock goes with the descriptor
        os.close(self.descriptor)
        self.descriptor = None

    def __enter__(self) -> OutputLock:
        """Hold the lock for a ``with`` block."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Release the lock at the end of the ``with`` block, however it ends."""
        self.release()

    def __del__(self) -> None:
        """Let the lock go if a run ended before releasing it (the kernel would, at exit)."""
        if self.descriptor is not None:
            os.close(self.descriptor)


def lock_output(output_dir: Path, now: float | None = None) -> OutputLock:
    """Take the lock of ``output_dir`` (made if missing) for this run; refuse if another holds it.

    Raises:
        OutputError: another live run holds OUT (it is named), or OUT cannot be written.

    """
    try:
        os.makedirs(output_dir, exist_ok=True)
    except OSError as error:
        raise _cannot_write(output_dir, error) from error
    path = os.path.join(output_dir, LOCK_FILE)
    holder = _holder(now)
    for _ in range(ATTEMPTS):
        lock = _try_lock(output_dir, path, holder)
        if lock is not None:
            return lock
    raise OutputError(
        f"cannot lock the output directory {printable_path(str(output_dir))}: "
        f"{LOCK_FILE} keeps being replaced; is another program writing there?"
    )


def _try_lock(output_dir: Path, path: str, holder: dict[str, Any]) -> OutputLock | None:
    """Take the lock once; None when the file changed under us (try again)."""
    # O_NOFOLLOW: a link in place of the lock file is refused, never written through.
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC
    created = False
    try:
        try:
            descriptor = os.open(path, flags)
        except FileNotFoundError:
            descriptor = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644)
            created = True
    except FileExistsError:
        return None  # made by another run between the two opens
    except OSError as error:
        raise _cannot_write(output_dir, error, path) from error
    try:
        if fcntl is None:
            raise OSError(errno.ENOSYS, "no flock")
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        held_by = _read_holder(descriptor)
        os.close(descriptor)
        raise _in_use(output_dir, held_by) from None
    except OSError as error:
        if error.errno not in NO_FLOCK_ERRNOS:
            os.close(descriptor)
            raise _cannot_write(output_dir, error, path) from error
        return _without_flock(output_dir, path, descriptor, created, holder)
    if not _same_file(descriptor, path):
        os.close(descriptor)  # the last holder removed it as we opened it
        return None
    _write_holder(descriptor, holder)
    return OutputLock(path, descriptor, flocked=True)


def _without_flock(
    output_dir: Path, path: str, descriptor: int, created: bool, holder: dict[str, Any]
) -> OutputLock | None:
    """Lock where flock is refused: the run that created the file (O_EXCL) holds the lock.

    A file another run left is taken over only when that run is certainly dead
    (same host, no such pid); else the run is refused, told how to clear it.
    """
    if created:
        _write_holder(descriptor, holder)
        return OutputLock(path, descriptor, flocked=False)
    held_by = _read_holder(descriptor)
    os.close(descriptor)
    if not _is_dead(held_by):
        raise _in_use(output_dir, held_by, stale_hint=True)
    try:
        os.unlink(path)  # left by a run that was killed
    except FileNotFoundError:
        pass
    return None


def _holder(now: float | None) -> dict[str, Any]:
    started = time.time() if now is None else now
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)),
    }


def _write_holder(descriptor: int, holder: dict[str, Any]) -> None:
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, (json.dumps(holder) + "\n").encode("utf-8"), 0)


def _read_holder(descriptor: int) -> dict[str, Any]:
    try:
        data = os.pread(descriptor, 4096, 0)
        held_by = json.loads(data.decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return held_by if isinstance(held_by, dict) else {}


def _same_file(descriptor: int, path: str) -> bool:
    """Say whether ``path`` still names the file open as ``descriptor``."""
    try:
        named = os.lstat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _is_dead(held_by: dict[str, Any]) -> bool:
    """Say whether the run that wrote a lock file is certainly gone (same host, no such pid)."""
    pid = held_by.get("pid")
    if held_by.get("host") != socket.gethostname() or not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, as another user
    return False


def _in_use(output_dir: Path, held_by: dict[str, Any], stale_hint: bool = False) -> OutputError:
    who = "another clean run"
    if held_by.get("pid"):
        who += f" (pid {held_by['pid']} on {held_by.get('host', '?')}"
        who += f", started {held_by['started']})" if held_by.get("started") else ")"
    hint = "wait for it to finish or choose another output directory"
    if stale_hint:
        hint += f"; if no such run is alive, remove {LOCK_FILE} there"
    shown = printable_path(str(output_dir))
    return OutputError(f"output directory {shown} is in use by {who}; {hint}")


def _cannot_write(output_dir: Path, error: OSError, path: str | None = None) -> OutputError:
    shown = printable_path(str(output_dir))
    if path is not None and error.errno == errno.ELOOP:
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        link = LinkInOutput(LOCK_FILE, target)
        return OutputError(f"cannot write into the output directory {shown}: {link}")
    reason = error.strerror or str(error)
    return OutputError(
        f"cannot write into the output directory {shown}: {reason}; choose a writable directory"
    )


@contextmanager
def hold_output(out: Path | None) -> Iterator[str | None]:
    """Hold OUT for a run: take its lock, make its work directory; yield that (None: no OUT).

    Everything a run writes waits in the work directory first (staged texts,
    shards, reports under temporary names), so a killed run leaves only it
    behind; the next run removes it first, and this run when it ends.

    Raises:
        OutputError: another run holds OUT, a link stands in the work directory's
            place, or OUT cannot be written.

    """
    if out is None:
        yield None
        return
    with lock_output(out):
        work_dir = out / WORK_DIR
        shutil.rmtree(work_dir, ignore_errors=True)  # left by a killed run
        try:
            make_work_dir(work_dir)
        except OSError as error:
            raise OutputError(
                f"cannot write into the output directory {printable_path(str(out))}: "
                f"{error.strerror or error}; choose a writable directory"
            ) from error
        try:
            yield str(work_dir)
        finally:
            shutil.rmtree(work_dir, ignore_errors=True)
