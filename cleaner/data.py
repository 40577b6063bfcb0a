"""The small, frozen records passed between the stages of the pipeline.

Every stage takes one of these and returns another; only ``pipeline.py`` knows
the order. The configuration (``CleanConfig`` and the settings of each stage)
lives in ``config.py`` and is imported from here too.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, Literal, TypeVar

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
class Document:
    """One decoded input document; ``text`` has LF line ends and no BOM."""

    doc_id: str
    source_path: str
    text: str
    decoding: Decoding


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
    """A document dropped as a near-duplicate of a cluster's kept document."""

    doc_id: str
    similarity: float
    differs_only_in_numbers: bool = False


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
    status: Literal["written", "duplicate", "failed"] = "written"


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
