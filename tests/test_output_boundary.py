"""OUT is a boundary (issue 16): no link in it is written through; one run at a time holds it.

Item 8 of the issue: a file whose output could not be written was counted twice
in ``files read``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import seed_path

from cleaner.cli import cli


def crawl(root: Path) -> Path:
    """IN with a page at the top and one in docs/."""
    source = root / "in"
    (source / "docs").mkdir(parents=True)
    shutil.copy(seed_path("003"), source / "a.txt")
    shutil.copy(seed_path("000"), source / "docs" / "b.txt")
    return source


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
