"""The command line: bad input, exit codes, messages, output formats."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, seed_path

import cleaner.read.files
from cleaner.cli import cli

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


def make_corpus(root: Path) -> Path:
    """A small corpus: two seeds plus the files a crawler leaves behind."""
    source = root / "in"
    (source / "sub").mkdir(parents=True)
    shutil.copy(seed_path("002"), source / "good.txt")
    (source / "sub" / "gb.txt").write_bytes(seed_text("003").encode("gb18030"))
    (source / "utf16.txt").write_bytes(seed_text("000").encode("utf-16"))
    (source / "bom.txt").write_bytes(b"\xef\xbb\xbf" + seed_text("001").encode("utf-8"))
    text = seed_text("004")
    # One stray byte at a character boundary: exactly one replacement character.
    invalid = text[:100].encode("utf-8") + b"\xff" + text[100:].encode("utf-8")
    (source / "invalid.txt").write_bytes(invalid)
    (source / "empty.txt").write_bytes(b"")
    (source / "image.txt").write_bytes(PNG)
    return source


def test_help_explains(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for word in (
        "--glob",
        "--format",
        "--jsonl",
        "--punctuation",
        "--threshold",
        "Exit codes",
        "Examples",
    ):
        assert word in result.output


def test_bad_files_are_reported_and_the_run_goes_on(runner, tmp_path):
    source = make_corpus(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(source), str(out), "--no-progress"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "skipped empty.txt: empty file" in result.output
    assert "skipped image.txt: binary file (PNG" in result.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert written == ["bom.txt", "good.txt", "invalid.txt", "sub/gb.txt", "utf16.txt"]
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    decodings = {f["path"]: f["decoding"] for f in report["files"]}
    assert decodings["sub/gb.txt"]["encoding"] == "gb18030"
    assert decodings["utf16.txt"]["decided_by"] == "bom"
    assert decodings["bom.txt"]["decided_by"] == "bom"
    assert decodings["invalid.txt"]["replacements"] == 1
    assert decodings["good.txt"]["decided_by"] == "utf-8"
    assert {s["path"] for s in report["skipped"]} == {"empty.txt", "image.txt"}
    # Cleaned text is the same whatever the input encoding was.
    gb = (out / "sub" / "gb.txt").read_text(encoding="utf-8")
    assert "\u5927\u4f17\u7f51\u8bb0\u8005" not in gb and gb.startswith("\u5cc4\u57ce\u533a")
    assert (out / "bom.txt").read_bytes()[:3] != b"\xef\xbb\xbf"


def test_all_good_exits_zero_and_prints_summary(runner, tmp_path):
    result = runner.invoke(cli, [str(SEEDS), str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "read 5" in result.output and "written 5" in result.output
    assert "duplicated blocks: 1 in 1 document" in result.output


def test_quiet_prints_only_errors(runner, tmp_path):
    source = make_corpus(tmp_path)
    result = runner.invoke(cli, [str(source), str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("clean: skipped") for line in lines)


def test_no_matching_files(runner, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_text("<p>x</p>")
    result = runner.invoke(cli, [str(tmp_path / "in"), str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no files match '**/*.txt'" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("inside", [".", "sub/out"])
def test_output_inside_input_is_refused_before_writing(runner, tmp_path, inside):
    source = make_corpus(tmp_path)
    before = sorted(p.as_posix() for p in source.rglob("*"))
    result = runner.invoke(cli, [str(source), str(source / inside)])
    assert result.exit_code == 2
    assert "inside the input" in result.output
    assert sorted(p.as_posix() for p in source.rglob("*")) == before


def test_input_inside_output_is_refused(runner, tmp_path):
    source = make_corpus(tmp_path)
    result = runner.invoke(cli, [str(source), str(tmp_path)])
    assert result.exit_code == 2 and "inside the output" in result.output


def test_unreadable_file(runner, tmp_path, monkeypatch):
    source = make_corpus(tmp_path)
    locked = source / "locked.txt"
    locked.write_text("\u6807\u9898\n\u6b63\u6587\u3002", encoding="utf-8")
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        # Root reads mode-000 files: make the read fail the way it does for users.
        real_read_bytes = cleaner.read.files.read_bytes

        def read_bytes(path: str) -> bytes:
            if os.path.basename(path) == "locked.txt":
                raise PermissionError(13, "Permission denied", path)
            return real_read_bytes(path)

        monkeypatch.setattr(cleaner.read.files, "read_bytes", read_bytes)
    try:
        result = runner.invoke(cli, [str(source), str(tmp_path / "out")])
    finally:
        locked.chmod(0o644)
    assert result.exit_code == 1
    assert "skipped locked.txt: cannot read: permission denied" in result.output
    assert (tmp_path / "out" / "good.txt").exists()


def test_single_file_input(runner, tmp_path):
    result = runner.invoke(cli, [str(seed_path("003")), str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0
    assert (tmp_path / "out" / seed_path("003").name).exists()


def test_stdin_to_stdout(runner):
    page = "\u5f53\u524d\u4f4d\u7f6e\uff1a\u9996\u9875 > \u8981\u95fb\n\u6807\u9898\n2 0 2 1 \u5e74,\u5168\u5e02\u589e\u957f\u3002\n"
    result = runner.invoke(cli, ["-", "-q"], input=page.encode("gb18030"))
    assert result.exit_code == 0
    assert result.stdout == "\u6807\u9898\n2021\u5e74\uff0c\u5168\u5e02\u589e\u957f\u3002\n"


def test_jsonl_records(runner, tmp_path):
    target = tmp_path / "corpus.jsonl"
    result = runner.invoke(cli, [str(SEEDS), str(tmp_path / "out"), "--jsonl", str(target), "-q"])
    assert result.exit_code == 0
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == sorted(p.name for p in SEEDS.glob("*.txt"))
    meta = {r["id"]: r["metadata"] for r in records}
    anyang = meta[seed_path("001").name]
    assert anyang["date"] == "2022-06-28" and anyang["encoding"] == "utf-8"
    assert anyang["source_path"] == seed_path("001").name
    text = {r["id"]: r["text"] for r in records}
    assert text[seed_path("001").name] == (tmp_path / "out" / seed_path("001").name).read_text(
        encoding="utf-8"
    )


def test_format_jsonl_writes_no_tree(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(SEEDS), str(out), "--format", "jsonl", "-q"])
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "_report.html",
        "_report.json",
        "_report.md",
        "corpus.jsonl",
    ]


def test_json_lines_that_cannot_be_written_stop_the_run_with_the_reason(runner, tmp_path):
    # The --jsonl copy cannot be written: the error reaches the user as one line,
    # exit 1, no partial file; everything else of the run is written.
    out, blocker = tmp_path / "out", tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    copy = blocker / "copy.jsonl"
    result = runner.invoke(cli, [str(SEEDS), str(out), "--format", "jsonl", "--jsonl", str(copy)])
    assert result.exit_code == 1
    assert f"cannot write JSON Lines to {blocker}: File exists" in result.output
    assert "Traceback" not in result.output
    assert not blocker.is_dir() and not list(tmp_path.glob("**/*.tmp"))
    assert sorted(p.name for p in out.iterdir()) == [
        "_report.html",
        "_report.json",
        "_report.md",
        "corpus.jsonl",
    ]


@pytest.mark.parametrize("name", ["_report.json", "_report.md"])
def test_a_report_that_cannot_be_written_stops_the_run_with_the_reason(runner, tmp_path, name):
    # _report.json is written by a child process, the others by the run itself.
    out = tmp_path / "out"
    (out / name).mkdir(parents=True)  # a folder where the report goes
    result = runner.invoke(cli, [str(SEEDS), str(out), "-q"])
    assert result.exit_code == 1
    assert f"cannot write the report into {out}" in result.output
    assert "Is a directory" in result.output and "Traceback" not in result.output
    assert not list(out.glob(".*.tmp")) and not (out / ".cleaner-work").exists()


def test_near_duplicate_document_is_dropped(runner, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    text = seed_text("002")
    (source / "a.txt").write_text(text, encoding="utf-8")
    (source / "b.txt").write_text(text.replace("2019", "2018", 1), encoding="utf-8")
    shutil.copy(seed_path("003"), source / "c.txt")
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(source), str(out), "--no-progress", "--no-numbers-matter"])
    assert result.exit_code == 0
    assert sorted(p.name for p in out.glob("*.txt")) == ["a.txt", "c.txt"]
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    (cluster,) = report["clusters"]
    assert cluster["kept"] == "a.txt"
    (member,) = cluster["dropped"]
    assert member["doc_id"] == "b.txt" and member["similarity"] > 0.9
    assert member["differs_only_in_numbers"] is True
    assert "near-duplicate documents dropped 1" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--threshold", "1.5"], "jaccard_threshold must be in (0, 1]"),
        (["--punctuation", "full"], "Invalid value for '--punctuation'"),
        ([], "missing OUT"),
    ],
)
def test_usage_errors(runner, tmp_path, args, message):
    out = [] if args == [] else [str(tmp_path / "out")]
    result = runner.invoke(cli, [str(SEEDS), *out, *args])
    assert result.exit_code == 2
    assert message in result.output


def test_progress_bar_on_request(runner, tmp_path):
    result = runner.invoke(cli, [str(SEEDS), str(tmp_path / "out"), "--progress"])
    assert result.exit_code == 0
    assert "read" in result.stderr and "clean" in result.stderr
    quiet = runner.invoke(cli, [str(SEEDS), str(tmp_path / "out2")])
    assert "read " not in quiet.stderr.splitlines()[0]  # not a terminal: no bar by default


def test_run_is_the_default_command(runner, tmp_path):
    explicit = runner.invoke(cli, ["run", str(SEEDS), str(tmp_path / "a"), "-q"])
    implicit = runner.invoke(cli, [str(SEEDS), str(tmp_path / "b"), "-q", "--jobs", "1"])
    assert explicit.exit_code == implicit.exit_code == 0
    assert (tmp_path / "a" / "_report.json").read_bytes() == (
        tmp_path / "b" / "_report.json"
    ).read_bytes()
    help_text = runner.invoke(cli, ["--help"]).output
    assert "Commands:" in help_text and "run" in help_text and "--jobs" in help_text


@pytest.mark.parametrize(
    "options", [[], ["--jobs", "1"], ["--jobs", "2"], ["--format", "jsonl", "--jobs", "2"]]
)
def test_same_template_other_figures_are_both_kept_by_default(runner, tmp_path, options):
    """Yearly reports from one template differ in their figures: different documents.

    The masked texts are compared from the staged texts, read back once the
    clusters are known, on the pool or in this process.
    """
    source = tmp_path / "in"
    source.mkdir()
    text = seed_text("002")
    (source / "2019.txt").write_text(text, encoding="utf-8")
    (source / "2020.txt").write_text(
        text.replace("2019", "2020").replace("95%", "96%"), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(source), str(out), "-q", *options])
    assert result.exit_code == 0
    if "jsonl" in options:
        lines = (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["id"] for line in lines] == ["2019.txt", "2020.txt"]
    else:
        assert sorted(p.name for p in out.glob("*.txt")) == ["2019.txt", "2020.txt"]
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    (cluster,) = report["clusters"]
    assert cluster["kept"] == "2019.txt" and cluster["dropped"] == []
    (member,) = cluster["same_template"]
    assert member["doc_id"] == "2020.txt" and member["differs_only_in_numbers"] is True
    assert report["totals"]["documents_dropped_as_duplicates"] == 0
