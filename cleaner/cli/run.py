"""The ``clean`` command: argv -> CleanConfig -> clean_corpus -> summary and exit code.

``clean IN OUT`` runs the default command ``run``; other commands (``clean check``
...) sit beside it in the same group.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..engine.local import ENGINES
from ..engine.parallel import keep_freed_memory
from ..pipeline import clean_corpus
from ..read.names import printable_lines, printable_path
from ..report.render import render_summary
from .errors import click_errors
from .options import config_options, run_options, settled_config
from .settings import required_argument as required_argument
from .stdin import clean_stdin

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# Below this many files a progress bar only flickers.
PROGRESS_MIN_FILES = 5
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

EPILOG = """\b
Examples:
  clean seeds/ cleaned/                 clean every .txt under seeds/ into cleaned/
  clean crawl/ out/ --glob '**/*.text'  choose other files
  clean crawl/ out/ --format jsonl      write out/corpus.jsonl instead of a tree
  clean crawl/ out/ --jobs 1            one process (the result is the same)
  clean crawl/ out/ --engine ray        on Ray (--ray-address ADDR joins a cluster)
  clean page.txt out/                   clean one file
  clean - < page.txt > page.clean.txt   filter standard input to standard output
  clean crawl/ out/ --config a.toml     settings from a TOML file (flags override it)
  clean --print-config > a.toml         print the effective settings as such a file
  clean explain page.txt                show each line removed or changed, and why

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


def progress_bar(show: bool | None, quiet: bool) -> _ProgressBar | None:
    """Return a progress bar when asked, or by default when stderr is a terminal."""
    wanted = show if show is not None else (not quiet and sys.stderr.isatty())
    return _ProgressBar() if wanted else None


class _DefaultGroup(click.Group):
    """A group whose default command is ``run``: ``clean IN OUT`` means ``clean run IN OUT``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        run_command = self.commands["run"]
        with click.Context(run_command, info_name=ctx.info_name, parent=None) as run_ctx:
            run_command.format_help(run_ctx, formatter)
        self.format_commands(ctx, formatter)


@click.group(cls=_DefaultGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="clean")
def cli() -> None:
    """Clean scraped Chinese web text into a deduplicated corpus."""


@cli.command(epilog=EPILOG, context_settings=CONTEXT)
@click.argument("input_path", metavar="IN", required=False, type=click.Path(path_type=str))
@click.argument("output_dir", metavar="[OUT]", required=False, type=click.Path(path_type=str))
@config_options
@run_options
@click.option(
    "--resume",
    is_flag=True,
    help="Keep OUT/.cleaner-manifest.json and skip files an earlier --resume run wrote "
    "from the same input with the same settings (the result is the same).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="Where the stages run: this machine's processes, or a Ray cluster "
    "(pip install 'cleaner[ray]'; IN and OUT on storage every node sees). "
    "The output is the same.",
)
@click.option(
    "--ray-address",
    metavar="ADDR",
    default=None,
    help="Ray cluster to join with --engine ray, e.g. ray://head:10001 or auto "
    "[default: start Ray on this machine with --jobs CPUs].",
)
def run(
    input_path: str | None,
    output_dir: str | None,
    quiet: bool,
    progress: bool | None,
    jobs: int | None,
    resume: bool,
    engine: str,
    ray_address: str | None,
    **options: Any,
) -> None:
    """Clean scraped Chinese web text in IN into a deduplicated corpus in OUT (the default command).

    Each file is decoded (UTF-8, GB18030/GBK, Big5, UTF-16), normalized
    (spaced digits, punctuation width, odd white space), stripped of web
    boilerplate (breadcrumbs, print buttons, source and date lines, whose
    values are kept as metadata) and of paragraphs it repeats; near-duplicate
    documents are dropped. OUT gets the cleaned files plus _report.json,
    _report.md and _report.html. IN may be a directory, one file, or - for standard input.
    Settings come from --config FILE or the [tool.cleaner] table of
    ./pyproject.toml when there is one; flags override them.
    """
    config = settled_config(options)
    input_path = required_argument(input_path)
    if input_path == "-":
        if output_dir not in (None, "-"):
            raise click.UsageError("with IN '-' the cleaned text goes to standard output; omit OUT")
        sys.exit(clean_stdin(config, quiet, jobs))
    if output_dir is None:
        raise click.UsageError("missing OUT: the directory the cleaned corpus is written to")
    if ray_address and engine != "ray":
        raise click.UsageError("--ray-address needs --engine ray")
    bar = progress_bar(progress, quiet)
    started = time.perf_counter()
    keep_freed_memory()  # this process ends with the run
    try:
        with click_errors():
            report = clean_corpus(
                Path(input_path),
                Path(output_dir),
                config,
                progress=bar,
                jobs=jobs,
                resume=resume,
                engine=engine,
                ray_address=ray_address,
            )
    finally:
        if bar:
            bar.close()
    elapsed = time.perf_counter() - started
    if not quiet:
        shown = printable_path(output_dir.rstrip("/"))
        click.echo(render_summary(report, elapsed, shown), err=True)
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
            printable_lines(
                f"clean: internal error: {type(error).__name__}: {error} "
                "(this is a bug; please report it with the command you ran)"
            ),
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


from .check import build_check_command  # noqa: E402 - registered beside its use below

cli.add_command(build_check_command())

from .index import index as _index  # noqa: E402 - the group must exist first

cli.add_command(_index)

from .explain import build_explain_command  # noqa: E402 - registered beside its use below

cli.add_command(build_explain_command())
