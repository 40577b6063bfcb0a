"""Document signals (issue 18): script, language, repetition and length, on real text."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from conftest import SEEDS, SHARED, seed_path
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.clean import signals as signals_module
from cleaner.clean.document import clean_text
from cleaner.clean.quality import find_quality_warnings
from cleaner.clean.signals import (
    COUNT_COLUMNS,
    NGRAM_MAX_CHARS,
    SPACE,
    character_classes,
    count_batch,
    count_reference,
    measure_batch,
    measure_signals,
    round_shares,
)
from cleaner.data import Line

MAGIC = SHARED / "corpora" / "magic-html-bench"


def _seed_text(prefix: str) -> str:
    return clean_text(seed_path(prefix).read_text(encoding="utf-8")).text


def _compiled_and_reference(texts: list[str]) -> None:
    counts = count_batch(texts)
    for text, row in zip(texts, counts.tolist(), strict=True):
        assert tuple(row) == count_reference(text), text[:40]


def _signals_by_hand(text: str) -> dict:
    """The signals of a text from its reference counts, with Python's round, field by field."""
    c = dict(zip(COUNT_COLUMNS, count_reference(text), strict=True))
    chars, lines = c["chars"], c["lines"]
    counted = min(chars, NGRAM_MAX_CHARS)

    def share(part, whole):
        return round(part / whole, 4) if whole else 0.0

    scripts = c["traditional"] + c["simplified"]
    return {
        "chars": chars,
        "lines": lines,
        "mean_line_chars": round(chars / lines, 1) if lines else 0.0,
        "longest_line_chars": c["longest_line"],
        "cjk_share": share(c["han"], chars),
        "traditional_share": share(c["traditional"], scripts) if scripts else None,
        "duplicate_line_share": share(c["repeated_lines"], lines),
        "duplicate_line_char_share": share(c["repeated_line_chars"], c["line_chars"]),
        **{f"top_{n}gram_share": share(c[f"top_{n}gram"] * n, counted) for n in (2, 3, 4)},
        **{
            f"duplicate_{n}gram_share": share(c[f"duplicate_{n}gram"], counted)
            for n in range(5, 11)
        },
    }


# Text as scraped pages hold it: Han in both scripts, kana, hangul, Latin, digits, an
# astral ideograph (a 4-byte str), and every kind of white space str.split() knows.
SCRAPED_ALPHABET = (
    "\u533b\u4fdd\u60e0\u6c11\u91ab\u570b\u56fd\u3042\u30ab\u30fb\ud55c\U00020000"
    "ab12.\uff0c\u3002 \n\t\r\u3000\xa0\x1c\u2028\u200b"
)


def test_seed_signals_describe_chinese_reports():
    for path in sorted(SEEDS.glob("*.txt")):
        found = clean_text(path.read_text(encoding="utf-8")).signals
        assert found is not None
        assert found.language == "zh"
        assert found.cjk_share > 0.7
        assert found.traditional_share is not None and found.traditional_share < 0.05
        assert found.lines > 5 and found.chars > 1000
        # Written text is one paragraph a line, its repeated blocks already removed.
        assert found.duplicate_line_share == 0.0
        assert found.top_2gram_share < 0.05


def test_traditional_text_is_measured_as_traditional():
    simplified = _seed_text("001").split("\n")[1]
    # The same sentence in traditional characters, character by character.
    table = str.maketrans(
        "医疗保障局认真贯彻会议经济发展坚持为务实现优",
        "醫療保障局認真貫徹會議經濟發展堅持為務實現優",
    )
    traditional = simplified.translate(table)
    assert measure_signals(simplified).traditional_share == 0.0
    assert measure_signals(traditional).traditional_share > 0.5
    assert measure_signals(traditional).language == "zh"


@pytest.mark.parametrize("copies", [2, 3, 5, 10])
def test_lines_repeated_k_times(copies):
    line = _seed_text("001").split("\n")[1]
    found = measure_signals("\n".join([line] * copies))
    assert found.lines == copies
    assert found.duplicate_line_share == round((copies - 1) / copies, 4)
    assert found.duplicate_line_char_share == round((copies - 1) / copies, 4)
    # Every character after the first copy repeats it, for every n.
    assert found.duplicate_10gram_share >= round((copies - 1) / copies, 4) - 0.0001


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2, max_value=12), st.integers(min_value=0, max_value=40))
def test_sentence_repeated_k_times_on_one_line(copies, start):
    sentence = _seed_text("000").split("\n")[1][start : start + 30]
    found = measure_signals(sentence * copies)
    share = found.duplicate_5gram_share
    assert share == pytest.approx((copies - 1) / copies, abs=0.0002)
    assert found.top_2gram_share >= 2 * copies / len(sentence * copies) - 0.0001


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=SCRAPED_ALPHABET, max_size=120), min_size=1, max_size=5))
def test_compiled_counts_equal_the_reference(texts):
    _compiled_and_reference(texts)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["\u533b\u4fdd\u60e0\u6c11", "ab ab", " ", ""]), max_size=30))
def test_compiled_counts_equal_the_reference_on_repeated_lines(lines):
    _compiled_and_reference(["\n".join(lines), "\n".join(lines) + "\n"])


def test_compiled_counts_equal_the_reference_on_seeds_and_pages():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [text[:20_000] for _, text in _magic_pages()[:40]] if MAGIC.exists() else []
    _compiled_and_reference(texts)
    _compiled_and_reference([clean_text(text).text for text in texts[:5]])


def test_signals_are_the_reference_counts_rounded_by_python():
    texts = [_seed_text(prefix) for prefix in ("000", "001", "002", "003", "004")]
    texts += ["", " \n\u3000", "2022-06-28 10:33", "\u91ab\u7642" * 7, "ab\nab\nab"]
    for text, found in zip(texts, measure_batch(texts), strict=True):
        expected = _signals_by_hand(text)
        assert {k: v for k, v in found.as_dict().items() if k != "language"} == expected


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 10**7)), min_size=1, max_size=20),
    st.sampled_from([1, 4]),
)
def test_round_shares_is_pythons_round(pairs, decimals):
    parts = np.array([min(a, b) for a, b in pairs])
    wholes = np.array([max(a, b) for a, b in pairs])
    expected = [
        round(p / w, decimals) if w else 0.0
        for p, w in zip(parts.tolist(), wholes.tolist(), strict=True)
    ]
    assert round_shares(parts, wholes, decimals).tolist() == expected


def test_round_shares_on_halves():
    # Quotients whose scaled value is a half, or within a rounding error of one.
    wholes = np.array([16, 32, 20000, 20000, 200000, 3, 6, 7])
    parts = np.array([1, 1, 625, 5, 1, 1, 1, 1])
    expected = [round(p / w, 4) for p, w in zip(parts.tolist(), wholes.tolist(), strict=True)]
    assert round_shares(parts, wholes).tolist() == expected


def test_white_space_class_is_str_isspace():
    table = character_classes()
    spaces = np.flatnonzero(table == SPACE).tolist()
    assert spaces == [code for code in range(0x110000) if chr(code).isspace()]


def test_reference_is_the_fallback(monkeypatch):
    texts = [p.read_text(encoding="utf-8")[:3000] for p in sorted(SEEDS.glob("*.txt"))]
    compiled = measure_batch(texts)
    monkeypatch.setattr(signals_module, "_ngrams", None)
    assert measure_batch(texts) == compiled


def test_long_text_is_counted_up_to_the_cap():
    line = _seed_text("001").split("\n")[1]
    text = (line + "\n") * (NGRAM_MAX_CHARS // len(line) + 50)
    (row,) = count_batch([text]).tolist()
    counts = dict(zip(COUNT_COLUMNS, row, strict=True))
    assert counts["chars"] > NGRAM_MAX_CHARS
    # One line repeated: every character after the first copy repeats, up to the cap.
    assert counts["duplicate_10gram"] == NGRAM_MAX_CHARS - len(line.replace(" ", ""))
    assert counts["repeated_lines"] == counts["lines"] - 1


def test_empty_and_letterless_texts():
    empty = measure_signals("")
    assert (empty.chars, empty.lines, empty.language, empty.cjk_share) == (0, 0, "und", 0.0)
    assert measure_signals("2022-06-28 10:33\n714.9").language == "und"


def _magic_pages() -> list[tuple[str, str]]:
    with (MAGIC / "page_index.tsv").open(encoding="utf-8", newline="") as stream:
        labels = {row["id"]: row["lang_guess"] for row in csv.DictReader(stream, delimiter="\t")}
    pages = []
    for kind in ("article", "forum"):
        base = json.loads((MAGIC / kind / "base.json").read_text("utf-8"))
        pages += [(labels[key], base[key]["content"]) for key in sorted(base) if key in labels]
    return pages


@pytest.mark.skipif(not MAGIC.exists(), reason="magic-html-bench is not in ../shared")
def test_language_agrees_with_magic_html_bench_labels():
    pages = _magic_pages()
    guesses = [s.language for s in measure_batch([text for _, text in pages])]
    agree = sum(
        (guess == "zh") if label == "zh" else (guess == "ja") if label == "ja" else guess != "zh"
        for (label, _), guess in zip(pages, guesses, strict=True)
    )
    assert agree / len(pages) >= 0.98
    assert {"en", "zh", "ja"} <= set(guesses)


def test_one_sentence_repeated_on_one_line_is_flagged():
    sentence = _seed_text("001").split("\n")[1][:40] + "\u3002"
    warnings = find_quality_warnings([Line(1, sentence * 3000)])
    kinds = [w.kind for w in warnings]
    assert kinds == ["enormous-line", "repeated-sentence"]
    assert "3000 times" in warnings[1].text
    assert find_quality_warnings([Line(1, _seed_text("001").split("\n")[1])]) == ()


def test_chinese_quoting_a_little_japanese_is_chinese_by_script(monkeypatch):
    report = _seed_text("001")
    # A Japanese sentence quoted in a Chinese article (as one of magic-html-bench's pages has).
    quote = (
        "\u300c\u3068\u3067\u3082\u3057\u3066\u304a\u304d\u306a\u3055\u3044\u300d"
        "\u3068\u8a00\u3063\u305f\u3068\u3055\u308c\u308b\u9038\u8a71\u304b\u3089\u3002"
    )

    def refuse(text):
        raise AssertionError("the script alone decides this text")

    monkeypatch.setattr(signals_module, "identify_language", refuse)
    assert measure_signals(report + "\n" + quote).language == "zh"
    # Japanese itself has kana every few characters: it goes to the identifier.
    with pytest.raises(AssertionError, match="script alone"):
        measure_signals(quote * 3)
