"""Render a run's :class:`~cleaner.data.CleanReport`: ``_report.json``, Markdown, HTML, terminal.

``build_report`` turns the report into the documented JSON layout (schema
``cleaner.report/1``, kept in the package as ``report/schema.json``); the
Markdown and HTML renderings are made from that same data, so the files people
read can never disagree with the file machines read. The JSON, Markdown and HTML
reports are part of the output and byte-for-byte reproducible: no timings,
clocks or absolute paths. Timings go to the terminal summary only.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, fields
from importlib import resources
from typing import Any

from ..clean.normalize import extract_numbers
from ..data import CleanReport, Decoding, FileReport
from ..read.readers import input_glob
from .html.page import TextLookup, render_html_data
from .markdown import render_markdown_data

REPORT_SCHEMA = "cleaner.report/1"
SCHEMA_RESOURCE = "schema.json"
# The terminal summary stays on one screen; _report.json has every block and file.
SUMMARY_MAX_BLOCKS = 5
SUMMARY_MAX_SKIPPED = 20
DECODING_FIELDS = tuple(field.name for field in fields(Decoding))
# Where outputs went is a property of the invocation, not of the result, and may
# be an absolute path: it stays out of the report.
PRIVATE_SETTINGS = ("jsonl_path", "index_path")
# The signals whose spread the summary gives (every one is in each file's entry).
SUMMARIZED_SIGNALS = (
    "chars",
    "cjk_share",
    "duplicate_line_share",
    "top_2gram_share",
    "duplicate_5gram_share",
    "duplicate_10gram_share",
)
QUARTILE_NAMES = ("min", "q1", "median", "q3", "max")


def load_schema() -> dict[str, Any]:
    """Return the JSON Schema of ``_report.json`` shipped in the package.

    >>> load_schema()["properties"]["schema"]["const"] == REPORT_SCHEMA
    True
    """
    text = resources.files("cleaner.report").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def removed_by_class(report: CleanReport) -> Counter[str]:
    """Count removed lines (and fragments) per class over the whole run."""
    counts: Counter[str] = Counter()
    for file in report.files:
        for removal in file.removed:
            counts[removal.category] += 1
    return counts


def _removed_entry(line_no: int, category: str, rule: str, text: str, partial: bool) -> Any:
    entry: dict[str, Any] = {"line": line_no, "class": category, "rule": rule, "text": text}
    if partial:
        entry["partial"] = True
    numbers = extract_numbers(text)
    if numbers:
        entry["numbers"] = numbers
    return entry


def _file_entry(file: FileReport) -> dict[str, Any]:
    by_class: dict[str, int] = {}
    for removal in file.removed:
        by_class[removal.category] = by_class.get(removal.category, 0) + 1
    entry = _file_fields(file, by_class)
    if file.signals is not None:
        entry["signals"] = file.signals.as_dict()
    if file.filtered is not None:
        entry["filtered"] = asdict(file.filtered)
    return entry


def _file_fields(file: FileReport, by_class: dict[str, int]) -> dict[str, Any]:
    return {
        "path": file.source_path,
        "status": file.status,
        # Not asdict: its deep copy was most of the report's time on 20,000 files.
        "decoding": {name: getattr(file.decoding, name) for name in DECODING_FIELDS},
        "metadata": file.metadata.as_dict(),
        "lines_in": file.lines_in,
        "lines_out": file.lines_out,
        "chars_in": file.chars_in,
        "chars_out": file.chars_out,
        "normalization": dict(sorted(file.rule_counts.items())),
        "removed_by_class": dict(sorted(by_class.items())),
        "removed_lines": [
            _removed_entry(r.line_no, r.category, r.rule, r.text, r.partial) for r in file.removed
        ],
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


def _totals(report: CleanReport, numbers_removed: int | None = None) -> dict[str, Any]:
    """Count the run; ``numbers_removed`` when the caller already read the removed lines."""
    if numbers_removed is None:
        numbers_removed = sum(len(extract_numbers(r.text)) for f in report.files for r in f.removed)
    rules: Counter[str] = Counter()
    for file in report.files:
        rules.update(file.rule_counts)
    warning_kinds = Counter(w.kind for f in report.files for w in f.warnings)
    filtered = Counter(f.filtered.rule for f in report.files if f.filtered is not None)
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
        "normalization_by_rule": dict(sorted(rules.items())),
        "numbers_removed": numbers_removed,
        "warnings": sum(warning_kinds.values()),
        "warnings_by_kind": dict(sorted(warning_kinds.items())),
        "documents_filtered": sum(filtered.values()),
        "documents_filtered_by_rule": dict(sorted(filtered.items())),
        "signals": summarize_signals(report.files),
    }


def summarize_signals(files: Sequence[FileReport]) -> dict[str, Any]:
    """Summarize the documents' signals: languages, and quartiles of the shares that matter.

    Over every cleaned document (written, duplicate or filtered alike), so the
    figures describe the input as cleaned, before any decision.
    """
    measured = [f.signals for f in files if f.signals is not None]
    languages = Counter(s.language for s in measured)
    summary: dict[str, Any] = {
        "documents": len(measured),
        "languages": dict(sorted(languages.items(), key=lambda item: (-item[1], item[0]))),
        "traditional_documents": sum(
            1 for s in measured if s.traditional_share is not None and s.traditional_share > 0.5
        ),
    }
    for name in SUMMARIZED_SIGNALS:
        values = sorted(getattr(s, name) for s in measured)
        summary[name] = _quartiles(values)
    return summary


def _quartiles(values: list[float]) -> dict[str, float]:
    """Return the minimum, quartiles and maximum of sorted values (nearest rank; zeros if none)."""
    if not values:
        return dict.fromkeys(QUARTILE_NAMES, 0)
    last = len(values) - 1
    return {
        name: values[round(last * fraction)]
        for name, fraction in zip(QUARTILE_NAMES, (0, 0.25, 0.5, 0.75, 1), strict=True)
    }


def build_report(report: CleanReport) -> dict[str, Any]:
    """Return the report as plain JSON-ready data (the layout of ``_report.json``)."""
    files = [_file_entry(f) for f in report.files]
    removed_lines = [line for entry in files for line in entry["removed_lines"]]
    return {
        "schema": REPORT_SCHEMA,
        "settings": {
            **{k: v for k, v in asdict(report.config).items() if k not in PRIVATE_SETTINGS},
            "glob": input_glob(report.config),
        },
        "totals": _totals(report, sum(len(r.get("numbers", ())) for r in removed_lines)),
        "files": files,
        "skipped": [{"path": f.rel_path, "reason": f.reason} for f in report.failures],
        "clusters": [
            {
                "kept": cluster.kept,
                "size": 1 + len(cluster.dropped) + len(cluster.same_template),
                "dropped": [asdict(member) for member in cluster.dropped],
                "same_template": [asdict(member) for member in cluster.same_template],
            }
            for cluster in report.clusters
        ],
        # Only runs with --index have these: documents earlier runs already kept.
        **(
            {"index_duplicates": [asdict(d) for d in report.index_duplicates]}
            if report.config.index_path
            else {}
        ),
    }


def json_chunks(data: dict[str, Any]) -> Iterator[str]:
    r"""Yield ``_report.json``'s text in pieces: one record per line in the long lists.

    The files, clusters and skipped lists hold a record per input file: each is
    written on its own line (easy to grep, and made by json's C encoder, which
    ``indent`` would turn off: that was 5% of a run on 20,000 files). The rest is
    indented. Streamed, so the whole text is never held.

    >>> print("".join(json_chunks({"totals": {"a": 1}, "files": [{"path": "x"}], "skipped": []})))
    {
      "totals": {
        "a": 1
      },
      "files": [
        {"path": "x"}
      ],
      "skipped": []
    }
    <BLANKLINE>
    """
    yield "{"
    for position, (key, value) in enumerate(data.items()):
        yield ("\n  " if position == 0 else ",\n  ") + json.dumps(key, ensure_ascii=False) + ": "
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for index, record in enumerate(value):
                separator = "[\n    " if index == 0 else ",\n    "
                yield separator + json.dumps(record, ensure_ascii=False)
            yield "\n  ]"
        else:
            yield json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    yield "\n}\n" if data else "}\n"


def render_json(report: CleanReport) -> str:
    """Render ``_report.json``: UTF-8 text, stable key order, trailing newline."""
    return "".join(json_chunks(build_report(report)))


def render_markdown(report: CleanReport) -> str:
    """Render ``_report.md``: a summary short enough for a CI step summary."""
    return render_markdown_data(build_report(report))


def render_html(
    report: CleanReport, cleaned: TextLookup | None = None, original: TextLookup | None = None
) -> str:
    """Render ``_report.html``: one self-contained page (no network) for a browser.

    Args:
        report: the run's report.
        cleaned: returns the cleaned text of a document by id (kept or dropped), or
            None; near-duplicate documents are then shown side by side.
        original: returns the decoded input text of a document by id, or None;
            duplicated blocks are then shown beside the lines they repeat.

    """
    return render_html_data(build_report(report), cleaned, original)


def render_summary(report: CleanReport, seconds: float, output: str | None) -> str:
    """Render the end-of-run summary for the terminal (one screen, timings included)."""
    totals = _totals(report)
    megabytes = sum(f.bytes_in for f in report.files) / 1e6
    speed = f", {megabytes / seconds:.2f} MB/s" if seconds > 0 else ""
    lines = [
        f"cleaned {totals['files_read']} documents ({megabytes:.2f} MB) in {seconds:.2f} s{speed}",
        f"  read {totals['files_read']}  written {totals['files_written']}  "
        f"skipped {totals['files_skipped']}  "
        f"near-duplicate documents dropped {totals['documents_dropped_as_duplicates']}",
    ]
    if totals["documents_filtered"]:
        rules = ", ".join(f"{k} {v}" for k, v in totals["documents_filtered_by_rule"].items())
        lines.append(f"  filtered (not written): {totals['documents_filtered']} ({rules})")
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
        lines.append(f"  report: {output}/_report.md, {output}/_report.json, {output}/_report.html")
    return "\n".join(lines)
