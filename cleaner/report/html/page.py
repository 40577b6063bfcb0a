"""Render the report data (the layout of ``_report.json``) as one self-contained HTML page.

The page has the totals, bar charts of removals by class and of cluster sizes,
each near-duplicate pair and each duplicated block side by side with the
differing characters marked, and every file's removed lines with their reasons.
Styles, script and charts are inline and a Content-Security-Policy forbids any
fetch, so the page opens offline (from a CI artifact, say). Deterministic, like
the other reports. Pure: data (and text lookups) in, text out.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ...read.texts import TextLookup as TextLookup  # doc_id -> text, or None
from .parts import bar_chart, esc, side_by_side
from .static import PAGE_SCRIPT, PAGE_STYLE

REPORT_HTML = "_report.html"
# Beyond these the page would be too heavy to open; _report.json has everything.
HTML_MAX_PAIRS = 50
HTML_MAX_BLOCKS = 50
HTML_MAX_FILES = 500
HTML_MAX_REMOVED_PER_FILE = 300
# A small run shows every file unfolded; a large one starts folded.
HTML_OPEN_FILES = 10
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295",
)  # fmt: skip
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
LEGEND = (
    '<p class="note">Characters only on the left are marked <mark class="del">red</mark>, '
    'only on the right <mark class="ins">green</mark>; identical runs are folded.</p>'
)
TOTAL_CARDS = (
    ("files_read", "files read"),
    ("files_written", "files written"),
    ("files_skipped", "files skipped"),
    ("documents_dropped_as_duplicates", "near-duplicate documents dropped"),
    ("duplicate_blocks", "duplicated blocks removed"),
    ("lines_removed", "lines removed"),
    ("numbers_removed", "numbers on removed lines"),
    ("warnings", "quality warnings"),
    ("documents_filtered", "documents filtered"),
)


def class_colours(data: dict[str, Any]) -> dict[str, str]:
    """Give every removal class a fixed colour (classes sorted by name).

    >>> class_colours({"totals": {"lines_removed_by_class": {"b": 1, "a": 2}}})
    {'a': '#4e79a7', 'b': '#f28e2b'}
    """
    classes = sorted(data["totals"]["lines_removed_by_class"])
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(classes)}


def _numbered(text: str, first: int = 1, last: int | None = None) -> list[tuple[int, str]]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    stop = len(lines) if last is None else min(last, len(lines))
    return [(number, lines[number - 1]) for number in range(first, stop + 1)]


def _totals(data: dict[str, Any]) -> str:
    totals = data["totals"]
    cards = "".join(
        f'<div class="card" data-total="{key}"><span class="num">{totals[key]}</span>'
        f'<span class="label">{esc(label)}</span></div>'
        for key, label in TOTAL_CARDS
        if key in totals
    )
    summary = totals.get("signals")
    if summary and summary["documents"]:
        languages = ", ".join(f"{k} {v}" for k, v in summary["languages"].items())
        cards += (
            f'<div class="card" data-total="languages"><span class="num">{esc(languages)}</span>'
            '<span class="label">documents by language</span></div>'
        )
    dedup = data["settings"]["dedup"]
    settings = (
        f"schema {esc(data['schema'])} \u00b7 Jaccard threshold {dedup['jaccard_threshold']} "
        f"\u00b7 {dedup['shingle_chars']}-character shingles \u00b7 keep {esc(dedup['keep'])} "
        f"\u00b7 glob {esc(data['settings']['glob'])}"
    )
    return f'<p class="sub">{settings}</p><section id="totals" class="cards">{cards}</section>'


def _charts(data: dict[str, Any], colours: dict[str, str]) -> str:
    by_class = sorted(
        data["totals"]["lines_removed_by_class"].items(), key=lambda item: (-item[1], item[0])
    )
    removals = bar_chart(
        "Lines removed by class", [(k, v, colours[k]) for k, v in by_class], "chart-classes"
    )
    sizes = Counter(cluster["size"] for cluster in data["clusters"])
    clusters = bar_chart(
        "Near-duplicate clusters by size (documents per cluster)",
        [(f"{size} documents", count, PALETTE[0]) for size, count in sorted(sizes.items())],
        "chart-clusters",
    )
    return f'<section id="charts" class="charts">{removals}{clusters}</section>'


def _pairs(data: dict[str, Any], cleaned: TextLookup | None) -> str:
    clusters = sorted(data["clusters"], key=lambda c: (-c["size"], c["kept"]))
    pairs = [(c["kept"], m) for c in clusters for m in c["dropped"] + c.get("same_template", [])]
    if not pairs:
        return '<section id="pairs"><h2>Near-duplicate documents</h2><p>None.</p></section>'
    templates = [m for c in clusters for m in c.get("same_template", [])]
    items = []
    for kept, member in pairs[:HTML_MAX_PAIRS]:
        figures = " \u00b7 only figures differ" if member["differs_only_in_numbers"] else ""
        template = member in templates
        verdict = "kept: same template as" if template else "dropped as a near-duplicate of"
        measure = "containment" if member.get("test") == "containment" else "similarity"
        summary = (
            f"<summary>{esc(member['doc_id'])} {verdict} "
            f"{esc(kept)} \u00b7 {measure} {member['similarity']:.3f}{figures}</summary>"
        )
        kept_text = cleaned(kept) if cleaned else None
        dropped_text = cleaned(member["doc_id"]) if cleaned else None
        if kept_text is None or dropped_text is None:
            body = '<p class="note">The cleaned texts were not given to the report.</p>'
        else:
            titles = (f"kept: {kept}", f"{'kept' if template else 'dropped'}: {member['doc_id']}")
            body = side_by_side(_numbered(kept_text), _numbered(dropped_text), titles)
        items.append(f'<details class="pair" open>{summary}{body}</details>')
    more = _more(len(pairs) - HTML_MAX_PAIRS, "pair")
    dropped = len(pairs) - len(templates)
    counts = f"{dropped} dropped, {len(templates)} same template"
    title = f"<h2>Near-duplicate documents ({counts})</h2>{LEGEND}"
    return f'<section id="pairs">{title}{"".join(items)}{more}</section>'


def _block_body(file: dict[str, Any], block: dict[str, Any], original: TextLookup | None) -> str:
    (o_first, o_last), (first, last) = block["original_lines"], block["lines"]
    text = original(file["path"]) if original else None
    if text is None:
        removed = [
            (r["line"], r["text"])
            for r in file["removed_lines"]
            if r["class"] == "duplicate" and first <= r["line"] <= last
        ]
        note = '<p class="note">The input text was not given; the removed copy:</p>'
        return note + side_by_side([], removed, ("repeated lines", "removed lines"))
    titles = (f"lines {o_first}\u2013{o_last} (kept)", f"lines {first}\u2013{last} (removed)")
    return side_by_side(_numbered(text, o_first, o_last), _numbered(text, first, last), titles)


def _blocks(data: dict[str, Any], original: TextLookup | None) -> str:
    blocks = [(f, b) for f in data["files"] for b in f["duplicate_blocks"]]
    if not blocks:
        return (
            '<section id="blocks"><h2>Duplicated blocks within documents</h2><p>None.</p></section>'
        )
    items = []
    for file, block in blocks[:HTML_MAX_BLOCKS]:
        (o_first, o_last), (first, last) = block["original_lines"], block["lines"]
        summary = (
            f"<summary>{esc(file['path'])}: lines {first}\u2013{last} repeat lines "
            f"{o_first}\u2013{o_last} \u00b7 {block['paragraphs']} paragraph(s) \u00b7 "
            f"similarity {block['similarity']:.3f}</summary>"
        )
        items.append(
            f'<details class="block" open>{summary}{_block_body(file, block, original)}</details>'
        )
    more = _more(len(blocks) - HTML_MAX_BLOCKS, "block")
    title = f"<h2>Duplicated blocks within documents ({len(blocks)})</h2>{LEGEND}"
    return f'<section id="blocks">{title}{"".join(items)}{more}</section>'


def _definition_list(values: dict[str, Any]) -> str:
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in values.items())
    return f"<dl>{items}</dl>" if items else ""


def _removed_table(file: dict[str, Any], colours: dict[str, str]) -> str:
    removed = file["removed_lines"]
    if not removed:
        return "<p>No line removed.</p>"
    rows = []
    for r in removed[:HTML_MAX_REMOVED_PER_FILE]:
        colour = colours.get(r["class"], PALETTE[-1])
        partial = ' <span class="tag">fragment</span>' if r.get("partial") else ""
        rows.append(
            f'<tr data-class="{esc(r["class"])}"><td class="ln">{r["line"]}</td>'
            f'<td><span class="badge" style="background:{colour}">{esc(r["class"])}</span></td>'
            f'<td>{esc(r["rule"])}</td><td class="tx">{esc(r["text"])}{partial}</td>'
            f"<td>{esc(' '.join(r.get('numbers', [])))}</td></tr>"
        )
    head = "<tr><th>line</th><th>class</th><th>rule</th><th>removed text</th><th>numbers</th></tr>"
    more = _more(len(removed) - HTML_MAX_REMOVED_PER_FILE, "removed line")
    return (
        f'<table class="removed" lang="zh-Hans"><thead>{head}</thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{more}"
    )


def _warnings_table(file: dict[str, Any]) -> str:
    if not file["warnings"]:
        return ""
    rows = "".join(
        f'<tr><td class="ln">{w["line"]}</td><td>{esc(w["kind"])}</td>'
        f'<td class="tx">{esc(w["text"])}</td></tr>'
        for w in file["warnings"]
    )
    head = "<tr><th>line</th><th>warning</th><th>text</th></tr>"
    table = (
        f'<table class="warnings" lang="zh-Hans"><thead>{head}</thead><tbody>{rows}</tbody></table>'
    )
    return f"<h4>Quality warnings</h4>{table}"


def _file_section(file: dict[str, Any], colours: dict[str, str], unfold: bool) -> str:
    removed, warnings = len(file["removed_lines"]), len(file["warnings"])
    decoding = file["decoding"]
    facts = {
        "status": file["status"],
        "encoding": f"{decoding['encoding']} (by {decoding['decided_by']}, "
        f"confidence {decoding['confidence']:.2f}, {decoding['replacements']} replacement(s))",
        "lines": f"{file['lines_in']} in, {file['lines_out']} out",
        "characters": f"{file['chars_in']} in, {file['chars_out']} out",
        "normalization": ", ".join(f"{k} {v}" for k, v in file["normalization"].items()) or "none",
    }
    if file.get("signals"):
        facts["signals"] = ", ".join(f"{k} {v}" for k, v in file["signals"].items())
    if file.get("filtered"):
        why = file["filtered"]
        facts["filtered"] = (
            f"{why['rule']}: {why['signal']} {why['value']} (threshold {why['threshold']})"
        )
    summary = (
        f'<summary><span class="path">{esc(file["path"])}</span> \u00b7 {esc(file["status"])} '
        f"\u00b7 {removed} removed \u00b7 {len(file['duplicate_blocks'])} duplicated block(s) "
        f"\u00b7 {warnings} warning(s)</summary>"
    )
    body = (
        _definition_list(facts)
        + _definition_list(file["metadata"])
        + "<h4>Removed lines</h4>"
        + _removed_table(file, colours)
        + _warnings_table(file)
    )
    findings = removed + warnings + len(file["duplicate_blocks"])
    return (
        f'<details class="file" data-path="{esc(file["path"])}" data-findings="{findings}"'
        f"{' open' if unfold and findings else ''}>"
        f"{summary}{body}</details>"
    )


def _files(data: dict[str, Any], colours: dict[str, str]) -> str:
    files = data["files"]
    unfold = len(files) <= HTML_OPEN_FILES
    sections = "".join(_file_section(f, colours, unfold) for f in files[:HTML_MAX_FILES])
    tools = (
        '<div class="tools"><input id="file-filter" type="search" placeholder="filter by path">'
        '<label><input id="only-findings" type="checkbox"> only files with findings</label>'
        '<button id="expand-all" type="button">expand all</button>'
        '<button id="collapse-all" type="button">collapse all</button>'
        f'<span id="file-count">{min(len(files), HTML_MAX_FILES)} of {len(files)} files</span>'
        "</div>"
    )
    more = _more(len(files) - HTML_MAX_FILES, "file")
    return f'<section id="files"><h2>Files</h2>{tools}{sections}{more}</section>'


def _skipped(data: dict[str, Any]) -> str:
    if not data["skipped"]:
        return ""
    rows = "".join(
        f'<tr><td class="path">{esc(s["path"])}</td><td>{esc(s["reason"])}</td></tr>'
        for s in data["skipped"]
    )
    return (
        f'<section id="skipped"><h2>Skipped files ({len(data["skipped"])})</h2>'
        "<table><thead><tr><th>file</th><th>reason</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _more(hidden: int, noun: str) -> str:
    return (
        f'<p class="more">\u2026 and {hidden} more {noun}(s) in _report.json.</p>'
        if hidden > 0
        else ""
    )


def render_html_data(
    data: dict[str, Any], cleaned: TextLookup | None = None, original: TextLookup | None = None
) -> str:
    """Render report data as a self-contained HTML page (see ``report.render_html``)."""
    colours = class_colours(data)
    body = (
        "<h1>Cleaning report</h1>"
        + _totals(data)
        + _charts(data, colours)
        + _pairs(data, cleaned)
        + _blocks(data, original)
        + _files(data, colours)
        + _skipped(data)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Cleaning report</title><style>{PAGE_STYLE}</style></head>"
        f"<body>{body}<script>{PAGE_SCRIPT}</script></body></html>\n"
    )
