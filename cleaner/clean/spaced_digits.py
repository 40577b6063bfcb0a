"""Normalize's ``spaced-digits`` rule: join ``2 0 2 1`` into ``2021``, and never two numbers.

Scraped pages often space out the characters of a number (``2 0 2 1 年``,
``7 . 9 5 亿元``), or only its half-width ones (``2 2 \uff0e4 万件``, ``2 0 1 3 \u20142 0 1 5 年``).
A *run* is a stretch of space-separated pieces made of digits and points; it is
joined into one number only when the stretch is provably one number:

- every piece is one digit, or the run's one decimal point with digits on both
  sides: a lone ``.`` or ``\uff0e``, or ``\uff0e`` glued to the digit after it (``\uff0e4``);
- the run is not glued to a Latin letter (``H1 N1``, ``A4 5`` are identifiers);
- no end of the run is tied to another number: a *number separator*
  (``SEPARATORS``) beside the run, with at most one space on either side of it,
  and a digit beyond. ``3:1 2:0``, ``1/2 3/4``, ``3-1 2-0``, ``1~2 3~4`` and
  ``9/9 3,436,433`` hold two numbers each, not ``12``, ``23``, ``93``.

The one exception is a spaced-out compound: runs joined by separators that have
a space on at least one side (``2 0 1 3 \u20142 0 1 5``, ``1 0 : 3 3``) are numbers each,
spaced out the same way; the whole chain is joined (or none of it, when either
far end is tied), and the spaces around a ``TIGHT`` separator go with them:
``2013\u20142015``.
"""

from __future__ import annotations

import re

# Separators between two numbers of one compound (a score, a ratio, a range, a
# date, a fraction, thousands, a list, a sum). Full-width forms come with their
# ASCII twins: the punctuation rules turn one into the other, and a run's
# verdict must not change with them.
SEPARATORS = (
    "-\uff0d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"  # hyphens, dashes, minus
    "~\uff5e\u301c\u223c"  # tildes, wave dash
    ":\uff1a\u2236"  # colons, ratio
    "/\uff0f"  # slashes
    ",\uff0c\u3001"  # commas
    "*\uff0a\u00d7+\uff0b=\uff1d"  # products, sums
    "\u81f3\u5230\u6bd4"  # \u81f3 (to), \u5230 (to), \u6bd4 (score)
)
# Around these, a joined spaced-out compound loses its spaces (``2013\u20142015``); around
# the others (commas, sums) the spaces stay, as they may part the items of a list.
TIGHT_SEPARATORS = frozenset(
    "-\uff0d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63~\uff5e\u301c\u223c:\uff1a\u2236/\uff0f\u81f3\u5230\u6bd4"
)
SEPARATOR_SET = frozenset(SEPARATORS)
POINTS = frozenset(".\uff0e")
PIECE_CHARS = frozenset("0123456789.\uff0e")
DIGITS = frozenset("0123456789")

_PIECE = "[0-9.\uff0e]+"
_RUN = f"{_PIECE}(?: +{_PIECE})+"
_LINK = f"(?: +[{SEPARATORS}] *|[{SEPARATORS}] +)"
# A maximal chain of runs joined by separators with a space beside them; the
# chain is judged as a whole (``_joined_chain``). Spaces never cross a line, so the
# pattern works on a whole text as on one line.
SPACED_DIGITS_RE = re.compile(f"(?<![0-9.\uff0e]){_RUN}(?:{_LINK}{_RUN})*")
# Every run holds a space between two piece characters: a text without one is skipped.
SPACED_HINT_RE = re.compile(" (?<=[0-9.\uff0e] ) *(?=[0-9.\uff0e])")
_RUN_RE = re.compile(_RUN)
ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def join_spaced_digits(text: str) -> tuple[str, int]:
    r"""Join every run of spaced digits that is one number; return the text and the runs joined.

    >>> join_spaced_digits("2 0 2 1 \u5e74, 7 . 9 5 \u4ebf\u5143, 9 0%")
    ('2021 \u5e74, 7.95 \u4ebf\u5143, 90%', 3)
    >>> join_spaced_digits("\u6bd4\u52063:1 2:0, 1/2 3/4, 714.9 48.1, H1 N1")[0]
    '\u6bd4\u52063:1 2:0, 1/2 3/4, 714.9 48.1, H1 N1'
    >>> join_spaced_digits("2 2 \uff0e4 \u4e07\u4ef6, 2 0 1 3 \u20142 0 1 5 \u5e74")[0]
    '22.4 \u4e07\u4ef6, 2013\u20142015 \u5e74'
    """
    hint = SPACED_HINT_RE.search(text)
    if hint is None:
        return text, 0
    parts: list[str] = []
    done = changes = 0
    while hint is not None:
        # The first hint of a run lies in its first gap: the run starts at the
        # piece characters just before it (SPACED_DIGITS_RE's leftmost match).
        start = hint.start()
        while start and text[start - 1] in PIECE_CHARS:
            start -= 1
        match = SPACED_DIGITS_RE.match(text, start)
        assert match is not None  # a hint is a gap between two piece characters
        joined = _joined_chain(match)
        if joined is not None:
            parts += [text[done:start], joined]
            done, changes = match.end(), changes + 1
        hint = SPACED_HINT_RE.search(text, match.end())
    if not changes:
        return text, 0
    parts.append(text[done:])
    return "".join(parts), changes


def _joined_chain(match: re.Match[str]) -> str | None:
    """Return the chain with each run joined, or None when it is not spaced-out numbers."""
    text, start, end = match.string, match.start(), match.end()
    if start and text[start - 1] in ASCII_LETTERS:  # `H1 N1`, `A4 5`: an identifier
        return None
    if _tied(text, start - 1, -1) or _tied(text, end, 1):
        return None
    chain = match.group()
    runs = list(_RUN_RE.finditer(chain))
    joined = [_joined_run(run.group()) for run in runs]
    if any(run is None for run in joined):
        return None
    parts = []
    for index, run in enumerate(runs):
        if index:
            link = chain[runs[index - 1].end() : run.start()]
            parts.append(link.strip(" ") if link.strip(" ") in TIGHT_SEPARATORS else link)
        parts.append(joined[index])  # type: ignore[arg-type]  # None is ruled out above
    return "".join(parts)


def _joined_run(run: str) -> str | None:
    """Return a run of single digits and one decimal point joined, or None."""
    pieces = run.split()
    points = [i for i, piece in enumerate(pieces) if piece[0] in POINTS]
    if len(points) > 1:
        return None
    for index, piece in enumerate(pieces):
        if len(piece) == 1:
            if piece in POINTS and index in (0, len(pieces) - 1):
                return None  # a point needs a digit on each side
        elif not (len(piece) == 2 and piece[0] == "\uff0e" and piece[1] in DIGITS and index):
            return None  # `12 3`: pieces of several digits are not spaced digits
    return "".join(pieces).replace("\uff0e", ".")


def _tied(text: str, position: int, step: int) -> bool:
    """Tell whether a separator, then a digit, lies from ``position`` on in direction ``step``.

    At most one space may stand on either side of the separator; a line break
    ends the search. ``position`` is the first character outside the chain.
    """
    size = len(text)
    if 0 <= position < size and text[position] == " ":
        position += step
    if not (0 <= position < size and text[position] in SEPARATOR_SET):
        return False
    position += step
    if 0 <= position < size and text[position] == " ":
        position += step
    return 0 <= position < size and text[position] in DIGITS
