"""Readers of files that hold one document each: plain text, and HTML pages.

A task is a batch of such files, read in order. Each file becomes a document
whose id is its path, whose site is its folder (a crawl keeps a site per
folder, whatever URL a page declares) and whose output name the planner gave.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..data import CleanConfig, Decoding, Document, FileFailure, Metadata, ReadTask
from .decode import decode_bytes
from .files import printable_path, read_file
from .html import decode_html, extract_main_text

TEXT_SUFFIX = ".txt"


def folder_of(rel_path: str) -> str:
    """Return the folder of a relative path: a file's site.

    >>> folder_of("gov.cn/news/a.txt"), folder_of("a.txt")
    ('gov.cn/news', '')
    """
    return rel_path.rpartition("/")[0]


def text_name(rel_path: str) -> str:
    """Return the name of a page's cleaned text: a text file, named as one.

    >>> text_name("news/page.html"), text_name("a.HTM")
    ('news/page.txt', 'a.txt')
    """
    stem, _ = os.path.splitext(rel_path)
    return stem + TEXT_SUFFIX


def _files(root: str, task: ReadTask) -> Iterator[tuple[str, str, bytes | FileFailure]]:
    """Yield (path, output name, bytes or failure) for each file of a task."""
    for rel_path, name in zip(task.paths, task.names or task.paths, strict=True):
        yield rel_path, name, read_file(root, rel_path)


class TextFiles:
    """Plain text files, one document each (any encoding ``decode`` knows)."""

    keeps_extraction = False
    one_per_file = True

    def tasks(self, root: str, rel_path: str) -> list[ReadTask]:
        """Return one task for the file (the planner batches such tasks)."""
        return [ReadTask("text", (rel_path,))]

    def documents(
        self, root: str, task: ReadTask, config: CleanConfig
    ) -> Iterator[Document | FileFailure]:
        """Read and decode each file of the task."""
        for rel_path, name, data in _files(root, task):
            if isinstance(data, FileFailure):
                yield data
                continue
            decoded = decode_bytes(data, config.sample_bytes)
            if isinstance(decoded, str):
                yield FileFailure(printable_path(rel_path), decoded)
                continue
            yield _document(rel_path, name, *decoded, None, len(data))


class HtmlPages:
    """HTML pages, one document each: the page's main text and what the page declares."""

    keeps_extraction = True  # extraction costs tens of ms a page: pass 1 keeps it for pass 2
    one_per_file = True

    def tasks(self, root: str, rel_path: str) -> list[ReadTask]:
        """Return one task for the page (the planner batches such tasks)."""
        return [ReadTask("html", (rel_path,))]

    def documents(
        self, root: str, task: ReadTask, config: CleanConfig
    ) -> Iterator[Document | FileFailure]:
        """Read, decode and extract each page of the task."""
        for rel_path, name, data in _files(root, task):
            if isinstance(data, FileFailure):
                yield data
                continue
            decoded = decode_html(data, config.sample_bytes)
            if isinstance(decoded, str):
                yield FileFailure(printable_path(rel_path), decoded)
                continue
            html, decoding = decoded
            page = extract_main_text(html)
            declared = Metadata(
                title=page.title,
                date=page.date,
                author=page.author,
                site=page.sitename,
                domain=page.hostname,
                url=page.url,
            )
            yield _document(rel_path, name, page.text, decoding, declared, len(data))


def _document(
    rel_path: str, name: str, text: str, decoding: Decoding, declared: Metadata | None, size: int
) -> Document:
    # The id is the name as reports show it (bytes that are not UTF-8 as \xNN); the
    # output name keeps the real bytes.
    source = printable_path(rel_path)
    return Document(source, text, source, decoding, folder_of(rel_path), name, declared, None, size)
