"""Normalize scraped Chinese text line by line: white space, digits, spacing, punctuation.

Everything here is pure: text and a ``NormalizeConfig`` in, text (and rule counts) out.

The rules run once each, in a fixed order (``odd-whitespace``, ``fullwidth-alnum``,
``spaced-digits``, ``digit-cjk-spacing``, ``latin-cjk-spacing``, then
``punctuation-width`` and ``punct-spacing``), each over the whole text at once:
every pattern stops at a line break, so each line is normalized on its own.
One pass is the fixed point: no rule undoes or enables an earlier one (a later
rule only drops spaces next to CJK characters and punctuation, or turns ``,`` and
``:`` into their full-width twins, and no earlier rule reads either difference),
which ``tests/test_normalize_reference.py`` checks against the rule chain run
to its fixed point.

Two promises hold for every input and every config (the property tests check them):
normalizing twice gives the same text as normalizing once, and the sequence of
decimal digit values never changes (digits are mapped, never added, dropped or
moved past one another); two numbers never become one (``tests/test_fuzz_numbers.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from ..data import NormalizeConfig, Normalized
from .chars import (
    CJK_PUNCT,
    INVISIBLES,
    ODD_SPACES,
    SPACING_CJK,
    UNITS,
    char_class_table,
)
from .spaced_digits import join_spaced_digits
from .widen import widen_punctuation

try:
    from . import _normalize  # type: ignore[attr-defined]  # compiled by setup.py, if it could be
except ImportError:  # no C compiler where this was installed: the regular expressions run
    _normalize = None

DEFAULT_CONFIG = NormalizeConfig()

ODD_WHITESPACE = "odd-whitespace"
FULLWIDTH_ALNUM = "fullwidth-alnum"
SPACED_DIGITS = "spaced-digits"
DIGIT_CJK_SPACING = "digit-cjk-spacing"
LATIN_CJK_SPACING = "latin-cjk-spacing"
PUNCTUATION_WIDTH = "punctuation-width"
PUNCT_SPACING = "punct-spacing"
RULE_NAMES = (
    ODD_WHITESPACE,
    FULLWIDTH_ALNUM,
    SPACED_DIGITS,
    DIGIT_CJK_SPACING,
    LATIN_CJK_SPACING,
    PUNCTUATION_WIDTH,
    PUNCT_SPACING,
)

ODD_SPACE_RE = re.compile(f"[{ODD_SPACES}]")
INVISIBLE_RE = re.compile(f"[{INVISIBLES}]")
ODD_OR_INVISIBLE_RE = re.compile(f"[{ODD_SPACES}{INVISIBLES}]")
COMMON_ODD_SPACES = ("\xa0", "\u3000", "\t", "\u2002")
# A zero-width space between two digits parts them as a space would (`3:1\u200b2:0`).
DIGIT_ZWSP_RE = re.compile(
    f"(?<=[0-9\uff10-\uff19])[{INVISIBLES}]*\u200b[{INVISIBLES}]*(?=[0-9\uff10-\uff19])"
)
SPACE_RUN_RE = re.compile("  +")
# Spaces at the edges of inner lines; the text's own edges are handled in _trim.
LEADING_SPACE_RE = re.compile("\n (?=[^\n])")
TRAILING_SPACE_RE = re.compile(" (?<=[^\n] )(?=\n)")
SPACE_LINE_RE = re.compile("\n (?=\n)")

FULLWIDTH_RANGE_RE = re.compile("[\uff10-\uff5a]")
FULLWIDTH_ALNUM_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
FULLWIDTH_POINT_RE = re.compile("(?<=[0-9])\uff0e(?=[0-9])")

# The patterns that drop spaces open with the first space and look behind it for
# its context (`(?<=[0-9] )`): a pattern that opens with a literal lets the regex
# engine jump from space to space instead of trying every position of the text.
DIGIT_CJK_SPACE_RE = re.compile(
    f" (?:(?:(?<=[0-9] )|(?<=[0-9][{UNITS}] )|(?<=[0-9] [{UNITS}] )) *(?=[{SPACING_CJK}])"
    f"|(?<=[{SPACING_CJK}] ) *(?=[0-9])|(?<=[0-9] ) *(?=[{UNITS}]))"
)
LATIN_BEFORE_CJK_RE = re.compile(f" (?<=[A-Za-z] ) *(?=[{SPACING_CJK}])")
LATIN_AFTER_CJK_RE = re.compile(f" (?<=[{SPACING_CJK}] ) *([A-Za-z][^ \n]*)(?![^ \n])")
ASCII_LETTER_RE = re.compile("[A-Za-z]")
# A token that looks like a URL, a domain or an e-mail keeps its separating spaces.
URLISH_RE = re.compile("[/@]|[A-Za-z]\\.[A-Za-z]")

PUNCT_SPACE_RE = re.compile(f" (?:(?<=[{CJK_PUNCT}] ) *| *(?=[{CJK_PUNCT}]))")

# ascii mode: U+FF01-FF5E map onto ASCII one to one; the ideographic full stop and
# comma (U+3002, U+3001) and the CJK brackets (U+3008-3011) have no ASCII twin
# and are kept.
FULLWIDTH_PUNCT_RE = re.compile("[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]+")

NUMBER_RE = re.compile("[0-9]+(?:\\.[0-9]+)*")

# The compiled rules take the punctuation mode by its number here.
PUNCTUATION_MODES = ("cjk", "ascii", "keep")
if _normalize is not None:
    _normalize.set_classes(char_class_table())

Rule = Callable[[str], tuple[str, int]]


# --------------------------------------------------------------------------- public API


def normalize_line(line: str, config: NormalizeConfig = DEFAULT_CONFIG) -> str:
    r"""Normalize one line (a newline inside it is kept and each part normalized).

    >>> line = "\u3000\u3010概况\u3011 2 0 2 1 年,全市"
    >>> normalize_line(line) == "\u3010概况\u30112021年\uff0c全市"
    True
    >>> normalize_line("时间:2022-06-28 10:33") == "时间\uff1a2022-06-28 10:33"
    True
    >>> normalize_line("DRG 付费"), normalize_line("714.9 48.1"), normalize_line("1.5:1")
    ('DRG付费', '714.9 48.1', '1.5:1')
    >>> normalize_line("比分3:1 2:0"), normalize_line("2 2 \uff0e4 万件"), normalize_line("9.8 %")
    ('比分3:1 2:0', '22.4万件', '9.8%')
    >>> normalize_line("DRG 付费", NormalizeConfig(cjk_spacing="keep"))
    'DRG 付费'
    """
    return normalize_text(line, config).text


def normalize_text(text: str, config: NormalizeConfig = DEFAULT_CONFIG) -> Normalized:
    r"""Normalize every line of ``text``; the line count is preserved exactly.

    ``rule_counts`` says how many changes each rule made (only rules that fired).
    The rules run compiled (``cleaner.clean._normalize``) where setup.py could build
    it, else as regular expressions (``normalize_text_python``): the same text and
    counts either way.

    >>> result = normalize_text("\uff12\uff10\uff12\uff11 年\n\n\u3000中文\t")
    >>> result.text
    '2021年\n\n中文'
    >>> result.rule_counts
    {'odd-whitespace': 4, 'fullwidth-alnum': 4, 'digit-cjk-spacing': 1}
    """
    if not TRIGGER_RES[config.punctuation].search(text):  # no rule would change a thing
        return Normalized(text=text, rule_counts={})
    if _normalize is None:
        return normalize_text_python(text, config)
    return normalize_text_compiled(text, config)


def normalize_text_compiled(text: str, config: NormalizeConfig = DEFAULT_CONFIG) -> Normalized:
    """Normalize ``text`` with the compiled rules; spaced digits are joined in Python."""
    if _normalize is None:
        raise RuntimeError("cleaner.clean._normalize was not built (no C compiler at install)")
    text, whitespace, alnum = _normalize.before_digits(text)
    text, spaced = join_spaced_digits(text)
    text, digit_cjk, latin, width, punct = _normalize.after_digits(
        text, PUNCTUATION_MODES.index(config.punctuation), config.cjk_spacing == "remove"
    )
    # Counts in the order the rules ran, as normalize_text_python reports them.
    ran = [
        (ODD_WHITESPACE, whitespace),
        (FULLWIDTH_ALNUM, alnum),
        (SPACED_DIGITS, spaced),
        (DIGIT_CJK_SPACING, digit_cjk),
        (LATIN_CJK_SPACING, latin),
    ]
    punctuation = [(PUNCTUATION_WIDTH, width), (PUNCT_SPACING, punct)]
    ran += punctuation if config.punctuation == "cjk" else punctuation[::-1]
    return Normalized(text=text, rule_counts={name: count for name, count in ran if count})


def compiled_available() -> bool:
    """Tell whether the rules run compiled (``cleaner.clean._normalize`` was built)."""
    return _normalize is not None


def normalize_text_python(text: str, config: NormalizeConfig = DEFAULT_CONFIG) -> Normalized:
    """Normalize ``text`` with the rules as regular expressions (``normalize_text``'s fallback)."""
    counts: dict[str, int] = {}
    if TRIGGER_RES[config.punctuation].search(text):  # else no rule changes a thing
        for name, rule in _chain_of(config):
            text, changes = rule(text)
            if changes:
                counts[name] = counts.get(name, 0) + changes
    return Normalized(text=text, rule_counts=counts)


def extract_numbers(text: str) -> list[str]:
    r"""Return the numbers of ``text`` in order, read after joining spaced digits.

    Full-width digits read as ASCII ones, so a text and its normalized form give
    the same list.

    >>> extract_numbers("资金7 . 9 5 亿元, 714.9 48.1, \uff12\uff10\uff12\uff11年, 3:1 2:0")
    ['7.95', '714.9', '48.1', '2021', '3', '1', '2', '0']
    """
    return NUMBER_RE.findall(_read_numbers(text))


# --------------------------------------------------------------------------- driver


# A line with none of these characters is left as it is by every rule: white space
# (every rule but the punctuation ones needs a space or an odd one), invisible
# characters, full-width letters, digits and points, and the punctuation the mode
# converts. Most lines of clean Chinese prose have none.
# (The line break, U+000A, ends a line: it is no trigger.)
TRIGGER_BASE = (
    " \t\x00-\x09\x0b-\x1f\x7f-\x9f\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u2060"
    "\u3000\ufeff\uff0e\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
)
TRIGGER_RES = {
    "cjk": re.compile(f"[{TRIGGER_BASE},;:?!()]"),
    "ascii": re.compile(f"[{TRIGGER_BASE}\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]"),
    "keep": re.compile(f"[{TRIGGER_BASE}]"),
}


@lru_cache(maxsize=16)
def _chain_of(config: NormalizeConfig) -> tuple[tuple[str, Rule], ...]:
    """Return the rule chain of ``config`` as a tuple."""
    return tuple(_rule_chain(config))


def _rule_chain(config: NormalizeConfig) -> Iterator[tuple[str, Rule]]:
    """Yield the rules ``config`` asks for, in the order they must run."""
    yield ODD_WHITESPACE, _fix_whitespace
    yield FULLWIDTH_ALNUM, _narrow_alnum
    yield SPACED_DIGITS, join_spaced_digits
    yield DIGIT_CJK_SPACING, _drop_digit_cjk_spaces
    if config.cjk_spacing == "remove":
        yield LATIN_CJK_SPACING, _drop_latin_cjk_spaces
    # Spaces go with the full-width punctuation: drop them after `,` became `\uff0c`,
    # and before `\uff0c` becomes `,`.
    if config.punctuation == "cjk":
        yield PUNCTUATION_WIDTH, widen_punctuation
    yield PUNCT_SPACING, _drop_punct_spaces
    if config.punctuation == "ascii":
        yield PUNCTUATION_WIDTH, _narrow_punctuation


def _read_numbers(text: str) -> str:
    """Apply the rules that decide what the numbers of a text are."""
    text = _fix_whitespace(text)[0]
    text = _narrow_alnum(text)[0]
    return join_spaced_digits(text)[0]


# --------------------------------------------------------------------------- rules


def _fix_whitespace(text: str) -> tuple[str, int]:
    """Map odd spaces to one ASCII space, drop invisible characters, trim each line."""
    mapped = parted = dropped = collapsed = 0
    # Odd spaces and invisible characters are all unprintable: one fast C scan
    # (once line breaks, unprintable too, are out of the way) skips the regexes
    # on most texts, and the commonest odd spaces need no regex either.
    if not text.replace("\n", " ").isprintable():
        for space in COMMON_ODD_SPACES:
            if space in text:
                mapped += text.count(space)
                text = text.replace(space, " ")
        if ODD_OR_INVISIBLE_RE.search(text):  # not just other unprintables (U+00AD, ...)
            text, more = ODD_SPACE_RE.subn(" ", text)
            if "\u200b" in text:
                text, parted = DIGIT_ZWSP_RE.subn(" ", text)
            text, dropped = INVISIBLE_RE.subn("", text)
            mapped += more
    if "  " in text:
        text, collapsed = SPACE_RUN_RE.subn(" ", text)
    text, trimmed = _trim(text)
    return text, mapped + parted + dropped + collapsed + trimmed


def _trim(text: str) -> tuple[str, int]:
    """Drop the space at either end of each line (runs are one space by now).

    A line that was only a space becomes empty without being counted, as
    ``str.strip`` left nothing to compare with.
    """
    trimmed = 0
    if "\n " in text:
        text, leading = LEADING_SPACE_RE.subn("\n", text)
        text = SPACE_LINE_RE.sub("\n", text)
        trimmed += leading
    if " \n" in text:
        text, trailing = TRAILING_SPACE_RE.subn("", text)
        trimmed += trailing
    if text.startswith(" "):
        trimmed += text[1:2] not in ("", "\n")
        text = text[1:]
    if text.endswith(" "):
        trimmed += text[-2:-1] not in ("", "\n")
        text = text[:-1]
    return text, trimmed


def _narrow_alnum(text: str) -> tuple[str, int]:
    """Map full-width letters and digits (and a full-width point between digits) to ASCII."""
    letters = points = 0
    # One range holds them all (and some punctuation): a cheaper scan rules most texts out.
    if FULLWIDTH_RANGE_RE.search(text) and FULLWIDTH_ALNUM_RE.search(text):

        def narrowed(match: re.Match[str]) -> str:
            nonlocal letters
            letters += len(match.group())
            return match.group().translate(TO_ASCII)

        text = FULLWIDTH_ALNUM_RE.sub(narrowed, text)
    if "\uff0e" in text:
        text, points = FULLWIDTH_POINT_RE.subn(".", text)
    return text, letters + points


def _drop_digit_cjk_spaces(text: str) -> tuple[str, int]:
    """Drop spaces between a number (or its unit) and Han/kana, and before a unit."""
    if " " not in text:  # every pattern of this rule needs an ASCII space
        return text, 0
    return DIGIT_CJK_SPACE_RE.subn("", text)


def _drop_latin_cjk_spaces(text: str) -> tuple[str, int]:
    """Drop spaces between a Latin word and Han/kana, unless the word is URL-like."""
    if " " not in text or not ASCII_LETTER_RE.search(text):  # both patterns need them
        return text, 0
    before = after = 0

    def before_cjk(match: re.Match[str]) -> str:
        # The word is the whole token before the spaces (from the previous space
        # or line start), as URL-likeness is a property of the token.
        nonlocal before
        line, end = match.string, match.start()
        start = max(line.rfind(" ", 0, end), line.rfind("\n", 0, end)) + 1
        if URLISH_RE.search(line, start, end):
            return match.group()
        before += 1
        return ""

    def after_cjk(match: re.Match[str]) -> str:
        nonlocal after
        word = match.group(1)
        if URLISH_RE.search(word):
            return match.group()
        after += 1
        return word

    text = LATIN_BEFORE_CJK_RE.sub(before_cjk, text)
    text = LATIN_AFTER_CJK_RE.sub(after_cjk, text)
    return text, before + after


def _drop_punct_spaces(text: str) -> tuple[str, int]:
    """Drop spaces on either side of full-width punctuation."""
    if " " not in text:  # every pattern of this rule needs an ASCII space
        return text, 0
    return PUNCT_SPACE_RE.subn("", text)


def _narrow_punctuation(text: str) -> tuple[str, int]:
    """Map full-width punctuation U+FF01-FF5E to its ASCII twin (``ascii`` mode)."""
    changes = 0

    def narrowed(match: re.Match[str]) -> str:
        nonlocal changes
        changes += len(match.group())
        return match.group().translate(TO_ASCII)

    return FULLWIDTH_PUNCT_RE.sub(narrowed, text), changes
