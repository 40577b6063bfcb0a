"""Wire the stages in order: read, clean, deduplicate, write, report.

This is the only module that knows the order. ``clean_text`` cleans one text in
memory; ``clean_corpus`` runs a whole input (a tree of files, or files of
records) into an output directory. A run is streamed: pass 1 reads every
document that may hold a site's template lines and counts them; pass 2 cleans
each task of documents on the engine, stages what it will write and keeps a
small record; then the duplicates are decided from the records, the writers put
the kept documents in place while the reports are rendered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .clean.document import clean_text as clean_text
from .data import CleanConfig, CleanReport, Document
from .dedup.decide import find_duplicates, index_kept
from .engine import Progress, start_engine
from .engine.cleaned import clean_all
from .engine.frequent import count_frequent_lines
from .engine.parallel import default_jobs, rare_collections
from .engine.workers import RunState
from .read.plan import plan_input
from .report.files import RESERVED_NAMES, assemble_report, render_reports, write_reports
from .write.files import check_paths
from .write.lock import hold_output
from .write.outputs import finish_writing, start_writing
from .write.resume import EarlierRun, remember_run
from .write.spool import SPOOLED_OUT, CleanedDocuments, spool_documents, spool_folder


def clean_corpus(
    input_path: str | Path,
    output_dir: str | Path | None,
    config: CleanConfig = CleanConfig(),
    progress: Progress | None = None,
    jobs: int | None = None,
    resume: bool = False,
    engine: str = "local",
    ray_address: str | None = None,
) -> CleanReport:
    """Clean every matching file under ``input_path`` into ``output_dir``; return the report.

    ``input_path`` may be a directory (walked recursively with ``config.glob``) or
    one file; files of records (JSON Lines, Parquet, WARC/WET) give a document a
    record. With ``output_dir=None`` nothing is written (an analysis, as ``clean
    check`` does). ``jobs`` processes share the work (default: every core); the
    result is the same for any number, and on ``engine="ray"`` (a Ray cluster at
    ``ray_address``, or one started on this machine). What cannot be read is
    skipped and listed in the report; the input is never written to.

    Raises:
        UsageProblem: the output would overlap the input, or no file matches.
        OutputError: the reports or the outputs cannot be written.

    """
    input_path = Path(input_path)
    out = None if output_dir is None else Path(output_dir)
    if out is not None:
        check_paths(input_path, out)
    jobs = jobs or default_jobs()
    plan = plan_input(input_path, config, out, jobs, RESERVED_NAMES)
    runner = start_engine(engine, ray_address, jobs, progress, config, resume)
    try:
        with hold_output(out) as work_dir, rare_collections():  # one run at a time in OUT
            state = RunState(plan.root, config, {}, work_dir)
            earlier = EarlierRun.load(out, plan, config) if resume else EarlierRun.none()
            # Pass 1: each site's template lines (files unchanged since --resume's last run
            # are not read again).
            speculate = engine == "local" and earlier.out is None
            lines = count_frequent_lines(plan.tasks, state, runner, earlier.edge_keys, speculate)
            state = replace(state, frequent=lines.frequent, speculative=lines.speculative)
            state = replace(state, speculative_records=lines.speculative_records)
            reused = earlier.reusable(lines.frequent)
            # Pass 2: every document cleaned, its output staged.
            cleaned = clean_all(plan.tasks, state, runner, lines, reused, earlier.out)
            duplicates = find_duplicates(cleaned, config, runner)
            report = assemble_report(cleaned, duplicates, plan.passed_over, config)
            if out is None:
                return report
            writing = start_writing(cleaned, report, earlier, out, config, runner)
            rendered = render_reports(report, cleaned, plan, out)  # while the writers write
            report, unwritten = finish_writing(writing, report)
            if unwritten:
                rendered = render_reports(report, cleaned, plan, out)
            remember_run(earlier, report, cleaned, lines.edges, config)
            index_kept(duplicates, report, config)
            write_reports(rendered, out, work_dir)
            writing.raise_copy_error()
            return report
    finally:
        runner.close()


def clean_documents(
    documents: Iterable[Mapping[str, Any] | Document],
    config: CleanConfig = CleanConfig(),
    jobs: int | None = None,
) -> CleanedDocuments:
    r"""Clean documents given in memory, as a step of another pipeline or in a notebook.

    Each document is a mapping (its text under ``config.text_key``, its id under
    ``config.id_key``, any other field passed through into the metadata) or a
    ``Document``. They are cleaned and deduplicated as a corpus, exactly as
    ``clean_corpus`` cleans JSON Lines; iterate the result for the kept ones.

    >>> with clean_documents([{"id": "a", "text": "\u5e02\u533b\u4fdd\u5c40"}], jobs=1) as kept:
    ...     [(d["id"], d["text"]) for d in kept], kept.report.files_written
    ([('a', '市医保局\n')], 1)
    """
    with spool_folder() as folder:
        source = spool_documents(documents, folder, config.text_key, config.id_key)
        settings = replace(config, glob=None, input_format="jsonl", output_format="jsonl")
        settings = replace(settings, compression="none", shard_bytes=0, jsonl_path=None)
        report = clean_corpus(source, folder / SPOOLED_OUT, settings, jobs=jobs)
        return CleanedDocuments(folder, report)
