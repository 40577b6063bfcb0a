r"""The ``clean explain`` command: one file, each line marked with what cleaning did and why.

``build_explain_command`` makes the command; ``run.py`` registers it in the
``clean`` group. :func:`render_explanation` turns an explanation into the lines
printed (pure; colours are ANSI codes from ``click.style``, which ``click.echo``
strips when standard output is not a terminal).

Marks in the left margin: two spaces for a line written as it was, ``~`` for a
line changed by normalization (``[old→new]``, ``[-gone]``, ``[+added]`` inline),
``!`` for a line written with a fragment cut off (``[cut: …]``), ``-`` for a
removed line, followed by ``[class/rule]``.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from ..clean.explain import ExplainedLine, Explanation, Piece, explain_text
from ..data import CleanConfig, FileFailure, RawFile
from ..errors import CleanerError
from ..read.decode import decode_file
from ..read.files import read_file
from ..read.html import decode_html, extract_main_text
from ..read.names import printable_path
from ..read.readers import reader_of

EXIT_EXPLAINED, EXIT_UNREADABLE = 0, 1
ARROW = "\u2192"
MARKS = {"kept": " ", "blank": " ", "changed": "~", "partial": "!", "removed": "-"}
# Colours by status (for the mark and a removed line's text) and by part of a line.
STYLES: dict[str, dict[str, Any]] = {
    "changed": {"fg": "cyan", "bold": True},
    "partial": {"fg": "magenta", "bold": True},
    "removed": {"fg": "red"},
    "old": {"fg": "red"},
    "new": {"fg": "green"},
    "cut": {"fg": "red", "strikethrough": True},
    "reason": {"fg": "yellow"},
    "number": {"dim": True},
    "summary": {"bold": True},
}

EXPLAIN_EPILOG = """\b
Examples:
  clean explain page.txt                      every line, marked
  clean explain page.txt | grep '^-'          only the removed lines (plain when piped)
  clean explain page.txt --punctuation ascii  with the options of a run
  clean explain page.html                     the main text of a page (html extra)

\b
Marks: '  ' written as read; '~ ' changed by normalization ([old→new],
[-gone], [+added]); '! ' written with a fragment cut off ([cut: …]);
'- ' removed; each with [class/rule]. Exit codes: 0 explained; 1 the file
cannot be read or decoded; 2 usage error.
"""

Style = Callable[[str, str], str]


def render_explanation(explanation: Explanation, name: str, color: bool) -> list[str]:
    """Render every line of an explanation with its mark, then a one-line summary.

    With ``color`` the marks, changes and reasons carry ANSI colours.
    """
    style: Style = _styled if color else _plain
    width = len(str(len(explanation.lines)))
    rendered = [_render_line(line, width, style) for line in explanation.lines]
    found = explanation.cleaned.signals
    if found is not None:  # what the written text is (issue 18); filters read these
        values = "; ".join(f"{key} {value}" for key, value in found.as_dict().items())
        rendered.append(style(f"signals: {values}", "number"))
    metadata = explanation.cleaned.metadata.as_dict()
    if metadata:
        fields = "; ".join(f"{key} {_visible(value)}" for key, value in metadata.items())
        rendered.append(style(f"metadata: {fields}", "number"))
    rendered.append(style(summarize(explanation, name), "summary"))
    return rendered


def summarize(explanation: Explanation, name: str) -> str:
    """Say in one line how many lines were kept, changed, cut, removed (by class) and blank."""
    counts = explanation.counts()
    kept = counts["kept"] + counts["changed"] + counts["partial"]
    by_class = sorted(explanation.removed_by_class().items(), key=lambda item: (-item[1], item[0]))
    classes = ", ".join(f"{category} {count}" for category, count in by_class)
    removed = f"{counts['removed']} removed" + (f" ({classes})" if classes else "")
    return (
        f"{name}: {len(explanation.lines)} lines: {kept} kept ({counts['changed']} changed by "
        f"normalization, {counts['partial']} cut), {removed}, {counts['blank']} blank"
    )


def _render_line(line: ExplainedLine, width: int, style: Style) -> str:
    mark = style(MARKS[line.status], line.status)
    number = style(f"{line.line_no:>{width}}", "number")
    reasons = []
    if line.status == "removed":
        body = style(_visible(line.original), "removed")
        reasons.append(line.reason)
    elif line.status in ("changed", "partial"):
        body = "".join(_render_piece(piece, style) for piece in line.pieces)
        if line.reason:
            reasons.append(line.reason)
        if line.rules:
            reasons.append("normalize/" + ",".join(line.rules))
    else:
        body = _visible(line.original)
    reasons.extend(f"warning/{kind}" for kind in line.warnings)
    tail = "".join(f"  {style(f'[{reason}]', 'reason')}" for reason in reasons)
    if line.note:
        tail += f" ({line.note})"
    return f"{mark} {number}  {body}{tail}".rstrip()


def _render_piece(piece: Piece, style: Style) -> str:
    if piece.cut:
        return "[cut: " + style(_visible(piece.old), "cut") + "]"
    if piece.old == piece.new:
        return _visible(piece.old)
    old, new = _visible(piece.old, spaces=True), _visible(piece.new, spaces=True)
    if not new:
        return "[-" + style(old, "old") + "]"
    if not old:
        return "[+" + style(new, "new") + "]"
    return "[" + style(old, "old") + ARROW + style(new, "new") + "]"


def _visible(text: str, spaces: bool = False) -> str:
    r"""Show control and format characters as escapes (and, with ``spaces``, odd spaces).

    Scraped text may hold terminal escape sequences; they are printed, not obeyed.

    >>> _visible("a\x1b[31mb\u200b"), _visible("\u3000x", spaces=True)
    ('a\\u001b[31mb\\u200b', '\\u3000x')
    """
    shown = []
    for char in text:
        category = unicodedata.category(char)
        hidden = category in ("Cc", "Cf") or (spaces and category[0] == "Z" and char != " ")
        shown.append(f"\\u{ord(char):04x}" if hidden else char)
    return "".join(shown)


def _styled(text: str, role: str) -> str:
    return click.style(text, **STYLES[role]) if role in STYLES and text.strip() else text


def _plain(text: str, role: str) -> str:
    return text


def _read_text(path: Path, config: CleanConfig) -> tuple[str, str]:
    """Decode a file as a run does: ``(text, what it is)``; an HTML page gives its main text."""
    data = read_file(os.fspath(path.parent), path.name)
    if isinstance(data, FileFailure):
        reason = data.reason.removeprefix("cannot read: ")
        raise click.ClickException(f"cannot read {printable_path(str(path))}: {reason}")
    if reader_of(path.name) == "html":
        decoded = decode_html(data, config.sample_bytes)
        if isinstance(decoded, str):
            _fail(path, decoded)
        try:
            page = extract_main_text(decoded[0])
        except CleanerError as error:
            raise click.ClickException(str(error)) from error
        return page.text, "the main text of an HTML page"
    document = decode_file(RawFile(rel_path=path.name, data=data), config.sample_bytes)
    if isinstance(document, FileFailure):
        _fail(path, document.reason)
    return document.text, ""


def _fail(path: Path, reason: str) -> NoReturn:
    click.echo(f"clean explain: {printable_path(str(path))}: {reason}", err=True)
    sys.exit(EXIT_UNREADABLE)


def build_explain_command() -> click.Command:
    """Make the ``explain`` command, which takes the options of a run."""
    from .options import config_options, settled_config
    from .run import CONTEXT, required_argument

    @click.command(epilog=EXPLAIN_EPILOG, context_settings=CONTEXT)
    @click.argument(
        "file_path",
        metavar="FILE",
        required=False,
        type=click.Path(exists=True, dir_okay=False, path_type=str),
    )
    @click.option(
        "--color/--no-color",
        default=None,
        help="Colour the output [default: when standard output is a terminal and NO_COLOR "
        "is not set].",
    )
    @config_options
    def explain(file_path: str | None, color: bool | None, **options: Any) -> None:
        """Show FILE with each removed or changed line marked and the reason for it.

        FILE is decoded and cleaned as `clean IN OUT` would clean it (without the
        corpus-level pass, which needs the other documents) and printed line by
        line with a mark in the margin. Takes the options of a run; those about
        other files and the output (--glob, --format, --jsonl, --index,
        --doc-dedup, --numbers-matter) change nothing here.
        """
        config = settled_config(options)
        path = Path(required_argument(file_path, "file_path"))
        text, kind = _read_text(path, config)
        if color is None and os.environ.get("NO_COLOR"):
            color = False
        explanation = explain_text(text, config)
        lines = render_explanation(explanation, printable_path(str(path)), color is not False)
        if kind:
            lines[-1] += f" ({kind})"
        click.echo("\n".join(lines), color=color)
        sys.exit(EXIT_EXPLAINED)

    return explain
