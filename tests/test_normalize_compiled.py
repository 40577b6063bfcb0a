"""The compiled rules (``cleaner.clean._normalize``) give what the regular expressions give.

``normalize_text`` runs the compiled rules where setup.py built them; the regular
expressions of ``normalize_text_python`` are the readable statement of the rules
and the fallback. Both must give the same text and the same counts: on every line
of the seeds and ../shared/corpora (the raw HTML of magic-html-bench sampled as
in test_normalize_reference.py, unless ``CLEANER_FULL_CORPORA`` is set), on whole
texts, and on generated text made of the characters every rule looks at.
"""

from __future__ import annotations

import os
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_normalize_reference import CORPORA, FULL, corpus_lines

from cleaner.clean import normalize
from cleaner.clean.chars import CHAR_CLASS_BITS, char_class_table
from cleaner.clean.normalize import normalize_text_compiled, normalize_text_python
from cleaner.data import NormalizeConfig

pytestmark = pytest.mark.skipif(
    not normalize.compiled_available(), reason="cleaner.clean._normalize was not built"
)
CONFIGS = [
    NormalizeConfig(punctuation=punctuation, cjk_spacing=spacing)
    for punctuation in ("cjk", "ascii", "keep")
    for spacing in ("remove", "keep")
]
EXAMPLES = settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "500")), deadline=None)


def same(text: str, config: NormalizeConfig) -> None:
    compiled, python = normalize_text_compiled(text, config), normalize_text_python(text, config)
    assert compiled.text == python.text, (text, config)
    assert list(compiled.rule_counts.items()) == list(python.rule_counts.items()), (text, config)


def test_normalize_text_runs_the_compiled_rules() -> None:
    assert normalize.normalize_text("\u5168\u5e02,") == normalize_text_compiled("\u5168\u5e02,")


def test_the_table_holds_each_class_as_its_regular_expression_reads_it() -> None:
    """Each code point has the bits of the classes that match it, so no two overlap
    (``char_class_table`` writes ranges, it does not or them)."""
    table = memoryview(char_class_table()).cast("H")
    for body, bit in CHAR_CLASS_BITS:
        pattern = re.compile(f"[{body}]")
        for code in range(len(table)):
            assert bool(table[code] & bit) == bool(pattern.match(chr(code))), (hex(code), bit)


@pytest.fixture(scope="module")
def lines() -> list[str]:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not there")
    return [line for part in corpus_lines(sample_html=not FULL).values() for line in part]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{c.punctuation}-{c.cjk_spacing}")
def test_every_corpus_line_in_every_mode(lines: list[str], config: NormalizeConfig) -> None:
    for line in lines[:: 1 if config == NormalizeConfig() else 7]:
        same(line, config)


def test_whole_texts_of_corpus_lines(lines: list[str]) -> None:
    rng = random.Random(5)
    for _ in range(300):
        same("\n".join(rng.sample(lines, 60)), rng.choice(CONFIGS))


# Every character some rule reads: odd spaces and invisible ones, digits of both
# widths and points, units, Latin letters and URL marks, Han, kana, Hangul,
# punctuation of both widths, quotes, brackets, the private stand-ins and line breaks.
ALPHABET = (
    " \t\u00a0\u3000\u2002\u200b\u2060\ufeff\x07\r\n"
    "0123456789\uff10\uff19..\uff0e%\u2030\u2103"
    "aZx/@-:,;?!()\"'\u201c\u201d\u2018\u2019"
    "\u5168\u5e02\u5e74\u3042\ud55c\U00020000"
    "\uff0c\uff1a\uff08\uff09\u3001\u3002\u3010\u3011\uff21\ufdd0"
)
texts = st.text(st.sampled_from(ALPHABET), max_size=80)


@EXAMPLES
@given(texts, st.sampled_from(CONFIGS))
def test_generated_text_gives_the_same(text: str, config: NormalizeConfig) -> None:
    same(text, config)


@EXAMPLES
@given(st.lists(st.sampled_from(["a b", ", ", "(\u5168)", "1 2", " \u5168 ", "x,y"]), max_size=30))
def test_generated_pieces_give_the_same(pieces: list[str]) -> None:
    for config in CONFIGS:
        same("".join(pieces), config)
