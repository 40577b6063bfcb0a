"""Where cleaned texts wait between pass 2 and the duplicate decision.

Pass 2 writes the texts of a batch of files into one file of the run's work
directory, and each file's record keeps where its text is (a ``Staged`` byte
range). Creating a file costs far more than writing it: 35 to 550 µs of kernel
time per file on the 2-core test machine, serialized across processes, against
a few µs to write 3 KB. Once the duplicates are known, the kept texts become
files of their own (text output) or lines of ``corpus.jsonl`` (one file), and
the report reads the dropped ones back from here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..data import pickled_by_fields

BATCH_SUFFIX = ".texts"
WHOLE_FILE = -1  # a Location's size when the text is a whole file (already in OUT)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Staged:
    """Where one cleaned text waits: ``size`` bytes at ``start`` in batch file ``batch``."""

    batch: int  # the run index of the batch's first file names the batch file
    start: int
    size: int


# A text anywhere: (file, start, size); size WHOLE_FILE reads the whole file.
Location = tuple[str, int, int]


def batch_path(work_dir: str | Path, batch: int) -> str:
    """Return the file that holds the texts of batch ``batch``.

    >>> batch_path("out/.cleaner-work", 32)
    'out/.cleaner-work/000000032.texts'
    """
    return os.path.join(work_dir, f"{batch:09d}{BATCH_SUFFIX}")


def stage_texts(work_dir: str | Path, batch: int, encoded: Sequence[bytes]) -> list[Staged]:
    """Write the (UTF-8) texts of one batch into one file; return where each one is.

    No temporary name and no fsync: nothing but this run reads the work
    directory, and the kept texts are made durable before they reach ``OUT``.
    """
    places = []
    start = 0
    for data in encoded:
        places.append(Staged(batch, start, len(data)))
        start += len(data)
    with open(batch_path(work_dir, batch), "wb") as stream:
        stream.write(b"".join(encoded))
    return places


def staged_location(work_dir: str | Path, staged: Staged) -> Location:
    """Return the location of a staged text."""
    return batch_path(work_dir, staged.batch), staged.start, staged.size


def read_location(location: Location) -> str:
    """Return the text at a location (a whole file: universal newlines, as ``read_text``)."""
    path, start, size = location
    if size == WHOLE_FILE:
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    with open(path, "rb") as stream:
        stream.seek(start)
        return stream.read(size).decode("utf-8")


class BatchReader:
    """Read staged texts in run order, each batch file read once (they come in runs)."""

    def __init__(self, work_dir: str | Path) -> None:
        """Read the batch files of ``work_dir``."""
        self.work_dir = work_dir
        self.batch = -1
        self.data = b""

    def text(self, staged: Staged) -> bytes:
        """Return the UTF-8 bytes of one staged text."""
        if staged.batch != self.batch:
            with open(batch_path(self.work_dir, staged.batch), "rb") as stream:
                self.data = stream.read()
            self.batch = staged.batch
        return self.data[staged.start : staged.start + staged.size]
