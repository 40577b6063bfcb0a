"""Tell GB18030 from Big5 by how plausible each reading of the bytes is.

Big5 text very often decodes without error as GB18030 (and the other way round),
so byte validity cannot decide between them; chardet sometimes names the wrong
one. Each reading is scored by how many of its characters are the frequent hanzi
of that standard and how many land in blocks only mojibake fills.

The same score reads Chinese that chardet cannot name: its GB18030 and Big5
probers give up at the first invalid byte, and a file with one then gets a
single-byte guess (KOI8-U, CP737) with a confidence of a few hundredths.
``read_as_chinese`` says whether one of the two readings is Chinese text with at
most a few invalid bytes.
"""

from __future__ import annotations

import codecs
import collections
import functools
import re
from dataclasses import dataclass

from .replace import VALID_PER_ERROR, error_handlers

# The check switches between GB18030 and Big5 only when the other reading scores at
# least this much higher (scores are in [-2, 1]); a close call keeps chardet's answer.
SWITCH_MARGIN = 0.1

CHINESE_CODECS = ("gb18030", "big5hkscs")

# A reading is Chinese text when it has at least this many non-ASCII characters...
MIN_CHINESE_CHARS = 4
# ...at most one invalid byte sequence per VALID_PER_ERROR (20) of them, the rule
# of every codec (replace.py)...
# ...and a plausibility score of at least this: whole real texts score 0.54 to 1 in
# their own codec (the lowest a Big5 page of box drawing), and under 0.4 read in the
# other one (benchmarks/README.md, decoding).
MIN_CHINESE_SCORE = 0.5

# Blocks that a misread Chinese double-byte text fills with, and real Chinese prose
# almost never uses: Big5 read as GB18030 lands in the GB2312 kana, Greek, Cyrillic and
# box-drawing rows; GB read as Big5 turns full-width punctuation into bopomofo and
# vertical forms.
MOJIBAKE_RE = re.compile(
    "["
    "\u0370-\u052f"  # Greek, Cyrillic
    "\u2500-\u257f"  # box drawing
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3100-\u312f"  # bopomofo
    "\u3130-\u318f"  # Hangul compatibility jamo
    "\uac00-\ud7af"  # Hangul syllables
    "\ue000-\uf8ff"  # private use (unmapped user-defined code points)
    "\ufe30-\ufe4f"  # CJK compatibility (vertical) forms
    "\ufffd"  # replacement character
    "]"
)


def check_chinese(sample: bytes, codec: str) -> tuple[str, float]:
    """Choose between GB18030 and Big5-HKSCS by how plausible each reading is.

    Big5 text very often decodes without error as GB18030 (and the other way round),
    so validity cannot decide. Each reading of the sample is scored by
    ``plausibility``; chardet's codec is kept unless the other one scores at least
    ``SWITCH_MARGIN`` higher. Returns the chosen codec and its score.
    """
    other = CHINESE_CODECS[1] if codec == CHINESE_CODECS[0] else CHINESE_CODECS[0]
    scores = {name: plausibility(decode_sample(sample, name), name) for name in CHINESE_CODECS}
    if scores[other] - scores[codec] >= SWITCH_MARGIN:
        return other, scores[other]
    return codec, scores[codec]


@dataclass(frozen=True, slots=True)
class ChineseReading:
    """One reading of a sample as Chinese: its codec, score and invalid sequences."""

    codec: str
    score: float  # plausibility, in [-2, 1]
    characters: int  # non-ASCII characters read, replacements left out
    errors: int  # invalid byte sequences replaced


def read_as_chinese(sample: bytes) -> ChineseReading | None:
    r"""Return the most plausible GB18030 or Big5 reading of a sample, if it is Chinese text.

    A reading is Chinese text when it has ``MIN_CHINESE_CHARS`` non-ASCII characters
    or more, at most one invalid byte sequence per ``VALID_PER_ERROR`` of them, and
    a plausibility of ``MIN_CHINESE_SCORE`` or more. GB18030 wins a tie.

    >>> head, tail = "市医疗保障局发布关于调整", "部分医疗服务价格的通知"
    >>> read_as_chinese(head.encode("gb18030") + b"\xff" + tail.encode("gb18030"))
    ChineseReading(codec='gb18030', score=0.875, characters=23, errors=1)
    >>> read_as_chinese(head.encode("gb18030") + b"\xff" + "通知".encode("gb18030")) is None
    True
    >>> read_as_chinese(bytes(range(0x80, 0x100))) is None
    True
    """
    readings = [read_sample(sample, codec) for codec in CHINESE_CODECS]
    chinese = [
        reading
        for reading in readings
        if reading.characters >= MIN_CHINESE_CHARS
        and reading.errors * VALID_PER_ERROR <= reading.characters
        and reading.score >= MIN_CHINESE_SCORE
    ]
    return max(chinese, key=lambda reading: reading.score, default=None)


def read_sample(sample: bytes, codec: str) -> ChineseReading:
    """Read a sample with ``codec``, counting its characters and invalid sequences.

    A sample may end inside a character: that is not counted as an error. The
    skipping handler resumes where the replacing one does, so the difference in
    U+FFFD counts is what replacement added (GB18030 can encode U+FFFD itself).
    """
    replaced = decode_sample(sample, codec)
    skip = error_handlers(codec)[1]
    ignored = str(codecs.getincrementaldecoder(codec)(errors=skip).decode(sample, final=False))
    errors = replaced.count("\ufffd") - ignored.count("\ufffd")
    characters = len(ignored) - len(ignored.encode("ascii", errors="ignore"))
    return ChineseReading(codec, plausibility(replaced, codec), characters, errors)


def decode_sample(sample: bytes, codec: str) -> str:
    """Decode a sample that may end inside a character, without counting that as an error."""
    decoder = codecs.getincrementaldecoder(codec)(errors=error_handlers(codec)[0])
    return str(decoder.decode(sample, final=False))


def plausibility(text: str, codec: str) -> float:
    """Score how much ``text`` looks like real Chinese read with ``codec``, in [-2, 1].

    Over the non-ASCII characters: (frequent hanzi - 2 * mojibake characters) / count.
    "Frequent" is the first level of the codec's own standard: GB2312 level 1 (lead
    byte 0xB0-0xD7, 3755 hanzi) for GB18030, Big5 level 1 (lead byte 0xA4-0xC6, 5401
    hanzi) for Big5. Mojibake characters are those ``MOJIBAKE_RE`` matches.

    >>> plausibility("全民健康保險", "big5hkscs")
    1.0
    >>> plausibility("全民健康保險".encode("big5").decode("gb18030"), "gb18030") < 0
    True
    """
    common = common_hanzi(codec)
    non_ascii = frequent = bad = 0
    # Counting distinct characters first keeps this fast on a 64 KiB sample.
    for ch, count in collections.Counter(text).items():
        if ch < "\x80":
            continue
        non_ascii += count
        if ch in common:
            frequent += count
        elif MOJIBAKE_RE.match(ch):
            bad += count
    if non_ascii == 0:
        return 0.0
    return (frequent - 2 * bad) / non_ascii


@functools.cache
def common_hanzi(codec: str) -> frozenset[str]:
    """Return the first-level (most frequent) hanzi of the standard behind ``codec``."""
    if codec == "gb18030":
        base, leads, trails = "gb2312", range(0xB0, 0xD8), list(range(0xA1, 0xFF))
    else:
        base, leads, trails = "big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    chars: set[str] = set()
    for lead in leads:
        for trail in trails:
            if base == "big5" and lead == 0xC6 and trail >= 0xA1:
                continue  # Big5 level 1 ends at 0xC67E; 0xC6A1 on are symbols and level 2
            try:
                chars.add(bytes((lead, trail)).decode(base))
            except UnicodeDecodeError:
                continue  # unassigned cell at the end of a row
    return frozenset(chars)
