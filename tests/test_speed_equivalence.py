"""The shortcuts taken for speed give what the plain patterns give.

Each fast path rests on a fact about a pattern (a caption credit ends in a name,
a space rule needs a space, ...); these properties check the facts on text made
of the characters that matter, so a later change to a pattern cannot silently
break the shortcut built on it.
"""

from __future__ import annotations

import os
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.clean import widen as W
from cleaner.clean.boilerplate import lines as LC
from cleaner.clean.boilerplate import rules as R
from cleaner.clean.boilerplate.strip import line_positions
from cleaner.clean.document import count_lines
from cleaner.clean.normalize import (
    CJK_PUNCT,
    DIGIT_CJK_SPACE_RE,
    LATIN_AFTER_CJK_RE,
    PUNCT_SPACE_RE,
    SPACING_CJK,
    UNITS,
    URLISH_RE,
    _drop_latin_cjk_spaces,
)
from cleaner.clean.quality import (
    AMOUNT_WORDS,
    MISSING_FIGURE_RE,
    _missing_figures,
    find_quality_warnings,
)
from cleaner.data import BoilerplateConfig, Line

try:  # the parser of ``re``, to read the shape of a pattern
    from re import _parser as sre_parse  # type: ignore[attr-defined]  # Python 3.11+
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

EXAMPLES = settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "300")), deadline=None)


def text_of(alphabet: str, max_size: int = 24) -> st.SearchStrategy[str]:
    """Text drawn from ``alphabet`` (plus a few Han characters and odd spaces)."""
    extra = "\u4e2d\u6587\u5e74\u00a0\u3000\t\n"
    return st.text(st.sampled_from(alphabet + extra), max_size=max_size)


# The patterns as they were written before they opened with a space: the
# reference the rewritten ones must agree with, match for match. The rules run
# over whole texts, so none may reach across a line break.
PLAIN_SPACE_PATTERNS = [
    (
        DIGIT_CJK_SPACE_RE,
        re.compile(
            f"(?:(?<=[0-9])|(?<=[0-9][{UNITS}])|(?<=[0-9] [{UNITS}])) +(?=[{SPACING_CJK}])"
            f"|(?<=[{SPACING_CJK}]) +(?=[0-9])|(?<=[0-9]) +(?=[{UNITS}])"
        ),
    ),
    (LATIN_AFTER_CJK_RE, re.compile(f"(?<=[{SPACING_CJK}]) +([A-Za-z][^ \n]*)(?![^ \n])")),
    (PUNCT_SPACE_RE, re.compile(f"(?<=[{CJK_PUNCT}]) +| +(?=[{CJK_PUNCT}])")),
]


@EXAMPLES
@given(text_of("  12%%\u2030a\u3042\uff0c\uff08/.x"))
def test_space_patterns_match_where_the_plain_ones_do(text):
    for fast, plain in PLAIN_SPACE_PATTERNS:
        found = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in plain.finditer(text)]


# Latin/CJK spacing as written for one line: a whole token before the spaces.
LATIN_TOKEN_BEFORE_CJK_RE = re.compile(f"(?<![^ ])([^ ]*[A-Za-z]) +(?=[{SPACING_CJK}])")


def drop_latin_cjk_spaces_by_tokens(line: str) -> str:
    def keep_urls(match: re.Match[str]) -> str:
        word = match.group(1)
        return match.group() if URLISH_RE.search(word) else word

    line = LATIN_TOKEN_BEFORE_CJK_RE.sub(keep_urls, line)
    return LATIN_AFTER_CJK_RE.sub(keep_urls, line)


@EXAMPLES
@given(text_of("  ab.c/@1\u3042\u65e5"))
def test_latin_spacing_finds_the_tokens_the_token_pattern_finds(text):
    expected = "\n".join(drop_latin_cjk_spaces_by_tokens(line) for line in text.split("\n"))
    assert _drop_latin_cjk_spaces(text)[0] == expected


@EXAMPLES
@given(text_of("\u4ebf\u4e07\u5143\u4eba\u6b21\u6237% 5\u4e0a\u6570\u8fd1\u4e00a\uff0c"))
def test_missing_figures_are_the_finditer_matches(text):
    found = [(m.span(), m.groupdict()) for m in _missing_figures(text)]
    assert found == [(m.span(), m.groupdict()) for m in MISSING_FIGURE_RE.finditer(text)]


@EXAMPLES
@given(text_of("\u3002\uff01!?;\u201d\u3001 \u2026"))
def test_sentence_chars_agree_with_the_sentence_pattern(text):
    stripped = text.rstrip()
    assert (stripped[-1:] in R.SENTENCE_END_CHARS) == bool(R.SENTENCE_END_RE.search(stripped))


def pieces_of(pieces: list[str], max_size: int = 8) -> st.SearchStrategy[str]:
    """Text made of whole ``pieces`` (words, marks, spaces), so patterns match often."""
    everywhere = [" ", "\u3000", "\n", "\u4e2d"]
    return st.lists(st.sampled_from(pieces + everywhere), max_size=max_size).map("".join)


def shaped(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


NAMES = ["\u738b", "\u6797", "\u00b7", " "]
BRACKETS = ["(", ")", "\uff08", "\uff09"]
# A sentence end, then an organization, a role and names, maybe a bracket and more.
CAPTIONS = shaped(
    pieces_of(["\u3002", "\uff01", "A1"], 3),
    pieces_of(["\u3002", "\uff01", "!", *BRACKETS], 2),
    pieces_of(["\u672c\u62a5", "\u8bb0\u8005", "\u6444\u5f71", "\u901a\u8baf\u5458"], 3),
    pieces_of([*NAMES, "\u6444"]),
    pieces_of([*BRACKETS, "\u6444", "\u3002"], 3),
)


@EXAMPLES
@given(CAPTIONS)
def test_every_caption_credit_ends_as_the_shortcut_expects(text):
    if R.CAPTION_CREDIT_RE.search(text):
        assert R.CREDIT_END_RE.match(text.rstrip()[-1:])


@EXAMPLES
@given(
    shaped(
        pieces_of(["\u3002"], 2),
        st.sampled_from(["(", "\uff08", ""]),
        pieces_of(["\u738b", "\u6d9b", " "]),
        st.sampled_from([")", "\uff09", ""]),
        pieces_of(BRACKETS, 2),
    )
)
def test_every_attribution_ends_in_a_closing_bracket(text):
    if R.ATTRIBUTION_RE.search(text):
        assert text.rstrip()[-1:] in ")\uff09"


PAGE_TOOL_PIECES = "".join(R.PAGE_TOOL_WORDS[:12]) + "\u3010\u3011|:\uff1a \u4e0a"


@EXAMPLES
@given(text_of(PAGE_TOOL_PIECES, max_size=16))
def test_every_page_tool_line_is_made_of_page_tool_characters(text):
    core = R.PAGE_TOOL_SEPARATORS_RE.sub("", text)
    if core and R.PAGE_TOOL_LINE_RE.fullmatch(core):
        assert R.PAGE_TOOL_CHARS.issuperset("".join(text.split()))


@EXAMPLES
@given(st.lists(st.sampled_from(["", " ", "a", "\u4e2d"]), max_size=12), st.data())
def test_line_positions_count_the_kept_non_blank_lines(lines, data):
    gone = frozenset(data.draw(st.sets(st.integers(0, max(len(lines) - 1, 0)))))
    counted = [bool(line.strip()) and i not in gone for i, line in enumerate(lines)]
    expected = [(sum(counted[:i]), sum(counted[i + 1 :])) for i in range(len(lines))]
    assert [tuple(position) for position in line_positions(lines, gone)] == expected


# Pieces of the built-in line rules, so that some texts match them (and some
# match with a prefix, where an anchored rule must not).
RULE_PIECES = [
    "\u5f53\u524d\u4f4d\u7f6e",
    "\u4f4d\u7f6e",
    ":",
    "\uff1a",
    "\u9996\u9875",
    ">",
    "\u00bb",
    "/",
    "\u76f8\u5173\u9605\u8bfb",
    "\u4e0a\u4e00\u7bc7",
    "\u300b",
    "\u70b9\u51fb",
    "\u8fdb\u5165",
    "\u4e13\u9898",
    "\u65f6\u95f4",
    "2026-02-02",
    "ICP\u5907",
    "05",
    "\u516c\u7f51\u5b89\u5907",
    "\u7f51\u7ad9\u6807\u8bc6\u7801",
    "AB1234",
    "\u4e3b\u529e",
    "\u5355\u4f4d",
    "\u7248\u6743\u6240\u6709",
    "Copyright",
    "\u00a9",
    "(c)",
    "\u7f51\u7ad9\u5730\u56fe",
    "|",
    "\u8054\u7cfb\u6211\u4eec",
    "\u3002",
]


def test_anchored_rules_are_anchored_as_a_whole():
    """The screen tries "^..." patterns at the start only: no "|" may stand outside a group."""
    for rule in R.LINE_RULES:
        assert not re.search(r"\\[1-9]|\(\?P=", rule.pattern)  # no group is referred to
        if rule.pattern.startswith("^"):
            parsed = list(sre_parse.parse(rule.pattern))
            assert parsed[0] == (sre_parse.AT, sre_parse.AT_BEGINNING), rule.rule


@EXAMPLES
@given(pieces_of(RULE_PIECES, max_size=6))
def test_builtin_screen_passes_the_lines_a_rule_matches(text):
    searches = [search for _, search in LC.BUILTIN_TABLE]
    assert bool(LC.BUILTIN_SCREEN(text)) == any(search(text) for search in searches)


SENTENCE_ENDS = "".join(sorted(R.SENTENCE_END_CHARS))


@EXAMPLES
@given(shaped(CAPTIONS, st.sampled_from(SENTENCE_ENDS)))
def test_a_sentence_has_no_shape(text):
    assert not LC.SENTENCE_SHAPES  # else the shortcut is off (and this test is moot)
    assert LC._shape_verdict(text, True, (0, 0)) is None


def test_a_letter_or_digit_first_is_no_decoration():
    """``classify_line`` skips ``_is_decoration`` for a line that starts with one."""
    chars = (chr(code) for code in range(0x110000))
    assert not any(unicodedata.category(ch)[0] in "PSZ" for ch in chars if ch.isalnum())


@EXAMPLES
@given(text_of("".join(sorted(R.SENTENCE_END_CHARS)) + "\u9996\u9875a1:", max_size=8))
def test_a_sentence_is_never_a_corpus_candidate(text):
    if LC.is_sentence(text):
        assert not LC.corpus_candidate(text, BoilerplateConfig())


@EXAMPLES
@given(pieces_of([*R.ACCESSIBILITY_WORDS[:6], "\u8001\u5e74", "\u5b57"], max_size=6))
def test_accessibility_search_finds_any_word(text):
    assert bool(R.ACCESSIBILITY_RE.search(text)) == any(w in text for w in R.ACCESSIBILITY_WORDS)


@EXAMPLES
@given(text_of("".join(sorted(R.TEXT_PUNCTUATION)) + "\\]^-|a"))
def test_text_punctuation_search_is_isdisjoint(text):
    assert bool(R.TEXT_PUNCTUATION_RE.search(text)) == (not R.TEXT_PUNCTUATION.isdisjoint(text))


@EXAMPLES
@given(text_of(SENTENCE_ENDS + "a\n\u3001"))
def test_byline_sentence_test_is_the_sentence_pattern(text):
    fast = text.removesuffix("\n")[-1:] in R.SENTENCE_END_CHARS
    assert fast == bool(R.SENTENCE_END_RE.search(text))


@EXAMPLES
@given(text_of("\u4e2d\u6587a\u3000\u2028\x1c\x85\u00a0 "))
def test_compact_starts_as_the_line_does(text):
    assert "".join(text.split())[:1] == text.lstrip()[:1]


@EXAMPLES
@given(st.lists(text_of("\u4ebf\u4e07\u5143\u4eba%\u4e0a\u6536 5"), max_size=5))
def test_quality_skips_only_lines_without_units(texts):
    lines = [Line(number, text) for number, text in enumerate(texts, 1)]
    expected = [
        (line.line_no, line.text[max(0, match.start("unit") - 6) : match.end()])
        for line in lines
        for match in MISSING_FIGURE_RE.finditer(line.text)
        if match.group("before") not in AMOUNT_WORDS
    ]
    assert [(w.line_no, w.text) for w in find_quality_warnings(lines)] == expected


def widen_by_the_graph(text: str) -> tuple[str, int]:
    """Widen each line of ``text`` with the graph of its marks (``widen_line``)."""
    lines = [W.widen_line(line) for line in text.split("\n")]
    return "\n".join(line for line, _ in lines), sum(count for _, count in lines)


@EXAMPLES
@given(text_of(",;:?!() a1\u201c\uff0c\uff08\uff09\ufdd0", max_size=24))
def test_widening_judges_nodes_alone_only_where_nothing_spreads(text):
    assert W.widen_punctuation(text) == widen_by_the_graph(text)


@EXAMPLES
@given(text_of("a\r", max_size=8))
def test_count_lines_counts_the_split_lines(text):
    lines = text.split("\n")
    assert count_lines(text) == len(lines[:-1] if lines[-1] == "" else lines)
