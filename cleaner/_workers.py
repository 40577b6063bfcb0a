"""The per-file work of a corpus run, as it runs in worker processes.

Each worker gets the run's state once (``init_worker``) and then file names;
it reads, decodes, normalizes and cleans one file at a time and sends back a
small record, never the text: cleaned texts go to the work directory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .boilerplate import corpus_candidate, edge_zone, line_key
from .data import CleanConfig, CleanedText, Decoding, FileFailure, FileReport, Normalized
from .decode import decode_file
from .dedup import DIGITS_RE, signature
from .document import clean_normalized
from .normalize import normalize_text
from .read import iter_raw_files, printable_path
from .write import write_atomic


@dataclass(frozen=True, slots=True)
class RunState:
    """What every worker needs to know, sent once per process."""

    root: str
    config: CleanConfig
    frequent: frozenset[int]
    work_dir: str | None


@dataclass(frozen=True, slots=True)
class Processed:
    """A cleaned file as the main process keeps it: no text, only what decisions need."""

    report: FileReport
    signature: Any  # MinHash signature (numpy uint32), or None for an empty document
    masked_key: int  # key of the text with every number masked ("only figures differ")
    text_key: int  # key of the cleaned text


_STATE: dict[str, RunState] = {}


def init_worker(state: RunState) -> None:
    _STATE["run"] = state


def _guarded(rel_path: str, stage: Callable[..., Any], *args: Any) -> Any:
    """Run one file through a stage; a crash becomes that file's failure, not the run's."""
    try:
        return stage(*args)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the corpus
        reason = f"internal error ({type(error).__name__}: {error}); please report it"
        return FileFailure(printable_path(rel_path), reason)


def _read_and_normalize(rel_path: str) -> tuple[Any, Normalized | None, int]:
    """Return (document or failure, normalized text, size in bytes) of one file."""
    state = _STATE["run"]
    (raw,) = iter_raw_files(Path(state.root), [rel_path])
    if isinstance(raw, FileFailure):
        return replace(raw, rel_path=printable_path(rel_path)), None, 0
    document = decode_file(raw, state.config.sample_bytes)
    if isinstance(document, FileFailure):
        return replace(document, rel_path=printable_path(rel_path)), None, len(raw.data)
    return document, normalize_text(document.text, state.config.normalize), len(raw.data)


def _scan_file(rel_path: str) -> frozenset[int] | FileFailure:
    """Pass 1: the keys of the short lines at the edges of one file."""
    state = _STATE["run"]
    document, normalized, _ = _read_and_normalize(rel_path)
    if normalized is None:
        return document  # type: ignore[no-any-return]
    lines = normalized.text.split("\n")
    zone = edge_zone(lines, state.config.boilerplate.corpus_zone_lines)
    return frozenset(
        line_key(lines[i].strip())
        for i in zone
        if corpus_candidate(lines[i], state.config.boilerplate)
    )


def _process_file(job: tuple[int, str]) -> Processed | FileFailure:
    """Pass 2: clean one file, write its text to the work directory, return its record."""
    index, rel_path = job
    state = _STATE["run"]
    document, normalized, size = _read_and_normalize(rel_path)
    if normalized is None:
        return document  # type: ignore[no-any-return]
    cleaned = clean_normalized(document.text, normalized, state.config, state.frequent)
    name = printable_path(rel_path)
    if state.work_dir is not None:
        try:
            write_atomic(Path(state.work_dir) / f"{index:09d}", cleaned.text)
        except OSError as error:  # a full or read-only disk: this file is not written
            return FileFailure(name, f"cannot write output: {error.strerror or error}")
    dedup = state.config.dedup
    return Processed(
        report=_file_report(name, document.decoding, cleaned, len(document.text), size),
        signature=signature(cleaned.text, dedup) if dedup.documents else None,
        masked_key=line_key(DIGITS_RE.sub("0", cleaned.text)),
        text_key=line_key(cleaned.text),
    )


def process_guarded(job: tuple[int, str]) -> Processed | FileFailure:
    return _guarded(job[1], _process_file, job)  # type: ignore[no-any-return]


def scan_guarded(rel_path: str) -> frozenset[int] | FileFailure:
    return _guarded(rel_path, _scan_file, rel_path)  # type: ignore[no-any-return]


def _file_report(
    doc_id: str, decoding: Decoding, cleaned: CleanedText, chars_in: int, bytes_in: int
) -> FileReport:
    return FileReport(
        doc_id=doc_id,
        source_path=doc_id,
        decoding=decoding,
        metadata=cleaned.metadata,
        removed=cleaned.removed,
        duplicate_blocks=cleaned.duplicate_blocks,
        rule_counts=cleaned.rule_counts,
        lines_in=cleaned.lines_in,
        lines_out=cleaned.lines_out,
        chars_in=chars_in,
        chars_out=len(cleaned.text),
        bytes_in=bytes_in,
        warnings=cleaned.warnings,
    )
