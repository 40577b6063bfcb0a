r"""Measure what a document is: script, language, repetition and length signals.

Pure: texts in, immutable :class:`Signals` out. Every document of a run gets them,
measured on the text that is written (after cleaning), so the figures next to a
record describe that record's ``text``. They are the signals Chinese corpus
pipelines judge documents by (see ``docs/config.md`` for where each comes from):

- ``chars`` (characters, white space not counted), ``lines``, ``mean_line_chars``
  and ``longest_line_chars``;
- ``cjk_share``: Han characters among the characters; ``traditional_share``: of the
  Han characters written differently in the two scripts, the share in the
  traditional form (None when the text has none);
- ``language``: ISO 639-1 code, ``und`` when the text has no letters;
- ``duplicate_line_share`` and ``duplicate_line_char_share``: the lines that repeat
  an earlier line, by count and by characters (Gopher's duplicate line fractions;
  the written text holds one paragraph a line, so they are its paragraph
  fractions too);
- ``top_{2,3,4}gram_share``: the characters covered by the most frequent
  character n-gram, counted once per occurrence, over all characters (Gopher's top
  n-gram fractions, on characters instead of words);
- ``duplicate_{5..10}gram_share``: the characters inside an occurrence of a
  character n-gram that occurred before (Gopher's duplicate n-gram fractions).

N-grams are taken over the text without white space, across lines. Shares are
rounded to 4 decimals, the figures a filter compares and the report prints.

>>> s = measure_signals("医保惠民工程。\n医保惠民工程。\nDRG付费改革\n")
>>> s.language, s.lines, s.duplicate_line_share, s.cjk_share
('zh', 3, 0.3333, 0.7619)
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

try:
    from . import _ngrams  # type: ignore[attr-defined]  # compiled by setup.py, if it could be
except ImportError:  # no C compiler where this was installed: Python strings do the same
    _ngrams = None

TOP_NGRAMS = (2, 3, 4)
DUPLICATE_NGRAMS = (5, 6, 7, 8, 9, 10)
# The language identifier reads this many characters of a text: its cost grows
# with the text, and a page's language shows in its first paragraphs.
LANGUAGE_SAMPLE_CHARS = 2000
# N-gram counts read this many characters of a text: the tables they need grow
# with it, and a repeated sentence shows long before.
NGRAM_MAX_CHARS = 1_000_000
# A text whose letters are at least half Han, and no more than one in twenty kana
# or hangul, is Chinese without asking the identifier (most documents of a Chinese
# corpus). Japanese writes its particles and endings in kana, every few
# characters, and Korean is written in hangul: neither comes near one in twenty;
# Chinese text quoting a Japanese title or a Korean name does.
HAN_LETTER_SHARE = 0.5
KANA_HANGUL_SHARE = 0.05
UNDETERMINED = "und"
# Chinese varieties py3langid names apart: a Chinese corpus wants them as Chinese.
CHINESE_VARIETIES = frozenset({"zh", "wuu", "yue", "lzh", "gan", "hak", "nan", "cmn"})
NO_LANGUAGE = frozenset({"zxx"})
DECIMALS = 4

# Bit flags of the character classes (``character_classes``); SPACE stands alone.
HAN, KANA, HANGUL, LETTER, TRADITIONAL, SIMPLIFIED, SPACE = 1, 2, 4, 8, 16, 32, 64
CLASS_FLAGS = (HAN, KANA, HANGUL, LETTER, TRADITIONAL, SIMPLIFIED)
HAN_RANGES = (
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2FA1F),  # extensions B to F, compatibility supplement
    (0x30000, 0x323AF),  # extensions G, H
)
KANA_RANGES = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))
HANGUL_RANGES = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))
# Letters of alphabetic scripts are below the CJK blocks, and full-width Latin.
ALPHABETIC_BELOW = 0x2E80
FULL_WIDTH_LATIN = ((0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
WHITE_SPACE_RE = re.compile(r"\s")
# The counts behind the signals of one text (``count_batch``), in the order the C
# loop writes them (``_ngrams.c`` says what each is); the class counts follow CLASS_FLAGS.
COUNT_COLUMNS = (
    "chars",
    "lines",
    "longest_line",
    "line_chars",
    "repeated_lines",
    "repeated_line_chars",
    "han",
    "kana",
    "hangul",
    "letters",
    "traditional",
    "simplified",
    *(f"top_{n}gram" for n in TOP_NGRAMS),
    *(f"duplicate_{n}gram" for n in DUPLICATE_NGRAMS),
)


class Signals(NamedTuple):
    """What a document is, measured on its written text (see the module's docstring).

    Immutable like the run's other records, but a named tuple rather than a frozen
    dataclass: pass 2 builds one for every document, and a frozen dataclass of 18
    fields (one ``object.__setattr__`` each) took 2.2 µs to build, a fifth of what
    signals cost, a named tuple 0.3 µs. It also pickles as a plain tuple.
    """

    chars: int
    lines: int
    mean_line_chars: float
    longest_line_chars: int
    cjk_share: float
    traditional_share: float | None
    language: str
    duplicate_line_share: float
    duplicate_line_char_share: float
    top_2gram_share: float
    top_3gram_share: float
    top_4gram_share: float
    duplicate_5gram_share: float
    duplicate_6gram_share: float
    duplicate_7gram_share: float
    duplicate_8gram_share: float
    duplicate_9gram_share: float
    duplicate_10gram_share: float

    def as_dict(self) -> dict[str, Any]:
        """Return the signals as JSON-ready values, in field order."""
        return dict(zip(SIGNAL_NAMES, self, strict=True))


SIGNAL_NAMES = Signals._fields


@functools.cache
def character_classes() -> npt.NDArray[np.uint8]:
    """Return the class flags of every code point (built once per process, 1.1 MB).

    >>> table = character_classes()
    >>> int(table[ord("国")]) == HAN | SIMPLIFIED, int(table[ord("國")]) == HAN | TRADITIONAL
    (True, True)
    >>> int(table[ord("a")]), int(table[ord("あ")]), int(table[ord("1")]), int(table[ord("・")])
    (8, 2, 0, 0)
    >>> int(table[ord("\u3000")]) == SPACE, int(table[0x1C]) == SPACE
    (True, True)
    """
    from zhon import cedict  # the CC-CEDICT character lists: which form each Han character is

    table = np.zeros(0x110000, dtype=np.uint8)
    for first, last in HAN_RANGES:
        table[first : last + 1] |= HAN
    for first, last in KANA_RANGES:
        # Kana letters only: the katakana middle dot (U+30FB) is punctuation that
        # Chinese text uses between the parts of foreign names.
        table[[c for c in range(first, last + 1) if chr(c).isalpha()]] |= KANA
    for first, last in HANGUL_RANGES:
        table[first : last + 1] |= HANGUL
    letters = [code for code in range(ALPHABETIC_BELOW) if chr(code).isalpha()]
    table[letters] |= LETTER
    for first, last in FULL_WIDTH_LATIN:
        table[first : last + 1] |= LETTER
    simplified, traditional = set(cedict.simplified), set(cedict.traditional)
    table[[ord(c) for c in sorted(simplified - traditional)]] |= SIMPLIFIED
    table[[ord(c) for c in sorted(traditional - simplified)]] |= TRADITIONAL
    # White space as str.split() and str.strip() know it: re's \s is the same test.
    every = "".join(map(chr, range(0x110000)))
    table[[match.start() for match in WHITE_SPACE_RE.finditer(every)]] = SPACE
    return table


def measure_signals(text: str) -> Signals:
    """Return the signals of one text.

    >>> s = measure_signals("The weather is fine today, and the market is open.")
    >>> s.language, s.cjk_share, s.traditional_share
    ('en', 0.0, None)
    """
    return measure_batch([text])[0]


def measure_batch(texts: Sequence[str]) -> list[Signals]:
    """Return the signals of each text: one pass of C over the batch, then numpy."""
    return signals_from_counts(texts, count_batch(texts))


def count_batch(texts: Sequence[str]) -> npt.NDArray[np.int64]:
    """Return the counts behind each text's signals, one row of ``COUNT_COLUMNS`` a text.

    The C loop when it was built, else ``count_reference`` (the same numbers).
    """
    counts = np.zeros((len(texts), len(COUNT_COLUMNS)), dtype=np.int64)
    if _ngrams is None:
        for row, text in enumerate(texts):
            counts[row] = count_reference(text)
    elif len(texts):
        _ngrams.count_batch(list(texts), character_classes(), NGRAM_MAX_CHARS, counts)
    return counts


def count_reference(text: str) -> tuple[int, ...]:
    r"""Return the counts behind a text's signals, in the order of ``COUNT_COLUMNS``.

    The definition the C loop follows. Characters are those that are not white
    space; a line is a piece of ``text.split("\n")`` holding one, and its size its
    characters other than U+0020; the class counts are of the characters carrying
    each flag; the n-gram counts are ``ngram_counts_reference`` of the text without
    white space, up to ``NGRAM_MAX_CHARS``.

    >>> count_reference("医保 医保\n医保 医保\n\nDRG")[:6]
    (11, 3, 4, 11, 1, 4)
    """
    compact = "".join(text.split())
    lines = [line for line in text.split("\n") if line.strip()]
    sizes = [len(line) - line.count(" ") for line in lines]
    seen: set[str] = set()
    repeats = repeated_chars = 0
    for line, size in zip(lines, sizes, strict=True):
        if line in seen:
            repeats += 1
            repeated_chars += size
        seen.add(line)
    table = character_classes()
    flags = Counter(int(table[ord(char)]) for char in compact)
    classes = [sum(n for value, n in flags.items() if value & flag) for flag in CLASS_FLAGS]
    top, repeated = ngram_counts_reference(compact[:NGRAM_MAX_CHARS])
    line_counts = (len(lines), max(sizes, default=0), sum(sizes), repeats, repeated_chars)
    return (len(compact), *line_counts, *classes, *top, *repeated)


def ngram_counts_reference(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return the top 2-, 3-, 4-gram counts and the repeated characters of 5- to 10-grams.

    An n-gram's occurrences overlap; a character is repeated for n when it lies
    inside an occurrence of an n-gram that occurred earlier in the text (counted
    once however many such occurrences cover it).

    >>> ngram_counts_reference("abcabcabc")
    ((3, 3, 2), (6, 6, 0, 0, 0, 0))
    >>> ngram_counts_reference("a")
    ((0, 0, 0), (0, 0, 0, 0, 0, 0))
    """
    top = []
    for n in TOP_NGRAMS:
        counts = Counter(text[i : i + n] for i in range(len(text) - n + 1))
        top.append(max(counts.values(), default=0))
    repeated = []
    for n in DUPLICATE_NGRAMS:
        seen: set[str] = set()
        covered = covered_until = 0
        for i in range(len(text) - n + 1):
            gram = text[i : i + n]
            if gram in seen:
                covered += max(0, i + n - max(i, covered_until))
                covered_until = max(covered_until, i + n)
            else:
                seen.add(gram)
        repeated.append(covered)
    return tuple(top), tuple(repeated)


def round_shares(parts: Any, wholes: Any, decimals: int = DECIMALS) -> npt.NDArray[np.float64]:
    """Return ``round(part / whole, decimals)`` of each pair, 0.0 where ``whole`` is 0.

    The same floats as Python's ``round``: the quotient is IEEE's either way, and
    its scaled value is rounded by numpy unless it lies within a millionth of a
    half, where the exact binary value decides and Python's ``round`` is asked.

    >>> round_shares(np.array([1, 2, 5, 1]), np.array([3, 3, 0, 8])).tolist()
    [0.3333, 0.6667, 0.0, 0.125]
    >>> round_shares(np.array([1]), np.array([16]), 3).tolist(), round(1 / 16, 3)
    ([0.062], 0.062)
    """
    parts, wholes = np.asarray(parts, np.float64), np.asarray(wholes, np.float64)
    quotients = np.divide(parts, wholes, out=np.zeros_like(parts), where=wholes != 0)
    scale = 10.0**decimals
    scaled = quotients * scale
    rounded: npt.NDArray[np.float64] = np.rint(scaled) / scale
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for index in zip(*np.nonzero(near_half), strict=True):
        rounded[index] = round(float(quotients[index]), decimals)
    return rounded


def signals_from_counts(texts: Sequence[str], counts: npt.NDArray[np.int64]) -> list[Signals]:
    """Turn the count rows of texts into their signals, the shares of the batch at once."""
    if not len(texts):
        return []
    column = {name: counts[:, k] for k, name in enumerate(COUNT_COLUMNS)}
    chars, lines = column["chars"], column["lines"]
    counted = np.minimum(chars, NGRAM_MAX_CHARS)
    han, traditional = column["han"], column["traditional"]
    scripts = traditional + column["simplified"]
    parts = [
        han,
        traditional,
        column["repeated_lines"],
        column["repeated_line_chars"],
        *(column[f"top_{n}gram"] * n for n in TOP_NGRAMS),
        *(column[f"duplicate_{n}gram"] for n in DUPLICATE_NGRAMS),
    ]
    wholes = [chars, scripts, lines, column["line_chars"], *[counted] * 9]
    shares = round_shares(np.stack(parts, axis=1), np.stack(wholes, axis=1)).T.tolist()
    traditional_shares = [
        share if scripted else None
        for share, scripted in zip(shares[1], (scripts > 0).tolist(), strict=True)
    ]
    # Built column by column and zipped: no list per document (each would be one
    # more object for the garbage collector to visit).
    values = (
        chars.tolist(),
        lines.tolist(),
        round_shares(chars, lines, 1).tolist(),
        column["longest_line"].tolist(),
        shares[0],
        traditional_shares,
        decide_languages(texts, counts),
        *shares[2:],
    )
    return list(map(Signals._make, zip(*values, strict=True)))


def decide_languages(texts: Sequence[str], counts: npt.NDArray[np.int64]) -> list[str]:
    """Return each text's language from its class counts, asking the identifier where needed."""
    column = {name: counts[:, k] for k, name in enumerate(COUNT_COLUMNS)}
    han, kana, hangul = column["han"], column["kana"], column["hangul"]
    total = han + kana + hangul + column["letters"]
    chinese = (han >= HAN_LETTER_SHARE * total) & (kana + hangul <= KANA_HANGUL_SHARE * total)
    decided = np.where(total == 0, UNDETERMINED, np.where(chinese, "zh", "")).tolist()
    return [
        language or identify_language(text[:LANGUAGE_SAMPLE_CHARS])
        for language, text in zip(decided, texts, strict=True)
    ]


def guess_language(text: str) -> str:
    """Return the language of a text: ISO 639-1 code, or ``und`` when it has no letters.

    >>> guess_language("全市参保714.9万人。"), guess_language("2021-06-28 10:33")
    ('zh', 'und')
    >>> guess_language("Les prix ont augmenté de deux pour cent cette année.")
    'fr'
    """
    return decide_languages([text], count_batch([text]))[0]


def identify_language(text: str) -> str:
    """Return py3langid's language for a text, Chinese varieties as ``zh``.

    py3langid ships its model inside its wheel (nothing is downloaded) and gives
    the same answer every time; ``benchmarks/bench_langid.py`` compares it with
    the other identifiers. Its model loads on the first call of a process (about
    a second), so a corpus whose documents the script decides never loads it.
    """
    import py3langid

    language = str(py3langid.classify(text)[0])
    if language in CHINESE_VARIETIES:
        return "zh"
    return UNDETERMINED if language in NO_LANGUAGE else language
