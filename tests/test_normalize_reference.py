"""The normalizer gives what the reference gives, line for line, counts and all.

The reference is ``tests/reference_normalize.py``: normalization as it was before
it was rewritten for speed (whole texts, one pass, regular expressions), frozen.
Every line must come out of both the same, except the lines the fixes of issue 16
item 1 and issue 14 item 5 change on purpose. ``intended_change`` names those by
what they hold, read after odd spaces become spaces and full-width digits ASCII:

- a run of spaced digits (pieces of one digit or one point each) with a number
  separator beside it, at most a space away on either side, and a digit beyond
  (``3:1 2:0``, ``2 0 1 3 \u20142 0 1 5``): the run may now be left alone, or joined
  with the spaces around the separator;
- a full-width point glued to the digit after it, after a space (``2 2 \uff0e4``);
- a space between a digit and a unit symbol, or between a unit and Han after it
  (``9.8 %``, ``25\u2103 \u4ee5\u4e0a``);
- a zero-width space between two digits (``3:1\u200b2:0``).

On those lines only the promises are checked: idempotence, the same digits, the
same numbers read before and after.

Every line of the seeds and of ../shared/corpora is compared; the raw HTML pages of
magic-html-bench (125,000 lines, 15 s of the reference) one line in sixteen, unless
``CLEANER_FULL_CORPORA`` is set. Hypothesis adds scraped-like text.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import reference_normalize as reference
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.clean.normalize import extract_numbers, normalize_text
from cleaner.data import NormalizeConfig

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
FULL = "CLEANER_FULL_CORPORA" in os.environ
CONFIGS = [
    NormalizeConfig(punctuation=punctuation, cjk_spacing=spacing)
    for punctuation in ("cjk", "ascii", "keep")
    for spacing in ("remove", "keep")
]

# --------------------------------------------------------------------------- the predicate

SEPARATORS = (
    "-\uff0d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63~\uff5e\u301c\u223c:\uff1a\u2236"
    "/\uff0f,\uff0c\u3001*\uff0a\u00d7+\uff0b=\uff1d\u81f3\u5230\u6bd4"
)
UNITS = "%\u2030\u2031\u2103\u2109\u00b0"
CJK = "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
SPACES = "\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000"
INVISIBLE = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b\u2060\ufeff"
SPACE_RE = re.compile(f"[{SPACES}]")
INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
FULL_WIDTH_DIGITS = str.maketrans(
    "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19", "0123456789"
)
PIECE = "(?:[0-9]|[.\uff0e]|\uff0e[0-9])"
SPACED_RUN_RE = re.compile(f"(?<![0-9.\uff0e]){PIECE}(?: +{PIECE})+")
TIED_BEFORE_RE = re.compile(f"[0-9] ?[{SEPARATORS}] ?$")
TIED_AFTER_RE = re.compile(f" ?[{SEPARATORS}] ?[0-9]")
CHANGED_RES = [
    re.compile("[0-9] +\uff0e[0-9]"),  # a full-width point glued to the digit after it
    re.compile(f"[0-9] [{UNITS}]|[0-9] [{UNITS}] [{CJK}]|[0-9][{UNITS[1:]}] [{CJK}]"),
]
DIGIT_RE = re.compile("[0-9\uff10-\uff19]")
ANY_SPACE_RE = re.compile(f"[ {SPACES}]")
DIGIT_ZWSP_RE = re.compile(
    f"[0-9\uff10-\uff19][{INVISIBLE}]*\u200b[{INVISIBLE}]*[0-9\uff10-\uff19]"
)


def intended_change(line: str) -> bool:
    """Tell whether the fixes of issues 16 and 14 may change ``line`` (see the module doc)."""
    if not (DIGIT_RE.search(line) and ANY_SPACE_RE.search(line)):  # every case holds both
        return False
    if DIGIT_ZWSP_RE.search(line):
        return True
    prepared = INVISIBLE_RE.sub("", SPACE_RE.sub(" ", line)).translate(FULL_WIDTH_DIGITS)
    prepared = re.sub(" +", " ", prepared)
    if any(pattern.search(prepared) for pattern in CHANGED_RES):
        return True
    return any(
        TIED_BEFORE_RE.search(prepared, 0, run.start()) or TIED_AFTER_RE.match(prepared, run.end())
        for run in SPACED_RUN_RE.finditer(prepared)
    )


def test_the_predicate_names_the_issue_cases() -> None:
    for line in [
        "\u6bd4\u52063:1 2:0",
        "1/2\t3/4",
        "3-1\u00a02-0",
        "\u76f8\u5dee1~2 3~4\u5929",
        "9/9 3,436,433\u4ebf\u5143",
        "9.8 %",
        "2 2 \uff0e4 \u4e07\u4ef6",
        "1 0 \uff0e0 6 \u2030",
        "2 0 1 3 \u20142 0 1 5 \u5e74",
        "3:1\u200b2:0",
        "3\u2030 \u5de6\u53f3",
    ]:
        assert intended_change(line), line
    for line in [
        "2 0 2 1 \u5e74",
        "7 . 9 5 \u4ebf\u5143",
        "714.9 48.1",
        "2022-06-28 10:33",
        "9 0%",
    ]:
        assert not intended_change(line), line


# --------------------------------------------------------------------------- the comparison


def digits(text: str) -> list[int]:
    return [unicodedata.decimal(ch) for ch in text if ch.isdecimal()]


def compare(text: str, config: NormalizeConfig) -> None:
    """Check ``text`` line by line against the reference, or by the promises where intended."""
    new, old = normalize_text(text, config), reference.normalize_text(text, config)
    lines = text.split("\n")
    intended = [intended_change(line) for line in lines]
    for line, ours, theirs, changed in zip(
        lines, new.text.split("\n"), old.text.split("\n"), intended, strict=True
    ):
        if not changed:
            assert ours == theirs, (line, config)
        else:
            assert normalize_text(ours, config).text == ours, line
            assert digits(ours) == digits(line)
            assert extract_numbers(ours) == extract_numbers(line)
    if not any(intended):
        assert new.rule_counts == old.rule_counts, (text, config)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def corpus_lines(sample_html: bool) -> dict[str, list[str]]:
    """Return the distinct lines of the seeds and of every UTF-8 file of ../shared/corpora."""
    found: dict[str, set[str]] = {"seeds": set()}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        found["seeds"].update(path.read_text("utf-8").split("\n"))
    for path in sorted(CORPORA.rglob("*")):
        if not path.is_file():
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        part = found.setdefault(path.relative_to(CORPORA).parts[0] + path.suffix, set())
        if path.suffix == ".jsonl":
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
            texts = [s for record in records for s in _strings(record)]
        elif path.suffix == ".json":
            texts = list(_strings(json.loads(text)))
        else:
            texts = [text]
        for text in texts:
            part.update(text.split("\n"))
    lines = {name: sorted(part) for name, part in found.items()}
    if sample_html:
        lines["magic-html-bench.html"] = lines["magic-html-bench.html"][::16]
    return lines


@pytest.fixture(scope="module")
def corpora() -> dict[str, list[str]]:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not there")
    return corpus_lines(sample_html=not FULL)


def test_every_corpus_line_as_the_reference_gives_it(corpora: dict[str, list[str]]) -> None:
    compared = 0
    for lines in corpora.values():
        for line in lines:
            compare(line, NormalizeConfig())
            compared += 1
    assert compared > 20_000


@pytest.mark.parametrize("config", CONFIGS[1:], ids=lambda c: f"{c.punctuation}-{c.cjk_spacing}")
def test_text_corpus_lines_in_every_mode(
    corpora: dict[str, list[str]], config: NormalizeConfig
) -> None:
    for name, lines in corpora.items():
        if not name.endswith(".html"):
            for line in lines:
                compare(line, config)


def test_seeds_as_whole_texts() -> None:
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for config in CONFIGS:
            compare(path.read_text("utf-8"), config)


# --------------------------------------------------------------------------- scraped-like text

PIECES = [
    *"\u5168\u5e02\u533b\u4fdd\u4eba\u5e74\u4e07\u4ebf\u5143\u7684\u3042\ud55c",
    *",;:?!()\"'\u201c\u201d",
    *"\uff0c\u3002\u3001\uff1b\uff1a\uff08\uff09\u3010\u3011",
    *"0123456789",
    *" .\uff0e%\u2030-/~\u2014\u81f3",
    " ",
    " ",
    "  ",
    "\u00a0",
    "\u3000",
    "\t",
    "\u2002",
    "\u200b",
    "\ufeff",
    "\ufdd0",
    "\n",
    "2 0 2 1 ",
    "7 . 9 5 ",
    "1 0 \uff0e0 6 ",
    "714.9 48.1",
    "3:1 2:0",
    "10:33",
    "1,000",
    "DRG ",
    " HIS",
    "a.b",
    "https://a.b ",
    "\uff12\uff10",
    "\uff24",
    "(\u5176\u4e2d",
    ")",
]
scraped_text = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
EXAMPLES = settings(max_examples=int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "400")), deadline=None)


@EXAMPLES
@given(scraped_text, st.sampled_from(CONFIGS))
def test_scraped_like_text_as_the_reference_gives_it(text: str, config: NormalizeConfig) -> None:
    compare(text, config)
