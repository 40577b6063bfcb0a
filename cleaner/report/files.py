"""The report files of a run: built once, rendered, and written into OUT.

``_report.json`` is the longest to write; a forked child writes it as soon as
the report data is built, while the run renders the HTML and Markdown
(``Alongside``), unless the run is too large for children (see
``pipeline.ALONGSIDE_MAX_FILES``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from ..data import CleanConfig, CleanReport, DuplicateCluster, FileReport
from ..engine.parallel import Alongside
from ..engine.workers import Processed
from ..errors import OutputError
from ..write.confined import write_inside
from ..write.files import REPORT_JSON, REPORT_MARKDOWN
from ..write.resume import Entry
from ..write.staging import Location
from .html.page import REPORT_HTML, render_html_data
from .markdown import render_markdown_data
from .render import build_report, json_chunks
from .texts import chain_texts, directory_texts, location_texts, source_texts


def texts_shown(
    entries: list[tuple[int, str, Processed]],
    files: list[FileReport],
    clusters: tuple[DuplicateCluster, ...],
    texts: Callable[[int], Location],
    reused: dict[str, Entry],
    config: CleanConfig,
) -> dict[str, Location]:
    """Return where the texts the HTML report shows side by side wait, by document.

    The work directory holds the texts of dropped documents, and of kept ones
    until they are placed (they may be on their way to OUT as the report is
    rendered: a text no longer staged is looked up in OUT). Only the texts of
    pairs are shown.
    """
    paired = {c.kept for c in clusters}
    paired.update(m.doc_id for c in clusters for m in (*c.dropped, *c.same_template))
    return {
        p.report.doc_id: texts(index)
        for (index, rel, p), file in zip(entries, files, strict=True)
        if p.report.doc_id in paired and rel not in reused and file.status != "failed"
    }


# A run's reports: the JSON being written by a child, the Markdown and the HTML.
Rendered = tuple[Alongside, str, str]


def render_reports(
    report: CleanReport,
    shown: dict[str, Location],
    root: Path,
    output_dir: Path,
    work_dir: Path,
    config: CleanConfig,
    alongside: bool,
) -> Rendered:
    """Build the report data once; write the JSON (in a child: ``alongside``), render the rest."""
    cleaned = chain_texts(location_texts(shown), directory_texts(output_dir))
    # On 100,000 files the report is most of what a run holds: the JSON is streamed.
    data = build_report(report)
    writing_json = Alongside(
        partial(write_inside, output_dir, REPORT_JSON, json_chunks(data), work_dir), alongside
    )
    html = render_html_data(data, cleaned, source_texts(root, config.sample_bytes))
    return writing_json, render_markdown_data(data), html


def write_reports(rendered: Rendered, output_dir: Path, work_dir: Path) -> None:
    """Write the Markdown and HTML reports into OUT, and wait for the JSON."""
    writing_json, markdown, html = rendered
    try:
        write_inside(output_dir, REPORT_MARKDOWN, markdown, work_dir)
        write_inside(output_dir, REPORT_HTML, html, work_dir)
    except OSError as error:
        raise OutputError(f"cannot write the report into {output_dir}: {error}") from error
    finally:
        error_in_json = writing_json.wait()
    if error_in_json is not None:
        raise OutputError(f"cannot write the report into {output_dir}: {error_in_json}")
