"""How names and messages are shown: what would act on a terminal, escaped.

File names come from crawls and may hold anything but "/" and NUL: bytes that are
not UTF-8, terminal escape sequences, BiDi overrides. They are kept as they are for
reading and writing, and shown through ``printable_path`` in every message, report
and annotation.
"""

from __future__ import annotations

import unicodedata


def printable_path(rel_path: str) -> str:
    r"""Return a name fit for terminals and reports: what would act on a terminal, escaped.

    Bytes of a name that are not UTF-8 reach Python as lone surrogates; they are
    kept as they are for reading and writing, and shown as ``\xNN``. So are the
    characters that would act when printed: C0 and C1 controls (ESC sequences,
    BEL, CR, LF), and the format characters (BiDi overrides, isolates and marks,
    zero-width characters) and line separators, which reorder or hide text. A
    crafted name can neither forge output lines nor retitle a terminal.

    >>> printable_path("bad" + b"\xff".decode("utf-8", "surrogateescape") + ".txt")
    'bad\\xff.txt'
    >>> printable_path("a\x1b]0;owned\x07\nb\u202etxt.exe")
    'a\\x1b]0;owned\\x07\\nb\\u202etxt.exe'
    >>> printable_path("\u65b0\u95fb 2024/\u7b2c\u4e00\u7bc7.txt")  # kept as it is
    '\u65b0\u95fb 2024/\u7b2c\u4e00\u7bc7.txt'
    """
    if rel_path.isprintable():  # nearly every name: one pass in C
        return rel_path
    return "".join(_shown(char) for char in rel_path)


def printable_lines(text: str) -> str:
    r"""Return a message fit for a terminal: each line as ``printable_path`` shows names.

    For messages that name paths given on the command line or taken from a system
    error; their line breaks are kept.

    >>> printable_lines("input in/\x1b[2Jx does not exist\nsecond line")
    'input in/\\x1b[2Jx does not exist\nsecond line'
    """
    return "\n".join(printable_path(line) for line in text.split("\n"))


# Categories of characters that act or hide when printed (non-ASCII spaces are shown).
UNSHOWN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# How the common controls are written, as in Python and C string literals.
NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(char: str) -> str:
    """Return one character of a name as it is shown: itself, or an escape."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    if unicodedata.category(char) not in UNSHOWN_CATEGORIES:
        return char
    if char in NAMED_ESCAPES:
        return NAMED_ESCAPES[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
