"""The work of a corpus run on one task, as it runs in a worker process (or in this one).

Every function takes the run's state as an argument: the local pool, ``--jobs 1``
and Ray call the same functions. A task is a piece of the input (``ReadTask``);
a worker reads its documents itself, cleans them and sends back one small record
each, never the text: cleaned texts are staged in the run's work directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from functools import partial
from itertools import islice
from operator import attrgetter
from typing import Any

import numpy as np

from ..clean.blocks import documents_sharing_bands
from ..clean.boilerplate.edges import edge_keys, zone_keys
from ..clean.boilerplate.lines import bytes_key
from ..clean.document import finish_document, strip_document
from ..clean.filters import check_signals
from ..clean.normalize import normalize_text
from ..clean.signals import measure_batch
from ..data import (
    CleanConfig,
    Document,
    FileFailure,
    FileReport,
    Metadata,
    Normalized,
    Processed,
    ReadTask,
    Staged,
    Stripped,
)
from ..dedup.containment import paragraph_keys
from ..dedup.near import Signature, batch_document_signatures, masked_key, paragraph_signatures
from ..read.files import printable_path
from ..read.readers import READERS
from ..read.store import load_documents
from ..write.records import jsonl_record_bytes
from ..write.staging import chunk_batch, stage_batch, stage_each, store_documents

# Documents cleaned at once within a task: their paragraphs are signed in one call
# (each call has a fixed cost), and a task of records holds no more in memory.
CHUNK_DOCUMENTS = 384
# A second round's chunks are numbered from here, beside the first round's staged files.
ROUND_SHIFT = 15


@dataclass(frozen=True, slots=True)
class RunState:
    """What a worker needs to know of the run, sent with each task."""

    root: str
    config: CleanConfig
    frequent: dict[str, frozenset[int]]  # per site: keys of its template lines
    work_dir: str | None
    # Sites whose lines pass 1 did not count, and whether records' sites were: their
    # documents are cleaned without frequent lines and return their edge keys
    # (see engine.frequent: a speculative run).
    speculative: frozenset[str] = frozenset()
    speculative_records: bool = False
    round: int = 0  # a second round of cleaning stages beside the first

    def cut(self, sites: frozenset[str] | None) -> RunState:
        """Return the state a task needs: the frequent lines of its sites only (None: all)."""
        if sites is None or not self.frequent:
            return self
        frequent = {site: self.frequent[site] for site in sites if site in self.frequent}
        return replace(self, frequent=frequent)


# Pass 1 finds, per document, its id, its site and the keys of its edge lines.
Scanned = tuple[str, str, frozenset[int]]


def read_task(state: RunState, task: ReadTask) -> Iterator[Document | FileFailure]:
    """Yield a task's documents: as pass 1 kept them, or read (and extracted) now.

    A task with ``only`` yields the documents at those places, and reads no further.
    """
    documents = _task_documents(state, task)
    if not task.only:
        yield from documents
        return
    wanted, last = frozenset(task.only), max(task.only)
    for place, item in enumerate(documents):
        if place in wanted:
            yield item
        if place >= last:
            return


def _task_documents(state: RunState, task: ReadTask) -> Iterator[Document | FileFailure]:
    reader = READERS[task.reader]
    kept = None
    if state.work_dir is not None and reader.keeps_extraction:
        kept = load_documents(state.work_dir, task.number)
    if kept is None:
        yield from _read(state, task)
    elif not reader.one_per_file:
        yield from kept
    else:  # pass 1 read some of the task's files (those of large folders), or all
        found = {
            item.doc_id if isinstance(item, Document) else item.rel_path: item for item in kept
        }
        for path, name in zip(task.paths, task.names or task.paths, strict=True):
            item = found.get(path) or found.get(printable_path(path))
            if item is None:
                yield from _read(state, replace(task, paths=(path,), names=(name,)))
            else:
                yield item


def _read(state: RunState, task: ReadTask) -> Iterator[Document | FileFailure]:
    """Read a task's documents; a reader that fails unexpectedly fails the rest of its task.

    A reader of files of one document yields one item per file, failures too.
    """
    reader = READERS[task.reader]
    read = 0
    try:
        for item in reader.documents(state.root, task, state.config):
            read += 1
            yield item
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the corpus
        if not reader.one_per_file:
            where = f"{printable_path(task.paths[0])} (after {read} records)"
            yield FileFailure(where, _internal(error))
            return
        for path in task.paths[read:]:
            yield FileFailure(printable_path(path), _internal(error))


def scan_task(state: RunState, task: ReadTask) -> list[Scanned | FileFailure]:
    """Pass 1 on a task: each document's id, site and edge-line keys, or its failure.

    Documents whose extraction was costly are kept for pass 2.
    """
    documents = list(read_task(state, task))
    if state.work_dir is not None and READERS[task.reader].keeps_extraction and not task.only:
        store_documents(state.work_dir, task.number, documents)
    return [
        item if isinstance(item, FileFailure) else _guarded(item, lambda d: _scan(state, d))
        for item in documents
    ]


def _scan(state: RunState, document: Document) -> Scanned:
    return document.doc_id, document.site, edge_keys(document.text.split("\n"), state.config)


def clean_task(state: RunState, task: ReadTask) -> list[Processed | FileFailure]:
    """Pass 2 on a task: clean its documents, a chunk at a time, and stage their texts."""
    results: list[Processed | FileFailure] = []
    documents = read_task(state, task)
    speculative = state.speculative_records and not READERS[task.reader].one_per_file
    for chunk_number in range(1 << 30):
        chunk = list(islice(documents, CHUNK_DOCUMENTS))
        if not chunk:
            break
        number = chunk_number + (state.round << ROUND_SHIFT)
        results += _clean_chunk(state, task.number, number, chunk, speculative)
    return results


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A document normalized and stripped, waiting for its signatures."""

    document: Document
    normalized: Normalized
    stripped: Stripped
    edge_keys: frozenset[int] | None  # when its site's lines were not counted yet


def _prepare(state: RunState, document: Document, speculative: bool) -> _Prepared:
    """Pass 2, first half: everything before the signatures, for one document."""
    config = state.config
    normalized = normalize_text(document.text, config.normalize)
    frequent = state.frequent.get(document.site, frozenset())
    stripped = strip_document(document.text, normalized, config, frequent)
    keys = None
    if speculative or document.site in state.speculative:
        keys = zone_keys(normalized.text.split("\n"), config)
    return _Prepared(document, normalized, stripped, keys)


# A cleaned document: its report, its signature, its text, its long paragraphs' keys,
# its edge keys (a speculative document's).
Finished = tuple[Document, FileReport, Signature | None, str, Any, frozenset[int] | None]


def _clean_chunk(
    state: RunState,
    task_number: int,
    chunk_number: int,
    chunk: list[Document | FileFailure],
    speculative: bool,
) -> list[Processed | FileFailure]:
    """Clean a chunk of documents; every paragraph of the chunk is signed in one call."""
    config = state.config
    prepared = [
        item
        if isinstance(item, FileFailure)
        else _guarded(item, partial(_prepare, state, speculative=speculative))
        for item in chunk
    ]
    ready = [p for p in prepared if isinstance(p, _Prepared)]
    lines = [line for p in ready for line in p.stripped.lines]
    rows = paragraph_signatures(lines, config.dedup)
    counts = [len(p.stripped.lines) for p in ready]
    starts = np.cumsum([0, *counts])
    shared = documents_sharing_bands(rows, counts, config.dedup)
    whole = batch_document_signatures(rows, counts)
    own = {
        id(p): (rows[starts[k] : starts[k + 1]], shared[k], whole[k]) for k, p in enumerate(ready)
    }
    finished: list[Finished | FileFailure] = [
        _guarded(item.document, partial(_finish, config, item, *own[id(item)]))
        if isinstance(item, _Prepared)
        else item
        for item in prepared
    ]
    return _stage(state, chunk_batch(task_number, chunk_number), with_signals(finished, config))


def with_signals(
    finished: list[Finished | FileFailure], config: CleanConfig
) -> list[Finished | FileFailure]:
    """Add each cleaned document's signals to its report; one a filter rejects is not written.

    The signals of a chunk are measured in one call; a filtered document loses
    its signature, so it joins no duplicate cluster.
    """
    done = [item for item in finished if not isinstance(item, FileFailure)]
    measured = iter(measure_batch([item[3] for item in done]))
    filtering = config.filters.enabled
    result: list[Finished | FileFailure] = []
    for item in finished:
        if isinstance(item, FileFailure):
            result.append(item)
            continue
        document, report, signature, text, keys, edges = item
        signals = next(measured)
        rejection = check_signals(signals, config.filters) if filtering else None
        if rejection is None:
            values = list(_REPORT_VALUES(report))
            values[_SIGNALS_FIELD] = signals
            report = FileReport(*values)
        else:
            report = replace(report, signals=signals, filtered=rejection, status="filtered")
            signature = None
        result.append((document, report, signature, text, keys, edges))
    return result


# A report with its signals, built from its fields in order: dataclasses.replace
# names every field and took twice as long, a third of what signals cost in pass 2.
_REPORT_VALUES = attrgetter(*(field.name for field in fields(FileReport)))
_SIGNALS_FIELD = [field.name for field in fields(FileReport)].index("signals")


def _finish(
    config: CleanConfig, prepared: _Prepared, rows: Any, may_repeat: bool, whole: Any, _: Document
) -> Finished:
    """Pass 2, second half: block dedup and the report of one document."""
    document = prepared.document
    cleaned = finish_document(
        document.text, prepared.normalized, prepared.stripped, rows, config, may_repeat, whole
    )
    metadata = with_declared_metadata(cleaned.metadata, document.metadata)
    report = FileReport(
        doc_id=document.doc_id,
        source_path=document.source,
        decoding=document.decoding,
        metadata=metadata,
        removed=cleaned.removed,
        duplicate_blocks=cleaned.duplicate_blocks,
        rule_counts=cleaned.rule_counts,
        lines_in=cleaned.lines_in,
        lines_out=cleaned.lines_out,
        chars_in=len(document.text),
        chars_out=len(cleaned.text),
        bytes_in=document.size,
        warnings=cleaned.warnings,
    )
    signature = cleaned.signature if config.dedup.documents else None
    keys = paragraph_keys(prepared.stripped.lines) if config.dedup.documents else None
    return document, report, signature, cleaned.text, keys, prepared.edge_keys


def with_declared_metadata(metadata: Metadata, declared: Metadata | None) -> Metadata:
    """Fill what the text's own lines did not give from what the input declares.

    The declared title wins (an extracted main text often starts below it);
    dates and authors read from the text come first, as they proved more accurate.
    """
    if declared is None:
        return metadata
    return replace(
        metadata,
        title=declared.title or metadata.title,
        date=metadata.date or declared.date,
        author=metadata.author or declared.author,
        site=metadata.site or declared.site,
        domain=metadata.domain or declared.domain,
        url=metadata.url or declared.url,
    )


def _stage(
    state: RunState, batch: int, finished: list[Finished | FileFailure]
) -> list[Processed | FileFailure]:
    """Stage a chunk's texts, and say in each record where its text is.

    For a text tree each text gets a file of its own, later renamed into place:
    every output file is created here, on all cores. For JSON Lines and Parquet
    the chunk's records share one file (creating files costs more than writing
    them). Where the chunk's file cannot be written each text is tried on its
    own, so only the documents that cannot be written fail (a full disk, a quota).
    """
    done = [item for item in finished if not isinstance(item, FileFailure)]
    as_records = state.config.output_format != "text"
    data = [
        jsonl_record_bytes(report, text, document.extra) if as_records else text.encode("utf-8")
        for document, report, _, text, _, _ in done
    ]
    places: list[Staged | OSError | None] = [None] * len(done)
    if state.work_dir is not None and as_records:
        try:
            places = list(stage_batch(state.work_dir, batch, data))
        except OSError:  # tried one by one below
            places = list(stage_each(state.work_dir, batch, data, record=True))
    elif state.work_dir is not None:
        places = list(stage_each(state.work_dir, batch, data))
    records = iter(
        FileFailure(item[1].source_path, f"cannot write output: {place.strerror or place}")
        if isinstance(place, OSError)
        else _record(item, place)
        for item, place in zip(done, places, strict=True)
    )
    return [item if isinstance(item, FileFailure) else next(records) for item in finished]


def _record(finished: Finished, staged: Staged | None) -> Processed:
    """Return the record of a cleaned document.

    A staged text's masked key is left for the main process to compute, from
    the staged text, for the few documents that turn out to be in a cluster.
    """
    document, report, signature, text, keys, edges = finished
    masked = masked_key(text) if staged is None else None
    key = bytes_key(text.encode("utf-8"))
    site = document.site
    return Processed(report, signature, masked, key, document.name, staged, keys, site, edges)


def _guarded(document: Document, stage: Any) -> Any:
    """Run one document through a stage; a crash becomes its failure, not the run's."""
    try:
        return stage(document)
    except Exception as error:  # noqa: BLE001 - one bad document must not stop the corpus
        return FileFailure(document.source, _internal(error))


def _internal(error: Exception) -> str:
    return f"internal error ({type(error).__name__}: {error}); please report it"
