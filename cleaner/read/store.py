"""Documents read once per run: pass 1 keeps what it extracted for pass 2.

Extracting the main text of an HTML page (trafilatura) costs tens of
milliseconds, far more than anything else done to it; both passes need the
extracted text (pass 1 for the edge lines, pass 2 to clean it). Pass 1 keeps a
task's documents in the run's work directory, named by the task, and pass 2
reads them back instead of extracting again (``write.staging.store_documents``
keeps them). A missing or unreadable file only means reading again, so the
output is the same either way.
"""

from __future__ import annotations

import os
import pickle

from ..data import Document, FileFailure

STORE_SUFFIX = ".read"


def store_path(work_dir: str, task_number: int) -> str:
    """Return where the documents of a task are kept.

    >>> store_path("w", 7)
    'w/00000007.read'
    """
    return os.path.join(work_dir, f"{task_number:08d}{STORE_SUFFIX}")


def load_documents(work_dir: str, task_number: int) -> list[Document | FileFailure] | None:
    """Return the documents pass 1 kept for a task, or None when there are none."""
    try:
        with open(store_path(work_dir, task_number), "rb") as stream:
            kept: list[Document | FileFailure] = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError):
        return None
    return kept
