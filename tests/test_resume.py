"""--resume: files written by an earlier run from unchanged inputs are not cleaned again."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from conftest import SEEDS

from cleaner import CleanConfig, clean_corpus
from cleaner.cli import cli

MANIFEST = ".cleaner-manifest.json"


def make_corpus(root: Path) -> Path:
    source = root / "in"
    for index, path in enumerate(sorted(SEEDS.glob("*.txt")) * 2):
        folder = source / f"site{index % 2}"
        folder.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8").replace("2021", str(1950 + index), 1)
        (folder / f"{index:02d}.txt").write_text(text, encoding="utf-8")
    return source


def tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def cleaned_files(source: Path, out: Path, resume: bool) -> list[str]:
    calls: list[str] = []
    clean_corpus(
        source,
        out,
        CleanConfig(),
        progress=lambda stage, done, total: calls.append(stage),
        jobs=1,
        resume=resume,
    )
    return calls


def test_resume_skips_unchanged_files_and_gives_the_same_result(tmp_path):
    source = make_corpus(tmp_path)
    out = tmp_path / "out"
    first = cleaned_files(source, out, resume=True)
    assert first.count("clean") == 10 and (out / MANIFEST).exists()
    # Written files are remembered; a dropped duplicate (seed 004 twice: no "2021"
    # to change) has no text in OUT and is read again.
    dropped = json.loads((out / "_report.json").read_text(encoding="utf-8"))["totals"][
        "documents_dropped_as_duplicates"
    ]
    assert dropped == 1
    again = cleaned_files(source, out, resume=True)
    assert again.count("clean") == dropped and again.count("scan") == dropped
    # Change one input (and make another a duplicate): only those are cleaned.
    changed = source / "site0" / "00.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\u65b0\u589e\u4e00\u6bb5\u3002\n", encoding="utf-8"
    )
    shutil.copy(source / "site1" / "01.txt", source / "site1" / "99.txt")
    third = cleaned_files(source, out, resume=True)
    assert third.count("clean") == 2 + dropped
    fresh = tmp_path / "fresh"
    clean_corpus(source, fresh, CleanConfig(), jobs=1)
    assert tree(out) == tree(fresh)


def test_resume_with_other_settings_cleans_everything(tmp_path):
    source = make_corpus(tmp_path)
    out = tmp_path / "out"
    cleaned_files(source, out, resume=True)
    calls: list[str] = []
    clean_corpus(
        source,
        out,
        CleanConfig(boilerplate=CleanConfig().boilerplate.__class__(enabled=False)),
        progress=lambda stage, done, total: calls.append(stage),
        jobs=1,
        resume=True,
    )
    assert calls.count("clean") == 10


def test_an_edited_output_is_cleaned_again(tmp_path, runner):
    source = make_corpus(tmp_path)
    out = tmp_path / "out"
    assert runner.invoke(cli, [str(source), str(out), "-q", "--resume"]).exit_code == 0
    victim = out / "site0" / "02.txt"
    expected = victim.read_bytes()
    victim.write_text("\u88ab\u6539\u8fc7\u4e86\u3002\n", encoding="utf-8")
    os.utime(source / "site0" / "02.txt")  # a touched input with the same text counts as changed
    assert runner.invoke(cli, [str(source), str(out), "-q", "--resume"]).exit_code == 0
    assert victim.read_bytes() == expected


def test_a_site_that_grows_past_the_minimum_counts_its_old_files(tmp_path):
    """Files an earlier run did not scan (their site was too small) are scanned now."""
    source = tmp_path / "in" / "site"
    source.mkdir(parents=True)
    footer = "\u6b22\u8fce\u8bbf\u95ee\u672c\u7ad9 \u8bf7\u591a\u63d0\u5b9d\u8d35\u610f\u89c1"
    seeds = sorted(SEEDS.glob("*.txt"))

    def add(index: int) -> None:
        body = seeds[index % len(seeds)].read_text(encoding="utf-8")
        body = body.replace("2021", str(1990 + index), 1) + f"\u7b2c{index}\u7bc7\u3002\n"
        (source / f"{index}.txt").write_text(body + footer + "\n", encoding="utf-8")

    for index in range(3):  # 3 files: fewer than corpus_min_docs (5), nothing counted
        add(index)
    out = tmp_path / "out"
    cleaned_files(source.parent, out, resume=True)
    assert all(footer in (out / "site" / f"{i}.txt").read_text(encoding="utf-8") for i in range(3))
    for index in range(3, 6):
        add(index)
    stages = cleaned_files(source.parent, out, resume=True)
    assert stages.count("scan") == 6  # the 3 old files too: their keys were never counted
    for index in range(6):
        assert footer not in (out / "site" / f"{index}.txt").read_text(encoding="utf-8"), index
