"""Where cleaned texts wait between pass 2 and the duplicate decision.

Pass 2 stages what each kept document will become: for a text tree, its text in
a file of its own, later renamed into place; for JSON Lines and Parquet, its
JSON Lines record, a chunk of documents to a file (creating a file costs far
more than writing it: 35 to 550 us of kernel time each on the 2-core test
machine, serialized across processes, against a few us to write 3 KB). Each
document's record keeps where its bytes are (``Staged``). Once the duplicates
are known the writers read the kept ones back, and the report the dropped ones.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Sequence
from pathlib import Path

from ..data import Document, FileFailure, Staged
from ..read.staged import Location
from ..read.store import store_path

TEXT_SUFFIX = ".text"
RECORDS_SUFFIX = ".records"
# A staged file's number: its task, its chunk within the task, and its item (0: the
# chunk's shared file; k + 1: the k-th document's own file).
TASK_SHIFT, CHUNK_SHIFT = 32, 16


def chunk_batch(task_number: int, chunk_number: int) -> int:
    """Return the number of a chunk's staged file (its documents' own files follow it).

    >>> hex(chunk_batch(3, 2))
    '0x300020000'
    """
    return (task_number << TASK_SHIFT) | (chunk_number << CHUNK_SHIFT)


def staged_path(work_dir: str | Path, batch: int, record: bool) -> str:
    """Return the path of staged file ``batch`` in the work directory.

    >>> staged_path("w", 0x300020000, True)
    'w/0000000300020000.records'
    """
    return os.path.join(work_dir, f"{batch:016x}{RECORDS_SUFFIX if record else TEXT_SUFFIX}")


def stage_batch(work_dir: str, batch: int, encoded: Sequence[bytes]) -> list[Staged]:
    """Write the records of one chunk into one file; return where each one is.

    No temporary name and no fsync: nothing but this run reads the work
    directory, and what is kept is made durable before it reaches OUT.
    """
    places = []
    start = 0
    for data in encoded:
        places.append(Staged(batch, start, len(data), record=True))
        start += len(data)
    with open(staged_path(work_dir, batch, True), "wb") as stream:
        stream.write(b"".join(encoded))
    return places


def stage_each(
    work_dir: str, batch: int, encoded: Sequence[bytes], record: bool = False
) -> list[Staged | OSError]:
    """Write each text (or record) into a file of its own; an error fails only that one."""
    places: list[Staged | OSError] = []
    for number, data in enumerate(encoded, start=1):
        try:
            with open(staged_path(work_dir, batch | number, record), "wb") as stream:
                stream.write(data)
        except OSError as error:
            places.append(error)
        else:
            places.append(Staged(batch | number, 0, len(data), record))
    return places


def staged_location(work_dir: str | Path, staged: Staged) -> Location:
    """Return the location of a staged document."""
    return (
        staged_path(work_dir, staged.batch, staged.record),
        staged.start,
        staged.size,
        staged.record,
    )


def store_documents(
    work_dir: str, task_number: int, documents: list[Document | FileFailure]
) -> None:
    """Keep a task's documents (and failures) for pass 2; a failure to write only costs time.

    Pickled: the file is read by this run only, with this version of the code
    (``read.store.load_documents``).
    """
    try:
        with open(store_path(work_dir, task_number), "wb") as stream:
            pickle.dump(documents, stream, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass
