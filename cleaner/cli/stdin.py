"""``clean -``: standard input to standard output, as one text or as JSON Lines records.

A text in, its cleaned text out (or its JSON Lines record with ``--format
jsonl``). JSON Lines in (``--input-format jsonl``), JSON Lines out: the records
are cleaned and deduplicated as a corpus, then written in their order.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import click

from ..data import CleanConfig, FileFailure, FileReport
from ..pipeline import clean_corpus, clean_text
from ..read.decode import decode_file
from ..read.files import STDIN_PATH, read_stdin
from ..report.render import render_summary
from ..write.files import CORPUS_JSONL, write_stdout
from ..write.records import jsonl_record_bytes
from ..write.spool import spool_stream
from .errors import click_errors

EXIT_OK, EXIT_SKIPPED = 0, 1


def clean_stdin(config: CleanConfig, quiet: bool, jobs: int | None) -> int:
    """Clean standard input to standard output; return the exit code."""
    if config.input_format == "jsonl":
        return _clean_records(config, quiet, jobs)
    if config.input_format not in ("auto", "text"):
        raise click.UsageError(
            "standard input is read as text or as JSON Lines (--input-format jsonl); "
            "save other formats to a file and name it"
        )
    decoded = decode_file(read_stdin(), config.sample_bytes)
    if isinstance(decoded, FileFailure):
        click.echo(f"clean: standard input: {decoded.reason}", err=True)
        return EXIT_SKIPPED
    result = clean_text(decoded.text, config)
    if config.output_format == "jsonl":
        report = FileReport(
            STDIN_PATH, STDIN_PATH, decoded.decoding, result.metadata, result.removed,
            result.duplicate_blocks, result.rule_counts, result.lines_in, result.lines_out,
            len(decoded.text), len(result.text), decoded.size,
        )  # fmt: skip
        sys.stdout.buffer.write(jsonl_record_bytes(report, result.text))
        sys.stdout.buffer.flush()
    else:
        write_stdout(result.text)
    if not quiet:
        click.echo(
            f"cleaned standard input: {result.lines_in} lines in, {result.lines_out} out, "
            f"{len(result.removed)} removed, {len(result.duplicate_blocks)} duplicated block(s)",
            err=True,
        )
    return EXIT_OK


def _clean_records(config: CleanConfig, quiet: bool, jobs: int | None) -> int:
    """Clean JSON Lines from standard input as a corpus; write the kept ones to standard output."""
    if config.output_format == "parquet":
        raise click.UsageError("standard output gets JSON Lines; write Parquet into a folder")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cleaner-") as folder:
        source = Path(folder) / "in" / STDIN_PATH  # failures name "-:LINE"
        source.parent.mkdir()
        spool_stream(sys.stdin.buffer, source)
        settings = replace(config, glob=None, output_format="jsonl", compression="none")
        settings = replace(settings, shard_bytes=0, jsonl_path=None)
        with click_errors():
            report = clean_corpus(source, Path(folder) / "out", settings, jobs=jobs)
        with (Path(folder) / "out" / CORPUS_JSONL).open("rb") as written:
            shutil.copyfileobj(written, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    if not quiet:
        click.echo(render_summary(report, time.perf_counter() - started, None), err=True)
    else:
        for failure in report.failures:
            click.echo(f"clean: skipped {failure.rel_path}: {failure.reason}", err=True)
    return EXIT_SKIPPED if report.failures else EXIT_OK
