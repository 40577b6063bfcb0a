"""Wire the stages in order: read, decode, normalize, boilerplate, dedup, write, report.

This is the only module that knows the order. ``clean_text`` cleans one text in
memory; ``clean_corpus`` runs a whole input tree into an output directory.

A corpus is streamed: no text is held across files. Pass 1 (only when the
corpus-level line count is on) reads every file and keeps the keys of its edge
lines; pass 2 cleans each file, writes the result to a work directory inside
the output and keeps a small record (the report entry and a MinHash signature);
then duplicate clusters are found from the signatures, and the kept files are
renamed into place. Both passes run on ``jobs`` processes.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

from .clean.document import clean_text as clean_text
from .data import (
    CleanConfig,
    CleanReport,
    FileFailure,
    FileReport,
    IndexDuplicate,
)
from .dedup.index.incremental import add_to_index, deduplicate_with_index
from .engine.frequent import count_frequent_lines, settle_speculation
from .engine.local import ENGINES, RAY_INSTALL_HINT, Engine, LocalEngine, Progress
from .engine.parallel import Alongside, default_jobs
from .engine.workers import RunState, is_html
from .errors import OutputError, UsageProblem
from .read.files import printable_path, scan_files
from .read.html import INSTALL_HINT, extraction_available
from .report.files import Rendered, render_reports, texts_shown, write_reports
from .report.html.page import REPORT_HTML
from .write.confined import make_work_dir, take_out
from .write.files import (
    CORPUS_JSONL,
    REPORT_JSON,
    REPORT_MARKDOWN,
    WORK_DIR,
    clear_stale_temporaries,
)
from .write.lock import LOCK_FILE, lock_output
from .write.place import finish_jsonl_writing, finish_placing, place_outputs
from .write.resume import (
    MANIFEST,
    Entry,
    frequent_key,
    input_stamp,
    load_manifest,
    path_key,
    reusable,
    save_manifest,
)
from .write.staging import WHOLE_FILE, Location, batch_path, staged_location

# Objects allocated before a young collection, and collections before the next
# older one (Python's defaults: 700, 10, 10); see rare_collections.
RUN_GC_THRESHOLDS = (50_000, 20, 100)
RESERVED_OUTPUT_NAMES = frozenset({REPORT_JSON, REPORT_MARKDOWN, REPORT_HTML, CORPUS_JSONL})
OWN_NAMES = RESERVED_OUTPUT_NAMES | {LOCK_FILE, MANIFEST}
# Runs up to this many files write their outputs in forked children. A child that
# walks the run's records copies the pages it touches (reference counts are
# writes): on 200,000 files the children held 760 MB more, 2 GB in all, for a
# tail that is a few seconds of a 90-second run.
ALONGSIDE_MAX_FILES = 50_000


def check_paths(input_path: Path, output_dir: Path) -> None:
    """Refuse an output directory that would write into the input (or hold it)."""
    source = input_path.resolve()
    root = source if source.is_dir() else source.parent
    target = output_dir.resolve()
    if target == root or root in target.parents:
        raise UsageProblem(
            f"output directory {output_dir} is inside the input {input_path}; "
            "choose an output directory outside the input so no input file can be overwritten"
        )
    if target in root.parents:
        raise UsageProblem(
            f"input {input_path} is inside the output directory {output_dir}; "
            "choose an output directory that does not contain the input"
        )


# --------------------------------------------------------------------------- the run


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
    one file. With ``output_dir=None`` nothing is written (an analysis, as
    ``clean check`` does). ``jobs`` processes share the work (default: every
    core); the result is the same for any number, and on ``engine="ray"`` (a Ray
    cluster at ``ray_address``, or one started on this machine). Files that cannot be read or
    decoded are skipped and listed in the report; the input is never written to.

    Raises:
        UsageProblem: the output would overlap the input, or no file matches.
        OutputError: the reports or the JSON Lines file cannot be written.

    """
    input_path = Path(input_path)
    if not input_path.exists():
        raise UsageProblem(f"input {input_path} does not exist")
    if output_dir is not None:
        check_paths(input_path, Path(output_dir))
    rel_paths, passed_over = scan_files(
        input_path,
        config.glob,
        config.follow_symlinks,
        output_dir=Path(output_dir) if output_dir is not None else None,
    )
    if not rel_paths:
        raise UsageProblem(
            f"no files match {config.glob!r} under {input_path}; use --glob to choose other files"
        )
    if any(is_html(rel_path) for rel_path in rel_paths) and not extraction_available():
        raise UsageProblem(f"HTML files were selected by {config.glob!r}: {INSTALL_HINT}")
    # An input named as OUT's own files (or under its work directory) would be lost.
    clash = sorted(
        rel for rel in rel_paths if rel in OWN_NAMES or rel.partition("/")[0] == WORK_DIR
    )
    if clash:
        raise UsageProblem(f"input file {clash[0]} has the name of an output file of this tool")
    jobs = jobs or default_jobs()
    # One run at a time into OUT: a second one is refused here, before it touches OUT.
    with lock_output(Path(output_dir)) if output_dir is not None else nullcontext():
        runner = _start_engine(engine, ray_address, jobs, progress, config, resume)
        root = input_path if input_path.is_dir() else input_path.parent
        work_dir = Path(output_dir) / WORK_DIR if output_dir is not None else None
        try:
            if work_dir is not None:
                shutil.rmtree(work_dir, ignore_errors=True)  # left by a killed run
                try:
                    make_work_dir(work_dir)
                    clear_stale_temporaries(work_dir.parent, RESERVED_OUTPUT_NAMES)
                except OSError as error:
                    raise OutputError(
                        f"cannot write into the output directory {output_dir}: "
                        f"{error.strerror or error}; choose a writable directory"
                    ) from error
            with rare_collections():
                return _run(
                    rel_paths, passed_over, root, output_dir, work_dir, config, runner, resume
                )
        finally:
            runner.close()
            if work_dir is not None:
                shutil.rmtree(work_dir, ignore_errors=True)


@contextmanager
def rare_collections() -> Iterator[None]:
    """Collect cyclic garbage rarely while a run lasts (it makes almost none).

    A run keeps a record per file, about a million objects for 20,000 files, and
    each full collection walks them all: with Python's default thresholds they
    took 6% of a run (4.35 s against 4.07 s, the same peak memory). Forked
    workers inherit the thresholds; the caller's come back afterwards.
    """
    before = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _start_engine(
    name: str,
    ray_address: str | None,
    jobs: int,
    progress: Progress | None,
    config: CleanConfig,
    resume: bool,
) -> Engine:
    """Return the engine a run asked for, or say why it cannot run there."""
    if name not in ENGINES:
        raise UsageProblem(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    if name == "local":
        return LocalEngine(jobs, progress)
    if resume or config.index_path:
        option = "--resume" if resume else "--index"
        raise UsageProblem(f"{option} runs on the local engine only; drop it or --engine ray")
    try:
        from .engine.ray.engine import start_ray_engine  # only runs that ask for Ray import it
    except ImportError as error:
        raise UsageProblem(RAY_INSTALL_HINT) from error
    return start_ray_engine(ray_address, jobs, progress)


def _run(
    rel_paths: list[str],
    passed_over: list[FileFailure],
    root: Path,
    output_dir: str | Path | None,
    work_dir: Path | None,
    config: CleanConfig,
    engine: Engine,
    resume: bool = False,
) -> CleanReport:
    state = RunState(str(root), config, {}, str(work_dir) if work_dir else None)
    out = Path(output_dir) if output_dir is not None else None
    # Only --resume runs keep a manifest: it records modification times, which
    # would make the output of two checkouts differ.
    keeps_manifest = (
        resume and out is not None and config.output_format == "text" and not config.index_path
    )
    remembered: dict[str, Entry] = {}
    old_frequent = ""
    if out is not None and keeps_manifest:
        remembered, old_frequent = load_manifest(out, config)
    stamps = {rel: input_stamp(root, rel) for rel in rel_paths} if keeps_manifest else {}
    unchanged = {
        rel: entry
        for rel in rel_paths
        if (entry := remembered.get(path_key(rel))) is not None and entry.stamp == stamps.get(rel)
    }
    known = {rel: e.edge_keys for rel, e in unchanged.items() if e.edge_keys is not None}
    # A resumed run decides what to reuse from the frequent lines before pass 2.
    speculate = engine.speculates and not keeps_manifest
    counted, speculative = count_frequent_lines(rel_paths, state, engine, known, speculate)
    frequent, failed, edges = counted.frequent, counted.failures, counted.edges
    state = replace(state, frequent=frequent, speculative=speculative)
    reused: dict[str, Entry] = {}
    if out is not None and frequent_key(frequent) == old_frequent:
        reused = {
            rel: entry
            for rel, entry in unchanged.items()
            if reusable(entry, stamps.get(rel), out / rel)
        }
    todo = [(i, p) for i, p in enumerate(rel_paths) if p not in failed and p not in reused]
    failures = [replace(f, rel_path=printable_path(f.rel_path)) for f in passed_over]
    failures += failed.values()
    entries = [(i, rel, reused[rel].processed) for i, rel in enumerate(rel_paths) if rel in reused]
    for (index, rel_path), result in zip(todo, engine.clean_files(todo, state), strict=True):
        if isinstance(result, FileFailure):
            failures.append(result)
        else:
            entries.append((index, rel_path, result))
    if speculative:
        entries, failed_again, frequent = settle_speculation(
            entries, speculative, state, engine, len(rel_paths)
        )
        failures += failed_again
    entries.sort(key=lambda entry: entry[0])
    # Where each text is: staged in the work directory, or already in place (reused).
    in_place = {i: f"{out}/{rel}" for i, rel, _ in entries if out is not None and rel in reused}
    staged = {index: p.staged for index, _, p in entries if p.staged is not None}

    def texts(index: int) -> Location:
        if index in in_place:
            return in_place[index], 0, WHOLE_FILE
        return staged_location(f"{work_dir}", staged[index])

    processed = [p for _, _, p in entries]
    from_index: tuple[IndexDuplicate, ...] = ()
    to_index: list[Any] = []
    if config.index_path:
        clusters, from_index, to_index = deduplicate_with_index(
            config.index_path, processed, config.dedup
        )
    else:
        clusters = engine.document_clusters(entries, config, work_dir, texts)
    # The workers' part is done; the last steps fork (Alongside), which a live
    # pool's thread would forbid.
    engine.close()
    dropped = {member.doc_id for cluster in clusters for member in cluster.dropped}
    dropped |= {duplicate.doc_id for duplicate in from_index}
    files = [
        replace(p.report, status="duplicate") if p.report.doc_id in dropped else p.report
        for _, _, p in entries
    ]
    # The kept files are placed and the JSON Lines written by children while the
    # reports are rendered; a run that keeps a manifest or an index places first.
    placing: Alongside | None = None
    writing: Alongside | None = None
    rendered: Rendered | None = None
    try:
        if output_dir is not None and work_dir is not None:
            kept = [
                (index, rel_path, file, p.staged)
                for (index, rel_path, p), file in zip(entries, files, strict=True)
                if file.status == "written" and rel_path not in reused and p.staged is not None
            ]
            for (index, rel_path, _), file in zip(entries, files, strict=True):
                if rel_path in reused and file.status != "written":
                    # Written by the last run, a duplicate now: out of OUT, into the work
                    # directory, where the report finds the texts of dropped documents.
                    moved = batch_path(work_dir, index)  # a batch of one text
                    take_out(Path(output_dir), rel_path, moved)
                    in_place[index] = f"{moved}"
                    del reused[rel_path]
            small = len(entries) <= ALONGSIDE_MAX_FILES
            alongside = small and not keeps_manifest and not config.index_path
            placing, writing = place_outputs(
                Path(output_dir), work_dir, kept, config, alongside, small
            )
            if not alongside:
                unwritten = finish_placing(placing)
                placing = None
                files, failures = _unwritten(unwritten, files, failures)
            if keeps_manifest:
                manifest = {
                    path_key(rel): Entry(
                        stamp, edges.get(rel), replace(p, report=file, staged=None)
                    )
                    for (_, rel, p), file in zip(entries, files, strict=True)
                    if file.status == "written" and (stamp := stamps.get(rel)) is not None
                }
                save_manifest(Path(output_dir), config, frequent, manifest, work_dir)
            if config.index_path:
                # Only now, with the files in place: a killed run indexes nothing unwritten.
                finish_jsonl_writing(writing)
                not_written = {f.rel_path for f in failures}
                written = [r for r in to_index if r.source_path not in not_written]
                add_to_index(config.index_path, written, config.dedup)
        report = CleanReport(tuple(files), _sorted(failures), clusters, config, from_index)
        if output_dir is not None and work_dir is not None:
            shown = texts_shown(entries, files, clusters, texts, reused, config)
            out = Path(output_dir)
            small = len(entries) <= ALONGSIDE_MAX_FILES
            rendered = render_reports(report, shown, root, out, work_dir, config, small)
            if placing is not None:
                unwritten = finish_placing(placing)
                placing = None
                if unwritten:  # rendered too early: render again with them
                    rendered[0].wait()  # its JSON is replaced
                    files, failures = _unwritten(unwritten, files, failures)
                    report = replace(report, files=tuple(files), failures=_sorted(failures))
                    shown = texts_shown(entries, files, clusters, texts, reused, config)
                    rendered = render_reports(report, shown, root, out, work_dir, config, small)
            write_reports(rendered, out, work_dir)
        if writing is not None:
            finish_jsonl_writing(writing)
    finally:
        for child in (placing, writing, rendered[0] if rendered else None):
            if child is not None:
                child.stop()
    return report


def _unwritten(
    unwritten: list[FileFailure], files: list[FileReport], failures: list[FileFailure]
) -> tuple[list[FileReport], list[FileFailure]]:
    """Mark the files that could not be placed as failed, and add their failures."""
    if not unwritten:
        return files, failures
    names = {failure.rel_path for failure in unwritten}
    marked = [replace(f, status="failed") if f.source_path in names else f for f in files]
    return marked, failures + unwritten


def _sorted(failures: list[FileFailure]) -> tuple[FileFailure, ...]:
    return tuple(sorted(failures, key=lambda f: f.rel_path))
