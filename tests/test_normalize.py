"""Normalization rules of SPEC section 2, one row per example, plus real seed lines.

Full-width punctuation is written as escapes (\\uff0c and friends) so no editor can
silently turn it into ASCII.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from cleaner.clean.normalize import (
    RULE_NAMES,
    extract_numbers,
    normalize_line,
    normalize_text,
)
from cleaner.data import NormalizeConfig

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))

ASCII_MODE = NormalizeConfig(punctuation="ascii")
KEEP_MODE = NormalizeConfig(punctuation="keep")
KEEP_SPACING = NormalizeConfig(cjk_spacing="keep")
ALL_CONFIGS = [
    NormalizeConfig(punctuation=punctuation, cjk_spacing=spacing)
    for punctuation in ("cjk", "ascii", "keep")
    for spacing in ("remove", "keep")
]

# (label, original, expected) with the default config.
CASES = [
    # spaced digits
    ("spaced year", "2 0 2 1 \u5e74", "2021\u5e74"),
    ("spaced decimal", "7 . 9 5 \u4ebf\u5143", "7.95\u4ebf\u5143"),
    ("spaced decimal 2", "9 9 7 . 5 \u4e07\u4eba\u6b21", "997.5\u4e07\u4eba\u6b21"),
    ("spaced percent", "9 0%", "90%"),
    ("spaced after han", "\u8d44\u91d17 . 9 5 \u4ebf\u5143", "\u8d44\u91d17.95\u4ebf\u5143"),
    ("spaced with zero", "0 . 7 \u4ebf\u5143", "0.7\u4ebf\u5143"),
    ("spaced with odd spaces", "2\u30000\u00a02\u20021", "2021"),
    ("spaced full-width point", "1 \uff0e 5", "1.5"),
    # digit/CJK spacing
    ("digit han", "2021 \u5e74", "2021\u5e74"),
    ("decimal han", "48.1 \u4e07\u4eba", "48.1\u4e07\u4eba"),
    ("integer han", "1939 \u5bb6", "1939\u5bb6"),
    ("percent han", "95% \u4ee5\u4e0a", "95%\u4ee5\u4e0a"),
    ("han digit", "\u622a\u81f3 2021", "\u622a\u81f32021"),
    # a number and its unit symbol (issue 14 item 5), and the unit and Han after it
    ("space before percent", "9.8 %", "9.8%"),
    ("space before per mille", "10.06 \u2030", "10.06\u2030"),
    ("space before degrees", "25 \u2103\u4ee5\u4e0a", "25\u2103\u4ee5\u4e0a"),
    ("spaced unit then han", "5 % \u7684", "5%\u7684"),
    ("per mille han", "3\u2030 \u5de6\u53f3", "3\u2030\u5de6\u53f3"),
    ("spaced digits then percent", "9 0 %", "90%"),
    ("percent after a word stays", "a %", "a %"),
    # Latin/CJK spacing
    ("latin han", "DRG \u4ed8\u8d39", "DRG\u4ed8\u8d39"),
    ("latin han 2", "HIS \u7cfb\u7edf", "HIS\u7cfb\u7edf"),
    ("han latin", "\u81ea\u6709 HIS", "\u81ea\u6709HIS"),
    (
        "domain keeps spaces",
        "\u7f51\u7ad9 anyang.gov.cn \u65f6\u95f4",
        "\u7f51\u7ad9 anyang.gov.cn \u65f6\u95f4",
    ),
    # space next to CJK punctuation
    ("after bracket", "\u3010\u6982\u51b5\u3011 2021", "\u3010\u6982\u51b5\u30112021"),
    ("before comma", "\u62c5\u5f53 ,", "\u62c5\u5f53\uff0c"),
    ("after dunhao", "\u3001 \u56fd\u5bb6", "\u3001\u56fd\u5bb6"),
    ("before semicolon", "91% ;\u540c\u65f6", "91%\uff1b\u540c\u65f6"),
    # punctuation width, CJK context
    ("comma", "\u5168\u5e02,", "\u5168\u5e02\uff0c"),
    ("open bracket", "\u4e07\u4eba(\u5176\u4e2d", "\u4e07\u4eba\uff08\u5176\u4e2d"),
    ("lone bracket at line start", "(\u5176\u4e2d", "(\u5176\u4e2d"),
    ("colon", "\u65f6\u95f4:", "\u65f6\u95f4\uff1a"),
    ("colon date", "\u65f6\u95f4:2022-06-28", "\u65f6\u95f4\uff1a2022-06-28"),
    ("colon numeral", "\u95ee\u9898\u4e00:", "\u95ee\u9898\u4e00\uff1a"),
    ("colon before quote", "\u4e8b\u4ef61:\u201c\u8bb2", "\u4e8b\u4ef61\uff1a\u201c\u8bb2"),
    ("question", "\u4ec0\u4e48?", "\u4ec0\u4e48\uff1f"),
    ("exclamation", "2022\u5e74!", "2022\u5e74\uff01"),
    (
        "pair with han content",
        "\u4e07\u4eba(\u5176\u4e2d\u57ce\u9547\u804c\u5de548.1\u4e07\u4eba),",
        "\u4e07\u4eba\uff08\u5176\u4e2d\u57ce\u9547\u804c\u5de548.1\u4e07\u4eba\uff09\uff0c",
    ),
    (
        "pair with latin content",
        "\u5206\u7ec4(Diagnosis Related Groups)\u4ed8\u8d39",
        "\u5206\u7ec4\uff08Diagnosis Related Groups\uff09\u4ed8\u8d39",
    ),
    ("pair after digits", "1.5:1(\u5168\u56fd2.8:1)", "1.5:1\uff08\u5168\u56fd2.8:1\uff09"),
    ("lone bracket after han", "\u7b2c1)\u9879", "\u7b2c1\uff09\u9879"),
    ("lone bracket latin", "a) b", "a) b"),
    # punctuation kept ASCII
    ("decimal", "7.95", "7.95"),
    ("ratio", "1.5:1", "1.5:1"),
    ("ratio in han", "\u804c\u9000\u6bd4\u4e3a1.5:1", "\u804c\u9000\u6bd4\u4e3a1.5:1"),
    ("time", "10:33", "10:33"),
    ("time in han", "\u65f6\u95f410:33\u53d1\u5e03", "\u65f6\u95f410:33\u53d1\u5e03"),
    ("thousands", "\u5171\u8ba11,000\u5143", "\u5171\u8ba11,000\u5143"),
    ("date", "2022-06-28", "2022-06-28"),
    ("range", "1-10\u6708", "1-10\u6708"),
    ("url", "https://a.b", "https://a.b"),
    ("url after han colon", "\u7f51\u5740:https://a.b", "\u7f51\u5740\uff1ahttps://a.b"),
    ("table row", "714.9 48.1", "714.9 48.1"),
    ("multi-digit piece", "12 3 4", "12 3 4"),
    ("two lone dots", "1 . 2 . 3", "1 . 2 . 3"),
    ("identifier digits", "H1 N1", "H1 N1"),
    (
        "han title",
        "\u7825\u783a\u524d\u884c \u8e14\u5389\u594b\u53d1",
        "\u7825\u783a\u524d\u884c \u8e14\u5389\u594b\u53d1",
    ),
    ("han names", "\u738b \u6d9b \u8d75 \u5189", "\u738b \u6d9b \u8d75 \u5189"),
    ("english", "Hello, world: yes; no? ok! (really)", "Hello, world: yes; no? ok! (really)"),
    ("english quotes", "He said, \u201chi\u201d (twice).", "He said, \u201chi\u201d (twice)."),
    ("period never converted", "\u5168\u5e02.", "\u5168\u5e02."),
    # full-width letters and digits
    ("full-width digits", "\uff12\uff10\uff12\uff11", "2021"),
    ("full-width letters", "\uff24\uff32\uff27", "DRG"),
    ("full-width decimal", "\uff17\uff0e\uff19\uff15\u4ebf", "7.95\u4ebf"),
    # odd white space
    ("nbsp and en space", "a\u00a0b\u2002c\u3000d\te", "a b c d e"),
    ("zero width", "\u200ba\u200bb\u2060c\ufeff", "abc"),
    ("zero width between digits parts them", "3:1\u200b2:0", "3:1 2:0"),
    ("zero width inside spaced digits", "2\u200b0\u200b2\u200b1\u5e74", "2021\u5e74"),
    ("controls", "a\x07b\x1bc\x9fd", "abcd"),
    ("indentation", "\u3000\u3000  \u5b89\u9633", "\u5b89\u9633"),
    ("trailing blanks", "\u8868\u626c\u3002\u2002 \u2002\u2002", "\u8868\u626c\u3002"),
    ("space runs", "a    b", "a b"),
    ("nbsp separators", "\u9996\u9875\u00a0>\u00a0\u65b0\u95fb", "\u9996\u9875 > \u65b0\u95fb"),
    ("empty", "", ""),
    ("only spaces", " \u3000\t", ""),
]


@pytest.mark.parametrize(("label", "original", "expected"), CASES, ids=[c[0] for c in CASES])
def test_case_table(label: str, original: str, expected: str) -> None:
    assert normalize_line(original) == expected
    assert normalize_line(expected) == expected, "the expected form is already normal"


def test_escapes_are_really_full_width() -> None:
    # Guard against an editor having replaced the escapes' targets with ASCII.
    assert unicodedata.east_asian_width(normalize_line("\u5168\u5e02,")[-1]) == "F"


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (
            "\u5168\u5e02\uff0c\u65f6\u95f4\uff1a\uff08\u5176\u4e2d\uff09\u3002",
            "\u5168\u5e02,\u65f6\u95f4:(\u5176\u4e2d)\u3002",
        ),
        ("\u4ec0\u4e48\uff1f\uff01\uff1b", "\u4ec0\u4e48?!;"),
        ("\u5168\u5e02,", "\u5168\u5e02,"),
        ("\u3010\u6982\u51b5\u3011 2021 \u5e74", "\u3010\u6982\u51b5\u30112021\u5e74"),
        ("\u62c5\u5f53 \uff0c \u52c7\u6bc5", "\u62c5\u5f53,\u52c7\u6bc5"),
        ("\uff11\uff0e\uff15", "1.5"),
    ],
)
def test_ascii_mode(original: str, expected: str) -> None:
    assert normalize_line(original, ASCII_MODE) == expected


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("\u5168\u5e02,", "\u5168\u5e02,"),
        ("\u5168\u5e02\uff0c", "\u5168\u5e02\uff0c"),
        ("(\u5176\u4e2d 2 0 2 1 \u5e74)", "(\u5176\u4e2d2021\u5e74)"),
        ("\u3000\u5b89\u9633\u00a0DRG \u4ed8\u8d39 ", "\u5b89\u9633DRG\u4ed8\u8d39"),
        ("\u3010\u6982\u51b5\u3011 2021", "\u3010\u6982\u51b5\u30112021"),
    ],
)
def test_keep_mode_touches_white_space_only(original: str, expected: str) -> None:
    assert normalize_line(original, KEEP_MODE) == expected


def test_cjk_spacing_keep() -> None:
    assert normalize_line("DRG \u4ed8\u8d39", KEEP_SPACING) == "DRG \u4ed8\u8d39"
    assert (
        normalize_line("\u81ea\u6709 HIS \u7cfb\u7edf", KEEP_SPACING)
        == "\u81ea\u6709 HIS \u7cfb\u7edf"
    )
    # digits are not Latin: their spacing is removed either way
    assert normalize_line("2021 \u5e74,", KEEP_SPACING) == "2021\u5e74\uff0c"


def test_rule_counts() -> None:
    result = normalize_text(
        "\u3010\u6982\u51b5\u3011 2 0 2 1 \u5e74,DRG \u4ed8\u8d39\n\uff12\uff10\u3000\u5e74\t"
    )
    assert result.text == "\u3010\u6982\u51b5\u30112021\u5e74\uff0cDRG\u4ed8\u8d39\n20\u5e74"
    assert result.rule_counts == {
        "spaced-digits": 1,
        "digit-cjk-spacing": 2,
        "latin-cjk-spacing": 1,
        "punctuation-width": 1,
        "punct-spacing": 1,
        "odd-whitespace": 3,
        "fullwidth-alnum": 2,
    }
    assert set(result.rule_counts) <= set(RULE_NAMES)


def test_rule_counts_empty_when_nothing_changes() -> None:
    assert normalize_text("\u5df2\u7ecf\u5e72\u51c0\u3002\n\n").rule_counts == {}


def test_ascii_mode_counts_punctuation_width() -> None:
    counts = normalize_text("\u5168\u5e02\uff0c\u5e74\uff1a", ASCII_MODE).rule_counts
    assert counts == {"punctuation-width": 2}


def test_line_count_and_blank_lines_preserved() -> None:
    text = "\n\u3000\n a \n\n\u5168\u5e02,\n"
    assert normalize_text(text).text == "\n\na\n\n\u5168\u5e02\uff0c\n"


def test_normalize_line_keeps_embedded_newlines() -> None:
    assert normalize_line("2021 \u5e74\n 1939 \u5bb6") == "2021\u5e74\n1939\u5bb6"


def test_extract_numbers() -> None:
    assert extract_numbers("2 0 2 1 \u5e74, 714.9 48.1 \u4e07; \uff11\uff0e\uff15:1") == [
        "2021",
        "714.9",
        "48.1",
        "1.5",
        "1",
    ]
    assert extract_numbers("") == []
    assert extract_numbers("2022-06-28 10:33") == ["2022", "06", "28", "10", "33"]


# --------------------------------------------------------------------------- seeds


def _seed(prefix: str) -> list[str]:
    (path,) = [p for p in SEEDS if p.name.startswith(prefix)]
    return normalize_text(path.read_text(encoding="utf-8")).text.split("\n")


def test_seed_000_spaced_digits() -> None:
    line = _seed("000_")[2]
    assert (
        "2021\u5e74\u7ec4\u7ec7\u4e0a\u89e3\u65b0\u51a0\u75c5\u6bd2\u75ab\u82d7\u91c7\u8d2d"
        "\u8d44\u91d17.95\u4ebf\u5143\uff0c\u7ed3\u7b97\u75ab\u82d7\u63a5\u79cd\u8d39\u7528"
        "0.7\u4ebf\u5143\uff0c\u7ed3\u7b97997.5\u4e07\u4eba\u6b21\u3002\u5148\u540e3\u6b21"
        "\u964d\u4f4e\u6838\u9178\u68c0\u6d4b\u8d39\u7528\uff0c\u964d\u4ef7\u5e45\u5ea6"
        "\u8d85\u8fc790%\u3002"
    ) in line


def test_seed_000_heading_and_brackets() -> None:
    line = _seed("000_")[1]
    assert line.startswith(
        "\u3010\u6982\u51b5\u30112021\u5e74\uff0c\u5168\u5e02\u57fa\u672c\u533b\u7597"
        "\u4fdd\u9669\u53c2\u4fdd\u4eba\u6570\u8fbe\u5230714.9\u4e07\u4eba\uff08\u5176"
        "\u4e2d\u57ce\u9547\u804c\u5de548.1\u4e07\u4eba\uff0c\u57ce\u4e61\u5c45\u6c11"
        "666.8\u4e07\u4eba\uff09\uff0c\u804c\u5de5\u751f\u80b2\u4fdd\u9669\u53c2\u4fdd"
        "32.9\u4e07\u4eba\u3002"
    )
    assert line.endswith("\uff08\u738b \u6d9b \u8d75 \u5189\uff09")


def test_seed_001_ratios() -> None:
    line = _seed("001_")[14]
    assert (
        "\u804c\u9000\u6bd4\u4e3a1.5:1\uff08\u5168\u56fd2.8:1\uff0c\u6cb3\u5357\u7701"
        "2.4:1\uff09\uff0c\u5168\u7701\u6700\u4f4e"
    ) in line


def test_seed_001_title_and_indentation() -> None:
    lines = _seed("001_")
    assert lines[6] == (
        "\u7825\u783a\u524d\u884c \u8e14\u5389\u594b\u53d1 "
        "\u4e66\u5199\u9ad8\u8d28\u91cf\u7684\u5b89\u9633\u533b\u4fdd\u4e8b\u4e1a\u7b54\u5377"
    )
    assert lines[10].startswith("\u5b89\u9633\u5e02")


def test_seed_004_nbsp_and_trailing_spaces() -> None:
    lines = _seed("004_")
    assert lines[117] == (
        "\u5f53\u524d\u4f4d\u7f6e\uff1a\u9996\u9875 > \u65b0\u95fb\u4e2d\u5fc3 > "
        "\u5de5\u4f5c\u52a8\u6001"
    )
    assert lines[60].endswith("\u8868\u626c\u3002")
    assert "10:33" in lines[4]


@pytest.mark.parametrize("path", SEEDS, ids=[p.name[:3] for p in SEEDS])
@pytest.mark.parametrize("config", ALL_CONFIGS, ids=lambda c: f"{c.punctuation}-{c.cjk_spacing}")
def test_seed_invariants(path: Path, config: NormalizeConfig) -> None:
    text = path.read_text(encoding="utf-8")
    result = normalize_text(text, config)
    assert result.text.count("\n") == text.count("\n")
    assert _digits(result.text) == _digits(text)
    assert extract_numbers(result.text) == extract_numbers(text)
    assert normalize_text(result.text, config).text == result.text


def test_seeds_present() -> None:
    assert len(SEEDS) == 5


def _digits(text: str) -> list[int]:
    return [unicodedata.decimal(ch) for ch in text if ch.isdecimal()]
