"""Text lookups for the HTML report: a document's id in, its text (or None) out.

The report holds no texts; the HTML report shows some (duplicate pairs side by
side), and asks for them through these lookups, which read one file when called.
Both ``clean IN OUT`` (texts in its work directory and in ``OUT``) and ``clean
check`` (texts in a temporary directory) build them here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from ..data import FileFailure
from .decode import decode_file
from .files import input_root, iter_raw_files
from .staged import Location, read_location

# A document's id in, its text (or None) out.
TextLookup = Callable[[str], str | None]


def source_texts(input_path: Path, sample_bytes: int) -> TextLookup:
    """Look up a document's input text, decoded as the run decoded it (LF line ends)."""
    root = input_root(input_path)

    def lookup(doc_id: str) -> str | None:
        (raw,) = iter_raw_files(root, [doc_id])
        if isinstance(raw, FileFailure):
            return None
        document = decode_file(raw, sample_bytes)
        return None if isinstance(document, FileFailure) else document.text

    return lookup


def directory_texts(directory: Path, names: Mapping[str, str] | None = None) -> TextLookup:
    """Look up cleaned texts stored under ``directory``.

    A document is the file named by its id, or by ``names[doc_id]`` when given
    (the pipeline's work directory numbers its files).
    """

    def lookup(doc_id: str) -> str | None:
        name = doc_id if names is None else names.get(doc_id)
        if name is None:
            return None
        path = directory / name
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return lookup


def location_texts(locations: Mapping[str, Location]) -> TextLookup:
    """Look up texts by where they are (a byte range of a staged batch, or a whole file).

    A text that is no longer there (a kept text renamed into OUT meanwhile) is
    None, for the next lookup to find.
    """

    def lookup(doc_id: str) -> str | None:
        location = locations.get(doc_id)
        if location is None:
            return None
        try:
            return read_location(location)
        except FileNotFoundError:
            return None

    return lookup


def chain_texts(*lookups: TextLookup) -> TextLookup:
    """Ask each lookup in turn; the first text found wins.

    >>> chain_texts(lambda d: None, lambda d: d.upper())("a.txt")
    'A.TXT'
    """

    def lookup(doc_id: str) -> str | None:
        for each in lookups:
            text = each(doc_id)
            if text is not None:
                return text
        return None

    return lookup
