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

from ..data import CleanConfig, CleanReport, Processed
from ..errors import OutputError
from ..read.manifest import (
    MANIFEST,
    MANIFEST_VERSION,
    Entry,
    frequent_key,
    input_stamp,
    load_manifest,
    path_key,
    reusable,
    settings_key,
)
from ..read.names import printable_path
from ..read.readers import READERS
from .confined import replace_inside, take_out
from .staging import TEXT_SUFFIX

if TYPE_CHECKING:
    from ..engine.cleaned import Cleaned
    from ..read.plan import InputPlan


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
        dropped documents (``cleaned.in_place`` follows them); no link in OUT is followed.
        """
        out = self.out or ""  # set whenever anything is in place
        for position, file in enumerate(report.files):
            if position in cleaned.in_place and file.status != "written":
                moved = os.path.join(work_dir, f"withdrawn-{position:09d}{TEXT_SUFFIX}")
                name = os.path.relpath(cleaned.in_place[position], out)
                take_out(Path(out), Path(name).as_posix(), moved)
                cleaned.in_place[position] = moved


def remember_run(
    earlier: EarlierRun,
    report: CleanReport,
    cleaned: Cleaned,
    edges: dict[str, tuple[str, list[int]]],
    config: CleanConfig,
) -> None:
    """Write the manifest of a run that keeps one, once its files are in place."""
    if earlier.out is None or cleaned.work_dir is None:
        return
    manifest = {
        path_key(processed.report.doc_id): Entry(
            stamp,
            edges[processed.report.doc_id][1] if processed.report.doc_id in edges else None,
            replace(processed, report=file, staged=None),
        )
        for processed, file in zip(cleaned.processed, report.files, strict=True)
        if file.status == "written" and (stamp := earlier.stamps.get(processed.report.doc_id))
    }
    save_manifest(Path(earlier.out), config, cleaned.frequent, manifest, Path(cleaned.work_dir))
