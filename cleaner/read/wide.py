r"""Tell BOM-less UTF-16 and UTF-32 from binary by reading it as each and judging the text.

NUL bytes in a file without a byte-order mark mean UTF-16/32 text or binary data.
In UTF-32 one byte of every four is always NUL. Any even number of bytes reads as
UTF-16, so each reading is judged: binary data read as UTF-16 has NULs, control
characters, lone surrogates, or private-use and unassigned code points (about one
in five random code units); text has almost none. The reading with the fewest
such characters wins, if it has at most one per ``VALID_PER_ERROR`` characters.
The byte order does not come from where NULs sit: in Chinese text U+4E00 (一)
and U+6700 (最) put them at the other parity from ASCII's.

chardet was asked before; it had no answer for one text in ten of the seeds and
reports, and read big-endian text with one broken character as little-endian
(benchmarks/README.md, decoding). Pure: bytes in, a decoding or None out.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..data import Decoding
from .replace import VALID_PER_ERROR, decode_counting

NUL_SCAN_BYTES = 8192
CHECK_CHARS = 1024
WIDE_CODECS = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")
# Controls, private use and unassigned code points: what text has almost none of
# and code units read from random bytes plenty.
ODD_CATEGORIES = frozenset({"Cc", "Co", "Cn"})
# The controls text files do use: tab, line ends, form feed and ESC.
ALLOWED_CONTROLS = frozenset("\t\n\x0b\x0c\r\x1b")
# Those and the spaces, which are not "printable" either.
SPACES_RE = re.compile("[\t\n\x0b\x0c\r\x1b\\s]+")


def decode_wide(data: bytes) -> tuple[str, Decoding] | None:
    r"""Decode BOM-less UTF-32 or UTF-16; None when no reading looks like text.

    ``Decoding.confidence`` is the share of the first ``CHECK_CHARS`` characters
    that are neither invalid, control, private-use nor unassigned.

    >>> text, decoding = decode_wide("第1行\n".encode("utf-16-be"))
    >>> text, decoding.encoding, decoding.decided_by, decoding.confidence
    ('第1行\n', 'utf-16-be', 'wide-check', 1.0)
    >>> decode_wide(bytes(range(256)) * 4) is None
    True
    """
    sample = data[: 4 * CHECK_CHARS]
    # On a tie the byte order that puts most NULs where ASCII's high bytes go wins.
    odd_nuls = sample[1::2].count(0)
    little_first = odd_nuls * 2 >= sample.count(0)
    judged = []
    for rank, codec in enumerate(WIDE_CODECS):
        if codec.startswith("utf-32") and len(data) % 4:
            continue  # a UTF-32 file is whole characters of four bytes
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        head = str(decoder.decode(sample, final=len(sample) == len(data)))[:CHECK_CHARS]
        odd = _odd_characters(head)
        if odd * VALID_PER_ERROR <= len(head):
            parity = codec.endswith("-le") != little_first
            judged.append((odd, parity, rank, codec, len(head)))
    if not judged:
        return None
    odd, _, _, codec, checked = min(judged)
    text, errors = decode_counting(data, codec)
    if errors * VALID_PER_ERROR > len(text) - errors:
        return None
    return text, Decoding(codec, "wide-check", 1.0 - odd / max(1, checked), errors)


def follows_a_mark(text: str) -> bool:
    """Say whether text read after a UTF-16/32 byte-order mark is text in that codec.

    At most one odd character per ``VALID_PER_ERROR`` in its head, and one in any
    text: the mark itself is evidence. GB18030 or Big5 read as UTF-16 after a chance
    ``FF FE`` is about one odd character in five.
    """
    head = text[:CHECK_CHARS]
    return _odd_characters(head) <= max(1, len(head) // VALID_PER_ERROR)


def _odd_characters(head: str) -> int:
    """Count what text has almost none of: replacements, controls, private use, unassigned.

    Most text is all printable once its line ends and spaces are set aside, which
    one pass in C tells; otherwise each distinct character is looked up once.
    """
    if "\x00" in head:
        return len(head) + 1  # never text
    odd = head.count("\ufffd")
    if odd * VALID_PER_ERROR > len(head) or SPACES_RE.sub("", head).isprintable():
        return odd
    for char in set(head):
        if not char.isprintable() and unicodedata.category(char) in ODD_CATEGORIES:
            odd += head.count(char) if char not in ALLOWED_CONTROLS else 0
    return odd
