"""THE REFERENCE: normalization as it was at f07e8a3, frozen; never edit it.

A verbatim copy of ``cleaner/clean/normalize.py`` and ``cleaner/clean/widen.py`` at
commit f07e8a3 (the last commit before normalization was rewritten for speed),
joined into one module: only the imports were changed. The tests compare the
current normalizer against it (``tests/test_normalize_reference.py``): the output
must be identical, except on the lines that the fixes of issues 16 and 14 change
on purpose, which ``intended_change`` in that test module names by a predicate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from cleaner.data import NormalizeConfig, Normalized

# ------------------------------ widen.py


# Character classes (bodies of [...]). U+3005, U+3007 (ling) and the Hangzhou
# numerals count as Han.
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
DIGIT_CHARS = "0123456789"

TO_FULLWIDTH = {
    ",": "\uff0c",
    ";": "\uff1b",
    ":": "\uff1a",
    "?": "\uff1f",
    "!": "\uff01",
    "(": "\uff08",
    ")": "\uff09",
}
CONVERTIBLE_RE = re.compile("[,;:?!()]")
# Context for punctuation width: a CJK letter or any full-width punctuation.
CJK_CONTEXT_RE = re.compile(f"[{HAN}{KANA}{HANGUL}{CJK_PUNCT}\uff0e]")
CJK_LETTER_RE = re.compile(f"[{HAN}{KANA}{HANGUL}]")
HAN_RE = re.compile(f"[{HAN}]")
# Looking for a neighbour skips spaces and quotes (ASCII and U+2018-201D): in
# `事件1:\u201c讲政治` the colon's context is 讲, and `said, \u201chi\u201d` stays English.
CONTEXT_SKIP = frozenset(" \"'\u201c\u201d\u2018\u2019")

# (member positions, context positions, converts on its own, converts through context)
PunctNode = tuple[tuple[int, ...], tuple[int, ...], bool, bool]


def widen_punctuation(line: str) -> tuple[str, int]:
    """Turn ASCII ``, ; : ? ! ( )`` into full-width ones where the context is CJK.

    Each convertible mark (a bracket pair counts as one) is a node; a node converts
    when a context character is CJK, or when its context is another node that
    converts. Spreading conversions through the graph in one go, instead of once
    per pass, is what makes the rule reach its fixed point in a single call.
    """
    if not CONVERTIBLE_RE.search(line):
        return line, 0
    nodes = _punct_nodes(line)
    converted = [intrinsic for _, _, intrinsic, _ in nodes]
    if not any(converted):  # nothing to spread from: no mark converts
        return line, 0
    if not all(converted):  # with all converted, there is nothing left to spread to
        _spread(nodes, converted)
    chars = list(line)
    changes = 0
    for (members, _, _, _), done in zip(nodes, converted, strict=True):
        if done:
            for position in members:
                chars[position] = TO_FULLWIDTH[chars[position]]
                changes += 1
    return "".join(chars), changes


def _spread(nodes: list[PunctNode], converted: list[bool]) -> None:
    """Convert (in ``converted``) every node whose context is a converted node's member."""
    waiting: dict[int, list[int]] = {}
    for index, (_, context, _, spreads) in enumerate(nodes):
        if spreads:
            for position in context:
                waiting.setdefault(position, []).append(index)
    queue = [index for index, done in enumerate(converted) if done]
    while queue:
        for position in nodes[queue.pop()][0]:
            for other in waiting.get(position, ()):
                if not converted[other]:
                    converted[other] = True
                    queue.append(other)


def _punct_nodes(line: str) -> list[PunctNode]:
    """Build the nodes of ``_widen_punctuation``: marks, bracket pairs, lone brackets."""
    nodes: list[PunctNode] = []
    stack: list[int] = []
    for match in CONVERTIBLE_RE.finditer(line):
        position = match.start()
        mark = match.group()
        if mark == "(":
            stack.append(position)
        elif mark == ")" and stack:
            nodes.append(_pair_node(line, stack.pop(), position))
        elif mark == ")":
            nodes.append(_lone_bracket_node(line, position, 1))
        elif not (mark in ",:" and _between_digits(line, position)):
            context = _context(line, position, -1) + _context(line, position, 1)
            nodes.append(((position,), context, _any_cjk(line, context), True))
    nodes.extend(_lone_bracket_node(line, position, -1) for position in stack)
    return nodes


def _pair_node(line: str, opening: int, closing: int) -> PunctNode:
    """Make a pair node: it converts on outer CJK context or CJK letters inside."""
    context = _context(line, opening, -1) + _context(line, closing, 1)
    inside = CJK_LETTER_RE.search(line, opening + 1, closing) is not None
    return (opening, closing), context, inside or _any_cjk(line, context), True


def _lone_bracket_node(line: str, position: int, step: int) -> PunctNode:
    """Make a lone-bracket node: it converts only when its outer neighbour is Han."""
    context = _context(line, position, step)
    han = any(HAN_RE.match(line, index) for index in context)
    return (position,), context, han, False


def _context(line: str, position: int, step: int) -> tuple[int, ...]:
    """Return the position of the nearest neighbour that is not a space or quote."""
    index = position + step
    while 0 <= index < len(line) and line[index] in CONTEXT_SKIP:
        index += step
    return (index,) if 0 <= index < len(line) else ()


def _any_cjk(line: str, positions: tuple[int, ...]) -> bool:
    """Tell whether any of ``positions`` holds a CJK letter or full-width punctuation."""
    return any(CJK_CONTEXT_RE.match(line, index) for index in positions)


def _between_digits(line: str, position: int) -> bool:
    """Tell whether ``position`` sits directly between two ASCII digits (``1,000``, ``10:33``)."""
    return (
        0 < position < len(line) - 1
        and line[position - 1] in DIGIT_CHARS
        and line[position + 1] in DIGIT_CHARS
    )


# ------------------------------ normalize.py


DEFAULT_CONFIG = NormalizeConfig()
MAX_PASSES = 6

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

# Spaces are removed next to Han and kana only: Korean separates words with spaces.
SPACING_CJK = HAN + KANA
DOT_PIECES = frozenset(".\uff0e")

# odd-whitespace: spaces meant as spaces (incl. line-ish separators inside a line) ...
ODD_SPACE_RE = re.compile(
    "[\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
# ... and characters that carry no text: zero-width spaces, BOM, other C0/C1 controls.
INVISIBLE_RE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b\u2060\ufeff]")
SPACE_RUN_RE = re.compile(" {2,}")

FULLWIDTH_ALNUM_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
FULLWIDTH_POINT_RE = re.compile("(?<=[0-9])\uff0e(?=[0-9])")

# A maximal run of space-separated pieces made of digits and dots; whether it is
# joined is decided on the whole run (see _join_spaced_digits).
SPACED_DIGITS_RE = re.compile("(?<![0-9.\uff0e])[0-9.\uff0e]+(?: +[0-9.\uff0e]+)+")
ASCII_LETTER_RE = re.compile("[A-Za-z]")

# The patterns that drop spaces open with the first space and look behind it for
# its context (`(?<=[0-9] )`): a pattern that opens with a literal lets the regex
# engine jump from space to space instead of trying every position of the line.
DIGIT_CJK_SPACE_RE = re.compile(
    f" (?:(?:(?<=[0-9] )|(?<=[0-9]% )) *(?=[{SPACING_CJK}])|(?<=[{SPACING_CJK}] ) *(?=[0-9]))"
)
LATIN_BEFORE_CJK_RE = re.compile(f"(?<![^ ])([^ ]*[A-Za-z]) +(?=[{SPACING_CJK}])")
LATIN_AFTER_CJK_RE = re.compile(f" (?<=[{SPACING_CJK}] ) *([A-Za-z][^ ]*)(?![^ ])")
# A token that looks like a URL, a domain or an e-mail keeps its separating spaces.
URLISH_RE = re.compile("[/@]|[A-Za-z]\\.[A-Za-z]")

PUNCT_SPACE_RE = re.compile(f" (?:(?<=[{CJK_PUNCT}] ) *| *(?=[{CJK_PUNCT}]))")

# ascii mode: U+FF01-FF5E map onto ASCII one to one; the ideographic full stop and
# comma (U+3002, U+3001) and the CJK brackets (U+3008-3011) have no ASCII twin
# and are kept.
FULLWIDTH_PUNCT_RE = re.compile("[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]")

NUMBER_RE = re.compile("[0-9]+(?:\\.[0-9]+)*")

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
    >>> normalize_line("DRG 付费", NormalizeConfig(cjk_spacing="keep"))
    'DRG 付费'
    """
    if "\n" in line:
        return normalize_text(line, config).text
    return _normalize_counted(line, config, {})


def normalize_text(text: str, config: NormalizeConfig = DEFAULT_CONFIG) -> Normalized:
    r"""Normalize every line of ``text``; the line count is preserved exactly.

    ``rule_counts`` says how many changes each rule made (only rules that fired).

    >>> result = normalize_text("\uff12\uff10\uff12\uff11 年\n\n\u3000中文\t")
    >>> result.text
    '2021年\n\n中文'
    >>> result.rule_counts
    {'fullwidth-alnum': 4, 'digit-cjk-spacing': 1, 'odd-whitespace': 4}
    """
    counts: dict[str, int] = {}
    trigger = TRIGGER_RES[config.punctuation].search
    chain = _chain_of(config)
    # Most lines trigger no rule; testing here saves a call per line.
    lines = [
        _settle(line, chain, trigger, counts) if trigger(line) else line
        for line in text.split("\n")
    ]
    return Normalized(text="\n".join(lines), rule_counts=counts)


def extract_numbers(text: str) -> list[str]:
    r"""Return the numbers of ``text`` in order, read after joining spaced digits.

    Full-width digits read as ASCII ones, so a text and its normalized form give
    the same list.

    >>> extract_numbers("资金7 . 9 5 亿元, 714.9 48.1, \uff12\uff10\uff12\uff11年")
    ['7.95', '714.9', '48.1', '2021']
    """
    prepared = "\n".join(_read_numbers(line) for line in text.split("\n"))
    return NUMBER_RE.findall(prepared)


# --------------------------------------------------------------------------- driver


# A line with none of these characters is left as it is by every rule: white space
# (every rule but the punctuation ones needs a space or an odd one), invisible
# characters, full-width letters, digits and points, and the punctuation the mode
# converts. Most lines of clean Chinese prose have none, and skip the chain.
TRIGGER_BASE = (
    " \t\x00-\x1f\x7f-\x9f\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u2060"
    "\u3000\ufeff\uff0e\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
)
TRIGGER_RES = {
    "cjk": re.compile(f"[{TRIGGER_BASE},;:?!()]"),
    "ascii": re.compile(f"[{TRIGGER_BASE}\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]"),
    "keep": re.compile(f"[{TRIGGER_BASE}]"),
}


def _normalize_counted(line: str, config: NormalizeConfig, counts: dict[str, int]) -> str:
    """Apply the rule chain to ``line`` until nothing changes, adding to ``counts``."""
    trigger = TRIGGER_RES[config.punctuation].search
    if not trigger(line):
        return line
    return _settle(line, _chain_of(config), trigger, counts)


def _settle(
    line: str,
    chain: tuple[tuple[str, Rule], ...],
    trigger: Callable[[str], object],
    counts: dict[str, int],
) -> str:
    """Run ``chain`` over a line with a trigger character until a pass changes nothing.

    A pass that leaves no trigger character is the last one: the next pass
    would change nothing, so it is skipped (usually the whole second pass).
    """
    for _ in range(MAX_PASSES):
        before = line
        for name, rule in chain:
            line, changes = rule(line)
            if changes:
                counts[name] = counts.get(name, 0) + changes
        if line == before or not trigger(line):
            break
    return line


@lru_cache(maxsize=16)
def _chain_of(config: NormalizeConfig) -> tuple[tuple[str, Rule], ...]:
    """Return the rule chain of ``config`` as a tuple: the loop runs it more than once.

    (A generator here ran the chain once: its second pass found it used up.)
    """
    return tuple(_rule_chain(config))


def _rule_chain(config: NormalizeConfig) -> Iterator[tuple[str, Rule]]:
    """Yield the rules ``config`` asks for, in the order they must run."""
    yield ODD_WHITESPACE, _fix_whitespace
    yield FULLWIDTH_ALNUM, _narrow_alnum
    yield SPACED_DIGITS, _join_spaced_digits
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


def _read_numbers(line: str) -> str:
    """Apply the rules that decide what the numbers of a line are."""
    line = _fix_whitespace(line)[0]
    line = _narrow_alnum(line)[0]
    return _join_spaced_digits(line)[0]


def _sub_changes(
    pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str], line: str
) -> tuple[str, int]:
    """Like ``pattern.subn`` but count only the matches whose replacement differs."""
    changes = 0

    def counted(match: re.Match[str]) -> str:
        nonlocal changes
        new = repl(match)
        changes += new != match.group()
        return new

    return pattern.sub(counted, line), changes


# --------------------------------------------------------------------------- rules


def _fix_whitespace(line: str) -> tuple[str, int]:
    """Map odd spaces to one ASCII space, drop invisible characters, trim the ends."""
    mapped = dropped = 0
    # Odd spaces and invisible characters are all unprintable: one fast C scan
    # skips both regexes on nearly every line.
    if not line.isprintable():
        line, mapped = ODD_SPACE_RE.subn(" ", line)
        line, dropped = INVISIBLE_RE.subn("", line)
    line, collapsed = SPACE_RUN_RE.subn(" ", line)
    stripped = line.strip(" ")
    trimmed = (not line.startswith(stripped)) + (not line.endswith(stripped))
    return stripped, mapped + dropped + collapsed + trimmed


def _narrow_alnum(line: str) -> tuple[str, int]:
    """Map full-width letters and digits (and a full-width point between digits) to ASCII."""
    line, letters = FULLWIDTH_ALNUM_RE.subn(lambda m: chr(ord(m.group()) - 0xFEE0), line)
    points = 0
    if "\uff0e" in line:
        line, points = FULLWIDTH_POINT_RE.subn(".", line)
    return line, letters + points


def _join_spaced_digits(line: str) -> tuple[str, int]:
    """Join ``2 0 2 1`` and ``7 . 9 5`` when every piece of the run is one digit or a dot."""
    if " " not in line:  # every pattern of this rule needs an ASCII space
        return line, 0
    return _sub_changes(SPACED_DIGITS_RE, _joined_run, line)


def _joined_run(match: re.Match[str]) -> str:
    """Return the joined run, or the run unchanged when it is not spaced digits."""
    run = match.group()
    start = match.start()
    # `H1 N1`, `A4 5`: a run glued to a Latin word is an identifier, not a number.
    if start and ASCII_LETTER_RE.match(match.string, start - 1):
        return run
    pieces = run.split()
    if any(len(piece) != 1 for piece in pieces):
        return run
    dots = [i for i, piece in enumerate(pieces) if piece in DOT_PIECES]
    if len(dots) > 1 or (dots and dots[0] in (0, len(pieces) - 1)):
        return run
    return "".join("." if piece in DOT_PIECES else piece for piece in pieces)


def _drop_digit_cjk_spaces(line: str) -> tuple[str, int]:
    """Drop spaces between a number (or ``%``) and Han/kana, in both directions."""
    if " " not in line:  # every pattern of this rule needs an ASCII space
        return line, 0
    return DIGIT_CJK_SPACE_RE.subn("", line)


def _drop_latin_cjk_spaces(line: str) -> tuple[str, int]:
    """Drop spaces between a Latin word and Han/kana, unless the word is URL-like."""
    if " " not in line or not ASCII_LETTER_RE.search(line):  # both patterns need them
        return line, 0

    def keep_urls(match: re.Match[str]) -> str:
        word = match.group(1)
        return match.group() if URLISH_RE.search(word) else word

    line, before = _sub_changes(LATIN_BEFORE_CJK_RE, keep_urls, line)
    line, after = _sub_changes(LATIN_AFTER_CJK_RE, keep_urls, line)
    return line, before + after


def _drop_punct_spaces(line: str) -> tuple[str, int]:
    """Drop spaces on either side of full-width punctuation."""
    if " " not in line:  # every pattern of this rule needs an ASCII space
        return line, 0
    return PUNCT_SPACE_RE.subn("", line)


def _narrow_punctuation(line: str) -> tuple[str, int]:
    """Map full-width punctuation U+FF01-FF5E to its ASCII twin (``ascii`` mode)."""
    return FULLWIDTH_PUNCT_RE.subn(lambda m: chr(ord(m.group()) - 0xFEE0), line)
