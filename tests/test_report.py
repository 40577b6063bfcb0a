"""The report files: deterministic, complete, valid against their schema, readable."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, seed_path

from cleaner import CleanConfig, DedupConfig, clean_corpus
from cleaner.report.markdown import MARKDOWN_MAX_ROWS, render_markdown_data
from cleaner.report.render import (
    REPORT_SCHEMA,
    load_schema,
    render_json,
    render_markdown,
    render_summary,
)

jsonschema = pytest.importorskip("jsonschema")


# These corpora hold pairs that differ only in a figure; the report tests want them
# dropped (--no-numbers-matter) to show the clusters.
FIGURES_DROPPED = CleanConfig(dedup=DedupConfig(numbers_matter=False))


def duplicate_corpus(root: Path) -> Path:
    """A small crawl: near-duplicate pages, a GB18030 file in a subfolder, an empty file.

    b.txt is a.txt (seed 002) with one figure changed; sub/d.txt is c.txt (seed 003)
    with half a paragraph rewritten, stored as GB18030.
    """
    source = root / "in"
    (source / "sub").mkdir(parents=True)
    anyang, report_2019, zaozhuang = (
        seed_path(p).read_text(encoding="utf-8") for p in ("001", "002", "003")
    )
    (source / "a.txt").write_text(report_2019, encoding="utf-8")
    (source / "b.txt").write_text(report_2019.replace("2019", "2018", 1), encoding="utf-8")
    (source / "c.txt").write_text(zaozhuang, encoding="utf-8")
    lines = zaozhuang.split("\n")
    # 为此我们调整了工作安排 (\u3002)
    lines[5] = (
        lines[5][: len(lines[5]) // 2]
        + "\u4e3a\u6b64\u6211\u4eec\u8c03\u6574\u4e86\u5de5\u4f5c\u5b89\u6392\u3002"
    )
    (source / "sub" / "d.txt").write_bytes("\n".join(lines).encode("gb18030"))
    (source / "e.txt").write_text(anyang, encoding="utf-8")
    (source / "empty.txt").write_bytes(b"")
    return source


@pytest.fixture(scope="module")
def dup_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("dup-corpus")
    source = duplicate_corpus(root)
    report = clean_corpus(source, root / "out", FIGURES_DROPPED, jobs=1)
    data = json.loads((root / "out" / "_report.json").read_text(encoding="utf-8"))
    return source, root / "out", report, data


def _validator():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _entry(data, path):
    (entry,) = [f for f in data["files"] if f["path"] == path]
    return entry


# --------------------------------------------------------------------------- JSON + schema


def test_schema_is_versioned_like_the_report(seed_run):
    _, _, data = seed_run
    schema = load_schema()
    assert data["schema"] == REPORT_SCHEMA == "cleaner.report/1"
    assert schema["properties"]["schema"]["const"] == REPORT_SCHEMA
    assert schema["$id"] == "urn:cleaner:report:" + REPORT_SCHEMA.rsplit("/", 1)[1]
    assert REPORT_SCHEMA in schema["title"]


def test_seed_report_is_valid(seed_run):
    _, _, data = seed_run
    _validator().validate(data)
    committed = json.loads((SEEDS.parent / "cleaned" / "_report.json").read_text(encoding="utf-8"))
    _validator().validate(committed)


def test_duplicate_corpus_report_is_valid(dup_run):
    _, _, _, data = dup_run
    _validator().validate(data)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["files"][0].update(extra=1),  # an undocumented field
        lambda d: d["files"][0]["decoding"].pop("decided_by"),
        lambda d: d["files"][4]["duplicate_blocks"][0].update(lines=[127]),
        lambda d: d["totals"].update(lines_removed=-1),
        lambda d: d.update(schema="cleaner.report/2"),
    ],
)
def test_schema_rejects_a_changed_layout(seed_run, damage):
    _, _, data = seed_run
    changed = copy.deepcopy(data)
    damage(changed)
    assert not _validator().is_valid(changed)


def test_json_lists_every_removed_line_with_class_rule_and_numbers(seed_run):
    _, report, data = seed_run
    entry = next(f for f in data["files"] if f["path"].startswith("004_"))
    by_line = {r["line"]: r for r in entry["removed_lines"]}
    assert by_line[5]["class"] == "metadata"
    assert by_line[5]["numbers"] == ["2023", "01", "20", "10", "33"]
    assert by_line[121]["class"] == "page-tools"
    assert by_line[127]["class"] == "duplicate"
    total = sum(len(f.removed) for f in report.files)
    assert data["totals"]["lines_removed"] == total
    assert sum(data["totals"]["lines_removed_by_class"].values()) == total
    assert entry["removed_by_class"]["duplicate"] == 51
    for file in data["files"]:
        counted = {}
        for removal in file["removed_lines"]:
            counted[removal["class"]] = counted.get(removal["class"], 0) + 1
        assert file["removed_by_class"] == counted
    assert entry["decoding"] == {
        "encoding": "utf-8",
        "decided_by": "utf-8",
        "confidence": 1.0,
        "replacements": 0,
    }
    assert entry["normalization"]["odd-whitespace"] > 0


def test_totals_add_up_over_files(seed_run):
    _, _, data = seed_run
    totals = data["totals"]
    rules = {}
    for file in data["files"]:
        for rule, count in file["normalization"].items():
            rules[rule] = rules.get(rule, 0) + count
    assert totals["normalization_by_rule"] == rules
    numbers = sum(len(r.get("numbers", [])) for f in data["files"] for r in f["removed_lines"])
    assert totals["numbers_removed"] == numbers == 147
    assert totals["warnings_by_kind"] == {"unit-without-figure": totals["warnings"]}


def test_partial_removal_is_marked(seed_run):
    _, _, data = seed_run
    entry = next(f for f in data["files"] if f["path"].startswith("000_"))
    attributions = [r for r in entry["removed_lines"] if r["class"] == "attribution"]
    assert attributions and all(r.get("partial") for r in attributions)


def test_clusters_decoding_and_skipped_files(dup_run):
    _, out, _, data = dup_run
    clusters = {c["kept"]: c for c in data["clusters"]}
    assert sorted(clusters) == ["a.txt", "c.txt"]
    (figures,) = clusters["a.txt"]["dropped"]
    assert figures["doc_id"] == "b.txt" and figures["differs_only_in_numbers"] is True
    (rewritten,) = clusters["c.txt"]["dropped"]
    assert rewritten["doc_id"] == "sub/d.txt" and rewritten["differs_only_in_numbers"] is False
    assert 0.8 <= rewritten["similarity"] < 1.0
    assert all(c["size"] == 2 for c in data["clusters"])
    assert _entry(data, "b.txt")["status"] == "duplicate"
    assert _entry(data, "sub/d.txt")["decoding"]["encoding"] == "gb18030"
    assert _entry(data, "sub/d.txt")["decoding"]["decided_by"].startswith("chardet")
    assert data["skipped"] == [{"path": "empty.txt", "reason": "empty file"}]
    assert data["totals"]["documents_dropped_as_duplicates"] == 2
    assert not (out / "b.txt").exists() and (out / "a.txt").exists()


def test_report_is_the_same_for_any_number_of_processes(dup_run, tmp_path):
    source, out, _, _ = dup_run
    report = clean_corpus(source, tmp_path / "two", FIGURES_DROPPED, jobs=2)
    assert render_json(report) == (out / "_report.json").read_text(encoding="utf-8")
    assert render_markdown(report) == (out / "_report.md").read_text(encoding="utf-8")


def test_report_has_no_paths_of_the_machine(seed_run):
    out, _, _ = seed_run
    for name in ("_report.json", "_report.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert str(out.parent) not in text
        assert "/tmp" not in text and "/work" not in text


# --------------------------------------------------------------------------- Markdown


def test_markdown_summary(seed_run):
    _, report, _ = seed_run
    markdown = render_markdown(report)
    assert markdown.startswith("# Cleaning report\n\n**5 files read**, 5 written, 0 skipped")
    assert "| files read | 5 |" in markdown
    assert "| documents with duplicated blocks | 1 |" in markdown
    assert "| quality warnings | 20 |" in markdown
    assert "| duplicate | 51 | 1 | `repeated-block` 51 |" in markdown
    assert "| 004_4d4430e8f8b321f2.txt | 127\u2013227 | 13\u2013113 | 51 | 1.000 |" in markdown
    assert "## Near-duplicate documents (largest clusters first)\n\nNone." in markdown
    assert "By kind: unit-without-figure 20." in markdown
    assert "\u2026 and 10 more (see `_report.json`)." in markdown  # 20 warnings, 10 shown
    assert "| `punctuation-width` | 1098 | 5 |" in markdown
    assert "## Skipped files" not in markdown
    assert len(markdown.splitlines()) < 90  # short enough for a step summary


def test_markdown_classes_are_largest_first(seed_run):
    _, report, _ = seed_run
    markdown = render_markdown(report)
    section = markdown.split("## Lines removed by class")[1].split("##")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]
    counts = [int(row.split("|")[2]) for row in rows]
    assert counts == sorted(counts, reverse=True) and len(counts) == 11


def test_markdown_clusters_and_skipped(dup_run):
    _, _, report, _ = dup_run
    markdown = render_markdown(report)
    # The similarity is MinHash's estimate: only its range is pinned.
    assert re.search(r"\| a\.txt \| 2 \| b\.txt \((0\.9\d\d|1\.000)\) \| 1 \|", markdown)
    assert "| c.txt | 2 | sub/d.txt (" in markdown
    assert (
        "## Skipped files\n\n| file | reason |\n|---|---|\n| empty.txt | empty file |" in markdown
    )


def test_markdown_cuts_long_tables_and_counts_the_rest(dup_run):
    _, _, _, data = dup_run
    many = copy.deepcopy(data)
    base = many["clusters"][0]
    many["clusters"] = [
        {**base, "kept": f"page{i:02d}.txt", "size": 2 + i % 3}
        for i in range(MARKDOWN_MAX_ROWS + 5)
    ]
    many["clusters"][0]["dropped"] = [dict(base["dropped"][0], doc_id=f"x{i}") for i in range(5)]
    many["clusters"][0]["size"] = 6
    markdown = render_markdown_data(many, level=2)
    assert markdown.startswith("## Cleaning report\n")
    assert "\n### Near-duplicate documents" in markdown
    rows = markdown.split("### Near-duplicate documents")[1].split("###")[0]
    assert rows.count("\n| page") == MARKDOWN_MAX_ROWS
    assert "\u2026 and 5 more (see `_report.json`)." in rows
    estimate = f"{base['dropped'][0]['similarity']:.3f}"
    named = f"x0 ({estimate}), x1 ({estimate}), x2 ({estimate}), +2 more"
    assert f"| page00.txt | 6 | {named} | 5 |" in rows


def test_markdown_escapes_table_cells(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(seed_path("002"), source / "a|b.txt")  # warnings name the file
    markdown = render_markdown(clean_corpus(source, None, FIGURES_DROPPED))
    assert "a\\|b.txt" in markdown


# --------------------------------------------------------------------------- terminal


def test_terminal_summary_has_timing_but_reports_do_not(seed_run):
    out, report, _ = seed_run
    summary = render_summary(report, 2.0, "cleaned")
    assert summary.startswith("cleaned 5 documents (0.07 MB) in 2.00 s")
    assert "duplicated blocks: 1 in 1 document" in summary
    assert "MB/s" not in (out / "_report.md").read_text(encoding="utf-8")
