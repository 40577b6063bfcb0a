"""clean IN OUT --index PATH: duplicates of earlier runs are dropped; batches equal one run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS

from cleaner import CleanConfig, DedupConfig, clean_corpus
from cleaner.cli import cli


def make_corpus(root: Path) -> list[Path]:
    """Twelve documents: the seeds, edited copies of them, and one copy of an edited copy."""
    root.mkdir(parents=True)
    paths = []
    for index, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
        text = seed.read_text(encoding="utf-8")
        variants = [text, text.replace("\u533b\u4fdd", "\u533b\u7597\u4fdd\u969c", 1)]
        for number, variant in enumerate(variants):
            path = root / f"{index}{number}.txt"
            path.write_text(variant, encoding="utf-8")
            paths.append(path)
    extra = root / "99.txt"
    extra.write_text(paths[3].read_text(encoding="utf-8") + "\u5b8c\u3002\n", encoding="utf-8")
    return sorted(paths + [extra])


def kept_names(out: Path) -> set[str]:
    return {p.name for p in out.glob("*.txt")}


def test_batches_keep_what_one_run_keeps(tmp_path):
    files = make_corpus(tmp_path / "all")
    one_run = tmp_path / "one"
    clean_corpus(
        tmp_path / "all", one_run, CleanConfig(index_path=str(tmp_path / "one.db")), jobs=1
    )
    index = str(tmp_path / "batches.db")
    kept: set[str] = set()
    for number, batch in enumerate((files[:4], files[4:9], files[9:])):
        source = tmp_path / f"batch{number}"
        source.mkdir()
        for path in batch:
            shutil.copy(path, source / path.name)
        out = tmp_path / f"out{number}"
        clean_corpus(source, out, CleanConfig(index_path=index), jobs=1)
        kept |= kept_names(out)
    assert kept == kept_names(one_run)
    assert 5 <= len(kept) < len(files)


def test_second_run_drops_what_the_first_kept(runner, tmp_path):
    make_corpus(tmp_path / "day1")
    index = tmp_path / "corpus.db"
    first = runner.invoke(
        cli, [str(tmp_path / "day1"), str(tmp_path / "out1"), "--index", str(index), "-q"]
    )
    assert first.exit_code == 0, first.output
    (tmp_path / "day2").mkdir()
    seed = sorted(SEEDS.glob("*.txt"))[2]
    shutil.copy(seed, tmp_path / "day2" / "repost.txt")
    second = runner.invoke(
        cli, [str(tmp_path / "day2"), str(tmp_path / "out2"), "--index", str(index)]
    )
    assert second.exit_code == 0, second.output
    assert kept_names(tmp_path / "out2") == set()
    report = json.loads((tmp_path / "out2" / "_report.json").read_text(encoding="utf-8"))
    (duplicate,) = report["index_duplicates"]
    assert duplicate["doc_id"] == "repost.txt"
    assert duplicate["indexed_path"] == "20.txt" and duplicate["similarity"] == 1.0
    stats = runner.invoke(cli, ["index", "stats", str(index), "--json"])
    assert stats.exit_code == 0
    assert json.loads(stats.output)["documents"] == len(kept_names(tmp_path / "out1"))


def test_index_built_with_other_settings_is_refused(runner, tmp_path):
    make_corpus(tmp_path / "in")
    index = tmp_path / "corpus.db"
    runner.invoke(cli, [str(tmp_path / "in"), str(tmp_path / "a"), "--index", str(index), "-q"])
    result = runner.invoke(
        cli, [str(tmp_path / "in"), str(tmp_path / "b"), "--index", str(index), "--num-perm", "64"]
    )
    assert result.exit_code == 2
    assert "num_perm" in result.output and "Traceback" not in result.output


def test_keep_longest_with_an_index_is_a_usage_error(tmp_path):
    with pytest.raises(ValueError, match="keep 'longest'"):
        CleanConfig(index_path=str(tmp_path / "x.db"), dedup=DedupConfig(keep="longest"))


def test_index_remove(runner, tmp_path):
    make_corpus(tmp_path / "in")
    index = tmp_path / "corpus.db"
    runner.invoke(cli, [str(tmp_path / "in"), str(tmp_path / "out"), "--index", str(index), "-q"])
    import sqlite3

    (doc_id,) = (
        sqlite3.connect(index).execute("SELECT doc_id FROM docs ORDER BY doc_id LIMIT 1").fetchone()
    )
    result = runner.invoke(cli, ["index", "remove", str(index), doc_id, "nope"])
    assert result.exit_code == 1
    assert "removed 1 document(s)" in result.output and "not in the index: nope" in result.output
