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
    measure_batch,
    measure_signals,
    ngram_counts,
    ngram_counts_reference,
)
from cleaner.data import Line

MAGIC = SHARED / "corpora" / "magic-html-bench"


def _seed_text(prefix: str) -> str:
    return clean_text(seed_path(prefix).read_text(encoding="utf-8")).text


def _compiled_and_reference(texts: list[str]) -> None:
    compacts = ["".join(t.split()) for t in texts]
    lengths = np.array([len(c) for c in compacts], dtype=np.int64)
    points = np.frombuffer("".join(compacts).encode("utf-32-le"), dtype=np.uint32)
    top, repeated = ngram_counts(compacts, points, lengths)
    for compact, t, r in zip(compacts, top, repeated, strict=True):
        assert (tuple(t), tuple(r)) == ngram_counts_reference(compact)


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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet="\u533b\u4fdd\u60e0\u6c11ab \n12", max_size=80), min_size=1, max_size=5
    )
)
def test_compiled_counts_equal_the_reference(texts):
    _compiled_and_reference(texts)


def test_compiled_counts_equal_the_reference_on_seeds():
    _compiled_and_reference([p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))])


def test_reference_is_the_fallback(monkeypatch):
    texts = [p.read_text(encoding="utf-8")[:3000] for p in sorted(SEEDS.glob("*.txt"))]
    compiled = measure_batch(texts)
    monkeypatch.setattr(signals_module, "_ngrams", None)
    assert measure_batch(texts) == compiled


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
