"""The small, frozen records passed between the stages of the pipeline.

Every stage takes one of these and returns another; only ``pipeline.py`` knows
the order. Field defaults of the ``*Config`` classes are the documented
defaults of the command-line tool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Punctuation = Literal["cjk", "ascii", "keep"]
CjkSpacing = Literal["remove", "keep"]
KeepPolicy = Literal["first", "longest"]
OutputFormat = Literal["text", "jsonl"]

PUNCTUATION_CHOICES: tuple[Punctuation, ...] = ("cjk", "ascii", "keep")
CJK_SPACING_CHOICES: tuple[CjkSpacing, ...] = ("remove", "keep")
KEEP_CHOICES: tuple[KeepPolicy, ...] = ("first", "longest")
FORMAT_CHOICES: tuple[OutputFormat, ...] = ("text", "jsonl")


# --------------------------------------------------------------------------- config


@dataclass(frozen=True, slots=True)
class NormalizeConfig:
    """How lines are normalized.

    Attributes:
        punctuation: ``cjk`` turns ASCII punctuation next to Chinese text into its
            full-width form (brackets as a pair); ``ascii`` turns full-width
            punctuation into ASCII everywhere; ``keep`` leaves punctuation alone.
        cjk_spacing: ``remove`` drops the space between Latin letters and Chinese
            characters (``DRG 付费`` -> ``DRG付费``); ``keep`` leaves it.

    """

    punctuation: Punctuation = "cjk"
    cjk_spacing: CjkSpacing = "remove"

    def __post_init__(self) -> None:
        if self.punctuation not in PUNCTUATION_CHOICES:
            raise ValueError(
                f"punctuation must be one of {', '.join(PUNCTUATION_CHOICES)}, "
                f"not {self.punctuation!r}"
            )
        if self.cjk_spacing not in CJK_SPACING_CHOICES:
            raise ValueError(
                f"cjk_spacing must be one of {', '.join(CJK_SPACING_CHOICES)}, "
                f"not {self.cjk_spacing!r}"
            )


@dataclass(frozen=True, slots=True)
class BoilerplateConfig:
    """How web boilerplate is recognized.

    Attributes:
        enabled: strip boilerplate at all (metadata is still read when off).
        corpus_min_docs: a short line found in at least this many documents of
            the run is treated as a site template line (``corpus-frequent``).
            0 turns the corpus-level pass off.
        corpus_max_line_chars: only lines up to this length can be corpus-frequent;
            longer repeated text is left to the duplicate stage.
        corpus_zone_lines: only lines among the first or last this many non-blank
            lines of a document count and go as corpus-frequent: site templates
            are headers and footers, while a heading that many reports share sits
            in the body.

    """

    enabled: bool = True
    corpus_min_docs: int = 5
    corpus_max_line_chars: int = 40
    corpus_zone_lines: int = 10

    def __post_init__(self) -> None:
        if self.corpus_min_docs < 0:
            raise ValueError("corpus_min_docs must be >= 0 (0 turns the corpus pass off)")
        if self.corpus_max_line_chars < 1:
            raise ValueError("corpus_max_line_chars must be >= 1")
        if self.corpus_zone_lines < 1:
            raise ValueError("corpus_zone_lines must be >= 1")


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """How duplicates are found (MinHash over character shingles).

    Attributes:
        blocks: remove paragraphs that repeat an earlier paragraph of the same document.
        documents: drop documents that near-duplicate an earlier document of the run.
        jaccard_threshold: similarity at or above which two texts are duplicates.
        shingle_chars: length of the character n-grams compared.
        num_perm: number of MinHash permutations (precision of the estimate).
        seed: MinHash seed; fixed so runs are reproducible.
        keep: which document of a duplicate cluster is written.
        min_block_chars: a repeated paragraph shorter than this is only removed when
            it sits inside a run of longer repeated paragraphs (a lone repeated
            heading is not a duplicated block).
        numbers_matter: documents equal except for their figures (yearly reports
            from one template) are reported as "same template" but both kept;
            False drops them like any near-duplicate.

    """

    blocks: bool = True
    documents: bool = True
    jaccard_threshold: float = 0.8
    shingle_chars: int = 5
    num_perm: int = 128
    seed: int = 1
    keep: KeepPolicy = "first"
    min_block_chars: int = 30
    numbers_matter: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.jaccard_threshold <= 1.0:
            raise ValueError(f"jaccard_threshold must be in (0, 1], not {self.jaccard_threshold}")
        if self.shingle_chars < 1:
            raise ValueError("shingle_chars must be >= 1")
        if self.num_perm < 16:
            raise ValueError("num_perm must be >= 16 for a usable Jaccard estimate")
        if self.keep not in KEEP_CHOICES:
            raise ValueError(f"keep must be one of {', '.join(KEEP_CHOICES)}, not {self.keep!r}")
        if self.min_block_chars < 0:
            raise ValueError("min_block_chars must be >= 0")


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Everything a run needs to know; built by the CLI or by library callers.

    Attributes:
        glob: which files under the input directory are read.
        output_format: ``text`` mirrors the input tree; ``jsonl`` writes one
            ``corpus.jsonl`` into the output directory instead.
        jsonl_path: also write the kept documents as JSON Lines here.
        follow_symlinks: follow symbolic links out of the input directory (each
            directory once, loops reported); by default such links are reported
            and skipped.
        index_path: a persistent MinHash index (SQLite file or ``redis://...``):
            documents that near-duplicate an indexed one are dropped, and the kept
            ones are added to it.
        sample_bytes: how many bytes the encoding detector looks at when strict
            UTF-8 fails.

    """

    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    glob: str = "**/*.txt"
    output_format: OutputFormat = "text"
    jsonl_path: str | None = None
    sample_bytes: int = 16384
    index_path: str | None = None
    follow_symlinks: bool = False

    def __post_init__(self) -> None:
        if self.output_format not in FORMAT_CHOICES:
            raise ValueError(
                f"output_format must be one of {', '.join(FORMAT_CHOICES)}, "
                f"not {self.output_format!r}"
            )
        if self.index_path and self.dedup.keep == "longest":
            raise ValueError(
                "keep 'longest' cannot be used with an index: a document already "
                "indexed by an earlier run cannot be replaced; use keep 'first'"
            )
        if self.sample_bytes < 1024:
            raise ValueError("sample_bytes must be >= 1024 for a meaningful detection")


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


@dataclass(frozen=True, slots=True)
class Decoding:
    """How a file's bytes became text, recorded per file for the report.

    Attributes:
        encoding: the codec used (``utf-8``, ``gb18030``, ``big5hkscs``, ``utf-16`` ...).
        decided_by: ``bom``, ``utf-8`` (strict fast path), ``utf-8-replaced`` (UTF-8
            with a few invalid bytes replaced), ``chardet`` or ``chardet+check``
            (chardet named GB18030 or Big5 and a plausibility check chose the other).
        confidence: 1.0 for BOM and strict UTF-8, chardet's confidence otherwise (the
            plausibility score of the chosen reading after ``chardet+check``).
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


@dataclass(frozen=True, slots=True)
class DuplicateBlock:
    """A run of paragraphs that repeats earlier paragraphs of the same document.

    Line ranges are inclusive and 1-based in the input file.
    """

    lines: tuple[int, int]
    original_lines: tuple[int, int]
    similarity: float
    paragraphs: int


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
        """Files found by the glob, whether they could be cleaned or not."""
        return len(self.files) + len(self.failures)

    @property
    def files_written(self) -> int:
        """Documents written to the output (not dropped as duplicates)."""
        return sum(1 for f in self.files if f.status == "written")
