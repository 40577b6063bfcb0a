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
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..clean.boilerplate.strip import line_key
from ..data import (
    CleanConfig,
    Decoding,
    DuplicateBlock,
    FileReport,
    Metadata,
    QualityWarning,
    Removal,
)
from ..engine.workers import Processed
from ..errors import OutputError
from ..read.names import printable_path
from .confined import replace_inside

MANIFEST = ".cleaner-manifest.json"
MANIFEST_VERSION = 1


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
    }


def _entry_from_dict(data: dict[str, Any]) -> Entry:
    signature = data["signature"]
    processed = Processed(
        report=_report_from_dict(data["report"]),
        signature=None if signature is None else np.asarray(signature, dtype=np.uint32),
        masked_key=data["masked_key"],
        text_key=data["text_key"],
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
    try:
        temporary.write_text(json.dumps(data), encoding="utf-8")
        replace_inside(output_dir, MANIFEST, str(temporary))
    except OSError as error:
        shown = printable_path(str(output_dir))
        raise OutputError(f"cannot write the resume manifest into {shown}: {error}") from error
