"""The options of ``clean run`` and ``clean check``, and the configuration they build.

One table (``CONFIG_OPTIONS``) defines every option that shapes the result: the
command line, the settings file (``--config``, ``[tool.cleaner]``) and
``--print-config`` are all read from it, so they cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

from ..clean.filters import NAMES as FILTER_NAMES
from ..config import COMPRESSION_CHOICES
from ..data import (
    CJK_SPACING_CHOICES,
    FORMAT_CHOICES,
    KEEP_CHOICES,
    PUNCTUATION_CHOICES,
    BoilerplateConfig,
    CleanConfig,
    DedupConfig,
    NormalizeConfig,
)
from ..engine.parallel import default_jobs
from ..read.readers import INPUT_FORMATS
from ..settings import settings_from_options as _settings_from_options
from .settings import settings_file_options
from .settings import settled_config as _settled_config

SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)([KMG]?)")
SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
# (flags, keyword arguments) of every option that shapes the result.
CONFIG_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (
        ("--glob",),
        {
            "help": "Which files under IN to read ({a,b} and ** work) [default: those of the "
            "input format; **/*.txt for auto].",
        },
    ),
    (
        ("--input-format",),
        {
            "type": click.Choice(INPUT_FORMATS),
            "default": "auto",
            "help": "How to read the files: auto goes by each name (.txt, .html, .jsonl[.gz|.zst], "
            ".parquet, .warc[.gz], .wet[.gz]); a format reads every file that way.",
        },
    ),
    (
        ("--text-key",),
        {"default": "text", "help": "The field of a JSON Lines or Parquet record with its text."},
    ),
    (
        ("--id-key",),
        {"default": "id", "help": "The field that holds a record's id (else FILE:LINE is its id)."},
    ),
    (
        ("--format", "output_format"),
        {
            "type": click.Choice(FORMAT_CHOICES),
            "default": "text",
            "help": "text: OUT mirrors IN; jsonl: OUT/corpus.jsonl; parquet: OUT/corpus.parquet.",
        },
    ),
    (
        ("--compression",),
        {
            "type": click.Choice(COMPRESSION_CHOICES),
            "default": "none",
            "help": "Compress JSON Lines output: gzip (.gz) or zstd (.zst).",
        },
    ),
    (
        ("--shard-size",),
        {
            "default": "0",
            "metavar": "SIZE",
            "help": "Start a new JSON Lines or Parquet shard (corpus-00000.jsonl, ...) every SIZE "
            "bytes of records, e.g. 256M or 1G; 0 writes one file.",
        },
    ),
    (
        ("--write-dropped/--no-write-dropped",),
        {
            "default": False,
            "help": "Also write the documents dropped as duplicates under OUT/_dropped, in the "
            "output format, with the reason and the kept document's id.",
        },
    ),
    (
        ("--jsonl",),
        {
            "type": click.Path(dir_okay=False),
            "help": "Also write kept documents as JSON Lines here ('-': stdout).",
        },
    ),
    (
        ("--punctuation",),
        {
            "type": click.Choice(PUNCTUATION_CHOICES),
            "default": "cjk",
            "help": "cjk: full-width next to Chinese; ascii: half-width; keep: untouched.",
        },
    ),
    (
        ("--cjk-spacing",),
        {
            "type": click.Choice(CJK_SPACING_CHOICES),
            "default": "remove",
            "help": "Drop or keep the space between Latin and Chinese ('DRG \u4ed8\u8d39').",
        },
    ),
    (
        ("--threshold",),
        {"type": float, "default": 0.8, "help": "Jaccard similarity that makes a duplicate."},
    ),
    (
        ("--containment",),
        {
            "type": float,
            "default": 0.9,
            "help": "Share of a document's shingles found in a longer one that makes it a "
            "duplicate (a repost that cut or added a paragraph); 1 turns the test off.",
        },
    ),
    (("--shingle-size",), {"type": int, "default": 5, "help": "Characters per shingle."}),
    (("--num-perm",), {"type": int, "default": 128, "help": "MinHash permutations."}),
    (
        ("--seed",),
        {"type": int, "default": 1, "help": "MinHash seed (fixed for reproducible runs)."},
    ),
    (
        ("--keep",),
        {
            "type": click.Choice(KEEP_CHOICES),
            "default": "first",
            "help": "Which document of a near-duplicate cluster is written.",
        },
    ),
    (
        ("--min-block-chars",),
        {
            "type": int,
            "default": 30,
            "help": "Shortest repeated run of paragraphs removed as a duplicated block "
            "(a single paragraph: twice as long).",
        },
    ),
    (
        ("--corpus-min-docs",),
        {
            "type": int,
            "default": 5,
            "help": "A short edge line in this many documents is template boilerplate (0: off).",
        },
    ),
    (
        ("--index", "index_path"),
        {
            "metavar": "PATH",
            "help": "Persistent MinHash index (SQLite file or redis://HOST:PORT/N): drop documents "
            "that repeat one kept by an earlier run, add the kept ones.",
        },
    ),
    (("--boilerplate/--no-boilerplate",), {"default": True, "help": "Strip web boilerplate."}),
    (
        ("--block-dedup/--no-block-dedup",),
        {"default": True, "help": "Remove paragraphs repeated inside a document."},
    ),
    (
        ("--doc-dedup/--no-doc-dedup",),
        {"default": True, "help": "Drop near-duplicate documents across the corpus."},
    ),
    (
        ("--numbers-matter/--no-numbers-matter",),
        {
            "default": True,
            "help": "Keep documents equal except for their figures (yearly reports from one "
            "template), reported as same-template; --no-numbers-matter drops them.",
        },
    ),
    (
        ("--follow-symlinks/--no-follow-symlinks",),
        {
            "default": False,
            "help": "Follow symbolic links out of IN (each folder once); by default they are "
            "reported and skipped.",
        },
    ),
)


# What a settings file may set: every option above, under its long name.
SETTINGS = _settings_from_options(CONFIG_OPTIONS)


def config_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add every option that shapes the result and the settings-file options.

    Shared by ``run``, ``check`` and ``explain``; their callbacks turn the options
    into a configuration with :func:`settled_config`.
    """
    command = click.option(
        "--filter",
        "filter_entries",
        multiple=True,
        metavar="NAME[=VALUE]",
        help="Drop documents by their signals (repeatable; off by default): "
        + ", ".join(FILTER_NAMES)
        + ". Without a value a filter takes its documented default; lang takes codes "
        "(lang=zh,en). A settings file's [filters] table says the same.",
    )(command)
    for flags, settings in reversed(CONFIG_OPTIONS):
        command = click.option(*flags, show_default="default" in settings, **settings)(command)
    return settings_file_options(command)


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options of how a run is carried out (they never change the result)."""
    command = click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")(command)
    command = click.option(
        "--progress/--no-progress",
        default=None,
        help="Progress bar on stderr [default: when stderr is a terminal].",
    )(command)
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help=f"Processes to use [default: all cores, {default_jobs()} here].",
    )(command)


def _make_config(options: dict[str, Any]) -> CleanConfig:
    """Turn parsed options into a CleanConfig; raise ValueError on a bad value."""
    return CleanConfig(
        normalize=NormalizeConfig(
            punctuation=options["punctuation"], cjk_spacing=options["cjk_spacing"]
        ),
        boilerplate=BoilerplateConfig(
            enabled=options["boilerplate"], corpus_min_docs=options["corpus_min_docs"]
        ),
        dedup=DedupConfig(
            blocks=options["block_dedup"],
            documents=options["doc_dedup"],
            jaccard_threshold=options["threshold"],
            shingle_chars=options["shingle_size"],
            num_perm=options["num_perm"],
            seed=options["seed"],
            keep=options["keep"],
            min_block_chars=options["min_block_chars"],
            numbers_matter=options["numbers_matter"],
            containment_threshold=options["containment"],
        ),
        glob=options["glob"],
        input_format=options["input_format"],
        text_key=options["text_key"],
        id_key=options["id_key"],
        output_format=options["output_format"],
        compression=options["compression"],
        shard_bytes=parse_size(options["shard_size"]),
        write_dropped=options["write_dropped"],
        jsonl_path=options["jsonl"],
        index_path=options["index_path"],
        follow_symlinks=options["follow_symlinks"],
    )


def parse_size(value: str | int) -> int:
    """Read a size in bytes, with an optional K, M or G (powers of 1024).

    >>> parse_size("256M"), parse_size("1g"), parse_size(0)
    (268435456, 1073741824, 0)
    """
    text = str(value).strip().upper().removesuffix("B")
    match = SIZE_RE.fullmatch(text)
    if not match:
        raise ValueError(f"shard size {value!r} is not a size; write it as 500M, 2G or 1000000")
    number, unit = match.groups()
    return int(float(number) * SIZE_UNITS[unit or ""])


def settled_config(options: dict[str, Any]) -> CleanConfig:
    """Merge the settings file under the flags and build the configuration (or a usage error).

    Pops ``--config`` and ``--print-config``; with ``--print-config`` it prints the
    effective settings and exits 0.
    """
    return _settled_config(options, SETTINGS, _make_config)
