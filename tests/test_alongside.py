"""Process-level helpers: work in a forked child while the run goes on, and glibc memory reuse."""

import os
import sys
import time
from pathlib import Path

import pytest

from cleaner.engine.parallel import Alongside

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux only")


def test_the_work_runs_in_another_process(tmp_path):
    marker = tmp_path / "pid"
    writing = Alongside(lambda: marker.write_text(str(os.getpid())))
    assert writing.wait() is None
    assert int(marker.read_text()) != os.getpid()


def test_the_childs_error_reaches_the_parent(tmp_path):
    def fail() -> None:
        Path(tmp_path / "missing" / "corpus.jsonl").write_text("x")

    message = Alongside(fail).wait()
    assert message is not None and "No such file or directory" in message


def test_asked_not_to_fork_it_works_on_the_spot(tmp_path):
    marker = tmp_path / "pid"
    writing = Alongside(lambda: marker.write_text(str(os.getpid())), alongside=False)
    assert int(marker.read_text()) == os.getpid()
    assert writing.wait() is None


def test_stop_kills_a_child_that_still_runs():
    writing = Alongside(lambda: time.sleep(60))
    started = time.monotonic()
    writing.stop()
    assert time.monotonic() - started < 10
    assert writing.wait() is None  # already collected: nothing left to wait for


def test_glibc_is_told_to_keep_freed_memory():
    import platform

    from cleaner.engine.parallel import keep_freed_memory

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is glibc's")
    assert keep_freed_memory() is True
    assert keep_freed_memory() is True  # the same settings again: harmless
