"""The shortcuts taken for speed give what the plain patterns give.

Each fast path rests on a fact about a pattern (a caption credit ends in a name,
a space rule needs a space, ...); these properties check the facts on text made
of the characters that matter, so a later change to a pattern cannot silently
break the shortcut built on it.
"""

from __future__ import annotations

import os
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import _rules as R
from cleaner.boilerplate import line_positions
from cleaner.normalize import (
    CJK_PUNCT,
    DIGIT_CJK_SPACE_RE,
    LATIN_AFTER_CJK_RE,
    PUNCT_SPACE_RE,
    SPACING_CJK,
)
from cleaner.quality import MISSING_FIGURE_RE, _missing_figures

EXAMPLES = settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "300")), deadline=None)


def text_of(alphabet: str, max_size: int = 24) -> st.SearchStrategy[str]:
    """Text drawn from ``alphabet`` (plus a few Han characters and odd spaces)."""
    extra = "\u4e2d\u6587\u5e74\u00a0\u3000\t\n"
    return st.text(st.sampled_from(alphabet + extra), max_size=max_size)


# The patterns as they were written before they opened with a space: the
# reference the rewritten ones must agree with, match for match.
PLAIN_SPACE_PATTERNS = [
    (
        DIGIT_CJK_SPACE_RE,
        re.compile(
            f"(?:(?<=[0-9])|(?<=[0-9]%)) +(?=[{SPACING_CJK}])|(?<=[{SPACING_CJK}]) +(?=[0-9])"
        ),
    ),
    (LATIN_AFTER_CJK_RE, re.compile(f"(?<=[{SPACING_CJK}]) +([A-Za-z][^ ]*)(?![^ ])")),
    (PUNCT_SPACE_RE, re.compile(f"(?<=[{CJK_PUNCT}]) +| +(?=[{CJK_PUNCT}])")),
]


@EXAMPLES
@given(text_of("  12%%a\u3042\uff0c\uff08/.x"))
def test_space_patterns_match_where_the_plain_ones_do(text):
    for fast, plain in PLAIN_SPACE_PATTERNS:
        found = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in plain.finditer(text)]


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
