"""The report of a run: assembled from the records, rendered, and written into OUT."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..data import CleanConfig, CleanReport, FileFailure
from ..errors import OutputError
from ..read.manifest import MANIFEST
from ..read.names import printable_path
from ..read.staged import Location
from ..read.texts import chain_texts, directory_texts, location_texts, source_texts
from ..write.confined import write_inside
from ..write.files import CORPUS_JSONL, REPORT_JSON, REPORT_MARKDOWN
from ..write.lock import LOCK_FILE
from .html.page import REPORT_HTML, render_html_data
from .markdown import render_markdown_data
from .render import build_report, json_chunks

if TYPE_CHECKING:
    from ..dedup.decide import Duplicates
    from ..engine.cleaned import Cleaned
    from ..read.plan import InputPlan

# Names an input file may not have: the run writes files of these names into OUT.
RESERVED_NAMES = frozenset(
    {REPORT_JSON, REPORT_MARKDOWN, REPORT_HTML, CORPUS_JSONL, LOCK_FILE, MANIFEST}
)


def assemble_report(
    cleaned: Cleaned,
    duplicates: Duplicates,
    passed_over: Sequence[FileFailure],
    config: CleanConfig,
) -> CleanReport:
    """Return the report of a run: every document's record with its status, and the failures."""
    dropped = duplicates.dropped()
    files = tuple(
        replace(p.report, status="duplicate") if p.report.doc_id in dropped else p.report
        for p in cleaned.processed
    )
    failures = sorted([*passed_over, *cleaned.failures], key=lambda f: f.rel_path)
    return CleanReport(files, tuple(failures), duplicates.clusters, config, duplicates.from_index)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A run's reports: the JSON data (streamed when written), the Markdown and the HTML."""

    data: dict[str, Any]
    markdown: str
    html: str


def render_reports(report: CleanReport, cleaned: Cleaned, plan: InputPlan, out: Path) -> Rendered:
    """Build the report data once and render each file from it.

    The HTML report shows the pairs of duplicates side by side: their texts are
    read where pass 2 staged them, or, once a kept text is in place, in OUT.
    """
    shown = _texts_shown(report, cleaned)
    names = {p.report.doc_id: p.name for p in cleaned.processed}
    texts = chain_texts(location_texts(shown), directory_texts(out, names))
    data = build_report(report)
    source = source_texts(Path(plan.root), report.config.sample_bytes)
    html = render_html_data(data, texts, source)
    return Rendered(data, render_markdown_data(data), html)


def _texts_shown(report: CleanReport, cleaned: Cleaned) -> dict[str, Location]:
    """Return where the texts of the documents in duplicate pairs are (not failed ones)."""
    paired = {c.kept for c in report.clusters}
    paired.update(m.doc_id for c in report.clusters for m in (*c.dropped, *c.same_template))
    return {
        file.doc_id: cleaned.location(position)
        for position, file in enumerate(report.files)
        if file.doc_id in paired and file.status != "failed"
    }


def write_reports(rendered: Rendered, out: Path, work_dir: str | None) -> None:
    """Write the JSON, Markdown and HTML reports into OUT."""
    temp_dir = Path(work_dir) if work_dir is not None else out
    try:  # through no link in OUT
        write_inside(out, REPORT_JSON, json_chunks(rendered.data), temp_dir)
        write_inside(out, REPORT_MARKDOWN, rendered.markdown, temp_dir)
        write_inside(out, REPORT_HTML, rendered.html, temp_dir)
    except OSError as error:
        shown = printable_path(str(out))
        raise OutputError(f"cannot write the report into {shown}: {error}") from error
