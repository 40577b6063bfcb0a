"""The library API: clean_text and clean_corpus without the CLI."""

from __future__ import annotations

import shutil

import pytest
from conftest import SEEDS, seed_path

from cleaner import (
    CleanConfig,
    CleanerError,
    DedupConfig,
    NormalizeConfig,
    clean_corpus,
    clean_text,
)
from cleaner.data import BoilerplateConfig

PAGE = (
    "\u5f53\u524d\u4f4d\u7f6e:\u9996\u9875 > \u5de5\u4f5c\u52a8\u6001\r\n"  # 当前位置:首页 > 工作动态
    "\u533b\u4fdd\u60e0\u6c11\u5927\u4e8b\u8bb0\r\n"  # 医保惠民大事记
    "\u53d1\u5e03\u65f6\u95f4:2023-01-20 10:33\r\n"
    "\u3000\u30002 0 2 2 \u5e74,\u5168\u5e02\u53c2\u4fdd 714.9 \u4e07\u4eba\u3002\r\n"
)


def test_clean_text_on_a_small_page():
    result = clean_text(PAGE)
    assert (
        result.text
        == "\u533b\u4fdd\u60e0\u6c11\u5927\u4e8b\u8bb0\n2022\u5e74\uff0c\u5168\u5e02\u53c2\u4fdd714.9\u4e07\u4eba\u3002\n"
    )
    assert result.metadata.date == "2023-01-20T10:33"
    assert result.metadata.title == "\u533b\u4fdd\u60e0\u6c11\u5927\u4e8b\u8bb0"
    assert [(r.line_no, r.category) for r in result.removed] == [(1, "navigation"), (3, "metadata")]
    assert result.lines_in == 4 and result.lines_out == 2


def test_clean_text_options():
    config = CleanConfig(
        normalize=NormalizeConfig(punctuation="keep"), boilerplate=BoilerplateConfig(enabled=False)
    )
    result = clean_text(PAGE, config)
    assert (
        result.text.splitlines()[0]
        == "\u5f53\u524d\u4f4d\u7f6e:\u9996\u9875 > \u5de5\u4f5c\u52a8\u6001"
    )
    assert "2022\u5e74,\u5168\u5e02" in result.text


def test_progress_is_reported_per_stage(tmp_path):
    calls = []
    clean_corpus(
        SEEDS,
        tmp_path / "out",
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    stages = [c[0] for c in calls]
    assert stages == ["scan"] * 5 + ["clean"] * 5
    assert calls[4] == ("scan", 5, 5)
    calls.clear()
    config = CleanConfig(boilerplate=BoilerplateConfig(corpus_min_docs=0))
    clean_corpus(SEEDS, tmp_path / "out2", config, progress=lambda *call: calls.append(call))
    assert [c[0] for c in calls] == ["clean"] * 5  # no corpus pass, no second reading


def test_library_raises_cleaner_error_not_exit(tmp_path):
    with pytest.raises(CleanerError, match="does not exist"):
        clean_corpus(tmp_path / "missing", tmp_path / "out")
    with pytest.raises(CleanerError, match="inside the input"):
        clean_corpus(SEEDS, SEEDS / "out")


def test_single_file_next_to_its_output_is_refused(tmp_path):
    shutil.copy(seed_path("003"), tmp_path / "page.txt")
    with pytest.raises(CleanerError):
        clean_corpus(tmp_path / "page.txt", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.txt"]


def test_keep_longest_and_threshold_reach_the_dedup_stage(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    text = seed_path("002").read_text(encoding="utf-8")
    (source / "a.txt").write_text(text, encoding="utf-8")
    (source / "b.txt").write_text(text + "\u672c\u6587\u5b8c\u3002\n", encoding="utf-8")
    report = clean_corpus(source, tmp_path / "out", CleanConfig(dedup=DedupConfig(keep="longest")))
    assert [c.kept for c in report.clusters] == ["b.txt"]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == ["b.txt"]
    report = clean_corpus(
        source, tmp_path / "out2", CleanConfig(dedup=DedupConfig(documents=False))
    )
    assert report.clusters == () and report.files_written == 2


def test_corpus_frequent_lines_need_enough_documents(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    footer = "\u7f51\u7ad9\u5730\u56fe \u8054\u7cfb\u6211\u4eec \u9690\u79c1\u58f0\u660e"  # 网站地图 联系我们 隐私声明
    for index, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        body = path.read_text(encoding="utf-8")
        (source / f"{index}.txt").write_text(body + "\n" + footer + "\n", encoding="utf-8")
    report = clean_corpus(source, tmp_path / "out")
    for file in report.files:
        assert [r.category for r in file.removed if r.text == footer] == ["corpus-frequent"]
    report = clean_corpus(
        source, tmp_path / "out2", CleanConfig(boilerplate=BoilerplateConfig(corpus_min_docs=6))
    )
    for file in report.files:
        categories = [r.category for r in file.removed if r.text == footer]
        # In 001 the footer follows "相关阅读：" and goes as a related link.
        assert categories == (["related"] if file.source_path == "1.txt" else [])


def test_jobs_do_not_change_the_result(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    text = seed_path("002").read_text(encoding="utf-8")
    for index, path in enumerate(sorted(SEEDS.glob("*.txt")) * 8):
        body = path.read_text(encoding="utf-8")
        (source / f"{index:02d}.txt").write_text(
            body if index % 3 else body + text[:200], encoding="utf-8"
        )
    outputs = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        clean_corpus(source, out, jobs=jobs)
        outputs.append(
            {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))}
        )
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 2


def test_a_killed_runs_work_directory_is_cleared(tmp_path):
    out = tmp_path / "out"
    (out / ".cleaner-work").mkdir(parents=True)
    (out / ".cleaner-work" / "000000003").write_text("half a file")
    clean_corpus(SEEDS, out)
    assert not (out / ".cleaner-work").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [p.name for p in SEEDS.glob("*.txt")] + ["_report.json", "_report.md"]
    )


def test_dry_run_writes_nothing(tmp_path):
    report = clean_corpus(SEEDS, None)
    assert report.files_written == 5
    assert list(tmp_path.iterdir()) == []
