"""The library API: clean_text and clean_corpus without the CLI."""

from __future__ import annotations

import csv
import shutil

import pytest
from conftest import SEEDS, SHARED, seed_path

from cleaner import (
    CleanConfig,
    CleanerError,
    DedupConfig,
    NormalizeConfig,
    clean_corpus,
    clean_text,
)
from cleaner.data import BoilerplateConfig

PROVINCIAL = SHARED / "corpora" / "cn-gov-reports" / "provincial-2026-raw"
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
    # 欢迎访问本站 请多提宝贵意见: a site line that no built-in rule knows
    footer = "\u6b22\u8fce\u8bbf\u95ee\u672c\u7ad9 \u8bf7\u591a\u63d0\u5b9d\u8d35\u610f\u89c1"
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
        [p.name for p in SEEDS.glob("*.txt")] + ["_report.html", "_report.json", "_report.md"]
    )


def test_dry_run_writes_nothing(tmp_path):
    report = clean_corpus(SEEDS, None)
    assert report.files_written == 5
    assert list(tmp_path.iterdir()) == []


HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="gbk">
<title>\u5e02\u533b\u4fdd\u5c40\u5f00\u5c55\u57fa\u91d1\u76d1\u7ba1\u4e13\u9879\u884c\u52a8</title></head><body>
<div class="nav"><a href="/">\u9996\u9875</a> &gt; <a href="/news">\u5de5\u4f5c\u52a8\u6001</a></div>
<div class="article"><h1>\u5e02\u533b\u4fdd\u5c40\u5f00\u5c55\u57fa\u91d1\u76d1\u7ba1\u4e13\u9879\u884c\u52a8</h1>
<p>\u53d1\u5e03\u65f6\u95f4:2023-05-12 09:30 \u6765\u6e90:\u5e02\u533b\u7597\u4fdd\u969c\u5c40</p>
<p>\u4e3a\u5207\u5b9e\u7ef4\u62a4\u533b\u4fdd\u57fa\u91d1\u5b89\u5168\uff0c\u5e02\u533b\u4fdd\u5c40\u4e8e5\u6708\u5f00\u5c55\u4e3a\u671f\u4e09\u4e2a\u6708\u7684\u4e13\u9879\u68c0\u67e5\uff0c\u5171\u68c0\u67e5\u5b9a\u70b9\u533b\u836f\u673a\u6784 1 2 6 \u5bb6\u3002</p>
<p>\u68c0\u67e5\u53d1\u73b0\u8fdd\u89c4\u95ee\u9898 4 7 \u4e2a\uff0c\u8ffd\u56de\u533b\u4fdd\u57fa\u91d1 3 1 5 . 6 \u4e07\u5143\uff0c\u5bf9\u60c5\u8282\u4e25\u91cd\u7684 3 \u5bb6\u673a\u6784\u6682\u505c\u533b\u4fdd\u670d\u52a1\u534f\u8bae\u3002</p>
<p>\u4e0b\u4e00\u6b65\uff0c\u5e02\u533b\u4fdd\u5c40\u5c06\u5efa\u7acb\u5e38\u6001\u5316\u76d1\u7ba1\u673a\u5236\uff0c\u5b9a\u671f\u516c\u5e03\u5178\u578b\u6848\u4f8b\uff0c\u6301\u7eed\u4fdd\u6301\u6253\u51fb\u6b3a\u8bc8\u9a97\u4fdd\u7684\u9ad8\u538b\u6001\u52bf\u3002</p></div>
<div class="footer">\u4e3b\u529e\uff1a\u5e02\u533b\u7597\u4fdd\u969c\u5c40 \u7f51\u7ad9\u6807\u8bc6\u7801\uff1a1234000001</div>
</body></html>"""


def test_html_pages_go_through_extraction_then_the_text_pipeline(tmp_path):
    pytest.importorskip("trafilatura", reason="HTML input needs the html extra")
    source = tmp_path / "in"
    source.mkdir()
    (source / "page.html").write_bytes(HTML_PAGE.encode("gb18030"))
    report = clean_corpus(source, tmp_path / "out", CleanConfig(glob="**/*.html"), jobs=1)
    (file,) = report.files
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("_")) == [
        "page.txt"  # the cleaned text of a page is a text file, named as one
    ]
    text = (tmp_path / "out" / "page.txt").read_text(encoding="utf-8")
    assert "126\u5bb6" in text and "315.6\u4e07\u5143" in text  # spaced digits joined
    assert "\u7f51\u7ad9\u6807\u8bc6\u7801" not in text  # the footer is gone
    assert (
        file.metadata.title
        == "\u5e02\u533b\u4fdd\u5c40\u5f00\u5c55\u57fa\u91d1\u76d1\u7ba1\u4e13\u9879\u884c\u52a8"
    )
    assert file.decoding.encoding == "gb18030"


def test_html_without_the_extra_is_a_usage_error(tmp_path, monkeypatch):
    import cleaner.read.plan

    monkeypatch.setattr(cleaner.read.plan, "extraction_available", lambda: False)
    source = tmp_path / "in"
    source.mkdir()
    (source / "page.html").write_text("<p>\u6b63\u6587\u3002</p>", encoding="utf-8")
    with pytest.raises(CleanerError, match=r"pip install 'cleaner\[html\]'"):
        clean_corpus(source, tmp_path / "out", CleanConfig(glob="**/*.html"))
    assert not (tmp_path / "out").exists()


def test_edge_keys_are_those_of_the_normalized_text():
    """Pass 1 normalizes only what it must, and finds the keys a full normalization gives."""
    from cleaner.clean.boilerplate.edges import edge_keys, zone_keys
    from cleaner.clean.boilerplate.strip import corpus_candidate, edge_zone, line_key
    from cleaner.clean.normalize import normalize_text

    config = CleanConfig()
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for table in sorted(PROVINCIAL.glob("*.csv")):  # real scraped pages, when beside the repo
        with table.open(encoding="utf-8-sig", newline="") as stream:
            texts += [row["full_text"] for row in csv.DictReader(stream) if row.get("full_text")]
    # Long raw lines that normalization makes short: spaces, invisible characters.
    spaced = "\u6b22\u8fce\u8bbf\u95ee\u672c\u7ad9" + "\u200b" * 40  # 欢迎访问本站, 46 -> 6
    texts.append(f"{spaced}\n\u6b63\u6587\u3002\n{spaced}\n\u3000 \t\n")
    for text in texts:
        raw = text.split("\n")
        normalized = normalize_text(text).text.split("\n")
        edges = [normalized[i].strip() for i in sorted(edge_zone(normalized, 10))]
        expected = {line_key(line) for line in edges if corpus_candidate(line, config.boilerplate)}
        assert edge_keys(raw, config) == expected, text[:40]
        assert zone_keys(normalized, config) == expected, text[:40]  # pass 2's, speculating
    assert edge_keys(texts[-1].split("\n"), config)


def test_corpus_frequent_lines_are_counted_per_site(tmp_path):
    """A footer recurring on one site (folder) goes there; another site keeps the same line."""
    source = tmp_path / "in"
    footer = "\u6b22\u8fce\u8bbf\u95ee\u672c\u7ad9 \u8bf7\u591a\u63d0\u5b9d\u8d35\u610f\u89c1"
    seeds = sorted(SEEDS.glob("*.txt"))
    for site, count in (("site-a", 5), ("site-b", 4)):
        (source / site).mkdir(parents=True)
        for index in range(count):
            body = seeds[index].read_text(encoding="utf-8").replace("2021", str(1990 + index))
            (source / site / f"{index}.txt").write_text(
                body + "\n" + footer + "\n", encoding="utf-8"
            )
    report = clean_corpus(source, tmp_path / "out", CleanConfig(dedup=DedupConfig(documents=False)))
    for file in report.files:
        categories = {r.category for r in file.removed if r.text == footer}
        if file.source_path.startswith("site-a/"):
            assert categories in ({"corpus-frequent"}, {"related"}), file.source_path
        else:
            assert "corpus-frequent" not in categories, file.source_path  # 4 < 5 documents


def test_sites_too_small_for_a_frequent_line_are_not_read_twice(tmp_path):
    """A crawl with a folder per article: pass 1 reads nothing, and a bad file still fails."""
    source = tmp_path / "in"
    for index, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        (source / f"art{index}").mkdir(parents=True)
        shutil.copy(path, source / f"art{index}" / "index.txt")
    (source / "art9").mkdir()
    (source / "art9" / "index.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    stages: list[str] = []
    report = clean_corpus(
        source, tmp_path / "out", progress=lambda stage, done, total: stages.append(stage)
    )
    assert "scan" not in stages and stages.count("clean") == 6
    assert [(f.rel_path, f.reason) for f in report.failures] == [
        ("art9/index.txt", "binary file (PNG image)")
    ]
    assert report.files_written == 5


def _html_site(root, pages: int):
    """A site folder of pages from one template: the footer recurs, the story differs."""
    source = root / "in"
    (source / "news").mkdir(parents=True)
    for index in range(pages):
        page = HTML_PAGE.replace("1 2 6", f"1 2 {index}").replace("4 7", f"4 {index}")
        (source / "news" / f"{index}.html").write_bytes(page.encode("gb18030"))
    return source


def test_each_html_page_is_extracted_once(tmp_path, monkeypatch):
    """Pass 1 keeps its extractions for pass 2, and the output is what extracting twice gave."""
    pytest.importorskip("trafilatura", reason="HTML input needs the html extra")
    import cleaner.engine.workers as workers
    import cleaner.read.text as text_reader

    source = _html_site(tmp_path, 6)
    config = CleanConfig(glob="**/*.html", dedup=DedupConfig(documents=False))
    calls: list[int] = []
    real = text_reader.extract_main_text
    monkeypatch.setattr(text_reader, "extract_main_text", lambda t: calls.append(1) or real(t))
    once = clean_corpus(source, tmp_path / "once", config, jobs=1)
    assert len(calls) == 6  # pass 1 extracted; pass 2 read them back
    monkeypatch.setattr(workers, "load_documents", lambda work_dir, number: None)
    twice = clean_corpus(source, tmp_path / "twice", config, jobs=1)
    assert len(calls) == 18
    assert once.files == twice.files
    for index in range(6):
        name = f"news/{index}.txt"
        assert (tmp_path / "once" / name).read_bytes() == (tmp_path / "twice" / name).read_bytes()
    assert not (tmp_path / "once" / ".cleaner-work").exists()


def test_a_damaged_kept_task_is_read_again(tmp_path):
    from cleaner.data import Decoding, Document, FileFailure, Metadata
    from cleaner.read.store import load_documents, store_path
    from cleaner.write.staging import store_documents

    work = str(tmp_path)
    text = "\u6807\u9898\n\u6b63\u6587\udc80\u3002"  # a lone surrogate survives the trip
    declared = Metadata(title="\u6807\u9898", date="2024-05-13", url="http://a.cn/x")
    document = Document(
        "a/p.html", text, "a/p.html", Decoding("gb18030", "chardet", 0.9, 1), "a", "a/p.txt",
        declared, None, 1234,
    )  # fmt: skip
    documents = [document, FileFailure("a/q.html", "empty file")]
    store_documents(work, 3, documents)
    assert load_documents(work, 3) == documents
    assert load_documents(work, 4) is None
    with open(store_path(work, 3), "r+b") as stream:
        stream.truncate(20)  # cut short by a full disk
    assert load_documents(work, 3) is None


def test_a_run_gives_back_the_callers_gc_thresholds(tmp_path):
    """Collections are rare during a run, and the caller's settings return after it."""
    import gc

    from cleaner.engine.parallel import RUN_GC_THRESHOLDS, rare_collections

    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []
    clean_corpus(
        SEEDS, tmp_path / "out", progress=lambda *_: seen.append(gc.get_threshold()), jobs=1
    )
    assert seen and set(seen) == {RUN_GC_THRESHOLDS}
    assert gc.get_threshold() == before
    with pytest.raises(ZeroDivisionError), rare_collections():
        1 / 0  # noqa: B018
    assert gc.get_threshold() == before
