"""The per-file work of a corpus run, as it runs in worker processes.

Each worker gets the run's state once (``init_worker``) and then file names;
it reads, decodes, normalizes and cleans one file at a time and sends back a
small record, never the text: cleaned texts go to the work directory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
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
    CleanedText,
    Decoding,
    Document,
    FileFailure,
    FileReport,
    Metadata,
    Normalized,
    RawFile,
    Stripped,
)
from ..dedup.containment import paragraph_keys
from ..dedup.near import (
    Signature,
    Signatures,
    batch_document_signatures,
    masked_key,
    paragraph_signatures,
)
from ..read.decode import decode_file
from ..read.files import iter_raw_files, printable_path
from ..read.html import ExtractedPage, decode_html, extract_main_text
from ..read.page_store import load_page, store_page
from ..write.staging import Staged, stage_texts

HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True, slots=True)
class RunState:
    """What every worker needs to know, sent once per process."""

    root: str
    config: CleanConfig
    frequent: dict[str, frozenset[int]]  # per site (folder): keys of its template lines
    work_dir: str | None
    # Sites whose frequent lines pass 1 did not count: pass 2 cleans their files
    # without any and returns each file's edge keys (see pipeline.settle_speculation).
    speculative: frozenset[str] = frozenset()
    batch_base: int = 0  # added to batch numbers: a second round stages beside the first


@dataclass(frozen=True, slots=True)
class Processed:
    """A cleaned file as the main process keeps it: no text, only what decisions need."""

    report: FileReport
    signature: Any  # MinHash signature (numpy uint32), or None for an empty document
    # Key of the text with every number masked ("only figures differ"); None when
    # the text is staged, and read back only if the document is in a cluster.
    masked_key: int | None
    text_key: int  # key of the cleaned text
    staged: Staged | None = None  # where the text waits in the work directory
    edge_keys: frozenset[int] | None = None  # for a file of a speculative site
    # Keys of the long paragraphs (numpy uint64): containment's candidates (issue 18).
    paragraph_keys: Any = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle the signature as its bytes: an array's own pickling cost 8 us a record.

        Workers send one record per file; the main process gets back a read-only
        array over the bytes.
        """
        signature = None if self.signature is None else self.signature.tobytes()
        keys = None if self.paragraph_keys is None else self.paragraph_keys.tobytes()
        fields = (self.masked_key, self.text_key, self.staged, self.edge_keys)
        return _processed, (self.report, signature, keys, *fields)


def _processed(
    report: FileReport, signature: bytes | None, keys: bytes | None, *fields: Any
) -> Processed:
    """Rebuild a pickled ``Processed``."""
    array = None if signature is None else np.frombuffer(signature, dtype=np.uint32)
    paragraph_keys = None if keys is None else np.frombuffer(keys, dtype=np.uint64)
    return Processed(report, array, *fields, paragraph_keys=paragraph_keys)


_STATE: dict[str, RunState] = {}


def init_worker(state: RunState) -> None:
    """Keep the run's state in this worker process for the tasks that follow."""
    _STATE["run"] = state


def _guarded(rel_path: str, stage: Callable[..., Any], *args: Any) -> Any:
    """Run one file through a stage; a crash becomes that file's failure, not the run's."""
    try:
        return stage(*args)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the corpus
        reason = f"internal error ({type(error).__name__}: {error}); please report it"
        return FileFailure(printable_path(rel_path), reason)


def site_of(rel_path: str) -> str:
    """Return the site a file belongs to for corpus-level counts: its folder.

    >>> site_of("gov.cn/news/a.txt"), site_of("a.txt")
    ('gov.cn/news', '')
    """
    return rel_path.rpartition("/")[0]


def is_html(rel_path: str) -> bool:
    """Tell whether a file is an HTML page, whose main text is extracted first."""
    return rel_path.lower().endswith(HTML_SUFFIXES)


def _decode(raw: RawFile, sample_bytes: int) -> tuple[Document | FileFailure, ExtractedPage | None]:
    """Decode a file; an HTML page is decoded the same way, then its main text extracted."""
    if not is_html(raw.rel_path):
        return decode_file(raw, sample_bytes), None
    decoded = decode_html(raw.data, sample_bytes)
    if isinstance(decoded, str):
        return FileFailure(raw.rel_path, decoded), None
    text, decoding = decoded
    page = extract_main_text(text)
    return Document(raw.rel_path, raw.rel_path, page.text, decoding), page


def _read_and_normalize(
    rel_path: str,
) -> tuple[Any, Normalized | None, int, ExtractedPage | None]:
    """Return (document or failure, normalized text, size in bytes, HTML page) of one file."""
    state = _STATE["run"]
    if state.work_dir is not None and is_html(rel_path):
        kept = load_page(state.work_dir, rel_path)  # extracted in pass 1
        if kept is not None:
            text = kept[0].text
            return kept[0], normalize_text(text, state.config.normalize), kept[2], kept[1]
    (raw,) = iter_raw_files(state.root, [rel_path])
    if isinstance(raw, FileFailure):
        return replace(raw, rel_path=printable_path(rel_path)), None, 0, None
    document, page = _decode(raw, state.config.sample_bytes)
    if isinstance(document, FileFailure):
        return replace(document, rel_path=printable_path(rel_path)), None, len(raw.data), None
    normalized = normalize_text(document.text, state.config.normalize)
    return document, normalized, len(raw.data), page


def with_page_metadata(metadata: Metadata, page: ExtractedPage | None) -> Metadata:
    """Fill what the text's own lines did not give from what the HTML page declares.

    The page's title wins (extracted main text often starts below it); dates and
    authors read from the text come first, as they proved more accurate.
    """
    if page is None:
        return metadata
    return replace(
        metadata,
        title=page.title or metadata.title,
        date=metadata.date or page.date,
        author=metadata.author or page.author,
        site=metadata.site or page.sitename,
        domain=metadata.domain or page.hostname,
        url=metadata.url or page.url,
    )


def _scan_file(rel_path: str) -> frozenset[int] | FileFailure:
    """Pass 1: the keys of the short lines at the edges of one file."""
    state = _STATE["run"]
    (raw,) = iter_raw_files(state.root, [rel_path])
    if isinstance(raw, FileFailure):
        return replace(raw, rel_path=printable_path(rel_path))
    document, page = _decode(raw, state.config.sample_bytes)
    if isinstance(document, FileFailure):
        return replace(document, rel_path=printable_path(rel_path))
    if page is not None and state.work_dir is not None:
        store_page(state.work_dir, rel_path, document, page, len(raw.data))
    return edge_keys(document.text.split("\n"), state.config)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A file read, decoded, normalized and stripped, waiting for its signatures."""

    index: int
    name: str
    document: Document
    normalized: Normalized
    stripped: Stripped
    page: ExtractedPage | None
    size: int
    edge_keys: frozenset[int] | None


def _prepare_file(index: int, rel_path: str) -> _Prepared | FileFailure:
    """Pass 2, first half: everything before the signatures, for one file."""
    state = _STATE["run"]
    document, normalized, size, page = _read_and_normalize(rel_path)
    if normalized is None:
        return document  # type: ignore[no-any-return]
    site = site_of(rel_path)
    frequent = state.frequent.get(site, frozenset())
    stripped = strip_document(document.text, normalized, state.config, frequent)
    keys = None
    if site in state.speculative:
        keys = zone_keys(normalized.text.split("\n"), state.config)
    name = printable_path(rel_path)
    return _Prepared(index, name, document, normalized, stripped, page, size, keys)


# A cleaned file: its report, signature, cleaned text, edge keys (or None), paragraph keys.
Finished = tuple[FileReport, Signature | None, str, frozenset[int] | None, Any]


def _finish_file(
    prepared: _Prepared, rows: Signatures, may_repeat: bool, signature: Signature | None
) -> Finished:
    """Pass 2, second half: block dedup and the report, for one file; and its cleaned text."""
    state = _STATE["run"]
    document, config = prepared.document, state.config
    cleaned = finish_document(
        document.text, prepared.normalized, prepared.stripped, rows, config, may_repeat, signature
    )
    if prepared.page is not None:
        cleaned = replace(cleaned, metadata=with_page_metadata(cleaned.metadata, prepared.page))
    chars_in, size = len(document.text), prepared.size
    report = _file_report(prepared.name, document.decoding, cleaned, chars_in, size)
    kept_signature = cleaned.signature if config.dedup.documents else None
    keys = paragraph_keys(rows, prepared.stripped.lines) if config.dedup.documents else None
    return report, kept_signature, cleaned.text, prepared.edge_keys, keys


def process_batch(batch: list[tuple[int, str]]) -> list[Processed | FileFailure]:
    """Pass 2 for a batch of files: every paragraph of the batch is signed in one call.

    A signing call has a fixed cost, so documents are signed a batch at a time
    (``engine.BATCH_FILES``, up to 384; see ``engine.batch_size``).
    The cleaned texts are staged in the work directory (``_stage``).
    """
    dedup = _STATE["run"].config.dedup
    prepared = [_guarded(rel_path, _prepare_file, index, rel_path) for index, rel_path in batch]
    ready = [p for p in prepared if isinstance(p, _Prepared)]
    lines = [line for p in ready for line in p.stripped.lines]
    rows = paragraph_signatures(lines, dedup)
    counts = [len(p.stripped.lines) for p in ready]
    starts = np.cumsum([0] + counts)
    shared = documents_sharing_bands(rows, counts, dedup)
    whole = batch_document_signatures(rows, counts)
    own = {
        id(p): (rows[starts[k] : starts[k + 1]], shared[k], whole[k]) for k, p in enumerate(ready)
    }
    finished: list[Finished | FileFailure] = [
        _guarded(item.name, _finish_file, item, *own[id(item)])
        if isinstance(item, _Prepared)
        else item
        for item in prepared
    ]
    state = _STATE["run"]
    finished = with_signals(finished, state.config)
    if state.work_dir is None or not batch:  # nothing staged: an analysis (clean check)
        return [
            item if isinstance(item, FileFailure) else _record(item, item[2].encode("utf-8"), None)
            for item in finished
        ]
    per_file = state.config.output_format == "text"
    numbers = [state.batch_base + index for index, _ in batch]
    return _stage(state.work_dir, numbers, finished, per_file)


def with_signals(
    finished: list[Finished | FileFailure], config: CleanConfig
) -> list[Finished | FileFailure]:
    """Add each cleaned document's signals to its report; one a filter rejects is not written.

    Seam of issue 18: the signals of the batch are measured in one call; a
    filtered document loses its signature, so it joins no duplicate cluster.
    """
    done = [item for item in finished if not isinstance(item, FileFailure)]
    measured = iter(measure_batch([item[2] for item in done]))
    result: list[Finished | FileFailure] = []
    for item in finished:
        if isinstance(item, FileFailure):
            result.append(item)
            continue
        report, signature, text, keys, paragraphs = item
        signals = next(measured)
        rejection = check_signals(signals, config.filters) if config.filters.enabled else None
        if rejection is None:
            report = replace(report, signals=signals)
        else:
            report = replace(report, signals=signals, filtered=rejection, status="filtered")
            signature = None
        result.append((report, signature, text, keys, paragraphs))
    return result


def _record(finished: Finished, data: bytes, staged: Staged | None) -> Processed:
    """Return the record of a cleaned file whose text encodes to ``data``.

    A staged text's masked key is left for the main process to compute, from
    the staged text, for the few documents that turn out to be in a cluster.
    """
    report, signature, text, edge_keys, keys = finished
    masked = masked_key(text) if staged is None else None
    return Processed(report, signature, masked, bytes_key(data), staged, edge_keys, keys)


def _stage(
    work_dir: str,
    numbers: list[int],
    finished: list[Finished | FileFailure],
    per_file: bool,
) -> list[Processed | FileFailure]:
    """Stage a batch's texts, and say in each record where its text is.

    For text output each text gets a file of its own, which is later renamed
    into place: every output file is created here, on all cores. For JSON Lines
    the batch shares one file (creating files cost more than writing them).
    When the batch file cannot be written, each text is tried on its own, so
    only the files that cannot be written fail (a full disk, a quota).
    ``numbers`` name the staged files: the files' run indexes, plus the round's base.
    """
    done = [
        (index, item, b"" if isinstance(item, FileFailure) else item[2].encode("utf-8"))
        for index, item in zip(numbers, finished, strict=True)
    ]
    if not per_file:
        try:
            texts = [data for _, item, data in done if not isinstance(item, FileFailure)]
            places = iter(stage_texts(work_dir, numbers[0], texts))
        except OSError:
            pass  # tried text by text below
        else:
            return [
                item if isinstance(item, FileFailure) else _record(item, data, next(places))
                for _, item, data in done
            ]
    results: list[Processed | FileFailure] = []
    for index, item, data in done:
        if isinstance(item, FileFailure):
            results.append(item)
            continue
        try:
            (place,) = stage_texts(work_dir, index, [data])
        except OSError as error:  # this file is not written; the run goes on
            reason = f"cannot write output: {error.strerror or error}"
            results.append(FileFailure(item[0].source_path, reason))
        else:
            results.append(_record(item, data, place))
    return results


def scan_guarded(rel_path: str) -> frozenset[int] | FileFailure:
    """Return a file's edge-line keys, or why it could not be read."""
    return _guarded(rel_path, _scan_file, rel_path)  # type: ignore[no-any-return]


def scan_batch(rel_paths: list[str]) -> list[frozenset[int] | FileFailure]:
    """Pass 1 for a batch of files: one message to and from a worker per batch."""
    return [scan_guarded(rel_path) for rel_path in rel_paths]


def scan_with(task: tuple[RunState, list[str]]) -> list[frozenset[int] | FileFailure]:
    """``scan_batch`` on a pool worker: the task brings the run's state."""
    init_worker(task[0])
    return scan_batch(task[1])


def clean_with(task: tuple[RunState, list[tuple[int, str]]]) -> list[Processed | FileFailure]:
    """``process_batch`` on a pool worker: the task brings the run's state."""
    init_worker(task[0])
    return process_batch(task[1])


def _file_report(
    doc_id: str, decoding: Decoding, cleaned: CleanedText, chars_in: int, bytes_in: int
) -> FileReport:
    return FileReport(
        doc_id=doc_id,
        source_path=doc_id,
        decoding=decoding,
        metadata=cleaned.metadata,
        removed=cleaned.removed,
        duplicate_blocks=cleaned.duplicate_blocks,
        rule_counts=cleaned.rule_counts,
        lines_in=cleaned.lines_in,
        lines_out=cleaned.lines_out,
        chars_in=chars_in,
        chars_out=len(cleaned.text),
        bytes_in=bytes_in,
        warnings=cleaned.warnings,
    )
