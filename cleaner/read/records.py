"""What readers of record files share: a record's fields become a document.

A record (a JSON object, a Parquet row) has a text field and an id field
(``--text-key``, ``--id-key``); every other field is passed through as the
document's ``extra``. A URL among the fields (``url``, or ``metadata.url`` as
datatrove writes it) gives the document its site: the URL's domain.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

from ..data import CleanConfig, Decoding, Document, FileFailure, Metadata
from .text import folder_of

# How the text of a record became a str: the record format said (JSON is UTF-8).
RECORD_DECODING = Decoding("utf-8", "record", 1.0)
# A JSON string may hold a lone surrogate ("\\ud800"), which no UTF-8 file can.
SURROGATE_RE = re.compile("[\ud800-\udfff]")
URL_HOST_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?([^:/?#\s]+)")
URL_KEYS = ("url", "URL", "link")


def domain_of(url: str) -> str | None:
    """Return the host of a URL, lower case, without a leading ``www.``.

    >>> domain_of("https://www.Gov.cn/a/b.html"), domain_of("not a url")
    ('gov.cn', None)
    """
    match = URL_HOST_RE.match(url.strip())
    if not match:
        return None
    host = match.group(1).lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host or None


def record_name(rel_path: str, number: int) -> str:
    """Return the path under OUT of a record's cleaned text in a text tree.

    >>> record_name("shards/a.jsonl.gz", 17)
    'shards/a.jsonl.gz.d/000017.txt'
    """
    return posixpath.join(rel_path + ".d", f"{number:06d}.txt")


def record_document(
    record: Mapping[str, Any], rel_path: str, number: int, where: str, config: CleanConfig
) -> Document | FileFailure:
    """Turn one record into a document, or say what is wrong with it.

    ``number`` is the record's line or row (1-based), ``where`` its printable
    place (``shard.jsonl:17``).
    """
    text = record.get(config.text_key)
    if text is None:
        return FileFailure(where, f"no {config.text_key!r} field (choose it with --text-key)")
    if not isinstance(text, str):
        kind = type(text).__name__
        return FileFailure(where, f"the {config.text_key!r} field is a {kind}, not a string")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        return FileFailure(where, "no text (only white space)")
    decoding = RECORD_DECODING
    text, replaced = SURROGATE_RE.subn("\ufffd", text)
    if replaced:
        decoding = Decoding("utf-8", "record", 1.0, replaced)
    given = record.get(config.id_key)
    doc_id = str(given) if isinstance(given, (str, int)) and str(given) else where
    extra = {k: v for k, v in record.items() if k not in (config.text_key, config.id_key)}
    # Dates stay in ``extra`` as the record gives them: their formats are too many
    # to read reliably, and the text's own date line is read when cleaning.
    url = _first_string(record, URL_KEYS)
    declared = Metadata(url=url, domain=domain_of(url) if url else None)
    site = declared.domain or folder_of(rel_path)
    name = record_name(rel_path, number)
    size = len(text.encode("utf-8"))
    return Document(doc_id, text, where, decoding, site, name, declared, extra, size)


def _first_string(record: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    """Return the first of ``keys`` holding a non-empty string, at the top or in ``metadata``."""
    nested = record.get("metadata")
    for fields in (record, nested if isinstance(nested, Mapping) else {}):
        for key in keys:
            value = fields.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None
