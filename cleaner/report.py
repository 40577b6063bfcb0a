"""Render a run's :class:`~cleaner.data.CleanReport` as JSON, Markdown and a terminal summary.

The JSON and Markdown reports are part of the output and must be byte-for-byte
reproducible: they hold no timings, clocks or absolute paths. Timings go to the
terminal summary only.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from .data import CleanReport, FileReport
from .normalize import extract_numbers

REPORT_SCHEMA = "cleaner.report/1"
# Markdown lists are cut here so a CI step summary stays readable; JSON has everything.
MARKDOWN_MAX_ROWS = 20
# The terminal summary stays on one screen; _report.json has every block and file.
SUMMARY_MAX_BLOCKS = 5
SUMMARY_MAX_SKIPPED = 20


def removed_by_class(report: CleanReport) -> Counter[str]:
    """Count removed lines (and fragments) per class over the whole run."""
    counts: Counter[str] = Counter()
    for file in report.files:
        for removal in file.removed:
            counts[removal.category] += 1
    return counts


def _file_entry(file: FileReport) -> dict[str, Any]:
    removed = []
    for removal in file.removed:
        entry: dict[str, Any] = {
            "line": removal.line_no,
            "class": removal.category,
            "rule": removal.rule,
            "text": removal.text,
        }
        if removal.partial:
            entry["partial"] = True
        numbers = extract_numbers(removal.text)
        if numbers:
            entry["numbers"] = numbers
        removed.append(entry)
    return {
        "path": file.source_path,
        "status": file.status,
        "decoding": asdict(file.decoding),
        "metadata": file.metadata.as_dict(),
        "lines_in": file.lines_in,
        "lines_out": file.lines_out,
        "chars_in": file.chars_in,
        "chars_out": file.chars_out,
        "normalization": dict(sorted(file.rule_counts.items())),
        "removed_lines": removed,
        "warnings": [{"line": w.line_no, "kind": w.kind, "text": w.text} for w in file.warnings],
        "duplicate_blocks": [
            {
                "lines": list(block.lines),
                "original_lines": list(block.original_lines),
                "paragraphs": block.paragraphs,
                "similarity": block.similarity,
            }
            for block in file.duplicate_blocks
        ],
    }


def _totals(report: CleanReport) -> dict[str, Any]:
    numbers_removed = sum(len(extract_numbers(r.text)) for f in report.files for r in f.removed)
    return {
        "files_read": report.files_read,
        "files_written": report.files_written,
        "files_skipped": len(report.failures),
        "documents_dropped_as_duplicates": sum(len(c.dropped) for c in report.clusters),
        "duplicate_clusters": len(report.clusters),
        "documents_with_duplicate_blocks": sum(1 for f in report.files if f.duplicate_blocks),
        "duplicate_blocks": sum(len(f.duplicate_blocks) for f in report.files),
        "lines_removed": sum(len(f.removed) for f in report.files),
        "lines_removed_by_class": dict(sorted(removed_by_class(report).items())),
        "numbers_removed": numbers_removed,
        "warnings": sum(len(f.warnings) for f in report.files),
    }


def build_report(report: CleanReport) -> dict[str, Any]:
    """Return the report as plain JSON-ready data (the layout of ``_report.json``)."""
    return {
        "schema": REPORT_SCHEMA,
        # Where the JSONL copy went is a property of the invocation, not of the
        # result, and may be an absolute path: it stays out of the report.
        "settings": {k: v for k, v in asdict(report.config).items() if k != "jsonl_path"},
        "totals": _totals(report),
        "files": [_file_entry(f) for f in report.files],
        "skipped": [{"path": f.rel_path, "reason": f.reason} for f in report.failures],
        "clusters": [
            {
                "kept": cluster.kept,
                "dropped": [asdict(member) for member in cluster.dropped],
            }
            for cluster in report.clusters
        ],
    }


def render_json(report: CleanReport) -> str:
    """Render ``_report.json``: UTF-8 text, stable key order, trailing newline."""
    return json.dumps(build_report(report), ensure_ascii=False, indent=2) + "\n"


def _cell(text: str, limit: int = 60) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _table(header: list[str], rows: list[list[str]], total: int | None = None) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows[:MARKDOWN_MAX_ROWS]]
    hidden = (total if total is not None else len(rows)) - min(len(rows), MARKDOWN_MAX_ROWS)
    if hidden > 0:
        lines.append(f"\n\u2026 and {hidden} more (see `_report.json`).")
    return lines + [""]


def render_markdown(report: CleanReport) -> str:
    """Render ``_report.md``: a summary short enough for a CI step summary."""
    totals = _totals(report)
    out = ["# Cleaning report", ""]
    out += _table(
        ["", "count"],
        [
            ["files read", str(totals["files_read"])],
            ["files written", str(totals["files_written"])],
            ["files skipped", str(totals["files_skipped"])],
            ["near-duplicate documents dropped", str(totals["documents_dropped_as_duplicates"])],
            ["documents with duplicated blocks", str(totals["documents_with_duplicate_blocks"])],
            ["duplicated blocks removed", str(totals["duplicate_blocks"])],
            ["lines removed", str(totals["lines_removed"])],
            ["numbers on removed lines", str(totals["numbers_removed"])],
        ],
    )
    out += ["## Lines removed by class", ""]
    by_class = totals["lines_removed_by_class"]
    out += (
        _table(["class", "lines"], [[k, str(v)] for k, v in by_class.items()])
        if by_class
        else [
            "None.",
            "",
        ]
    )
    out += ["## Duplicated blocks within documents", ""]
    block_rows = [
        [
            _cell(f.source_path),
            f"{b.lines[0]}\u2013{b.lines[1]}",
            f"{b.original_lines[0]}\u2013{b.original_lines[1]}",
            str(b.paragraphs),
            f"{b.similarity:.3f}",
        ]
        for f in report.files
        for b in f.duplicate_blocks
    ]
    header = ["file", "removed lines", "repeat lines", "paragraphs", "similarity"]
    out += _table(header, block_rows) if block_rows else ["None.", ""]
    out += ["## Near-duplicate documents", ""]
    clusters = sorted(report.clusters, key=lambda c: (-len(c.dropped), c.kept))
    cluster_rows = [
        [
            _cell(c.kept),
            _cell(m.doc_id),
            f"{m.similarity:.3f}",
            "yes" if m.differs_only_in_numbers else "no",
        ]
        for c in clusters
        for m in c.dropped
    ]
    header = ["kept", "dropped", "similarity", "only figures differ"]
    out += _table(header, cluster_rows) if cluster_rows else ["None.", ""]
    if report.failures:
        out += ["## Skipped files", ""]
        out += _table(
            ["file", "reason"], [[_cell(f.rel_path), _cell(f.reason, 80)] for f in report.failures]
        )
    return "\n".join(out).rstrip("\n") + "\n"


def render_summary(report: CleanReport, seconds: float, output: str | None) -> str:
    """Render the end-of-run summary for the terminal (one screen, timings included)."""
    totals = _totals(report)
    megabytes = sum(f.bytes_in for f in report.files) / 1e6
    speed = f", {megabytes / seconds:.2f} MB/s" if seconds > 0 else ""
    lines = [
        f"cleaned {totals['files_read']} files ({megabytes:.2f} MB) in {seconds:.2f} s{speed}",
        f"  read {totals['files_read']}  written {totals['files_written']}  "
        f"skipped {totals['files_skipped']}  "
        f"near-duplicate documents dropped {totals['documents_dropped_as_duplicates']}",
    ]
    by_class = totals["lines_removed_by_class"]
    if by_class:
        parts = ", ".join(f"{k} {v}" for k, v in by_class.items())
        lines.append(f"  lines removed: {totals['lines_removed']} ({parts})")
    else:
        lines.append("  lines removed: 0")
    lines.append(
        f"  duplicated blocks: {totals['duplicate_blocks']} in "
        f"{totals['documents_with_duplicate_blocks']} document(s)"
    )
    blocks = [(f.source_path, b) for f in report.files for b in f.duplicate_blocks]
    for path, block in blocks[:SUMMARY_MAX_BLOCKS]:
        lines.append(
            f"    {path}: lines {block.lines[0]}-{block.lines[1]} repeat "
            f"{block.original_lines[0]}-{block.original_lines[1]} "
            f"(similarity {block.similarity:.2f})"
        )
    if len(blocks) > SUMMARY_MAX_BLOCKS:
        lines.append(f"    ... and {len(blocks) - SUMMARY_MAX_BLOCKS} more (see the report)")
    for failure in report.failures[:SUMMARY_MAX_SKIPPED]:
        lines.append(f"  skipped {failure.rel_path}: {failure.reason}")
    if len(report.failures) > SUMMARY_MAX_SKIPPED:
        hidden = len(report.failures) - SUMMARY_MAX_SKIPPED
        lines.append(f"  ... and {hidden} more skipped (every one is listed in _report.json)")
    if output:
        lines.append(f"  report: {output}/_report.md, {output}/_report.json")
    return "\n".join(lines)
