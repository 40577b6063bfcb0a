"""Spaced digits are joined only when the run is one number (issue 16 item 1, issue 14 item 5).

Each reproduction from the issues is a test named for it; each family around it
(other separators, dashes, points, units, odd spaces) is a table of rows. Full-width
characters are written as escapes.
"""

from __future__ import annotations

import pytest

from cleaner.clean.normalize import extract_numbers, normalize_line, normalize_text
from cleaner.clean.spaced_digits import SEPARATORS, TIGHT_SEPARATORS, join_spaced_digits
from cleaner.data import NormalizeConfig

# Every white space a scraped page puts between two numbers: the space itself,
# a tab, the odd spaces and a zero-width space (U+200B), alone or doubled.
GAPS = [" ", "\t", "\u00a0", "\u3000", "\u2002", "\u200b", "  ", "\t\u00a0"]
GAP_IDS = ["space", "tab", "nbsp", "ideographic", "en-space", "zero-width", "two", "tab-nbsp"]
CONFIGS = [
    NormalizeConfig(punctuation=punctuation, cjk_spacing=spacing)
    for punctuation in ("cjk", "ascii", "keep")
    for spacing in ("remove", "keep")
]


def assert_apart(line: str, numbers: list[str]) -> None:
    """Two numbers stay two: the line's numbers before and after are ``numbers``."""
    for config in CONFIGS:
        out = normalize_line(line, config)
        assert extract_numbers(out) == numbers, (config, out)
        assert extract_numbers(line) == numbers
        assert normalize_line(out, config) == out


# --------------------------------------------------------------------------- issue 16 item 1


@pytest.mark.parametrize("gap", GAPS, ids=GAP_IDS)
def test_score_3_1_2_0_stays_two_scores(gap: str) -> None:
    line = f"\u6bd4\u52063:1{gap}2:0"  # 比分
    assert normalize_line(line) == "\u6bd4\u52063:1 2:0"
    assert_apart(line, ["3", "1", "2", "0"])


@pytest.mark.parametrize("gap", GAPS, ids=GAP_IDS)
def test_fractions_1_2_3_4_stay_two_fractions(gap: str) -> None:
    assert normalize_line(f"1/2{gap}3/4") == "1/2 3/4"
    assert_apart(f"1/2{gap}3/4", ["1", "2", "3", "4"])


@pytest.mark.parametrize("gap", GAPS, ids=GAP_IDS)
def test_scores_3_1_2_0_with_hyphens_stay_apart(gap: str) -> None:
    assert normalize_line(f"3-1{gap}2-0") == "3-1 2-0"
    assert_apart(f"3-1{gap}2-0", ["3", "1", "2", "0"])


@pytest.mark.parametrize("gap", GAPS, ids=GAP_IDS)
def test_ranges_1_2_and_3_4_days_stay_apart(gap: str) -> None:
    line = f"\u76f8\u5dee1~2{gap}3~4\u5929"  # 相差…天
    assert normalize_line(line) == "\u76f8\u5dee1~2 3~4\u5929"
    assert_apart(line, ["1", "2", "3", "4"])


@pytest.mark.parametrize("gap", GAPS, ids=GAP_IDS)
def test_date_9_9_and_thousands_stay_apart(gap: str) -> None:
    line = f"9/9{gap}3,436,433\u4ebf\u5143"  # 亿元
    assert normalize_line(line) == "9/9 3,436,433\u4ebf\u5143"
    assert_apart(line, ["9", "9", "3", "436", "433"])


# The same trap with every separator of another number: the run between the two
# compounds (`1 2`) is never one number.
@pytest.mark.parametrize("separator", sorted(SEPARATORS))
def test_no_separator_lets_a_run_reach_into_another_number(separator: str) -> None:
    line = f"\u51713{separator}1 2{separator}0\u9879"  # 共…项
    out = normalize_line(line, NormalizeConfig(punctuation="keep"))
    assert "1 2" in out
    assert_apart(line, ["3", "1", "2", "0"])


@pytest.mark.parametrize(
    "line",
    [
        "\u6bd4\u5206 3 : 1 2 : 0",  # spaced separators, single digits beyond
        "3 -1 2",
        "2013\u20142 0 1 5",  # compact on one side of a glued dash
        "2 0 1 3\u20142015",
        "2 0 1 3 \u2014 2015",  # spaced dash, a compact number beyond
        "1 2\u20143 4",  # glued on both sides: a compact compound, 2\u20143
        "1 2 - 3",  # a single digit beyond
        "A1 2 - 3 4",  # an identifier
        "12 3 - 4 5",  # a run of several digits a piece beyond
    ],
)
def test_a_run_tied_to_another_number_is_not_joined(line: str) -> None:
    assert join_spaced_digits(line) == (line, 0)


# --------------------------------------------------------------------------- issue 14 item 5


def test_spaced_digits_around_a_full_width_point_22_4() -> None:
    assert normalize_line("2 2 \uff0e4 \u4e07\u4ef6") == "22.4\u4e07\u4ef6"  # 万件


def test_spaced_digits_around_a_full_width_point_10_06_per_mille() -> None:
    assert normalize_line("1 0 \uff0e0 6 \u2030") == "10.06\u2030"


def test_spaced_digits_on_both_sides_of_a_range_dash_2013_2015() -> None:
    assert normalize_line("2 0 1 3 \u20142 0 1 5 \u5e74") == "2013\u20142015\u5e74"


# The families: the 1998 State Council report (../shared/corpora) spaces its
# half-width characters only, so full-width points and dashes come glued on.
FAMILY = [
    ("full-width percent", "\u589e\u957f1 5 \uff0e3 \uff05", "\u589e\u957f15.3\uff05"),
    ("years of age", "\u8fbe\u52307 0 \uff0e8 \u5c81", "\u8fbe\u523070.8\u5c81"),
    ("lone full-width point", "1 0 \uff0e 3 %", "10.3%"),
    ("en dash", "2 0 1 3 \u20132 0 1 5 \u5e74", "2013\u20132015\u5e74"),
    ("hyphen spaced", "2 0 1 3 - 2 0 1 5 \u5e74", "2013-2015\u5e74"),
    ("full-width tilde", "1 0 \uff5e2 0 \u2103", "10\uff5e20\u2103"),
    ("tilde", "1 0 ~ 2 0 \u5929", "10~20\u5929"),
    ("to", "2 0 1 3 \u81f32 0 1 5 \u5e74", "2013\u81f32015\u5e74"),
    ("spaced date", "2 0 2 1 - 0 6 - 2 8", "2021-06-28"),
    ("spaced time", "1 0 : 3 3 \u53d1\u5e03", "10:33\u53d1\u5e03"),
    ("spaced list", "1 2 , 3 4", "12 , 34"),
    ("sign", "\u6c14\u6e29-1 5 \u2103", "\u6c14\u6e29-15\u2103"),
    ("list marker", "(1)2 0 2 1 \u5e74", "(1)2021\u5e74"),
]


@pytest.mark.parametrize(("label", "line", "expected"), FAMILY, ids=[row[0] for row in FAMILY])
def test_spaced_number_families(label: str, line: str, expected: str) -> None:
    assert normalize_line(line, NormalizeConfig(punctuation="keep")) == expected
    assert extract_numbers(expected) == extract_numbers(line)


def test_tight_separators_are_separators() -> None:
    assert TIGHT_SEPARATORS <= set(SEPARATORS)


def test_separators_are_closed_under_the_width_rules() -> None:
    """``ascii`` mode narrows U+FF01-FF5E after joining: a twin must tie as its original."""
    for separator in SEPARATORS:
        if 0xFF01 <= ord(separator) <= 0xFF5E:
            assert chr(ord(separator) - 0xFEE0) in SEPARATORS, separator
        if separator in ",;:?!()":
            assert chr(ord(separator) + 0xFEE0) in SEPARATORS, separator


def test_joined_runs_are_counted() -> None:
    counts = normalize_text("2 0 1 3 \u20142 0 1 5 \u5e74, 3:1 2:0").rule_counts
    assert counts["spaced-digits"] == 1
