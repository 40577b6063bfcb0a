"""Wire the stages in order: read, decode, normalize, boilerplate, dedup, write, report.

This is the only module that knows the order. ``clean_text`` cleans one text
in memory; ``clean_corpus`` runs a whole input tree into an output directory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .boilerplate import corpus_candidate, edge_zone, line_key, strip_boilerplate
from .data import (
    CleanConfig,
    CleanedText,
    CleanReport,
    ClusterMember,
    Document,
    DuplicateCluster,
    FileFailure,
    FileReport,
    Normalized,
)
from .decode import decode_file
from .dedup import (
    differ_only_in_numbers,
    find_duplicate_blocks,
    find_near_duplicates,
    shingle_set,
    signature,
)
from .errors import OutputError, UsageProblem
from .normalize import normalize_text
from .read import find_files, iter_raw_files
from .report import render_json, render_markdown
from .write import CORPUS_JSONL, REPORT_JSON, REPORT_MARKDOWN, write_atomic, write_jsonl

# progress(stage, done, total): called after each file of a stage.
Progress = Callable[[str, int, int], None]
RESERVED_OUTPUT_NAMES = frozenset({REPORT_JSON, REPORT_MARKDOWN, CORPUS_JSONL})


def clean_text(
    text: str,
    config: CleanConfig = CleanConfig(),
    frequent_keys: frozenset[int] = frozenset(),
) -> CleanedText:
    r"""Clean one document's text: normalize, strip boilerplate, drop repeated blocks.

    >>> result = clean_text("当前位置：首页 > 要闻\n医保惠民\n全市参保714.9 万人。")
    >>> result.text
    '医保惠民\n全市参保714.9万人。\n'
    >>> [(r.line_no, r.category) for r in result.removed]
    [(1, 'navigation')]
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _clean_normalized(text, normalize_text(text, config.normalize), config, frequent_keys)


def _clean_normalized(
    raw_text: str, normalized: Normalized, config: CleanConfig, frequent_keys: frozenset[int]
) -> CleanedText:
    lines = normalized.text.split("\n")
    raw_lines = raw_text.split("\n")
    stripped = strip_boilerplate(lines, config.boilerplate, frequent_keys, raw_lines)
    kept = stripped.lines
    blocks: tuple[Any, ...] = ()
    duplicate_removals: tuple[Any, ...] = ()
    if config.dedup.blocks:
        kept, blocks, duplicate_removals = find_duplicate_blocks(kept, config.dedup)
    removed = tuple(
        sorted(stripped.removed + duplicate_removals, key=lambda r: (r.line_no, r.partial))
    )
    body = "".join(line.text + "\n" for line in kept)
    counted_lines = raw_lines[:-1] if raw_lines and raw_lines[-1] == "" else raw_lines
    return CleanedText(
        text=body,
        metadata=stripped.metadata,
        removed=removed,
        duplicate_blocks=blocks,
        rule_counts=normalized.rule_counts,
        lines_in=len(counted_lines),
        lines_out=len(kept),
    )


def check_paths(input_path: Path, output_dir: Path) -> None:
    """Refuse an output directory that would write into the input (or hold it)."""
    source = input_path.resolve()
    root = source if source.is_dir() else source.parent
    target = output_dir.resolve()
    if target == root or root in target.parents:
        raise UsageProblem(
            f"output directory {output_dir} is inside the input {input_path}; "
            "choose an output directory outside the input so no input file can be overwritten"
        )
    if target in root.parents:
        raise UsageProblem(
            f"input {input_path} is inside the output directory {output_dir}; "
            "choose an output directory that does not contain the input"
        )


def _count_frequent_lines(normalized: Sequence[Normalized], config: CleanConfig) -> frozenset[int]:
    """Return the keys of short lines found in at least ``corpus_min_docs`` documents."""
    minimum = config.boilerplate.corpus_min_docs
    if not config.boilerplate.enabled or minimum == 0 or len(normalized) < minimum:
        return frozenset()
    counts: Counter[int] = Counter()
    for document in normalized:
        lines = document.text.split("\n")
        zone = edge_zone(lines, config.boilerplate.corpus_zone_lines)
        keys = {
            line_key(lines[index].strip())
            for index in zone
            if corpus_candidate(lines[index], config.boilerplate)
        }
        counts.update(keys)
    return frozenset(key for key, count in counts.items() if count >= minimum)


def _guarded(rel_path: str, stage: Callable[..., Any], *args: Any) -> Any:
    """Run one file through a stage; a crash becomes that file's failure, not the run's."""
    try:
        return stage(*args)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the corpus
        return FileFailure(
            rel_path, f"internal error ({type(error).__name__}: {error}); please report it"
        )


def _decode_all(
    root: Path, rel_paths: Sequence[str], config: CleanConfig, progress: Progress | None
) -> tuple[list[tuple[Document, int]], list[FileFailure]]:
    documents: list[tuple[Document, int]] = []
    failures: list[FileFailure] = []
    for done, item in enumerate(iter_raw_files(root, rel_paths), start=1):
        if isinstance(item, FileFailure):
            failures.append(item)
        else:
            decoded = _guarded(item.rel_path, decode_file, item, config.sample_bytes)
            if isinstance(decoded, FileFailure):
                failures.append(decoded)
            else:
                documents.append((decoded, len(item.data)))
        if progress:
            progress("read", done, len(rel_paths))
    return documents, failures


def _find_clusters(
    documents: Sequence[Document], cleaned: Sequence[CleanedText], config: CleanConfig
) -> tuple[DuplicateCluster, ...]:
    if not config.dedup.documents or len(documents) < 2:
        return ()
    signatures = []
    for result in cleaned:
        shingles = shingle_set(result.text, config.dedup.shingle_chars)
        signatures.append(signature(shingles, config.dedup) if shingles else None)
    clusters = find_near_duplicates(
        [d.doc_id for d in documents], signatures, [len(c.text) for c in cleaned], config.dedup
    )
    texts = {d.doc_id: c.text for d, c in zip(documents, cleaned, strict=True)}
    return tuple(
        DuplicateCluster(
            cluster.kept,
            tuple(
                ClusterMember(
                    m.doc_id,
                    m.similarity,
                    differ_only_in_numbers(texts[cluster.kept], texts[m.doc_id]),
                )
                for m in cluster.dropped
            ),
        )
        for cluster in clusters
    )


def jsonl_record(file: FileReport) -> dict[str, Any]:
    """Return the JSON Lines record of a kept document (the layout corpus tools read)."""
    metadata: dict[str, Any] = {
        "source_path": file.source_path,
        "encoding": file.decoding.encoding,
    }
    metadata.update(file.cleaned.metadata.as_dict())
    return {"id": file.doc_id, "text": file.cleaned.text, "metadata": metadata}


def _write_outputs(
    output_dir: Path, files: Sequence[FileReport], config: CleanConfig, progress: Progress | None
) -> list[FileFailure]:
    failures: list[FileFailure] = []
    written = [f for f in files if f.status == "written"]
    if config.output_format == "text":
        for done, file in enumerate(written, start=1):
            try:
                write_atomic(output_dir / file.source_path, file.cleaned.text)
            except OSError as error:
                failures.append(FileFailure(file.source_path, f"cannot write output: {error}"))
            if progress:
                progress("write", done, len(written))
    else:
        _write_jsonl_or_fail(output_dir / CORPUS_JSONL, written)
    if config.jsonl_path:
        _write_jsonl_or_fail(config.jsonl_path, written)
    return failures


def _write_jsonl_or_fail(target: str | Path, files: Sequence[FileReport]) -> None:
    try:
        write_jsonl(target, (jsonl_record(f) for f in files))
    except OSError as error:
        raise OutputError(
            f"cannot write JSON Lines to {target}: {error.strerror or error}"
        ) from error


def clean_corpus(
    input_path: str | Path,
    output_dir: str | Path,
    config: CleanConfig = CleanConfig(),
    progress: Progress | None = None,
) -> CleanReport:
    """Clean every matching file under ``input_path`` into ``output_dir``; return the report.

    ``input_path`` may be a directory (walked recursively with ``config.glob``) or
    one file. Files that cannot be read or decoded are skipped and listed in the
    report; nothing in the input is ever written to.

    Raises:
        UsageProblem: the output would overlap the input, or no file matches.
        OutputError: the reports or the JSON Lines file cannot be written.

    """
    input_path, output_dir = Path(input_path), Path(output_dir)
    if not input_path.exists():
        raise UsageProblem(f"input {input_path} does not exist")
    check_paths(input_path, output_dir)
    root = input_path if input_path.is_dir() else input_path.parent
    rel_paths = find_files(input_path, config.glob)
    if not rel_paths:
        raise UsageProblem(
            f"no files match {config.glob!r} under {input_path}; use --glob to choose other files"
        )
    clash = sorted(RESERVED_OUTPUT_NAMES.intersection(rel_paths))
    if clash:
        raise UsageProblem(f"input file {clash[0]} has the name of an output file of this tool")
    decoded, failures = _decode_all(root, rel_paths, config, progress)
    normalized = [normalize_text(d.text, config.normalize) for d, _ in decoded]
    frequent = _count_frequent_lines(normalized, config)
    survivors: list[tuple[Document, int]] = []
    cleaned: list[CleanedText] = []
    for done, ((document, size), norm) in enumerate(zip(decoded, normalized, strict=True), start=1):
        result = _guarded(
            document.source_path, _clean_normalized, document.text, norm, config, frequent
        )
        if isinstance(result, FileFailure):
            failures.append(result)
        else:
            survivors.append((document, size))
            cleaned.append(result)
        if progress:
            progress("clean", done, len(decoded))
    documents = [document for document, _ in survivors]
    clusters = _find_clusters(documents, cleaned, config)
    dropped = {member.doc_id for cluster in clusters for member in cluster.dropped}
    files = tuple(
        FileReport(
            doc_id=document.doc_id,
            source_path=document.source_path,
            decoding=document.decoding,
            cleaned=result,
            status="duplicate" if document.doc_id in dropped else "written",
            chars_in=len(document.text),
            bytes_in=size,
        )
        for (document, size), result in zip(survivors, cleaned, strict=True)
    )
    write_failures = _write_outputs(output_dir, files, config, progress)
    if write_failures:
        unwritten = {failure.rel_path for failure in write_failures}
        files = tuple(
            replace(f, status="failed") if f.source_path in unwritten else f for f in files
        )
    failures = sorted(failures + write_failures, key=lambda f: f.rel_path)
    report = CleanReport(files, tuple(failures), clusters, config)
    try:
        write_atomic(output_dir / REPORT_JSON, render_json(report))
        write_atomic(output_dir / REPORT_MARKDOWN, render_markdown(report))
    except OSError as error:
        raise OutputError(f"cannot write the report into {output_dir}: {error}") from error
    return report
