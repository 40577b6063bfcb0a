"""Reposts that cut or add a paragraph (issue 18): the containment test and its candidates."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from conftest import seed_path

from cleaner.clean.document import clean_text
from cleaner.cli import cli
from cleaner.data import Line
from cleaner.dedup.containment import (
    MIN_PARAGRAPH_CHARS,
    candidate_pairs,
    paragraph_keys,
    repost_match,
)
from cleaner.report.check import check_corpus

NOTE = (
    "\u7f16\u8005\u6309\uff1a\u672c\u6587\u8f6c\u8f7d\u81ea\u5408\u4f5c\u5a92\u4f53\uff0c"
    "\u6587\u4e2d\u89c2\u70b9\u4ec5\u4ee3\u8868\u4f5c\u8005\u672c\u4eba\u3002"
)
HEADER = "\u534e\u5317\u65b0\u95fb\u7f51\n\u9996\u9875 > \u65b0\u95fb\u4e2d\u5fc3 > \u8f6c\u8f7d"
FOOTER = "\u8d23\u4efb\u7f16\u8f91\uff1a\u738b\u654f"


def _article() -> list[str]:
    return clean_text(seed_path("001").read_text(encoding="utf-8")).text.split("\n")[:-1]


def _repost(paragraphs: list[str], cut: int) -> str:
    kept = paragraphs[:cut] + paragraphs[cut + 1 :]
    return "\n".join([HEADER, *kept, NOTE, FOOTER]) + "\n"


@pytest.fixture
def reposts(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    article = _article()
    (folder / "a_original.txt").write_text("\n".join(article) + "\n", encoding="utf-8")
    # The longest paragraph cut: a fifth of the text, Jaccard similarity below 0.8.
    longest = max(range(1, len(article)), key=lambda k: len(article[k]))
    (folder / "b_repost.txt").write_text(_repost(article, longest), encoding="utf-8")
    # The same template next year: every figure differs.
    changed = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), "\n".join(article))
    (folder / "c_next_year.txt").write_text(changed + "\n", encoding="utf-8")
    return folder


def test_repost_that_cut_a_paragraph_is_a_duplicate_by_containment(runner, reposts, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(reposts), str(out), "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    dropped = {m["doc_id"]: (c["kept"], m) for c in data["clusters"] for m in c["dropped"]}
    kept, member = dropped["b_repost.txt"]
    # The original keeps the paragraph the repost cut: it is longer, and it is kept.
    assert kept == "a_original.txt"
    assert member["test"] == "containment"
    assert member["similarity"] >= 0.9
    assert not (out / "b_repost.txt").exists()
    # Next year's report from the template stays: only its figures differ.
    assert "c_next_year.txt" not in dropped
    assert (out / "c_next_year.txt").exists()


def test_jaccard_alone_misses_the_repost(runner, reposts, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(reposts), str(out), "-q", "--containment", "1"])
    assert result.exit_code == 0
    data = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    dropped = {m["doc_id"] for c in data["clusters"] for m in c["dropped"]}
    assert "b_repost.txt" not in dropped


def _keys(text: str):
    return paragraph_keys([Line(k, line) for k, line in enumerate(text.split("\n"), 1)])


def _edited(paragraphs: list[str], every: int) -> list[str]:
    """A near miss as gen_corpus.py edits one: a character changed every ``every``, in every paragraph."""
    return [
        "".join("\u7684" if k % every == every // 2 else c for k, c in enumerate(p))
        for p in paragraphs
    ]


def test_reposts_line_up_and_edited_copies_do_not():
    article = _article()
    original = _keys("\n".join(article))
    for cut in (1, 4, len(article) - 1):  # a paragraph inside, or the last one
        match = repost_match(_keys(_repost(article, cut)), original, 5)
        assert match.holds(0.9), (cut, match)
    noted = _keys("\n".join([*article[:3], NOTE, *article[3:]]))  # a note inserted inside
    assert repost_match(noted, original, 5).holds(0.9)
    # Edits spread through the text: each paragraph is still 0.9 contained in
    # shingles, none is found whole.
    edited = repost_match(_keys("\n".join(_edited(article, 40))), original, 5)
    assert edited.containment < 0.05 and not edited.holds(0.9)
    # One paragraph edited inside: it leaves a run on both sides, however small.
    one = article[:]
    one[3] = _edited([one[3]], 40)[0]
    match = repost_match(_keys("\n".join(one)), original, 5)
    assert match.inner_runs == 2 and not match.holds(0.9)
    other = _keys(clean_text(seed_path("002").read_text(encoding="utf-8")).text)
    assert repost_match(other, original, 5).containment < 0.2


def test_paragraph_keys_are_exact_and_ignore_white_space():
    line = max(_article(), key=len)
    assert len(line) >= MIN_PARAGRAPH_CHARS
    same = _keys(line.replace("\uff0c", " \uff0c "))  # spacing differs only
    assert _keys(line).tolist() == same.tolist()
    changed = _keys(line[:-2] + "\u3002")
    assert _keys(line)[0] != changed[0]
    assert _keys("\u77ed\u53e5").tolist() == []  # a short line carries no key


def test_candidates_need_most_of_the_smaller_documents_paragraphs():
    def keys(*found: int):
        return np.array([*found, *[100] * len(found)], np.uint64)

    documents = [keys(1, 2, 3, 4), keys(1, 2, 3, 9), keys(1, 7, 8, 10, 11)]  # 3 of 4; 1 of 4
    assert candidate_pairs(documents).tolist() == [[0, 1]]
    assert candidate_pairs([None, np.zeros(0, np.uint64)]).tolist() == []


def test_check_finds_reposts_without_staged_texts(reposts):
    result = check_corpus(reposts)
    dropped = {m.doc_id: (c.kept, m) for c in result.report.clusters for m in c.dropped}
    kept, member = dropped["b_repost.txt"]
    assert kept == "a_original.txt" and member.test == "containment"
    assert member.similarity >= 0.9
    # Next year's report stays (MinHash's estimate alone may cluster it: it is a template).
    assert "c_next_year.txt" not in dropped
