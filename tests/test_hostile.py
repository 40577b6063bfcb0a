"""What crawlers leave behind: odd names, links, deep trees, vanishing files, full disks."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import seed_path

from cleaner import clean_corpus
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
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "gone.txt":
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = clean_corpus(source, tmp_path / "out", jobs=1)
    assert [(f.rel_path, f.reason) for f in report.failures] == [
        ("gone.txt", "cannot read: file not found (removed after the file list was made?)")
    ]
    assert report.files_written == 1


def test_full_disk_fails_the_file_not_the_run(tmp_path, monkeypatch):
    source = corpus(tmp_path)
    shutil.copy(seed_path("000"), source / "big.txt")
    import cleaner._workers as pipeline

    real = pipeline.write_staged

    def write_staged(path: Path, text: str) -> None:
        if "\u533b\u7597\u4fdd\u969c\n" in text[:10]:  # the text of big.txt (seed 000)
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, text)

    monkeypatch.setattr(pipeline, "write_staged", write_staged)
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
