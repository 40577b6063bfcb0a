"""The table of readers, and the plan of a run's reading: which reader takes which file.

A new input format is one module with a reader class and one row here. A
reader says how a file is cut into tasks (``tasks``) and yields the documents
of a task (``documents``); workers run tasks on their own, so reading is
spread over every core like the rest of a run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Protocol

from ..data import CleanConfig, Document, FileFailure, ReadTask
from ..errors import UsageProblem
from .jsonl import JsonLines
from .parquet import ParquetFiles
from .text import HtmlPages, TextFiles, text_name
from .warc import WarcFiles


class Reader(Protocol):
    """Turn input files into documents."""

    # Pass 1 keeps the documents it read for pass 2 (their extraction is costly).
    keeps_extraction: bool
    # Each file is one document: files are batched into tasks, and named under OUT.
    one_per_file: bool

    def tasks(self, root: str, rel_path: str) -> list[ReadTask]:
        """Return the tasks that read the file at ``rel_path`` (under ``root``)."""

    def documents(
        self, root: str, task: ReadTask, config: CleanConfig
    ) -> Iterator[Document | FileFailure]:
        """Yield the documents of a task, in order, and a failure for what cannot be read."""


READERS: dict[str, Reader] = {
    "text": TextFiles(),
    "html": HtmlPages(),
    "jsonl": JsonLines(),
    "parquet": ParquetFiles(),
    "warc": WarcFiles(),
}
# (name ending, reader), longest endings first; a name matching none is text.
SUFFIXES: tuple[tuple[str, str], ...] = (
    (".warc.wet.gz", "warc"),
    (".jsonl.zst", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".warc.gz", "warc"),
    (".jsonl.gz", "jsonl"),
    (".parquet", "parquet"),
    (".ndjson", "jsonl"),
    (".wet.gz", "warc"),
    (".jsonl", "jsonl"),
    (".html", "html"),
    (".warc", "warc"),
    (".htm", "html"),
    (".wet", "warc"),
)
INPUT_FORMATS = ("auto", *READERS)
# The files a run reads when no glob is given: those of its input format.
DEFAULT_GLOBS = {
    "auto": "**/*.txt",
    "text": "**/*.txt",
    "html": "**/*.{html,htm}",
    "jsonl": "**/*.{jsonl,ndjson}{,.gz,.zst}",
    "parquet": "**/*.parquet",
    "warc": "**/*.{warc,wet}{,.gz}",
}


def input_glob(config: CleanConfig) -> str:
    """Return the glob a run reads: the one asked for, or its input format's.

    >>> input_glob(CleanConfig(input_format="parquet")), input_glob(CleanConfig(glob="*.md"))
    ('**/*.parquet', '*.md')
    """
    return config.glob or DEFAULT_GLOBS.get(config.input_format, DEFAULT_GLOBS["auto"])


def reader_of(rel_path: str, input_format: str = "auto") -> str:
    """Return the reader of a file: the one asked for, or the one its name says.

    >>> reader_of("a/b.jsonl.gz"), reader_of("x.HTML"), reader_of("notes.md")
    ('jsonl', 'html', 'text')
    >>> reader_of("data.txt", "jsonl")
    'jsonl'
    """
    if input_format != "auto":
        return input_format
    lowered = rel_path.lower()
    for ending, reader in SUFFIXES:
        if lowered.endswith(ending):
            return reader
    return "text"


def plan_tasks(
    root: str, rel_paths: Sequence[str], config: CleanConfig, files_per_task: int
) -> list[ReadTask]:
    """Cut the run's input into tasks, numbered in order: the plan both passes follow.

    Files of one document each are batched, ``files_per_task`` at a time, in
    sorted order; record files are cut by their reader. An HTML page's text is
    named as a text file, unless another input already has that name.
    """
    if config.input_format not in INPUT_FORMATS:
        choices = ", ".join(INPUT_FORMATS)
        raise UsageProblem(f"unknown input format {config.input_format!r}; choose one of {choices}")
    taken = set(rel_paths)
    tasks: list[ReadTask] = []
    batch: list[tuple[str, str]] = []  # (path, name) of one-document files
    batch_reader = ""

    def flush() -> None:
        if batch:
            paths, names = zip(*batch, strict=True)
            tasks.append(ReadTask(batch_reader, paths, names))
            batch.clear()

    for rel_path in rel_paths:
        name = reader_of(rel_path, config.input_format)
        reader = READERS[name]
        if not reader.one_per_file:
            flush()
            tasks.extend(reader.tasks(root, rel_path))
            continue
        if name != batch_reader or len(batch) >= files_per_task:
            flush()
            batch_reader = name
        batch.append((rel_path, _output_name(rel_path, name, taken)))
    flush()
    return [replace(task, number=number) for number, task in enumerate(tasks)]


def _output_name(rel_path: str, reader: str, taken: set[str]) -> str:
    """Return where a file's cleaned text goes: a page's as ``.txt``, if free."""
    if reader != "html":
        return rel_path
    name = text_name(rel_path)
    if name in taken:
        name = rel_path + ".txt"
    taken.add(name)
    return name
