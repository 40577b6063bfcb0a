"""The report files: deterministic, complete, readable."""

from __future__ import annotations

from cleaner.report import render_markdown, render_summary


def test_report_has_no_paths_of_the_machine(seed_run):
    out, _, _ = seed_run
    for name in ("_report.json", "_report.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert str(out.parent) not in text
        assert "/tmp" not in text and "/work" not in text


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
    assert entry["decoding"] == {
        "encoding": "utf-8",
        "decided_by": "utf-8",
        "confidence": 1.0,
        "replacements": 0,
    }
    assert entry["normalization"]["odd-whitespace"] > 0


def test_partial_removal_is_marked(seed_run):
    _, _, data = seed_run
    entry = next(f for f in data["files"] if f["path"].startswith("000_"))
    attributions = [r for r in entry["removed_lines"] if r["class"] == "attribution"]
    assert attributions and all(r.get("partial") for r in attributions)


def test_markdown_summary(seed_run):
    _, report, _ = seed_run
    markdown = render_markdown(report)
    assert markdown.startswith("# Cleaning report\n")
    assert "| files read | 5 |" in markdown
    assert "| documents with duplicated blocks | 1 |" in markdown
    assert "| 004_4d4430e8f8b321f2.txt | 127\u2013227 | 13\u2013113 | 51 | 1.000 |" in markdown
    assert "## Near-duplicate documents\n\nNone." in markdown


def test_terminal_summary_has_timing_but_reports_do_not(seed_run):
    out, report, _ = seed_run
    summary = render_summary(report, 2.0, "cleaned")
    assert summary.startswith("cleaned 5 files (0.07 MB) in 2.00 s")
    assert "duplicated blocks: 1 in 1 document" in summary
    assert "MB/s" not in (out / "_report.md").read_text(encoding="utf-8")
