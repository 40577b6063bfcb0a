"""The character classes normalization reads, in one place, for the patterns and for C.

Each class is the body of a regular expression's ``[...]``; ``char_class_table``
turns the same bodies into a table of class bits per code point for the compiled
rules (``_normalize.c``), so the two cannot disagree on what a character is.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

# U+3005, U+3007 (ling) and the Hangzhou numerals count as Han.
HAN = (
    "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
# Full-width punctuation whose neighbouring spaces are dropped. The full-width full
# stop U+FF0E is left out: next to a digit it may be a decimal point.
CJK_PUNCT = (
    "\u3001-\u3004\u3008-\u3011\u3014-\u301f\u3030\u303d"
    "\uff01-\uff0d\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
)
# Context for punctuation width: a CJK letter or any full-width punctuation.
CJK_CONTEXT = f"{HAN}{KANA}{HANGUL}{CJK_PUNCT}\uff0e"
# Looking for a neighbour skips spaces and quotes (ASCII and U+2018-201D): in
# `事件1:\u201c讲政治` the colon's context is 讲, and `said, \u201chi\u201d` stays English.
SKIP = " \"'\u201c\u201d\u2018\u2019"
# Spaces are removed next to Han and kana only: Korean separates words with spaces.
SPACING_CJK = HAN + KANA
# Unit symbols written against their number (`9.8%`, `10.06\u2030`, `25\u2103`).
UNITS = "%\u2030\u2031\u2103\u2109\u00b0"
# odd-whitespace: spaces meant as spaces (incl. line-ish separators inside a line) ...
ODD_SPACES = "\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# ... and characters that carry no text: zero-width spaces, BOM, other C0/C1 controls.
INVISIBLES = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b\u2060\ufeff"

# Class bits per code point for the compiled rules (the enum of _normalize.h).
CHAR_CLASS_BITS = (
    (HAN, 1),
    (KANA, 2),
    (HANGUL, 4),
    (CJK_PUNCT, 8),
    ("\uff0e", 16),
    (ODD_SPACES, 32),
    (INVISIBLES, 64),
    (SKIP, 128),
    (UNITS, 256),
)


def class_ranges(body: str) -> Iterator[tuple[int, int]]:
    """Yield the (first, last) code points of a character class body.

    >>> list(class_ranges("a-c_"))
    [(97, 99), (95, 95)]
    """
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            yield ord(body[index]), ord(body[index + 2])
            index += 3
        else:
            yield ord(body[index]), ord(body[index])
            index += 1


def char_class_table() -> bytes:
    """Return the class bits of every code point up to the last one classed, as uint16s.

    No code point is in two classes (tests/test_normalize_compiled.py checks the
    table against each class), so each range is written, not or-ed.
    """
    ranges = [
        (first, last, bit) for body, bit in CHAR_CLASS_BITS for first, last in class_ranges(body)
    ]
    table = array("H", bytes(2 * (max(last for _, last, _ in ranges) + 1)))
    for first, last, bit in ranges:
        table[first : last + 1] = array("H", [bit]) * (last + 1 - first)
    return table.tobytes()
