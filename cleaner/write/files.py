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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import UsageProblem

REPORT_JSON = "_report.json"
REPORT_MARKDOWN = "_report.md"
CORPUS_JSONL = "corpus.jsonl"
# Cleaned texts wait here until the duplicate decision; a killed run leaves only
# this directory behind, and the next run removes it first.
WORK_DIR = ".cleaner-work"
TEMP_SUFFIX = ".tmp"
JSONL_CHUNK_BYTES = 1 << 20


def check_paths(input_path: Path, output_dir: Path) -> None:
    """Refuse an input that is not there, and an output that would write into the input."""
    if not input_path.exists():
        raise UsageProblem(f"input {input_path} does not exist")
    source = input_path.resolve()
    root = source if source.is_dir() else source.parent
    target = output_dir.resolve()
    if target == root or root in target.parents:
        raise UsageProblem(
            f"output directory {output_dir} is inside the input {input_path}; "
            "choose an output directory outside the input so no input file can be overwritten"
        )
    if target in root.parents:
        raise UsageProblem(
            f"input {input_path} is inside the output directory {output_dir}; "
            "choose an output directory that does not contain the input"
        )


def _file_mode() -> int:
    """Return the mode a new file gets here (mkstemp's own 0600 would hide outputs)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()


def write_atomic(path: Path, text: str | Iterable[str], temp_dir: Path | None = None) -> None:
    """Write UTF-8 text (or its pieces, streamed) to ``path`` through a temporary file and a rename.

    ``temp_dir`` (on the same file system) holds the temporary file instead of
    ``path``'s folder, so a killed run leaves its debris there, not beside outputs.
    For a file under OUT, ``confined.write_inside`` follows no link on the way.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = write_temporary(path.name, text, temp_dir or path.parent)
    try:
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_temporary(name: str, text: str | Iterable[str], folder: Path) -> str:
    """Write UTF-8 text, durably, to a new temporary file in ``folder`` named after ``name``."""
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.writelines([text] if isinstance(text, str) else text)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def jsonl_line(record: dict[str, Any]) -> str:
    """Serialize one record as a JSON Lines line (UTF-8, no ASCII escapes)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def flush_staged() -> None:
    """Make the staged files durable before they are renamed into place.

    One ``sync`` instead of an fsync per file: on a corpus of small files the
    per-file fsyncs were a quarter of the run.
    """
    os.sync()


def finish_jsonl(
    targets: list[Path],
    lines: Iterable[bytes],
    temp_dir: Path | None = None,
) -> None:
    """Write JSON Lines (encoded lines) to each target (``-``: standard output).

    Streams about ``JSONL_CHUNK_BYTES`` at a time, so the corpus is never held in
    memory (a write per line cost 3 µs more a line); each file target is written
    under a temporary name and renamed when complete.
    """
    streams: list[tuple[IO[bytes], Path | None, str | None]] = []
    try:
        for target in targets:
            if str(target) == "-":
                streams.append((sys.stdout.buffer, None, None))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            # Inside the output the temporary file goes to the work directory (same
            # file system); elsewhere beside its target.
            same_tree = (
                temp_dir is not None and target.parent.resolve() == temp_dir.parent.resolve()
            )
            handle, temporary = tempfile.mkstemp(
                prefix=f".{target.name}.",
                suffix=TEMP_SUFFIX,
                dir=temp_dir if same_tree else target.parent,
            )
            os.fchmod(handle, FILE_MODE)
            streams.append((os.fdopen(handle, "wb"), target, temporary))
        for chunk in _chunks(lines, JSONL_CHUNK_BYTES):
            for stream, _, _ in streams:
                stream.write(chunk)
        for stream, final, partial in streams:
            stream.flush()
            if final is not None and partial is not None:
                os.fsync(stream.fileno())
                stream.close()
                if temp_dir is not None and Path(partial).parent == temp_dir:
                    # In OUT: no link on the way is followed (confined builds on this module).
                    from .confined import replace_inside

                    replace_inside(temp_dir.parent, final.name, partial)
                else:
                    os.replace(partial, final)
    finally:
        for stream, final, partial in streams:
            if final is not None and partial is not None:
                stream.close()
                Path(partial).unlink(missing_ok=True)


def _chunks(pieces: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Join consecutive pieces into chunks of about ``size`` bytes."""
    waiting: list[bytes] = []
    held = 0
    for piece in pieces:
        waiting.append(piece)
        held += len(piece)
        if held >= size:
            yield b"".join(waiting)
            waiting, held = [], 0
    if waiting:
        yield b"".join(waiting)


def write_stdout(text: str) -> None:
    """Write cleaned text to standard output as UTF-8 whatever the locale says."""
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
