"""Reposts that cut or add a paragraph (issue 18): the containment test and its candidates."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from conftest import seed_path

from cleaner.clean.document import clean_text
from cleaner.cli import cli
from cleaner.dedup.containment import candidate_pairs, pair_containments

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


def test_containment_of_repost_shapes():
    article = _article()
    original = "\n".join(article)
    cut = _repost(article, 4)
    noted = "\n".join([*article, NOTE])
    other = clean_text(seed_path("002").read_text(encoding="utf-8")).text
    values = pair_containments([original, cut, noted, other], [(1, 0), (2, 0), (3, 0)], 5)
    assert values[0] >= 0.9 and values[1] == 1.0
    assert values[2] < 0.2


def test_candidates_need_most_of_the_smaller_documents_paragraphs():
    keys = [
        np.array([1, 2, 3, 4], np.uint64),
        np.array([1, 2, 3, 9], np.uint64),  # shares 3 of 4
        np.array([1, 7, 8, 10, 11], np.uint64),  # shares 1: not a candidate
    ]
    assert candidate_pairs(keys).tolist() == [[0, 1]]
    assert candidate_pairs([None, np.zeros(0, np.uint64)]).tolist() == []
