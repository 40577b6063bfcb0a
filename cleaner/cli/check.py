"""The ``clean check`` command: analyse a corpus for CI, gate on limits and stale output.

``build_check_command`` makes the command; ``run.py`` registers it in the ``clean``
group (the shared option decorators are imported when the command is built, so
either module can be imported first).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..read.names import printable_lines, printable_path
from ..report.annotations import render_github, render_sarif
from ..report.check import CheckResult, Limits, check_corpus, render_check_markdown
from ..write.files import write_atomic
from .errors import click_errors

EXIT_PASSED, EXIT_FAILED = 0, 1

CHECK_EPILOG = """\b
Examples:
  clean check seeds/ --against cleaned/       fail when cleaned/ is stale
  clean check crawl/ --max-dup-docs 0         fail on any near-duplicate document
  clean check crawl/ --annotations github --sarif clean.sarif \\
      --summary "$GITHUB_STEP_SUMMARY"         annotate a pull request

\b
Exit codes: 0 every limit holds and OUT is current; 1 a limit is passed or
OUT is stale (missing, extra or differing files); 2 usage error.
"""

LIMIT_OPTIONS = (
    ("--max-dup-docs", "dup_docs", "near-duplicate documents dropped"),
    ("--max-dup-blocks", "dup_blocks", "duplicated blocks removed within documents"),
    ("--max-removed-lines", "removed_lines", "lines (and fragments) removed"),
    ("--max-warnings", "warnings", "quality warnings"),
    ("--max-skipped", "skipped", "files skipped (unreadable, undecodable, empty)"),
)
OUTPUT_OPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "--annotations",
        {
            "type": click.Choice(["none", "github"]),
            "default": "none",
            "show_default": True,
            "help": "github: print workflow commands that annotate the files' lines.",
        },
    ),
    ("--sarif", {"help": "Write the findings as SARIF 2.1.0 (code scanning) to PATH."}),
    ("--html", {"help": "Write the HTML report to PATH."}),
    ("--summary", {"help": 'Append the Markdown summary to PATH ("$GITHUB_STEP_SUMMARY").'}),
)
FILE_OPTION = {"type": click.Path(dir_okay=False, path_type=Path), "metavar": "PATH"}


def _limit_options(command: Any) -> Any:
    for flag, name, what in reversed(LIMIT_OPTIONS):
        command = click.option(
            flag,
            name,
            type=click.IntRange(min=0),
            default=None,
            metavar="N",
            help=f"Fail when more than N {what} [default: no limit].",
        )(command)
    return command


def _output_options(command: Any) -> Any:
    for flag, settings in reversed(OUTPUT_OPTIONS):
        merged = settings if "type" in settings else {**FILE_OPTION, **settings}
        command = click.option(flag, **merged)(command)
    return command


def _prefix(path: Path) -> str:
    """Return a path as annotations name it: relative to the working directory if inside it."""
    relative = os.path.relpath(path.resolve(), Path.cwd())
    chosen = path if relative.startswith("..") else Path(relative)
    return printable_path(chosen.as_posix()) if chosen != Path(".") else ""


def _write_outputs(
    result: CheckResult, input_path: str, against: str | None, outputs: dict[str, Any]
) -> None:
    path = Path(input_path)
    source = _prefix(path if path.is_dir() else path.parent)
    output = _prefix(Path(against)) if against is not None else None
    markdown = render_check_markdown(result, input_path)
    try:
        if outputs["summary"] is not None:
            with outputs["summary"].open("a", encoding="utf-8") as stream:
                stream.write(markdown)
        if outputs["sarif"] is not None:
            write_atomic(outputs["sarif"], render_sarif(result, source, output, __version__))
        if outputs["html"] is not None and result.html is not None:
            write_atomic(outputs["html"], result.html)
    except OSError as error:
        message = printable_lines(f"cannot write a report of the check: {error}")
        raise click.ClickException(message) from error
    if not outputs["quiet"]:
        click.echo(markdown, nl=False)
    if outputs["annotations"] == "github":
        click.echo(render_github(result, source, output), nl=False)
    for limit in result.limits:
        if not limit.passed:
            click.echo(
                f"clean check: {limit.label}: {limit.found} > {limit.option} {limit.allowed}",
                err=True,
            )
    if result.stale:
        click.echo(f"clean check: {len(result.stale)} stale file(s) in {result.against}", err=True)


def build_check_command() -> click.Command:
    """Make the ``check`` command with the same result options as ``run``."""
    from .options import config_options, run_options, settled_config
    from .run import CONTEXT, progress_bar, required_argument

    @click.command(epilog=CHECK_EPILOG, context_settings=CONTEXT)
    @click.argument(
        "input_path", metavar="IN", required=False, type=click.Path(exists=True, path_type=str)
    )
    @click.option(
        "--against",
        metavar="OUT",
        type=click.Path(file_okay=False, path_type=str),
        help="Fail unless OUT holds exactly what `clean IN OUT` writes now.",
    )
    @_limit_options
    @_output_options
    @config_options
    @run_options
    def check(
        input_path: str | None,
        against: str | None,
        quiet: bool,
        progress: bool | None,
        jobs: int | None,
        **options: Any,
    ) -> None:
        """Check the corpus in IN without writing one: print a Markdown summary, exit 1 on findings.

        Runs the whole analysis of `clean IN OUT` (in a temporary directory, removed
        afterwards) and fails when a --max-* limit is passed or, with --against OUT,
        when the committed OUT is not byte for byte what the run writes now. Takes
        the options of `clean IN OUT` (--jsonl is ignored: a check writes no corpus).
        """
        outputs = {key: options.pop(key) for key in ("annotations", "sarif", "html", "summary")}
        limits = Limits(**{name: options.pop(name) for _, name, _ in LIMIT_OPTIONS})
        config = settled_config(options)
        input_path = required_argument(input_path)
        bar = progress_bar(progress, quiet)
        try:
            wants_html = outputs["html"] is not None
            with click_errors():
                result = check_corpus(
                    input_path, against, config, limits, html=wants_html, progress=bar, jobs=jobs
                )
        finally:
            if bar:
                bar.close()
        _write_outputs(result, input_path, against, {**outputs, "quiet": quiet})
        sys.exit(EXIT_PASSED if result.passed else EXIT_FAILED)

    return check
