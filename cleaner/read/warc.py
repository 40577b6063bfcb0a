"""Read web archives (warcio, the ``warc`` extra): WARC responses and WET conversions.

Common Crawl's WET files hold each page's text as a ``conversion`` record;
WARC files hold the pages themselves as ``response`` records, whose HTML goes
through the same main-text extraction as an ``.html`` file. Each document
carries the record's URL (its site is the URL's domain) and date. Other
records (requests, metadata, non-HTML responses) are not documents and are
passed over. A damaged or truncated archive is reported with the record it
stopped at; the records read before stand.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from ..data import CleanConfig, Document, FileFailure, Metadata, ReadTask
from ..errors import UsageProblem
from .decode import decode_bytes
from .files import printable_path
from .html import decode_html, extract_main_text
from .records import domain_of, record_name
from .text import folder_of

INSTALL_HINT = "reading WARC/WET needs warcio: pip install 'cleaner[warc]'"
HTML_TYPES = ("text/html", "application/xhtml+xml")


def import_warcio() -> Any:
    """Return warcio's ``ArchiveIterator``, or say how to install it."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as error:
        raise UsageProblem(INSTALL_HINT) from error
    return ArchiveIterator


class WarcFiles:
    """WARC and WET files (``.warc``, ``.warc.gz``, ``.wet``, ``.warc.wet.gz``)."""

    keeps_extraction = True  # HTML responses are extracted: pass 1 keeps them for pass 2
    one_per_file = False

    def tasks(self, root: str, rel_path: str) -> list[ReadTask]:
        """Return one task: a (gzipped) archive is read from its start."""
        return [ReadTask("warc", (rel_path,))]

    def documents(
        self, root: str, task: ReadTask, config: CleanConfig
    ) -> Iterator[Document | FileFailure]:
        """Yield each page of the archive as a document, or its failure."""
        archive_iterator = import_warcio()
        (rel_path,) = task.paths
        name = printable_path(rel_path)
        number = 0
        try:
            with open(os.path.join(root, rel_path), "rb") as stream:
                for record in archive_iterator(stream):
                    number += 1
                    if record.rec_type in ("response", "conversion", "resource"):
                        found = _page(record, rel_path, number, f"{name}:{number}", config)
                        if found is not None:
                            yield found
        except Exception as error:  # noqa: BLE001 - warcio raises many kinds on damaged input
            reason = str(error) or type(error).__name__
            yield FileFailure(f"{name}:{number + 1}", f"cannot read further: {reason}")


def _page(
    record: Any, rel_path: str, number: int, where: str, config: CleanConfig
) -> Document | FileFailure | None:
    """Return the document a record holds, its failure, or None when it is not a page."""
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI") or None
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>") or where
    date = (headers.get_header("WARC-Date") or "")[:10] or None
    payload = record.content_stream().read()
    if not payload:
        return None
    if record.rec_type == "response":
        if record.http_headers is None:
            return None
        kind = (record.http_headers.get_header("Content-Type") or "").lower()
        if not kind.startswith(HTML_TYPES):
            return None
        decoded = decode_html(payload, config.sample_bytes)
        if isinstance(decoded, str):
            return FileFailure(where, decoded)
        html, decoding = decoded
        page = extract_main_text(html, url)
        declared = Metadata(
            title=page.title,
            date=page.date or date,
            author=page.author,
            site=page.sitename,
            domain=page.hostname,
            url=url,
        )
        text = page.text
    else:
        found = decode_bytes(payload, config.sample_bytes)
        if isinstance(found, str):
            return FileFailure(where, found)
        text, decoding = found
        declared = Metadata(date=date, domain=domain_of(url) if url else None, url=url)
    site = (domain_of(url) if url else None) or folder_of(rel_path)
    return Document(
        record_id, text, where, decoding, site, record_name(rel_path, number), declared, None,
        len(payload),
    )  # fmt: skip
