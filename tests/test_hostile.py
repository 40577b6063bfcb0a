"""What crawlers leave behind: odd names, links, deep trees, vanishing files, full disks."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import stat
from pathlib import Path

import pytest
from conftest import seed_path

import cleaner.read.files
from cleaner import CleanConfig, clean_corpus
from cleaner.cli import cli


def corpus(tmp_path: Path) -> Path:
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(seed_path("003"), source / "ok.txt")
    return source


def test_name_that_is_not_utf8(runner, tmp_path):
    source = corpus(tmp_path)
    name = b"bad\xff\xfe.txt"
    with open(os.path.join(os.fsencode(source), name), "wb") as stream:
        stream.write(seed_path("001").read_bytes())
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(source), str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert os.path.exists(os.path.join(os.fsencode(out), name))  # mirrored byte for byte
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    assert "bad\\xff\\xfe.txt" in {f["path"] for f in report["files"]}


def test_links_out_of_the_input_and_loops(runner, tmp_path):
    source = corpus(tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("\u5916\u9762\u7684\u6587\u4ef6\u3002", encoding="utf-8")
    (source / "outside.txt").symlink_to(outside)
    (source / "loop").symlink_to(source)
    (source / "broken.txt").symlink_to(tmp_path / "missing.txt")
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(source), str(out)])
    assert result.exit_code == 1
    assert "skipped outside.txt: symbolic link to a file outside the input" in result.output
    assert "skipped broken.txt: broken symbolic link" in result.output
    assert sorted(p.name for p in out.glob("*.txt")) == ["ok.txt"]


def test_deep_tree(tmp_path):
    source = corpus(tmp_path)
    deep = source
    for _ in range(120):
        deep = deep / "d"
    deep.mkdir(parents=True)
    shutil.copy(seed_path("000"), deep / "x.txt")
    out = tmp_path / "out"
    report = clean_corpus(source, out, jobs=1)
    assert report.files_written == 2
    assert (out / deep.relative_to(source) / "x.txt").exists()


def test_file_that_vanishes_during_the_run(tmp_path, monkeypatch):
    source = corpus(tmp_path)
    shutil.copy(seed_path("000"), source / "gone.txt")
    real = cleaner.read.files.read_bytes

    def read_bytes(path: str) -> bytes:
        if os.path.basename(path) == "gone.txt":
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        return real(path)

    monkeypatch.setattr(cleaner.read.files, "read_bytes", read_bytes)
    report = clean_corpus(source, tmp_path / "out", jobs=1)
    assert [(f.rel_path, f.reason) for f in report.failures] == [
        ("gone.txt", "cannot read: file not found (removed after the file list was made?)")
    ]
    assert report.files_written == 1


def test_full_disk_fails_the_file_not_the_run(tmp_path, monkeypatch):
    source = corpus(tmp_path)
    shutil.copy(seed_path("000"), source / "big.txt")
    import cleaner.engine.workers as workers

    real = workers.stage_each

    def stage_each(work_dir: str, name: str, texts: list[bytes], record: bool = False) -> list:
        places = real(work_dir, name, texts, record)
        return [
            OSError(errno.ENOSPC, "No space left on device")
            if "\u533b\u7597\u4fdd\u969c\n".encode() in text[:30]  # seed 000
            else place
            for text, place in zip(texts, places, strict=True)
        ]

    monkeypatch.setattr(workers, "stage_each", stage_each)
    report = clean_corpus(source, tmp_path / "out", jobs=1)
    assert [(f.rel_path, f.reason) for f in report.failures] == [
        ("big.txt", "cannot write output: No space left on device")
    ]
    assert (tmp_path / "out" / "ok.txt").exists()
    assert not (tmp_path / "out" / "big.txt").exists()


def test_output_that_is_not_a_directory(runner, tmp_path):
    source = corpus(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(cli, [str(source), str(blocker / "out")])
    assert result.exit_code == 1
    assert "cannot write into the output directory" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_output(runner, tmp_path):
    source = corpus(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = runner.invoke(cli, [str(source), str(out)])
    finally:
        out.chmod(0o755)
    assert result.exit_code == 1 and "cannot write into the output directory" in result.output


def test_outputs_are_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        clean_corpus(corpus(tmp_path), tmp_path / "out", jobs=1)
    finally:
        os.umask(old)
    mode = (tmp_path / "out" / "ok.txt").stat().st_mode & 0o777
    assert mode & 0o044 == 0o044  # not mkstemp's private 0600


def linked_corpus(tmp_path: Path) -> Path:
    """An input with a link loop and a link to a folder outside it."""
    source = corpus(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(seed_path("001"), outside / "far.txt")
    (source / "loop").symlink_to(source)
    (source / "linked").symlink_to(outside)
    return source


def test_symlinked_folders_are_not_followed_by_default(tmp_path):
    report = clean_corpus(linked_corpus(tmp_path), tmp_path / "out", jobs=1)
    assert report.files_written == 1 and report.failures == ()
    assert sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.txt")
    ) == ["ok.txt"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_followed_links_are_read_and_a_loop_reported_once(tmp_path, jobs):
    out = tmp_path / "out"
    config = CleanConfig(follow_symlinks=True)
    report = clean_corpus(linked_corpus(tmp_path), out, config, jobs=jobs)
    assert [(f.rel_path, f.reason) for f in report.failures] == [
        ("loop", "symbolic link loop (not followed again)")
    ]
    assert report.files_written == 2
    assert (out / "linked" / "far.txt").read_text(encoding="utf-8")
    assert not (out / "linked").is_symlink()  # a real folder in OUT, not a link out of it


def test_follow_symlinks_option(runner, tmp_path):
    source = linked_corpus(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(source), str(out), "--follow-symlinks"])
    assert result.exit_code == 1, result.output  # the loop is reported
    assert "skipped loop: symbolic link loop (not followed again)" in result.output
    assert (out / "linked" / "far.txt").exists()
    result = runner.invoke(cli, [str(source), str(tmp_path / "plain")])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "plain" / "linked").exists()


def test_followed_link_to_the_output_is_not_read(runner, tmp_path):
    source = corpus(tmp_path)
    out = tmp_path / "out"
    assert runner.invoke(cli, [str(source), str(out), "-q"]).exit_code == 0
    (source / "previous").symlink_to(out)  # last run's output, linked into the input
    result = runner.invoke(cli, [str(source), str(out), "--follow-symlinks"])
    assert result.exit_code == 1
    assert "skipped previous: symbolic link into the output directory (not followed)" in (
        result.output
    )
    assert sorted(p.name for p in out.rglob("*.txt")) == ["ok.txt"]


TINY_FILES = 10_000


def test_ten_thousand_tiny_files(tmp_path):
    # Every file found is accounted for: written, dropped as a duplicate or skipped.
    rng = random.Random(6)
    han = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    source = tmp_path / "in"
    expected = {"empty": 0, "copy": 0}
    previous = ""
    for index in range(TINY_FILES):
        folder = source / f"{index // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        if index % 500 == 499:
            text = ""
            expected["empty"] += 1
        elif index % 1000 == 1:
            text = previous  # an exact copy of the file before
            expected["copy"] += 1
        else:
            text = "".join(rng.choices(han, k=rng.randint(12, 40))) + "。\n"
        (folder / f"{index:05d}.txt").write_text(text, encoding="utf-8")
        previous = text
    out = tmp_path / "out"
    report = clean_corpus(source, out, jobs=2)
    duplicates = sum(1 for f in report.files if f.status == "duplicate")
    assert report.files_read == TINY_FILES
    assert report.files_written + duplicates + len(report.failures) == TINY_FILES
    assert len(report.failures) == expected["empty"]
    assert {f.reason for f in report.failures} == {"empty file"}
    assert duplicates == expected["copy"]
    assert len(list(out.rglob("*.txt"))) == report.files_written
    data = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    listed = {f["path"] for f in data["files"]} | {s["path"] for s in data["skipped"]}
    assert len(listed) == TINY_FILES
    assert data["totals"]["files_read"] == TINY_FILES


def test_output_tree_deeper_than_the_recursion_limit(tmp_path):
    from cleaner.write.confined import ConfinedTree

    deep = tmp_path / "out"
    for _ in range(1200):
        deep = deep / "d"
    (tmp_path / "out").mkdir()
    with ConfinedTree(tmp_path / "out") as tree:
        tree.folder("/".join(["d"] * 1200))
    assert deep.is_dir()
    # pytest's own clean-up of old temp folders recurses: leave no such tree behind.
    _remove_deep(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _remove_deep(root: Path) -> None:
    """Remove a very deep tree without recursion (shutil.rmtree would recurse)."""
    folders = []
    current = root
    while current.is_dir():
        folders.append(current)
        children = [p for p in current.iterdir() if p.is_dir()]
        if not children:
            break
        current = children[0]
    for folder in reversed(folders):
        for item in folder.iterdir():
            if not item.is_dir():
                item.unlink()
        folder.rmdir()


def test_two_inputs_that_map_to_one_output(tmp_path):
    """On a case-insensitive file system A.txt and a.txt are one output: the second fails.

    The file systems here are case-sensitive, so a link in OUT makes two names one file.
    """
    source = corpus(tmp_path)
    shutil.copy(seed_path("000"), source / "other.txt")
    out = tmp_path / "out"
    out.mkdir()
    (out / "other.txt").symlink_to(out / "ok.txt")
    report = clean_corpus(source, out, jobs=1)
    assert [(f.rel_path, f.reason) for f in report.failures] == [
        ("other.txt", "cannot write output: other.txt was already written")
    ]
    assert report.files_written == 1
    # The files are placed by a child while the reports are rendered: the reports
    # on disk, rendered again once the failure was known, say so too.
    written = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    assert [f["status"] for f in written["files"] if f["path"] == "other.txt"] == ["failed"]
    assert [s["path"] for s in written["skipped"]] == ["other.txt"]
    # ok.txt still holds its own text (seed 003), not the other input's.
    assert (out / "ok.txt").read_text(encoding="utf-8").startswith("\u5cc4\u57ce\u533a")
