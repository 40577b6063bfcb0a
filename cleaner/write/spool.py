"""Spool documents that come from memory or a stream into a file a run can read twice.

A run reads its input twice (pass 1 counts template lines, pass 2 cleans), and
works on files; documents handed over by a caller (``clean_documents``) or
piped in (``clean -``) are first written as JSON Lines into a temporary folder.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..data import Document
from ..errors import UsageProblem


def spool_stream(stream: IO[bytes], target: Path) -> None:
    """Copy a byte stream (standard input) to ``target`` as it comes."""
    with target.open("wb") as spool:
        shutil.copyfileobj(stream, spool)


def spool_documents(
    documents: Iterable[Mapping[str, Any] | Document], target: Path, text_key: str, id_key: str
) -> int:
    """Write documents as JSON Lines to ``target``; return how many.

    A mapping is written as it is (its text under ``text_key``, its id under
    ``id_key``, every other field passed through); a ``Document`` as its id, its
    text, its URL and its extra fields.

    Raises:
        UsageProblem: an item is neither, or holds what JSON cannot (its number says which).

    """
    count = 0
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
            count += 1
    return count


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
