"""The library side of ``clean check``: analyse a corpus, apply limits, find stale output.

``check_corpus`` runs the whole pipeline into a temporary directory (never into
``OUT``), compares that directory with a committed ``OUT`` file by file and byte
for byte, and counts findings against the limits a CI sets. The temporary
directory is removed before it returns. ``render_check_markdown`` turns the
result into the summary a CI step shows.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..data import CleanConfig, CleanReport
from ..engine.local import Progress
from ..pipeline import clean_corpus
from ..read.compare import StaleFile, compare_trees
from ..read.files import read_text_file
from ..read.names import printable_path
from ..read.texts import directory_texts, source_texts
from ..write.files import check_paths
from .html.page import REPORT_HTML
from .markdown import cell, render_markdown_data, table
from .render import build_report, render_html

# limit field -> (what is counted, key in the report totals, command-line option)
LIMITS = {
    "dup_docs": (
        "near-duplicate documents dropped",
        "documents_dropped_as_duplicates",
        "--max-dup-docs",
    ),
    "dup_blocks": ("duplicated blocks removed", "duplicate_blocks", "--max-dup-blocks"),
    "removed_lines": ("lines removed", "lines_removed", "--max-removed-lines"),
    "warnings": ("quality warnings", "warnings", "--max-warnings"),
    "skipped": ("files skipped", "files_skipped", "--max-skipped"),
}


@dataclass(frozen=True, slots=True)
class Limits:
    """The most findings of each kind a check allows; None means no limit (the default)."""

    dup_docs: int | None = None
    dup_blocks: int | None = None
    removed_lines: int | None = None
    warnings: int | None = None
    skipped: int | None = None

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if value is not None and value < 0:
                raise ValueError(f"{LIMITS[item.name][2]} must be >= 0, not {value}")


@dataclass(frozen=True, slots=True)
class LimitCheck:
    """One limit applied: what was counted, how many were found, how many are allowed."""

    label: str
    option: str
    found: int
    allowed: int

    @property
    def passed(self) -> bool:
        """Whether the count is within the limit."""
        return self.found <= self.allowed


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of ``clean check``: the run's report, the limits applied, stale files.

    ``against`` is ``OUT`` as given, or None when no committed output was compared;
    ``html`` is the HTML report when it was asked for.
    """

    report: CleanReport
    limits: tuple[LimitCheck, ...]
    against: str | None
    stale: tuple[StaleFile, ...]
    html: str | None = None

    @property
    def passed(self) -> bool:
        """True when every limit holds and the committed output is current."""
        return not self.stale and all(limit.passed for limit in self.limits)


def apply_limits(report: CleanReport, limits: Limits) -> tuple[LimitCheck, ...]:
    """Count the report's findings against each limit that is set."""
    totals = build_report(report)["totals"]
    checks = []
    for name, (label, key, option) in LIMITS.items():
        allowed = getattr(limits, name)
        if allowed is not None:
            checks.append(LimitCheck(label, option, totals[key], allowed))
    return tuple(checks)


def _html(
    input_path: Path,
    run_dir: Path,
    report: CleanReport,
    progress: Progress | None,
    jobs: int | None,
) -> str:
    """Return the run's HTML report, or render one, cleaning dropped duplicates for the pairs."""
    written = run_dir / REPORT_HTML
    if written.is_file():  # the run writes it: the page is exactly the one OUT holds
        return read_text_file(written)
    config = report.config
    sources = source_texts(input_path, config.sample_bytes)
    if not report.clusters and config.output_format == "text":
        return render_html(report, directory_texts(run_dir), sources)
    # Dropped documents are not written, and JSON Lines holds no tree: clean once
    # more without document dedup into a tree (same texts, since that stage comes last).
    every = replace(
        config,
        output_format="text",
        jsonl_path=None,
        dedup=replace(config.dedup, documents=False),
    )
    with tempfile.TemporaryDirectory(prefix="clean-check-texts-") as temporary:
        texts_dir = Path(temporary) / "out"
        clean_corpus(input_path, texts_dir, every, progress, jobs)
        return render_html(report, directory_texts(texts_dir), sources)


def check_corpus(
    input_path: str | Path,
    against: str | Path | None = None,
    config: CleanConfig = CleanConfig(),
    limits: Limits = Limits(),
    *,
    html: bool = False,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> CheckResult:
    """Analyse ``input_path`` as ``clean IN OUT`` would, without writing to ``OUT``.

    With ``against``, every file the run would write (texts and reports) is
    compared byte for byte with the files under ``against``; missing, extra and
    differing files make the check fail, whatever the limits. The run goes into a
    temporary directory, removed before returning; ``config.jsonl_path`` is
    ignored, since a check writes nothing. With ``html``, the HTML report is
    rendered too (``CheckResult.html``).

    Raises:
        UsageProblem: no file matches, or ``against`` overlaps the input.

    """
    input_path = Path(input_path)
    config = replace(config, jsonl_path=None)
    if against is not None:
        check_paths(input_path, Path(against))
    if against is None and not html:
        report = clean_corpus(input_path, None, config, progress, jobs)
        return CheckResult(report, apply_limits(report, limits), None, ())
    with tempfile.TemporaryDirectory(prefix="clean-check-") as temporary:
        run_dir = Path(temporary) / "out"
        report = clean_corpus(input_path, run_dir, config, progress, jobs)
        stale = compare_trees(run_dir, Path(against)) if against is not None else ()
        page = _html(input_path, run_dir, report, progress, jobs) if html else None
    label = None if against is None else printable_path(str(against))
    return CheckResult(report, apply_limits(report, limits), label, stale, page)


# A regenerated corpus can change every file: the list is cut, and counts the rest.
STALE_MAX_ROWS = 50
STALE_PROBLEMS = {
    "missing": "missing: the run writes it",
    "extra": "extra: the run does not write it",
    "differs": "differs",
}


def _verdict_rows(result: CheckResult) -> list[list[str]]:
    rows = []
    for limit in result.limits:
        verdict = "ok" if limit.passed else "**failed**"
        label = f"{limit.label} (`{limit.option}`)"
        rows.append([label, str(limit.found), str(limit.allowed), verdict])
    if result.against is not None:
        found = f"{len(result.stale)} stale file(s)"
        verdict = "**failed**" if result.stale else "ok"
        rows.append([f"`{result.against}` is current", found, "0", verdict])
    return rows


def _stale_section(result: CheckResult, command: str, sub: str) -> list[str]:
    rows = []
    for item in result.stale:
        problem = STALE_PROBLEMS[item.state]
        if item.line is not None:
            problem += f" from line {item.line}"
        rows.append([f"`{cell(item.path)}`", problem])
    return [
        f"{sub} Stale files in `{result.against}`",
        table(["file", "problem"], rows, STALE_MAX_ROWS, "the annotations or SARIF"),
        f"`{result.against}` is not what `{command}` writes now: run it with the same "
        "options and commit the result.",
    ]


def render_check_markdown(result: CheckResult, input_label: str) -> str:
    """Render the check as Markdown: the verdict, the limits, stale files, then the report."""
    verdict = "passed" if result.passed else "failed"
    command = f"clean {input_label} {result.against}" if result.against else "clean"
    parts = [f"# clean check {input_label}: {verdict}"]
    rows = _verdict_rows(result)
    if rows:
        parts.append(table(["check", "found", "allowed", "result"], rows, None))
    else:
        parts.append("No limit set and no `--against OUT`: nothing can fail.")
    if result.stale:
        parts += _stale_section(result, command, "##")
    parts.append(render_markdown_data(build_report(result.report), level=2).rstrip("\n"))
    return "\n\n".join(parts) + "\n"
