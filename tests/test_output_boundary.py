"""OUT is a boundary (issue 16): no link in it is written through; one run at a time holds it.

Items 4, 7 and 8 of the issue: a folder link already inside OUT made the run write
outside it; two runs into one OUT destroyed each other; a file whose output could
not be written was counted twice in ``files read``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import seed_path

from cleaner import CleanConfig, clean_corpus
from cleaner.cli import cli
from cleaner.write.lock import LOCK_FILE


def crawl(root: Path) -> Path:
    """IN with a page at the top and one in docs/."""
    source = root / "in"
    (source / "docs").mkdir(parents=True)
    shutil.copy(seed_path("003"), source / "a.txt")
    shutil.copy(seed_path("000"), source / "docs" / "b.txt")
    return source


def outside(root: Path) -> Path:
    """A folder beside OUT holding a file that must survive every run."""
    folder = root / "elsewhere"
    folder.mkdir()
    (folder / "b.txt").write_text("precious\n", encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, tuple[str, bytes]]:
    """Every entry under ``folder`` (links not followed): its kind and its bytes or target."""
    found = {}
    for directory, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(directory) / name
            rel = str(path.relative_to(folder))
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path).encode())
            elif path.is_dir():
                found[rel] = ("dir", b"")
            else:
                found[rel] = ("file", path.read_bytes())
    return found


# --------------------------------------------------------------------------- item 4


def test_folder_link_inside_out_is_not_written_through(runner, tmp_path):
    # The reproduction: OUT/docs -> /elsewhere before the run, IN/docs/b.txt.
    source, elsewhere = crawl(tmp_path), outside(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "docs").symlink_to(elsewhere)
    before = snapshot(elsewhere)
    result = runner.invoke(cli, [str(source), str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert (
        f"skipped docs/b.txt: cannot write output: docs is a symbolic link in the output "
        f"directory (to {elsewhere}); links there are not followed: remove it"
    ) in result.output
    assert snapshot(elsewhere) == before  # nothing created, nothing overwritten
    assert (out / "a.txt").is_file() and (out / "docs").is_symlink()
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    assert report["totals"]["files_read"] == 2


@pytest.mark.parametrize(
    ("link", "points_to", "message"),
    [
        ("a.txt", "victim.txt", "skipped a.txt: cannot write output: a.txt is a symbolic link"),
        ("docs", "missing", "skipped docs/b.txt: cannot write output: docs is a symbolic link"),
        ("docs", "LOOP", "skipped docs/b.txt: cannot write output: docs is a symbolic link"),
        ("_report.md", "r.md", "cannot write the report into"),
        (".cleaner-work", "work", "cannot write into the output directory"),
        (LOCK_FILE, "lock", "cannot write into the output directory"),
    ],
    ids=["file", "dangling", "loop", "report", "work-dir", "lock"],
)
def test_link_inside_out_is_refused_naming_it(runner, tmp_path, link, points_to, message):
    source, elsewhere = crawl(tmp_path), outside(tmp_path)
    (elsewhere / "victim.txt").write_text("precious\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    target = out / link if points_to == "LOOP" else elsewhere / points_to
    (out / link).symlink_to(target)
    before = snapshot(elsewhere)
    result = runner.invoke(cli, [str(source), str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert f"{link} is a symbolic link in the output directory (to {target})" in result.output
    assert "links there are not followed: remove it" in result.output
    assert snapshot(elsewhere) == before
    assert (out / link).is_symlink()


def test_link_in_place_of_the_jsonl_corpus_or_the_manifest(runner, tmp_path):
    source, elsewhere = crawl(tmp_path), outside(tmp_path)
    before = snapshot(elsewhere)
    for name, options in (
        ("corpus.jsonl", ["--format", "jsonl"]),
        (".cleaner-manifest.json", ["--resume"]),
    ):
        out = tmp_path / f"out-{name}"
        out.mkdir()
        (out / name).symlink_to(elsewhere / "x")
        result = runner.invoke(cli, [str(source), str(out), "--jobs", "1", *options])
        assert result.exit_code == 1, result.output
        assert f"{name} is a symbolic link in the output directory" in result.output
    assert snapshot(elsewhere) == before


def test_a_link_in_out_to_another_output_still_reads_as_already_written(tmp_path):
    """A case-insensitive file system maps two inputs to one output; a link there does too."""
    source = crawl(tmp_path)
    out = tmp_path / "out"
    (out / "docs").mkdir(parents=True)
    (out / "docs" / "b.txt").symlink_to(out / "a.txt")
    report = clean_corpus(source, out, jobs=1)
    assert [(f.rel_path, f.reason) for f in report.failures] == [
        ("docs/b.txt", "cannot write output: docs/b.txt was already written")
    ]
    assert (out / "a.txt").read_text(encoding="utf-8").startswith("\u5cc4\u57ce\u533a")


# --------------------------------------------------------------------------- item 8


def test_a_file_that_cannot_be_written_is_counted_once(runner, tmp_path):
    # 2 inputs, docs/b.txt cannot be written (a file is where its folder goes): "read 2".
    source = crawl(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "docs").write_text("in the way\n", encoding="utf-8")
    result = runner.invoke(cli, [str(source), str(out), "--jobs", "1"])
    assert result.exit_code == 1
    assert "read 2  written 1  skipped 1" in result.output
    assert "skipped docs/b.txt: cannot write output: Not a directory" in result.output
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    assert report["totals"]["files_read"] == 2
    assert report["totals"]["files_written"] == 1
    assert "**2 files read**" in (out / "_report.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- item 7

# A run that stops in pass 2, says so, and waits for a file to appear: a live run
# holding OUT for as long as the test needs.
HELD_RUN = """
import sys, time
from pathlib import Path
from cleaner import clean_corpus

source, out, ready, go = (Path(a) for a in sys.argv[1:5])

def progress(stage, done, total):
    if stage == "clean" and not ready.exists():
        ready.write_text("ready")
        while not go.exists():
            time.sleep(0.02)

report = clean_corpus(source, out, jobs=1, progress=progress)
print(report.files_written)
"""


def start_held_run(source: Path, out: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    ready, go = tmp_path / "ready", tmp_path / "go"
    for marker in (ready, go):
        marker.unlink(missing_ok=True)
    args = [sys.executable, "-c", HELD_RUN, str(source), str(out), str(ready), str(go)]
    held = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert held.poll() is None, held.communicate()
        assert time.monotonic() < deadline, "the first run never reached pass 2"
        time.sleep(0.02)
    return held, go


def clean(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "cleaner", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def many_pages(root: Path) -> Path:
    source = root / "in"
    source.mkdir()
    for index, seed in enumerate(("000", "001", "002", "003", "004") * 3):
        shutil.copy(seed_path(seed), source / f"{index:02d}.txt")
    return source


def test_a_second_run_into_an_out_in_use_is_refused_at_once(tmp_path):
    source = many_pages(tmp_path)
    out = tmp_path / "out"
    held, go = start_held_run(source, out, tmp_path)
    try:
        lock_before = (out / LOCK_FILE).read_bytes()
        work_before = snapshot(out / ".cleaner-work")
        started = time.monotonic()
        second = clean(str(source), str(out), "--jobs", "1")
        assert time.monotonic() - started < 30  # refused, not waiting
        assert second.returncode == 1
        holder = json.loads(lock_before)
        assert holder["pid"] == held.pid
        assert (
            f"Error: output directory {out} is in use by another clean run "
            f"(pid {held.pid} on {holder['host']}, started {holder['started']}); "
            "wait for it to finish or choose another output directory"
        ) in second.stderr
        # Nothing of the first run was touched.
        assert (out / LOCK_FILE).read_bytes() == lock_before
        assert snapshot(out / ".cleaner-work") == work_before
        # A check reads OUT and writes elsewhere: it keeps working during the run.
        check = clean("check", str(source), "--against", str(out), "--jobs", "1", "-q")
        assert check.returncode == 1  # OUT is not complete yet: stale, not refused
        assert "in use" not in check.stderr and "stale file(s)" in check.stderr
    finally:
        go.write_text("go")
        stdout, stderr = held.communicate(timeout=120)
    assert held.returncode == 0, stderr
    assert not (out / LOCK_FILE).exists()  # released, and removed, at the end
    reference = tmp_path / "reference"
    clean_corpus(source, reference, jobs=1)
    assert snapshot(out) == snapshot(reference)  # the first run's output is whole


def test_a_killed_run_leaves_no_stuck_lock(tmp_path):
    source = many_pages(tmp_path)
    out = tmp_path / "out"
    held, _ = start_held_run(source, out, tmp_path)
    os.kill(held.pid, signal.SIGKILL)
    held.communicate(timeout=60)
    assert (out / LOCK_FILE).exists()  # left behind, but the kernel let the lock go
    after = clean(str(source), str(out), "--jobs", "1", "-q")
    assert after.returncode == 0, after.stderr
    assert not (out / LOCK_FILE).exists()
    reference = tmp_path / "reference"
    clean_corpus(source, reference, CleanConfig(), jobs=1)
    assert snapshot(out) == snapshot(reference)


def test_without_flock_the_lock_file_itself_is_the_lock(tmp_path, monkeypatch):
    """Where flock is refused (ENOLCK on some network file systems), O_EXCL creation locks."""
    import errno

    import cleaner.write.lock as lock_module
    from cleaner.errors import OutputError

    def no_flock(descriptor: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(lock_module.fcntl, "flock", no_flock)
    out = tmp_path / "out"
    first = lock_module.lock_output(out)
    assert not first.flocked
    with pytest.raises(OutputError, match=r"in use by another clean run \(pid \d+ on .*remove "):
        lock_module.lock_output(out)  # this process is alive: refused
    first.release()
    assert not (out / LOCK_FILE).exists()
    # A lock file left by a run that is dead (a pid no process has) is taken over.
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    (out / LOCK_FILE).write_text(
        json.dumps({"pid": int(finished.stdout), "host": os.uname().nodename, "started": "x"}),
        encoding="utf-8",
    )
    with lock_module.lock_output(out) as taken:
        assert json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))["pid"] == os.getpid()
        assert not taken.flocked
    assert not (out / LOCK_FILE).exists()


@pytest.mark.parametrize("name", [LOCK_FILE, ".cleaner-manifest.json", ".cleaner-work/a.txt"])
def test_an_input_named_as_outs_own_files_is_refused(runner, tmp_path, name):
    # Placed, it would replace the lock (and be deleted with it), or the manifest, or
    # land in the work directory, which is removed at the end of the run.
    source = crawl(tmp_path)
    (source / name).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(seed_path("002"), source / name)
    result = runner.invoke(cli, [str(source), str(tmp_path / "out"), "--glob", "**/*"])
    assert result.exit_code == 2
    assert f"input file {name} has the name of an output file of this tool" in result.output
