"""The ``clean`` command: argv -> CleanConfig -> clean_corpus -> summary and exit code."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from . import __version__
from .data import (
    CJK_SPACING_CHOICES,
    FORMAT_CHOICES,
    KEEP_CHOICES,
    PUNCTUATION_CHOICES,
    BoilerplateConfig,
    CleanConfig,
    DedupConfig,
    FileFailure,
    NormalizeConfig,
)
from .decode import decode_file
from .errors import CleanerError, UsageProblem
from .pipeline import clean_corpus, clean_text
from .read import read_stdin
from .report import render_summary
from .write import write_stdout

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# Below this many files a progress bar only flickers.
PROGRESS_MIN_FILES = 5

EPILOG = """\b
Examples:
  clean seeds/ cleaned/                 clean every .txt under seeds/ into cleaned/
  clean crawl/ out/ --glob '**/*.htm*'  choose other files
  clean crawl/ out/ --format jsonl      write out/corpus.jsonl instead of a tree
  clean page.txt out/                   clean one file
  clean - < page.txt > page.clean.txt   filter standard input to standard output

\b
Exit codes: 0 all files cleaned; 1 some files skipped or not written
(see the summary and _report.json); 2 usage error (bad option, output
inside input, no matching files); 3 internal error (a bug: please report).
"""


class _ProgressBar:
    """Adapt click's progress bar to the pipeline's ``progress(stage, done, total)``."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            if total >= PROGRESS_MIN_FILES:
                self.bar = click.progressbar(
                    length=total, label=f"{stage:<5}", file=sys.stderr, show_pos=True
                )
                self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _build_config(options: dict[str, Any]) -> CleanConfig:
    try:
        return CleanConfig(
            normalize=NormalizeConfig(
                punctuation=options["punctuation"], cjk_spacing=options["cjk_spacing"]
            ),
            boilerplate=BoilerplateConfig(
                enabled=options["boilerplate"], corpus_min_docs=options["corpus_min_docs"]
            ),
            dedup=DedupConfig(
                blocks=options["block_dedup"],
                documents=options["doc_dedup"],
                jaccard_threshold=options["threshold"],
                shingle_chars=options["shingle_size"],
                num_perm=options["num_perm"],
                seed=options["seed"],
                keep=options["keep"],
                min_block_chars=options["min_block_chars"],
            ),
            glob=options["glob"],
            output_format=options["output_format"],
            jsonl_path=options["jsonl"],
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from error


def _clean_stdin(config: CleanConfig, quiet: bool) -> int:
    decoded = decode_file(read_stdin(), config.sample_bytes)
    if isinstance(decoded, FileFailure):
        click.echo(f"clean: standard input: {decoded.reason}", err=True)
        return EXIT_SKIPPED
    result = clean_text(decoded.text, config)
    write_stdout(result.text)
    if not quiet:
        click.echo(
            f"cleaned standard input: {result.lines_in} lines in, {result.lines_out} out, "
            f"{len(result.removed)} removed, {len(result.duplicate_blocks)} duplicated block(s)",
            err=True,
        )
    return EXIT_OK


@click.command(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("input_path", metavar="IN", type=click.Path(path_type=str))
@click.argument("output_dir", metavar="[OUT]", required=False, type=click.Path(path_type=str))
@click.option("--glob", default="**/*.txt", show_default=True, help="Which files under IN to read.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMAT_CHOICES),
    default="text",
    show_default=True,
    help="text: OUT mirrors IN; jsonl: one OUT/corpus.jsonl.",
)
@click.option(
    "--jsonl",
    type=click.Path(dir_okay=False),
    help="Also write kept documents as JSON Lines here ('-': stdout).",
)
@click.option(
    "--punctuation",
    type=click.Choice(PUNCTUATION_CHOICES),
    default="cjk",
    show_default=True,
    help="cjk: full-width next to Chinese; ascii: half-width everywhere; keep: untouched.",
)
@click.option(
    "--cjk-spacing",
    type=click.Choice(CJK_SPACING_CHOICES),
    default="remove",
    show_default=True,
    help="Drop or keep the space between Latin letters and Chinese ('DRG 付费').",
)
@click.option(
    "--threshold",
    type=float,
    default=0.8,
    show_default=True,
    help="Jaccard similarity that makes a duplicate.",
)
@click.option(
    "--shingle-size", type=int, default=5, show_default=True, help="Characters per shingle."
)
@click.option("--num-perm", type=int, default=128, show_default=True, help="MinHash permutations.")
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="MinHash seed (fixed for reproducible runs).",
)
@click.option(
    "--keep",
    type=click.Choice(KEEP_CHOICES),
    default="first",
    show_default=True,
    help="Which document of a near-duplicate cluster is written.",
)
@click.option(
    "--min-block-chars",
    type=int,
    default=30,
    show_default=True,
    help="Shortest repeated run of paragraphs removed as a duplicated block.",
)
@click.option(
    "--corpus-min-docs",
    type=int,
    default=5,
    show_default=True,
    help="A short line in this many documents is template boilerplate (0: off).",
)
@click.option(
    "--boilerplate/--no-boilerplate", default=True, show_default=True, help="Strip web boilerplate."
)
@click.option(
    "--block-dedup/--no-block-dedup",
    default=True,
    show_default=True,
    help="Remove paragraphs repeated inside a document.",
)
@click.option(
    "--doc-dedup/--no-doc-dedup",
    default=True,
    show_default=True,
    help="Drop near-duplicate documents across the corpus.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr [default: when stderr is a terminal].",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.version_option(__version__, "--version", prog_name="clean")
def cli(
    input_path: str, output_dir: str | None, quiet: bool, progress: bool | None, **options: Any
) -> None:
    """Clean scraped Chinese web text in IN into a deduplicated corpus in OUT.

    Each file is decoded (UTF-8, GB18030/GBK, Big5, UTF-16), normalized
    (spaced digits, punctuation width, odd white space), stripped of web
    boilerplate (breadcrumbs, print buttons, source and date lines, whose
    values are kept as metadata) and of paragraphs it repeats; near-duplicate
    documents are dropped. OUT gets the cleaned files plus _report.json and
    _report.md. IN may be a directory, one file, or - for standard input.
    """
    config = _build_config(options)
    if input_path == "-":
        if output_dir not in (None, "-"):
            raise click.UsageError("with IN '-' the cleaned text goes to standard output; omit OUT")
        sys.exit(_clean_stdin(config, quiet))
    if output_dir is None:
        raise click.UsageError("missing OUT: the directory the cleaned corpus is written to")
    show_bar = progress if progress is not None else (not quiet and sys.stderr.isatty())
    bar = _ProgressBar() if show_bar else None
    started = time.perf_counter()
    try:
        report = clean_corpus(Path(input_path), Path(output_dir), config, progress=bar)
    except UsageProblem as error:
        raise click.UsageError(str(error)) from error
    except CleanerError as error:
        raise click.ClickException(str(error)) from error
    finally:
        if bar:
            bar.close()
    elapsed = time.perf_counter() - started
    if not quiet:
        click.echo(render_summary(report, elapsed, output_dir.rstrip("/")), err=True)
    else:
        for failure in report.failures:
            click.echo(f"clean: skipped {failure.rel_path}: {failure.reason}", err=True)
    sys.exit(EXIT_SKIPPED if report.failures else EXIT_OK)


def main() -> None:
    """Run the CLI; an unexpected error becomes one line and exit code 3, not a traceback."""
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as error:  # noqa: BLE001 - the last line of defence
        click.echo(
            f"clean: internal error: {type(error).__name__}: {error} "
            "(this is a bug; please report it with the command you ran)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
