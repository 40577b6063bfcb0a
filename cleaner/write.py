"""Write cleaned documents, JSON Lines and reports; the only module that writes files.

Every file is written atomically: to a temporary name in the same directory,
flushed to disk, then renamed over the target, so a killed run never leaves a
half-written file where a complete one is expected.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPORT_JSON = "_report.json"
REPORT_MARKDOWN = "_report.md"
CORPUS_JSONL = "corpus.jsonl"


def write_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def jsonl_line(record: dict[str, Any]) -> str:
    """Serialize one record as a JSON Lines line (UTF-8, no ASCII escapes)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_jsonl(target: str | Path, records: Iterable[dict[str, Any]]) -> None:
    """Write records as JSON Lines to a path (atomically) or to standard output (``-``)."""
    text = "".join(jsonl_line(record) for record in records)
    if str(target) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(Path(target), text)


def write_stdout(text: str) -> None:
    """Write cleaned text to standard output as UTF-8 whatever the locale says."""
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
