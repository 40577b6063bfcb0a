"""Turn a check's findings into GitHub workflow commands and a SARIF 2.1.0 log.

A finding sits on the lines of a file a pull request shows: a duplicated block
and a quality warning on the input file, a near-duplicate on the dropped input
file, a stale file on the committed output. Paths are as the check was given
them (relative to the working directory, usually the repository root), POSIX.
Pure: a result and the two path prefixes in, text out.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from .check import CheckResult

Level = Literal["error", "warning", "notice"]
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"error": "error", "warning": "warning", "notice": "note"}
# rule id -> (level, one-line description); quality warnings add one rule per kind.
RULES: dict[str, tuple[Level, str]] = {
    "stale-output": ("error", "Committed output is not what `clean IN OUT` writes now."),
    "duplicate-block": ("warning", "Paragraphs repeat earlier paragraphs of the same document."),
    "near-duplicate": ("warning", "A document near-duplicates another and is not written."),
    "skipped-file": ("warning", "A file could not be read, decoded or written."),
}
QUALITY_LEVEL: Level = "notice"


@dataclass(frozen=True, slots=True)
class Region:
    """Lines of a file, 1-based and inclusive; ``first`` None means the whole file."""

    path: str
    first: int | None = None
    last: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to show on a file's lines, with the rule that found it."""

    rule: str
    level: Level
    title: str
    message: str
    where: Region
    related: tuple[Region, ...] = ()
    related_note: str = ""


def _join(prefix: str, rel_path: str) -> str:
    return str(PurePosixPath(prefix) / rel_path) if prefix else rel_path


def _block_findings(result: CheckResult, source: str) -> list[Finding]:
    found = []
    for file in result.report.files:
        path = _join(source, file.source_path)
        for block in file.duplicate_blocks:
            (first, last), (o_first, o_last) = block.lines, block.original_lines
            message = (
                f"Lines {first}-{last} repeat lines {o_first}-{o_last} ({block.paragraphs} "
                f"paragraph(s), similarity {block.similarity:.3f}); "
                "the output keeps the first copy."
            )
            found.append(
                Finding("duplicate-block", "warning", "Duplicated block", message,
                        Region(path, first, last), (Region(path, o_first, o_last),),
                        "the first copy, kept")
            )  # fmt: skip
    return found


def _cluster_findings(result: CheckResult, source: str) -> list[Finding]:
    found = []
    for cluster in result.report.clusters:
        kept = _join(source, cluster.kept)
        for member in cluster.dropped:
            figures = "; only figures differ" if member.differs_only_in_numbers else ""
            message = (
                f"Near-duplicate of {kept} (similarity {member.similarity:.3f}{figures}); "
                "not written to the output."
            )
            found.append(
                Finding("near-duplicate", "warning", "Near-duplicate document", message,
                        Region(_join(source, member.doc_id), 1, 1), (Region(kept, 1, 1),),
                        "the document kept")
            )  # fmt: skip
    return found


def _run_findings(result: CheckResult, source: str) -> list[Finding]:
    """List the findings of the run: duplicated blocks, near-duplicates, skipped files, warnings."""
    found = _block_findings(result, source) + _cluster_findings(result, source)
    for failure in result.report.failures:
        region = Region(_join(source, failure.rel_path))
        found.append(Finding("skipped-file", "warning", "Skipped file", failure.reason, region))
    for file in result.report.files:
        for warning in file.warnings:
            region = Region(_join(source, file.source_path), warning.line_no, warning.line_no)
            message = f"{warning.kind}: {warning.text}"
            found.append(Finding(warning.kind, QUALITY_LEVEL, "Quality warning", message, region))
    return found


def collect_findings(result: CheckResult, source: str, output: str | None) -> list[Finding]:
    """List the findings of a check: stale output first, then what the run found.

    ``source`` and ``output`` are the prefixes of input and output paths (IN and
    OUT as given on the command line; ``""`` when IN is one file's directory).
    """
    found = []
    for item in result.stale:
        where = Region(_join(output or "", item.path), item.line, item.line)
        state = {
            "missing": "is missing",
            "extra": "is not written by the run",
            "differs": "differs",
        }
        line = f" from line {item.line}" if item.line else ""
        message = (
            f"{where.path} {state[item.state]}{line}: the committed output is stale; "
            "run `clean IN OUT` with the same options and commit the result."
        )
        found.append(Finding("stale-output", "error", "Stale output", message, where))
    return found + _run_findings(result, source)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    r"""Escape a workflow command property value.

    >>> _escape_property("a,b: 50%")
    'a%2Cb%3A 50%25'
    """
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(finding: Finding) -> str:
    """Format one finding as a GitHub Actions workflow command (``::warning file=...::``).

    >>> github_annotation(Finding("r", "error", "Stale", "x differs", Region("out/a.txt", 3, 3)))
    '::error file=out/a.txt,line=3,endLine=3,title=Stale::x differs'
    """
    where = finding.where
    properties = [f"file={_escape_property(where.path)}"]
    if where.first is not None:
        properties.append(f"line={where.first}")
        properties.append(f"endLine={where.last if where.last is not None else where.first}")
    properties.append(f"title={_escape_property(finding.title)}")
    return f"::{finding.level} {','.join(properties)}::{_escape_data(finding.message)}"


def limit_annotations(result: CheckResult) -> list[str]:
    """Format each limit that failed as an ``::error`` command without a file."""
    failed = [c for c in result.limits if not c.passed]
    messages = [f"{c.label}: {c.found} found, {c.option} {c.allowed}" for c in failed]
    return [f"::error title=clean check::{_escape_data(message)}" for message in messages]


def render_github(result: CheckResult, source: str, output: str | None) -> str:
    """Render every finding and failed limit as workflow commands, one a line."""
    lines = limit_annotations(result)
    lines += [github_annotation(f) for f in collect_findings(result, source, output)]
    return "".join(line + "\n" for line in lines)


def _sarif_location(region: Region) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": region.path}}
    if region.first is not None:
        last = region.last if region.last is not None else region.first
        physical["region"] = {"startLine": region.first, "endLine": last}
    return {"physicalLocation": physical}


def _sarif_rule(rule_id: str) -> dict[str, Any]:
    level, text = RULES.get(rule_id, (QUALITY_LEVEL, f"Quality warning: {rule_id}."))
    return {
        "id": rule_id,
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": SARIF_LEVELS[level]},
    }


def _sarif_result(finding: Finding, rule_index: int) -> dict[str, Any]:
    # Stable across runs where lines move: the rule, the file and what was found.
    key = "\0".join((finding.rule, finding.where.path, finding.message))
    entry: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": SARIF_LEVELS[finding.level],
        "message": {"text": finding.message},
        "locations": [_sarif_location(finding.where)],
        "partialFingerprints": {"cleanerFinding/v1": hashlib.sha256(key.encode()).hexdigest()[:32]},
    }
    if finding.related:
        entry["relatedLocations"] = [
            {"id": number, **_sarif_location(region), "message": {"text": finding.related_note}}
            for number, region in enumerate(finding.related, start=1)
        ]
    return entry


def render_sarif(result: CheckResult, source: str, output: str | None, version: str) -> str:
    """Render the findings as a SARIF 2.1.0 log (for code scanning), deterministic JSON."""
    findings = collect_findings(result, source, output)
    rule_ids = list(RULES) + sorted({f.rule for f in findings} - RULES.keys())
    index = {rule_id: number for number, rule_id in enumerate(rule_ids)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cleaner",
                        "version": version,
                        "rules": [_sarif_rule(rule_id) for rule_id in rule_ids],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(f, index[f.rule]) for f in findings],
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
