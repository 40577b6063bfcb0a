"""Remember what a run wrote, so ``--resume`` skips unchanged inputs next time.

After every run that writes a text tree, ``OUT/.cleaner-manifest.json`` records
the settings and, per written file, the input's size and modification time, the
key of its edge lines (for the corpus pass), the key of the written text and the
record the report and the duplicate decision need. A resumed run reuses a file's
record when its input, the settings and the corpus-level line counts are
unchanged and the output file still holds the recorded text; everything else is
cleaned again. The result is the same as a full run.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..clean.boilerplate.strip import line_key
from ..clean.signals import Signals
from ..data import (
    CleanConfig,
    CleanReport,
    Decoding,
    DuplicateBlock,
    FileReport,
    Metadata,
    Processed,
    QualityWarning,
    Removal,
)
from ..read.readers import READERS
from .staging import TEXT_SUFFIX

if TYPE_CHECKING:
    from ..engine.cleaned import Cleaned
    from ..read.plan import InputPlan

MANIFEST = ".cleaner-manifest.json"
# 2: each file's output name (a page's text is a .txt); 3: paragraph keys in order with
# their sizes, signals as a list (issue 18)
MANIFEST_VERSION = 3


def settings_key(config: CleanConfig) -> str:
    """Return a key of everything that shapes the output (not where it is written)."""
    shaping = {k: v for k, v in asdict(config).items() if k not in ("jsonl_path", "index_path")}
    return f"{line_key(json.dumps(shaping, sort_keys=True)):016x}"


def frequent_key(frequent: dict[str, frozenset[int]]) -> str:
    """Return a key of the corpus-level template lines (per site) a run used."""
    flat = sorted((site, sorted(keys)) for site, keys in frequent.items())
    return f"{line_key(json.dumps(flat)):016x}"


def path_key(rel_path: str) -> str:
    """Return a JSON-safe key of a relative path (names need not be UTF-8)."""
    return rel_path.encode("utf-8", "surrogateescape").hex()


def input_stamp(root: Path, rel_path: str) -> list[int] | None:
    """Return the size and modification time of an input, or None if it is gone."""
    try:
        status = (root / rel_path).stat()
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns]


@dataclass(frozen=True, slots=True)
class Entry:
    """What the manifest remembers of one written file."""

    stamp: list[int]
    edge_keys: list[int] | None  # None: pass 1 did not read it (its site was too small)
    processed: Processed


def _report_from_dict(data: dict[str, Any]) -> FileReport:
    return FileReport(
        doc_id=data["doc_id"],
        source_path=data["source_path"],
        decoding=Decoding(**data["decoding"]),
        metadata=Metadata(**data["metadata"]),
        removed=tuple(Removal(**r) for r in data["removed"]),
        duplicate_blocks=tuple(
            DuplicateBlock(
                lines=tuple(b["lines"]),
                original_lines=tuple(b["original_lines"]),
                similarity=b["similarity"],
                paragraphs=b["paragraphs"],
            )
            for b in data["duplicate_blocks"]
        ),
        rule_counts=data["rule_counts"],
        lines_in=data["lines_in"],
        lines_out=data["lines_out"],
        chars_in=data["chars_in"],
        chars_out=data["chars_out"],
        bytes_in=data["bytes_in"],
        warnings=tuple(QualityWarning(**w) for w in data["warnings"]),
        status=data["status"],
        signals=Signals(*data["signals"]) if data.get("signals") else None,
    )


def _entry_to_dict(entry: Entry) -> dict[str, Any]:
    processed = entry.processed
    signature = processed.signature
    return {
        "stamp": entry.stamp,
        "edge_keys": entry.edge_keys,
        "report": asdict(processed.report),
        "signature": None if signature is None else [int(v) for v in signature],
        "masked_key": processed.masked_key,
        "text_key": processed.text_key,
        "name": processed.name,
        "paragraph_keys": None
        if processed.paragraph_keys is None
        else [int(k) for k in processed.paragraph_keys],
    }


def _entry_from_dict(data: dict[str, Any]) -> Entry:
    signature = data["signature"]
    processed = Processed(
        report=_report_from_dict(data["report"]),
        signature=None if signature is None else np.asarray(signature, dtype=np.uint32),
        masked_key=data["masked_key"],
        text_key=data["text_key"],
        name=data["name"],
        paragraph_keys=None
        if data.get("paragraph_keys") is None
        else np.asarray(data["paragraph_keys"], dtype=np.uint64),
    )
    return Entry(data["stamp"], data["edge_keys"], processed)


def load_manifest(output_dir: Path, config: CleanConfig) -> tuple[dict[str, Entry], str]:
    """Return the entries of the last run into ``output_dir`` and its corpus-lines key.

    Nothing is reused (empty result) when there is no manifest, it cannot be
    read, or the last run used other settings.
    """
    try:
        data = json.loads((output_dir / MANIFEST).read_text(encoding="utf-8"))
        if data["version"] != MANIFEST_VERSION or data["settings"] != settings_key(config):
            return {}, ""
        entries = {key: _entry_from_dict(value) for key, value in data["files"].items()}
        return entries, str(data["frequent"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}, ""


def reusable(entry: Entry | None, stamp: list[int] | None, output: Path) -> bool:
    """Tell whether a remembered file can stand: same input, output still as written."""
    if entry is None or stamp is None or entry.stamp != stamp:
        return False
    try:
        text = output.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return line_key(text) == entry.processed.text_key


def save_manifest(
    output_dir: Path,
    config: CleanConfig,
    frequent: dict[str, frozenset[int]],
    entries: dict[str, Entry],
    temp_dir: Path,
) -> None:
    """Write the manifest of this run (atomically, through ``temp_dir``)."""
    data = {
        "version": MANIFEST_VERSION,
        "settings": settings_key(config),
        "frequent": frequent_key(frequent),
        "files": {key: _entry_to_dict(entry) for key, entry in sorted(entries.items())},
    }
    temporary = temp_dir / MANIFEST
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, output_dir / MANIFEST)


@dataclass(frozen=True, slots=True)
class EarlierRun:
    """What the last ``--resume`` run into OUT wrote, as far as this run may reuse it.

    ``out`` is None when this run keeps no manifest (not resumed, not a text
    tree, or an index run): then nothing is reused and nothing remembered.
    """

    out: str | None
    entries: dict[str, Entry]  # by input path, the files unchanged since
    frequent: str  # the key of the corpus-frequent lines the last run used
    stamps: dict[str, list[int]]  # this run's inputs, size and time

    @classmethod
    def none(cls) -> EarlierRun:
        """Return the earlier run of a run that does not resume."""
        return cls(None, {}, "", {})

    @classmethod
    def load(cls, out: Path | None, plan: InputPlan, config: CleanConfig) -> EarlierRun:
        """Read the manifest in OUT; keep the entries of the inputs that did not change.

        Only runs that write a text tree from files of one document each keep a
        manifest: it records modification times, which would make the output of
        two checkouts differ.
        """
        if out is None or config.output_format != "text" or config.index_path:
            return cls.none()
        paths = [
            path for task in plan.tasks if READERS[task.reader].one_per_file for path in task.paths
        ]
        stamps = {path: stamp for path in paths if (stamp := input_stamp(Path(plan.root), path))}
        remembered, frequent = load_manifest(out, config)
        unchanged = {
            path: entry
            for path in paths
            if (entry := remembered.get(path_key(path))) is not None
            and entry.stamp == stamps.get(path)
        }
        return cls(os.fspath(out), unchanged, frequent, stamps)

    @property
    def edge_keys(self) -> dict[str, list[int]]:
        """Return the edge-line keys of the unchanged files that pass 1 read last time."""
        return {path: e.edge_keys for path, e in self.entries.items() if e.edge_keys is not None}

    def reusable(self, frequent: dict[str, frozenset[int]]) -> dict[str, Processed]:
        """Return the records this run reuses: the corpus lines are the same, the output intact."""
        if self.out is None or frequent_key(frequent) != self.frequent:
            return {}
        out = Path(self.out)
        return {
            path: entry.processed
            for path, entry in self.entries.items()
            if reusable(entry, self.stamps.get(path), out / entry.processed.name)
        }

    def withdraw(self, cleaned: Cleaned, report: CleanReport, work_dir: str) -> None:
        """Take out of OUT the files the last run wrote that are duplicates now.

        They go to the work directory, where the report finds the texts of
        dropped documents (``cleaned.in_place`` follows them).
        """
        for position, file in enumerate(report.files):
            if position in cleaned.in_place and file.status != "written":
                moved = os.path.join(work_dir, f"withdrawn-{position:09d}{TEXT_SUFFIX}")
                os.replace(cleaned.in_place[position], moved)
                cleaned.in_place[position] = moved


def remember_run(
    earlier: EarlierRun,
    report: CleanReport,
    cleaned: Cleaned,
    edges: dict[str, list[int]],
    frequent: dict[str, frozenset[int]],
    config: CleanConfig,
) -> None:
    """Write the manifest of a run that keeps one, once its files are in place."""
    if earlier.out is None or cleaned.work_dir is None:
        return
    manifest = {
        path_key(processed.report.doc_id): Entry(
            stamp, edges.get(processed.report.doc_id), replace(processed, report=file, staged=None)
        )
        for processed, file in zip(cleaned.processed, report.files, strict=True)
        if file.status == "written" and (stamp := earlier.stamps.get(processed.report.doc_id))
    }
    save_manifest(Path(earlier.out), config, frequent, manifest, Path(cleaned.work_dir))
