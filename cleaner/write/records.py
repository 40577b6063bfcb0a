"""The record of a kept document in JSON Lines and Parquet: the layout corpus tools read.

``{"id", "text", "metadata": {...}}``, as datatrove writes and reads it. The
metadata holds where the document came from and what cleaning read from it
(``source_path``, ``encoding``, ``title``, ``date``, ``source``, ...) together
with every other field of its input record: a record's own ``metadata`` object
is merged in, and where an input field has the name of one of ours with
another value, the input's value is kept under ``metadata.input``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..data import FileReport

INPUT_KEY = "input"


def output_metadata(report: FileReport, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the metadata of a kept document's record: the input's fields, then ours.

    >>> from cleaner.data import Decoding, Metadata
    >>> report = FileReport("1", "a.jsonl:1", Decoding("utf-8", "record", 1.0), Metadata(title="T"),
    ...     (), (), {}, 1, 1, 1, 1, 1)
    >>> metadata = output_metadata(report, {"url": "http://a.cn", "metadata": {"title": "old"}})
    >>> list(metadata), metadata["title"], metadata["input"]
    (['url', 'source_path', 'encoding', 'title', 'input'], 'T', {'title': 'old'})
    """
    metadata: dict[str, Any] = {}
    for key, value in (extra or {}).items():
        if key == "metadata" and isinstance(value, Mapping):
            metadata.update(value)
        else:
            metadata[key] = value
    ours: dict[str, Any] = {"source_path": report.source_path, "encoding": report.decoding.encoding}
    ours.update(report.metadata.as_dict())
    if report.signals is not None:  # what the document is, for filters further down the line
        ours["signals"] = report.signals.as_dict()
    replaced = {key: metadata.pop(key) for key in ours if key in metadata}
    metadata.update(ours)
    replaced = {key: value for key, value in replaced.items() if value != ours[key]}
    if replaced:
        before = metadata.pop(INPUT_KEY, {})
        kept = dict(before) if isinstance(before, Mapping) else {INPUT_KEY: before}
        metadata[INPUT_KEY] = {**kept, **replaced}  # after our fields, where readers look last
    return metadata


def jsonl_record(
    report: FileReport, text: str, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Return the JSON Lines record of a kept document."""
    return {"id": report.doc_id, "text": text, "metadata": output_metadata(report, extra)}


def jsonl_line(record: Mapping[str, Any]) -> str:
    """Serialize one record as a JSON Lines line (UTF-8, no ASCII escapes)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def jsonl_record_bytes(
    report: FileReport, text: str, extra: Mapping[str, Any] | None = None
) -> bytes:
    """Return a kept document's JSON Lines line in UTF-8."""
    # A lone surrogate (from a record's own "\\ud800" escape) is written escaped again.
    return jsonl_line(jsonl_record(report, text, extra)).encode("utf-8", "backslashreplace")
