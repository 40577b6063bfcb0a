"""Render the report data (the layout of ``_report.json``) as Markdown for people and CI.

The result fits a CI step summary (GitHub's ``$GITHUB_STEP_SUMMARY``): totals,
one table per kind of finding, the largest items first, each table cut at
``MARKDOWN_MAX_ROWS`` with a count of the rest. ``_report.json`` has everything.
Pure: data in, text out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

# Tables are cut here so a CI step summary stays readable; JSON has everything.
MARKDOWN_MAX_ROWS = 10
# Dropped members named per cluster row; the row counts the others.
MARKDOWN_MAX_MEMBERS = 3
# Rules named per class in the removals table.
MARKDOWN_TOP_RULES = 3


def cell(text: str, limit: int = 60) -> str:
    r"""Make text safe for one Markdown table cell, cut at ``limit`` characters.

    >>> cell("a|b\nc")
    'a\\|b c'
    >>> cell("x" * 10, limit=5)
    'xxxx…'
    """
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def table(
    header: list[str],
    rows: list[list[str]],
    max_rows: int | None = MARKDOWN_MAX_ROWS,
    rest_in: str = "`_report.json`",
) -> str:
    """Return a Markdown table; past ``max_rows`` rows, a line counts the rest (in ``rest_in``).

    >>> print(table(["a", "b"], [["1", "2"], ["3", "4"]], max_rows=1))
    | a | b |
    |---|---|
    | 1 | 2 |
    <BLANKLINE>
    … and 1 more (see `_report.json`).
    """
    shown = rows if max_rows is None else rows[:max_rows]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in shown]
    if len(rows) > len(shown):
        lines.append(f"\n\u2026 and {len(rows) - len(shown)} more (see {rest_in}).")
    return "\n".join(lines)


def _headline(totals: dict[str, Any]) -> str:
    return (
        f"**{totals['files_read']} files read**, {totals['files_written']} written, "
        f"{totals['files_skipped']} skipped \u00b7 {totals['lines_removed']} lines removed "
        f"\u00b7 {totals['duplicate_blocks']} duplicated block(s) in "
        f"{totals['documents_with_duplicate_blocks']} document(s) \u00b7 "
        f"{totals['documents_dropped_as_duplicates']} near-duplicate document(s) dropped "
        f"\u00b7 {totals['warnings']} warning(s)"
        + (
            f" \u00b7 {totals['documents_filtered']} filtered"
            if totals.get("documents_filtered")
            else ""
        )
    )


def _totals_table(totals: dict[str, Any]) -> str:
    rows = [
        ("files read", "files_read"),
        ("files written", "files_written"),
        ("files skipped", "files_skipped"),
        ("near-duplicate documents dropped", "documents_dropped_as_duplicates"),
        ("near-duplicate clusters", "duplicate_clusters"),
        ("documents with duplicated blocks", "documents_with_duplicate_blocks"),
        ("duplicated blocks removed", "duplicate_blocks"),
        ("lines removed", "lines_removed"),
        ("numbers on removed lines", "numbers_removed"),
        ("quality warnings", "warnings"),
        ("documents filtered", "documents_filtered"),
    ]
    return table(
        ["", "count"], [[label, str(totals[key])] for label, key in rows if key in totals], None
    )


def _classes_table(data: dict[str, Any]) -> str | None:
    by_class = data["totals"]["lines_removed_by_class"]
    if not by_class:
        return None
    rules: dict[str, Counter[str]] = defaultdict(Counter)
    files: Counter[str] = Counter()
    for file in data["files"]:
        for category in file["removed_by_class"]:
            files[category] += 1
        for removal in file["removed_lines"]:
            rules[removal["class"]][removal["rule"]] += 1
    ordered = sorted(by_class.items(), key=lambda item: (-item[1], item[0]))
    rows = [
        [
            category,
            str(count),
            str(files[category]),
            ", ".join(f"`{r}` {n}" for r, n in rules[category].most_common(MARKDOWN_TOP_RULES)),
        ]
        for category, count in ordered
    ]
    # The classes are a small fixed set: the table is never cut.
    return table(["class", "lines", "files", "top rules"], rows, None)


def _normalization_table(data: dict[str, Any]) -> str | None:
    by_rule = data["totals"]["normalization_by_rule"]
    if not by_rule:
        return None
    files = Counter(rule for f in data["files"] for rule in f["normalization"])
    ordered = sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))
    return table(
        ["rule", "changes", "files"], [[f"`{r}`", str(n), str(files[r])] for r, n in ordered]
    )


def _blocks_table(data: dict[str, Any]) -> str | None:
    blocks = [(f["path"], b) for f in data["files"] for b in f["duplicate_blocks"]]
    if not blocks:
        return None
    blocks.sort(key=lambda pair: (-pair[1]["paragraphs"], pair[0], pair[1]["lines"][0]))
    rows = [
        [
            cell(path),
            f"{b['lines'][0]}\u2013{b['lines'][1]}",
            f"{b['original_lines'][0]}\u2013{b['original_lines'][1]}",
            str(b["paragraphs"]),
            f"{b['similarity']:.3f}",
        ]
        for path, b in blocks
    ]
    return table(["file", "removed lines", "repeat lines", "paragraphs", "similarity"], rows)


def _clusters_table(data: dict[str, Any]) -> str | None:
    clusters = sorted(data["clusters"], key=lambda c: (-c["size"], c["kept"]))
    if not clusters:
        return None
    rows = []
    for cluster in clusters:
        members = cluster["dropped"]
        named = ", ".join(
            f"{cell(m['doc_id'], 40)} ({m['similarity']:.3f}"
            f"{' containment' if m.get('test') == 'containment' else ''})"
            for m in members[:MARKDOWN_MAX_MEMBERS]
        )
        if len(members) > MARKDOWN_MAX_MEMBERS:
            named += f", +{len(members) - MARKDOWN_MAX_MEMBERS} more"
        # Members kept as the same template (numbers matter) count here too.
        figures = sum(1 for m in members if m["differs_only_in_numbers"])
        figures += len(cluster.get("same_template", []))
        rows.append([cell(cluster["kept"]), str(cluster["size"]), named, str(figures)])
    header = ["kept", "documents", "dropped (similarity)", "only figures differ"]
    return table(header, rows)


def _warnings_table(data: dict[str, Any]) -> str | None:
    rows = [
        [cell(f["path"], 40), str(w["line"]), w["kind"], cell(w["text"], 40)]
        for f in data["files"]
        for w in f["warnings"]
    ]
    if not rows:
        return None
    kinds = ", ".join(f"{k} {n}" for k, n in data["totals"]["warnings_by_kind"].items())
    return f"By kind: {kinds}.\n\n" + table(["file", "line", "kind", "text"], rows)


def _signals_section(data: dict[str, Any]) -> str | None:
    """Languages of the documents, the spread of their main signals, and the filtered ones."""
    summary = data["totals"].get("signals")
    if not summary or not summary["documents"]:
        return None
    languages = ", ".join(f"{k} {v}" for k, v in summary["languages"].items())
    parts = [
        f"Languages: {languages}; mostly traditional script: "
        f"{summary['traditional_documents']} document(s)."
    ]
    rows = [
        [f"`{name}`", *(str(values[q]) for q in ("min", "q1", "median", "q3", "max"))]
        for name, values in summary.items()
        if isinstance(values, dict) and "median" in values
    ]
    parts.append(table(["signal", "min", "q1", "median", "q3", "max"], rows, None))
    filtered = [
        [
            cell(f["path"]),
            f"`{f['filtered']['rule']}`",
            str(f["filtered"]["value"]),
            str(f["filtered"]["threshold"]),
        ]
        for f in data["files"]
        if f.get("filtered")
    ]
    if filtered:
        by_rule = ", ".join(
            f"{k} {v}" for k, v in data["totals"]["documents_filtered_by_rule"].items()
        )
        parts.append(f"Filtered (not written): {len(filtered)} ({by_rule}).")
        parts.append(table(["file", "filter", "value", "threshold"], filtered))
    return "\n\n".join(parts)


def _skipped_table(data: dict[str, Any]) -> str | None:
    rows = [[cell(s["path"]), cell(s["reason"], 80)] for s in data["skipped"]]
    return table(["file", "reason"], rows) if rows else None


def render_markdown_data(data: dict[str, Any], level: int = 1) -> str:
    """Render report data as Markdown; ``level`` is the depth of the top heading."""
    top, sub = "#" * level, "#" * (level + 1)
    parts = [f"{top} Cleaning report", _headline(data["totals"]), _totals_table(data["totals"])]
    sections = (
        ("Lines removed by class", _classes_table(data), "None."),
        ("Duplicated blocks within documents", _blocks_table(data), "None."),
        ("Near-duplicate documents (largest clusters first)", _clusters_table(data), "None."),
        ("Quality warnings", _warnings_table(data), "None."),
        ("Document signals", _signals_section(data), None),
        ("Normalization", _normalization_table(data), "No change."),
        ("Skipped files", _skipped_table(data), None),
    )
    for title, body, empty in sections:
        text = body if body is not None else empty
        if text is not None:  # a section with nothing to say and no "None." is left out
            parts += [f"{sub} {title}", text]
    return "\n\n".join(parts) + "\n"
