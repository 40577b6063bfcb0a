"""Spool documents that come from memory or a stream into a file a run can read twice.

A run reads its input twice (pass 1 counts template lines, pass 2 cleans), and
works on files; documents handed over by a caller (``clean_documents``) or
piped in (``clean -``) are first written as JSON Lines into a temporary folder.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..data import CleanReport, Document
from ..errors import UsageProblem
from ..read.jsonl import read_records
from .files import CORPUS_JSONL

# Where a spooled run keeps its input and its output, inside its folder.
SPOOLED_IN = "in/documents.jsonl"
SPOOLED_OUT = "out"


def spool_stream(stream: IO[bytes], target: Path) -> None:
    """Copy a byte stream (standard input) to ``target`` as it comes."""
    with target.open("wb") as spool:
        shutil.copyfileobj(stream, spool)


@contextmanager
def spool_folder() -> Iterator[Path]:
    """Make a temporary folder for a run of spooled documents; remove it if the run fails.

    A run that succeeds hands the folder over (to ``CleanedDocuments``), which
    removes it when it is done with it.
    """
    folder = Path(tempfile.mkdtemp(prefix="cleaner-"))
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def spool_documents(
    documents: Iterable[Mapping[str, Any] | Document], folder: Path, text_key: str, id_key: str
) -> Path:
    """Write documents as JSON Lines into ``folder``; return the file.

    A mapping is written as it is (its text under ``text_key``, its id under
    ``id_key``, every other field passed through); a ``Document`` as its id, its
    text, its URL and its extra fields.

    Raises:
        UsageProblem: an item is neither, or holds what JSON cannot (its number says which).

    """
    target = folder / SPOOLED_IN
    target.parent.mkdir()
    with target.open("w", encoding="utf-8") as spool:
        for number, item in enumerate(documents, start=1):
            record = _record(item, text_key, id_key, number)
            try:
                line = json.dumps(record, ensure_ascii=False)
            except (TypeError, ValueError) as error:
                raise UsageProblem(
                    f"document {number} cannot be written as JSON: {error}"
                ) from error
            spool.write(line + "\n")
    return target


def _record(
    item: Mapping[str, Any] | Document, text_key: str, id_key: str, number: int
) -> Mapping[str, Any]:
    if isinstance(item, Document):
        fields: dict[str, Any] = dict(item.extra or {})
        if item.metadata is not None and item.metadata.url:
            fields.setdefault("url", item.metadata.url)
        return {id_key: item.doc_id, text_key: item.text, **fields}
    if isinstance(item, Mapping):
        return item
    kind = type(item).__name__
    raise UsageProblem(f"document {number} is a {kind}; give dicts or cleaner.data.Document")


class CleanedDocuments:
    """The result of ``clean_documents``: the kept documents (iterate) and the run's report.

    The documents are read back one at a time from a temporary folder, removed
    when this object is closed (``with`` it, or call ``close``) or collected.
    """

    def __init__(self, folder: Path, report: CleanReport) -> None:
        """Hold the run's temporary ``folder`` (removed with this object) and its ``report``."""
        self.folder = folder
        self.report = report
        self._remove = weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Yield each kept document as ``{"id", "text", "metadata"}``, in input order."""
        return read_records(self.folder / SPOOLED_OUT / CORPUS_JSONL)

    def close(self) -> None:
        """Remove the temporary folder."""
        self._remove()

    def __enter__(self) -> CleanedDocuments:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
