"""How a run is configured: the settings of each stage, with their documented defaults.

Frozen dataclasses; the CLI, settings files and library callers build a
``CleanConfig``, and ``dataclasses.replace`` makes variants. Each field's
default is the default of the matching command-line option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .clean.filters import FilterConfig

Punctuation = Literal["cjk", "ascii", "keep"]
CjkSpacing = Literal["remove", "keep"]
KeepPolicy = Literal["first", "longest"]
OutputFormat = Literal["text", "jsonl", "parquet"]
Compression = Literal["none", "gzip", "zstd"]

PUNCTUATION_CHOICES: tuple[Punctuation, ...] = ("cjk", "ascii", "keep")
CJK_SPACING_CHOICES: tuple[CjkSpacing, ...] = ("remove", "keep")
KEEP_CHOICES: tuple[KeepPolicy, ...] = ("first", "longest")
FORMAT_CHOICES: tuple[OutputFormat, ...] = ("text", "jsonl", "parquet")
COMPRESSION_CHOICES: tuple[Compression, ...] = ("none", "gzip", "zstd")
RuleZone = Literal["line", "head", "tail", "edges"]
ZONE_CHOICES: tuple[RuleZone, ...] = ("line", "head", "tail", "edges")
# Class and reason names go into reports and JSON keys: lower-case words and dashes.
RULE_NAME_RE = re.compile("^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


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
class LineRule:
    """A pattern that removes a whole line: built-in rules and a user's rules alike.

    The pattern is kept as text (compiled where it is used), so a configuration
    stays plain data that pickles, prints and hashes.

    Attributes:
        category: the class of the line (``navigation``, ``footer``, ...), as reported.
        rule: the reason code, naming the pattern within its class.
        pattern: a regular expression searched in the normalized line (anchor it
            with ``^`` and ``$`` to match whole lines).
        where: ``line`` anywhere; ``head`` or ``tail`` only among the first or last
            ``zone_lines`` non-blank lines; ``edges`` among either.
        zone_lines: the size of the head and tail zones.
        max_chars: longer lines are never removed by this rule.
        sentences: also remove lines that end like a sentence; off by default,
            because content wins ties.

    """

    category: str
    rule: str
    pattern: str
    where: RuleZone = "line"
    zone_lines: int = 10
    max_chars: int = 80
    sentences: bool = False

    def __post_init__(self) -> None:
        for what, name in (("class", self.category), ("reason", self.rule)):
            if not RULE_NAME_RE.match(name):
                raise ValueError(
                    f"{what} {name!r} must be lower-case words joined by dashes "
                    "(e.g. 'footer', 'copyright-notice')"
                )
        try:
            compiled = re.compile(self.pattern)
        except re.error as error:
            raise ValueError(
                f"pattern {self.pattern!r} is not a valid regular expression: {error}"
            ) from error
        if compiled.search(""):
            raise ValueError(
                f"pattern {self.pattern!r} matches an empty line, so it would match "
                "every line; make it require some text (e.g. '^Copyright .+$')"
            )
        if self.where not in ZONE_CHOICES:
            raise ValueError(f"where must be one of {', '.join(ZONE_CHOICES)}, not {self.where!r}")
        if self.zone_lines < 1:
            raise ValueError("zone_lines must be >= 1")
        if self.max_chars < 1:
            raise ValueError("max_chars must be >= 1")


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
        rules: the user's line rules (from a settings file), tried before the
            built-in ones, so their class and reason are the ones reported.

    """

    enabled: bool = True
    corpus_min_docs: int = 5
    corpus_max_line_chars: int = 40
    corpus_zone_lines: int = 10
    rules: tuple[LineRule, ...] = ()

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
        min_block_chars: a repeated run of paragraphs shorter than this stays (a
            lone repeated heading is not a duplicated block); a single repeated
            paragraph must be twice as long (a slogan quoted twice stays).
        numbers_matter: documents equal except for their figures (yearly reports
            from one template) are reported as "same template" but both kept;
            False drops them like any near-duplicate.
        containment_threshold: a document whose shingles are at least this share
            inside a longer document is a duplicate of it (a repost that cut a
            paragraph or added a note), whatever their Jaccard similarity; 1.0
            turns the test off.

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
    containment_threshold: float = 0.9

    def __post_init__(self) -> None:
        if not 0.0 < self.containment_threshold <= 1.0:
            raise ValueError(
                f"containment_threshold must be in (0, 1] (1 turns it off), "
                f"not {self.containment_threshold}"
            )
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
        glob: which files under the input directory are read; None: those of the
            input format (``**/*.txt`` for ``auto`` and ``text``, ``**/*.parquet``
            for ``parquet`` ...; see ``read.readers.DEFAULT_GLOBS``).
        input_format: ``auto`` reads each file as its name says (``.txt`` text,
            ``.html`` pages, ``.jsonl[.gz|.zst]``, ``.parquet``, ``.warc[.gz]``,
            ``.wet[.gz]``); a reader's name reads every file with that reader.
        text_key: the field of a record (JSON Lines, Parquet) that holds its text.
        id_key: the field of a record that holds its id (``path:line`` where absent).
        output_format: ``text`` mirrors the input tree; ``jsonl`` writes
            ``corpus.jsonl`` and ``parquet`` ``corpus.parquet`` into the output
            directory instead (or shards of them, see ``shard_bytes``).
        compression: how JSON Lines output is compressed (``gzip``: ``.gz``,
            ``zstd``: ``.zst``).
        shard_bytes: the size a JSON Lines or Parquet shard grows to before the
            next begins (``corpus-00000.jsonl``, ...); 0 writes one file.
        write_dropped: also write the documents that were dropped (near-duplicates,
            index duplicates), with the reason and the kept document's id, under
            ``_dropped`` in the output format.
        jsonl_path: also write the kept documents as JSON Lines here.
        follow_symlinks: follow symbolic links out of the input directory (each
            directory once, loops reported); by default such links are reported
            and skipped.
        index_path: a persistent MinHash index (SQLite file or ``redis://...``):
            documents that near-duplicate an indexed one are dropped, and the kept
            ones are added to it.
        sample_bytes: how many bytes the encoding detector looks at when strict
            UTF-8 fails.
        filters: which documents are dropped for their signals (language, CJK
            share, length, repetition); all off by default.

    """

    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    glob: str | None = None
    input_format: str = "auto"
    text_key: str = "text"
    id_key: str = "id"
    output_format: OutputFormat = "text"
    compression: Compression = "none"
    shard_bytes: int = 0
    write_dropped: bool = False
    jsonl_path: str | None = None
    sample_bytes: int = 16384
    index_path: str | None = None
    follow_symlinks: bool = False
    filters: FilterConfig = field(default_factory=FilterConfig)

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
        if self.compression not in COMPRESSION_CHOICES:
            raise ValueError(
                f"compression must be one of {', '.join(COMPRESSION_CHOICES)}, "
                f"not {self.compression!r}"
            )
        if self.compression != "none" and self.output_format != "jsonl":
            raise ValueError("compression applies to JSON Lines output: add --format jsonl")
        if self.shard_bytes < 0:
            raise ValueError("shard_bytes must be >= 0 (0: one file)")
        if not self.text_key or not self.id_key:
            raise ValueError("text_key and id_key must name a field")
        if self.sample_bytes < 1024:
            raise ValueError("sample_bytes must be >= 1024 for a meaningful detection")
