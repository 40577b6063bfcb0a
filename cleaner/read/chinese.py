"""Tell GB18030 from Big5 by how plausible each reading of the bytes is.

Big5 text very often decodes without error as GB18030 (and the other way round),
so byte validity cannot decide between them; chardet sometimes names the wrong
one. Each reading is scored by how many of its characters are the frequent hanzi
of that standard and how many land in blocks only mojibake fills.
"""

from __future__ import annotations

import codecs
import collections
import functools
import re

# The check switches between GB18030 and Big5 only when the other reading scores at
# least this much higher (scores are in [-2, 1]); a close call keeps chardet's answer.
SWITCH_MARGIN = 0.1

CHINESE_CODECS = ("gb18030", "big5hkscs")

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


def decode_sample(sample: bytes, codec: str) -> str:
    """Decode a sample that may end inside a character, without counting that as an error."""
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
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
