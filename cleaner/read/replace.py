"""Decode with invalid bytes replaced, and count the replacements: one rule for every codec.

"A few invalid bytes" is the same everywhere (UTF-8, GB18030, Big5, UTF-16): at most
one invalid sequence per ``VALID_PER_ERROR`` valid non-ASCII characters. Past it a
file is not text in that codec. Pure: bytes in, text and a count out.
"""

from __future__ import annotations

import codecs
import functools

# At most one invalid byte sequence per this many valid non-ASCII characters.
VALID_PER_ERROR = 20


def decode_counting(data: bytes, codec: str) -> tuple[str, int]:
    r"""Decode, replacing bad bytes with U+FFFD; return the text and how many were added.

    A U+FFFD that was already encoded in the input is not counted: decoding with
    the skipping handler resumes at exactly the same places as the replacing one but
    adds nothing, so the difference in U+FFFD counts is what replacement introduced.

    >>> text, added = decode_counting("中\ufffd文".encode() + b"\xff", "utf-8")
    >>> text.count("\ufffd"), added
    (2, 1)
    >>> decode_counting("达到".encode("gb18030") + b"\xff2%", "gb18030")  # digits kept
    ('达到\ufffd2%', 1)
    """
    try:
        return data.decode(codec), 0
    except UnicodeDecodeError:
        pass
    replace, skip = error_handlers(codec)
    replaced = data.decode(codec, errors=replace)
    ignored = data.decode(codec, errors=skip)
    return replaced, replaced.count("\ufffd") - ignored.count("\ufffd")


REPLACE_BYTE = "cleaner-replace-byte"
SKIP_BYTE = "cleaner-skip-byte"


def error_handlers(codec: str) -> tuple[str, str]:
    r"""Return the error handlers (replace, skip) to decode ``codec`` with.

    Python's GB18030 decoder takes an invalid byte followed by a digit in the last
    four bytes of the input for a cut-off four-byte character, and replaces it with
    the digit and what follows (``b"\xff2%"`` at the end of a file becomes one
    U+FFFD): numbers would be lost.
    The legacy codecs are decoded replacing one byte at a time, resuming right after
    it; UTF-8, UTF-16 and UTF-32 report exact error ranges, and a UTF-16 code unit
    is two bytes.
    """
    if codec.startswith("utf"):
        return "replace", "ignore"
    _register_byte_handlers()
    return REPLACE_BYTE, SKIP_BYTE


@functools.cache
def _register_byte_handlers() -> None:
    codecs.register_error(REPLACE_BYTE, _replace_byte)
    codecs.register_error(SKIP_BYTE, _skip_byte)


def _replace_byte(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return "\ufffd", error.start + 1


def _skip_byte(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return "", error.start + 1
