"""The small, frozen records passed between the stages of the pipeline.

Every stage takes one of these and returns another; only ``pipeline.py`` knows
the order. The configuration (``CleanConfig`` and the settings of each stage)
lives in ``config.py`` and is imported from here too.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, Literal, TypeVar

import numpy as np

from .clean.filters import Rejection
from .clean.signals import Signals

# The configuration lives in config.py; its names stay importable from here.
from .config import (
    CJK_SPACING_CHOICES,
    FORMAT_CHOICES,
    KEEP_CHOICES,
    PUNCTUATION_CHOICES,
    BoilerplateConfig,
    CjkSpacing,
    CleanConfig,
    DedupConfig,
    KeepPolicy,
    NormalizeConfig,
    OutputFormat,
    Punctuation,
)

Record = TypeVar("Record")


def pickled_by_fields(cls: type[Record]) -> type[Record]:
    """Pickle a frozen slots dataclass as its class and field values.

    Workers send one report per file to the main process; the default pickling of
    slots dataclasses looks up the fields of every object, and took a third
    longer both ways.
    """
    values = attrgetter(*(field.name for field in fields(cls)))  # type: ignore[arg-type]
    single = len(fields(cls)) == 1  # type: ignore[arg-type]

    def reduce(self: Record) -> tuple[type[Record], tuple[Any, ...]]:
        return cls, (values(self),) if single else values(self)

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]
    return cls


# --------------------------------------------------------------------------- read / decode


@dataclass(frozen=True, slots=True)
class RawFile:
    """The bytes of one input file; ``rel_path`` is its POSIX path under the input root."""

    rel_path: str
    data: bytes


@dataclass(frozen=True, slots=True)
class FileFailure:
    """A file that was skipped, with a one-line reason a person can act on."""

    rel_path: str
    reason: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Decoding:
    """How a file's bytes became text, recorded per file for the report.

    Attributes:
        encoding: the codec used (``utf-8``, ``gb18030``, ``big5hkscs``, ``utf-16`` ...).
        decided_by: ``bom``, ``utf-8`` (strict fast path), ``utf-8-replaced`` (UTF-8
            with a few invalid bytes replaced), ``wide-check`` (BOM-less UTF-16/32),
            ``chardet`` or ``chardet+check`` (chardet named GB18030 or Big5 and a
            plausibility check chose the other), ``cjk-check`` (chardet was unsure and
            the text reads as GB18030 or Big5), ``declared`` (an HTML page's charset).
        confidence: 1.0 for BOM and strict UTF-8, chardet's confidence after
            ``chardet``, the plausibility score of the chosen reading after a check.
        replacements: how many U+FFFD characters decoding introduced.

    """

    encoding: str
    decided_by: str
    confidence: float
    replacements: int = 0


@dataclass(frozen=True, slots=True)
class ReadTask:
    """A piece of the input a worker reads on its own: a batch of files, or part of one.

    ``paths`` are POSIX paths under the input root. A file that holds one
    document (text, HTML) is read whole, several to a task; a file of records
    (JSON Lines, Parquet, WARC) is one task, or several for a large plain file:
    ``start``/``stop`` are then a byte range (JSON Lines, cut at line ends; the
    range starts at line ``first_line``) or a range of Parquet row groups.
    """

    reader: str  # a key of read.READERS
    paths: tuple[str, ...]
    names: tuple[str, ...] = ()  # for files of one document: the name of each under OUT
    number: int = 0  # the task's place in the run: names what it stages
    start: int = 0
    stop: int | None = None
    first_line: int = 1
    # Clean only the documents at these places of the task (a second round), or all.
    only: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """One input document as a reader yields it; ``text`` has LF line ends and no BOM.

    Attributes:
        doc_id: unique in the run: the path of a file, or a record's own id
            (``path:line`` where it has none).
        text: the decoded text (the main text of an HTML page).
        source: where it was read, printable: ``a/b.txt``, ``shard.jsonl:17``.
        decoding: how its bytes became text.
        site: the unit of corpus-frequent lines: the domain of its URL, else its folder.
        name: the path under OUT of its cleaned text in a text tree.
        metadata: what the input declares about it (an HTML page's title, a URL, a date).
        extra: the other fields of its input record, passed through untouched.
        size: the bytes it took in the input.

    """

    doc_id: str
    text: str
    source: str
    decoding: Decoding
    site: str = ""
    name: str = ""
    metadata: Metadata | None = None
    extra: dict[str, Any] | None = None
    size: int = 0


# --------------------------------------------------------------------------- normalize


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text and how many times each rule changed something."""

    text: str
    rule_counts: dict[str, int]


# --------------------------------------------------------------------------- boilerplate


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Removal:
    """A removed line, or a removed fragment of a kept line (``partial``).

    ``line_no`` is 1-based in the input file; ``category`` is the boilerplate class
    (``navigation``, ``page-tools``, ...) or ``duplicate``; ``rule`` says which
    rule of that class fired.
    """

    line_no: int
    text: str
    category: str
    rule: str
    partial: bool = False


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Metadata:
    """Values read from removed lines (and the title), kept with the document."""

    title: str | None = None
    date: str | None = None
    source: str | None = None
    site: str | None = None
    domain: str | None = None
    author: str | None = None
    url: str | None = None
    photographer: str | None = None

    def as_dict(self) -> dict[str, str]:
        """Return the fields that have a value, in a fixed order."""
        pairs = (
            ("title", self.title),
            ("date", self.date),
            ("source", self.source),
            ("site", self.site),
            ("domain", self.domain),
            ("author", self.author),
            ("url", self.url),
            ("photographer", self.photographer),
        )
        return {key: value for key, value in pairs if value}


@dataclass(frozen=True, slots=True)
class Line:
    """A line that survived a stage, with its 1-based line number in the input."""

    line_no: int
    text: str


@dataclass(frozen=True, slots=True)
class Stripped:
    """What boilerplate stripping kept, what it removed and the metadata it read."""

    lines: tuple[Line, ...]
    removed: tuple[Removal, ...]
    metadata: Metadata


# --------------------------------------------------------------------------- dedup


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class DuplicateBlock:
    """A run of paragraphs that repeats earlier paragraphs of the same document.

    Line ranges are inclusive and 1-based in the input file.
    """

    lines: tuple[int, int]
    original_lines: tuple[int, int]
    similarity: float
    paragraphs: int


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class QualityWarning:
    """Something a person should look at in a kept line (``kind`` says what)."""

    line_no: int
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class ClusterMember:
    """A document dropped as a near-duplicate of a cluster's kept document.

    ``test`` says which test joined it: ``jaccard`` (similar as wholes) or
    ``containment`` (most of the smaller text is inside the larger one); for
    containment, ``similarity`` is that share.
    """

    doc_id: str
    similarity: float
    differs_only_in_numbers: bool = False
    test: str = "jaccard"


@dataclass(frozen=True, slots=True)
class DuplicateCluster:
    """Near-duplicate documents: one is kept, the others are not written.

    ``same_template`` lists members that differ from the kept document only in
    their figures; with ``numbers_matter`` they are written too.
    """

    kept: str
    dropped: tuple[ClusterMember, ...]
    same_template: tuple[ClusterMember, ...] = ()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class CleanedText:
    """The result of cleaning one text: ``clean_text``'s return value."""

    text: str
    metadata: Metadata
    removed: tuple[Removal, ...]
    duplicate_blocks: tuple[DuplicateBlock, ...]
    rule_counts: dict[str, int]
    lines_in: int
    lines_out: int
    warnings: tuple[QualityWarning, ...] = ()
    # The MinHash signature of the kept text (numpy uint32), None when it is empty.
    signature: Any = None
    signals: Signals | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class FileReport:
    """Everything the report says about one input file that was cleaned (not its text)."""

    doc_id: str
    source_path: str
    decoding: Decoding
    metadata: Metadata
    removed: tuple[Removal, ...]
    duplicate_blocks: tuple[DuplicateBlock, ...]
    rule_counts: dict[str, int]
    lines_in: int
    lines_out: int
    chars_in: int
    chars_out: int
    bytes_in: int
    warnings: tuple[QualityWarning, ...] = ()
    status: Literal["written", "duplicate", "failed", "filtered"] = "written"
    # What the document is (measured on every document) and, for a document a
    # filter dropped (status "filtered"), why.
    signals: Signals | None = None
    filtered: Rejection | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Staged:
    """Where one document waits: ``size`` bytes at ``start`` of staged file ``batch``.

    ``record`` says the bytes are its JSON Lines record, not the bare text. Files
    are numbered, not named, so a cluster's workers get every place as 4 integers.
    """

    batch: int
    start: int
    size: int
    record: bool = False


@dataclass(frozen=True, slots=True)
class Processed:
    """A cleaned document as the main process keeps it: no text, only what decisions need."""

    report: FileReport
    signature: Any  # MinHash signature (numpy uint32), or None for an empty document
    # Key of the text with every number masked ("only figures differ"); None when
    # the text is staged, and read back only if the document is in a cluster.
    masked_key: int | None
    text_key: int  # key of the cleaned text
    name: str  # the path of its cleaned text under OUT in a text tree
    staged: Staged | None = None  # where the text (or its JSON line) waits in the work directory
    # Keys of the long paragraphs (numpy uint64): containment's candidates.
    paragraph_keys: Any = None
    site: str = ""  # the unit of corpus-frequent lines it belongs to
    # Its edge-line keys, when it was cleaned before its site's lines were counted.
    edge_keys: frozenset[int] | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle the arrays as their bytes: an array's own pickling cost 8 us a record.

        Workers send one record per document; the main process gets back
        read-only arrays over the bytes.
        """
        signature = None if self.signature is None else self.signature.tobytes()
        keys = None if self.paragraph_keys is None else self.paragraph_keys.tobytes()
        fields = (self.masked_key, self.text_key, self.name, self.staged)
        return _processed, (self.report, signature, keys, *fields, self.site, self.edge_keys)


def _processed(
    report: FileReport, signature: bytes | None, keys: bytes | None, *fields: Any
) -> Processed:
    """Rebuild a pickled ``Processed``."""
    array = None if signature is None else np.frombuffer(signature, dtype=np.uint32)
    paragraph_keys = None if keys is None else np.frombuffer(keys, dtype=np.uint64)
    masked, text_key, name, staged, site, edge_keys = fields
    return Processed(report, array, masked, text_key, name, staged, paragraph_keys, site, edge_keys)


@dataclass(frozen=True, slots=True)
class IndexDuplicate:
    """A document dropped because it near-duplicates one kept by an earlier run."""

    doc_id: str
    indexed_id: str
    indexed_path: str
    similarity: float


@dataclass(frozen=True, slots=True)
class CleanReport:
    """The outcome of a run: per-file results, skipped files and duplicate clusters."""

    files: tuple[FileReport, ...]
    failures: tuple[FileFailure, ...]
    clusters: tuple[DuplicateCluster, ...]
    config: CleanConfig
    index_duplicates: tuple[IndexDuplicate, ...] = ()

    @property
    def files_read(self) -> int:
        """Files found by the glob, whether they could be cleaned or not.

        A file cleaned but not written is in ``files`` (status ``failed``) and in
        ``failures`` both: it is counted once.
        """
        unwritten = sum(1 for f in self.files if f.status == "failed")
        return len(self.files) + len(self.failures) - unwritten

    @property
    def files_written(self) -> int:
        """Documents written to the output (not dropped as duplicates)."""
        return sum(1 for f in self.files if f.status == "written")


__all__ = [
    "BoilerplateConfig",
    "CJK_SPACING_CHOICES",
    "CjkSpacing",
    "CleanConfig",
    "DedupConfig",
    "FORMAT_CHOICES",
    "KEEP_CHOICES",
    "KeepPolicy",
    "NormalizeConfig",
    "OutputFormat",
    "PUNCTUATION_CHOICES",
    "Punctuation",
]
