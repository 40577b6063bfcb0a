"""HTML pages extracted once per run: pass 1 keeps what it extracted for pass 2.

Extracting the main text of a page (trafilatura) costs tens of milliseconds,
far more than anything else done to it; both passes need the extracted text
(pass 1 for the edge lines, pass 2 to clean it). Pass 1 writes each page's
extraction into the run's work directory, named by the page's path, and pass 2
reads it back instead of extracting again. A missing or unreadable entry only
means extracting again, so the output is the same either way.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, fields
from typing import Any

from ..data import Decoding, Document
from .html import ExtractedPage

PAGES_DIR = "pages"
_PAGE_FIELDS = frozenset(field.name for field in fields(ExtractedPage))
_DECODING_FIELDS = frozenset(field.name for field in fields(Decoding))


def page_path(work_dir: str, rel_path: str) -> str:
    """Return where the extraction of the page at ``rel_path`` is kept.

    >>> page_path("w", "a.html") == page_path("w", "a.html") != page_path("w", "b.html")
    True
    """
    name = hashlib.blake2b(rel_path.encode("utf-8", "surrogateescape"), digest_size=16)
    return os.path.join(work_dir, PAGES_DIR, name.hexdigest())


def store_page(
    work_dir: str, rel_path: str, document: Document, page: ExtractedPage, size: int
) -> None:
    """Keep a page's extraction for pass 2; a failure to write only costs the time.

    The document's text is the page's main text, so it is kept once.
    """
    record = {"decoding": asdict(document.decoding), "page": asdict(page), "size": size}
    path = page_path(work_dir, rel_path)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", errors="surrogatepass") as stream:
            json.dump(record, stream, ensure_ascii=False)
    except OSError:
        pass


def load_page(work_dir: str, rel_path: str) -> tuple[Document, ExtractedPage, int] | None:
    """Return the (document, page, size in bytes) pass 1 kept for ``rel_path``, or None."""
    path = page_path(work_dir, rel_path)
    try:
        with open(path, encoding="utf-8", errors="surrogatepass") as stream:
            record = json.load(stream)
        decoding = Decoding(**_known(record["decoding"], _DECODING_FIELDS))
        kept = ExtractedPage(**_known(record["page"], _PAGE_FIELDS))
        size = int(record["size"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Document(rel_path, rel_path, kept.text, decoding), kept, size


def _known(values: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key in names}
