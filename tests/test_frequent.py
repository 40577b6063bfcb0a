"""Speculative sites: pass 2 first, the files with a frequent line cleaned again.

Whatever the sample decides, the output must be byte for byte what a full pass 1
gives; these corpora are built from the seeds, with a rare shared line (a site
that is speculated) and with a footer on every page (a site that is read).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import SEEDS

from cleaner.data import CleanConfig
from cleaner.engine import frequent
from cleaner.engine.local import LocalEngine
from cleaner.pipeline import clean_corpus

RARE_LINE = "\u5e02\u653f\u52a1\u670d\u52a1\u4e2d\u5fc3\u5b89\u6392"  # 市政务服务中心安排
FOOTER = "\u4fbf\u6c11\u670d\u52a1\u70ed\u7ebf\u6b22\u8fce\u6765\u7535"  # 便民服务热线欢迎来电


def site(root: Path, files: int, edge: str, every: int) -> Path:
    """Write ``files`` distinct pages built from the seeds; every ``every``-th ends with ``edge``."""
    source = root / "in" / "news"
    source.mkdir(parents=True)
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for number in range(files):
        # Ten lines of its own at each end (the edge zone), a seed in between: no
        # two pages are duplicates, and only ``edge`` can recur at their edges.
        head = [f"\u7b2c{number}\u53f7\u901a\u77e5\u7b2c{k}\u6761" for k in range(10)]
        tail = [f"\u9644\u4ef6{number}-{k}" for k in range(10)]
        body = seeds[number % len(seeds)].replace("2021", str(1800 + number))
        text = "\n".join([*head, body, *tail])
        if number % every == 0:
            text = f"{text}\n{edge}\n"
        (source / f"{number:04d}.txt").write_text(text, encoding="utf-8")
    return source.parent


def outputs(out: Path) -> dict[str, bytes]:
    files = sorted(path for path in out.rglob("*") if path.is_file())
    return {str(path.relative_to(out)): path.read_bytes() for path in files}


@pytest.mark.parametrize("output_format", ["text", "jsonl"])
def test_a_speculated_site_comes_out_as_a_fully_read_one(tmp_path, monkeypatch, output_format):
    source = site(tmp_path, 200, RARE_LINE, every=25)  # the line in 8 files: frequent, rare
    config = CleanConfig(output_format=output_format)
    calls = []
    real = frequent.settle_speculation

    def spy(entries, speculative, *rest):
        calls.append(sorted(speculative))
        return real(entries, speculative, *rest)

    monkeypatch.setattr("cleaner.pipeline.settle_speculation", spy)
    report = clean_corpus(source, tmp_path / "speculated", config, jobs=2)
    assert calls == [["news"]]  # sampled, no template: pass 2 first
    monkeypatch.setattr(LocalEngine, "speculates", False)
    expected = clean_corpus(source, tmp_path / "read", config, jobs=2)
    assert calls == [["news"]]
    assert outputs(tmp_path / "speculated") == outputs(tmp_path / "read")
    assert report.files == expected.files
    frequent_removals = [r for f in report.files for r in f.removed if r.rule.startswith("recurs")]
    assert len(frequent_removals) == 8  # the files were cleaned again, with the line


@pytest.fixture
def scans(monkeypatch) -> list[int]:
    """The number of files each pass-1 call is given."""
    seen: list[int] = []
    real = LocalEngine.count_edges

    def counting(self, rel_paths, state, known):
        seen.append(len(rel_paths))
        return real(self, rel_paths, state, known)

    monkeypatch.setattr(LocalEngine, "count_edges", counting)
    return seen


def test_a_site_with_a_template_is_read_in_full_first(tmp_path, scans):
    source = site(tmp_path, 200, FOOTER, every=1)  # a footer on every page
    clean_corpus(source, tmp_path / "out", jobs=2)
    assert scans == [frequent.SAMPLE_FILES, 200]  # the sample, then the whole site
    report = json.loads((tmp_path / "out" / "_report.json").read_text(encoding="utf-8"))
    assert report["totals"]["lines_removed_by_class"]["corpus-frequent"] == 200


def test_small_sites_are_read_in_full(tmp_path, scans):
    source = site(tmp_path, 2 * frequent.SAMPLE_FILES, RARE_LINE, every=10)
    clean_corpus(source, tmp_path / "out", jobs=1)
    assert scans == [2 * frequent.SAMPLE_FILES]


@pytest.mark.parametrize("output_format", ["text", "jsonl"])
def test_a_large_run_writes_its_outputs_itself_with_the_same_bytes(
    tmp_path, monkeypatch, output_format
):
    """Above ALONGSIDE_MAX_FILES no child writes the outputs (memory); the bytes are the same."""
    import cleaner.pipeline

    source = site(tmp_path, 150, RARE_LINE, every=20)
    config = CleanConfig(output_format=output_format)
    clean_corpus(source, tmp_path / "children", config, jobs=2)
    monkeypatch.setattr(cleaner.pipeline, "ALONGSIDE_MAX_FILES", 10)
    forks = []
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or 1 / 0)
    clean_corpus(source, tmp_path / "itself", config, jobs=1)
    assert forks == []
    assert outputs(tmp_path / "children") == outputs(tmp_path / "itself")
