"""Duplicated blocks inside a document and near-duplicate documents across a corpus."""

from __future__ import annotations

import random
from itertools import combinations

from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.clean.blocks import documents_sharing_bands, find_duplicate_blocks
from cleaner.data import DedupConfig, Line
from cleaner.dedup.lsh import pairwise
from cleaner.dedup.near import (
    differ_only_in_numbers,
    find_near_duplicates,
    paragraph_signatures,
    signature,
)
from cleaner.dedup.shingles import jaccard, shingle_set

CONFIG = DedupConfig()


def paragraphs_of(texts: list[str], start: int = 1) -> list[Line]:
    return [Line(start + 2 * i, text) for i, text in enumerate(texts)]


def seed_paragraphs(prefix: str) -> list[str]:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").split("\n")
        if len(line.strip()) > 40
    ]


def test_article_repeated_once_is_one_block():
    article = seed_paragraphs("003")[:8]
    paragraphs = paragraphs_of(article + article)
    kept, blocks, removals = find_duplicate_blocks(paragraphs, CONFIG)
    assert [p.text for p in kept] == article
    (block,) = blocks
    assert block.original_lines == (paragraphs[0].line_no, paragraphs[7].line_no)
    assert block.lines == (paragraphs[8].line_no, paragraphs[15].line_no)
    assert block.paragraphs == 8 and block.similarity == 1.0
    assert [r.line_no for r in removals] == [p.line_no for p in paragraphs[8:]]


def test_near_duplicate_paragraph_with_an_edit():
    text = seed_paragraphs("003")[1]
    edited = text.replace("2024", "2025", 1)
    kept, blocks, _ = find_duplicate_blocks(paragraphs_of([text, edited]), CONFIG)
    assert len(kept) == 1
    assert 0.8 <= blocks[0].similarity < 1.0


def test_lone_repeated_heading_is_not_a_block():
    heading = "\u5f3a\u5316\u57fa\u672c\u533b\u7597\u4fdd\u9669\u4fdd\u969c\u529f\u80fd"  # 12 chars
    body = seed_paragraphs("004")[:3]
    paragraphs = paragraphs_of([heading, body[0], heading, body[1], body[2]])
    kept, blocks, removals = find_duplicate_blocks(paragraphs, CONFIG)
    assert len(kept) == 5 and blocks == () and removals == ()


def test_different_paragraphs_are_kept():
    texts = seed_paragraphs("002")
    kept, blocks, _ = find_duplicate_blocks(paragraphs_of(texts), CONFIG)
    assert len(kept) == len(texts) and blocks == ()


def _mutate(text: str, rng: random.Random, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        chars[rng.randrange(len(chars))] = chr(0x4E00 + rng.randrange(0x5000))
    return "".join(chars)


def test_near_duplicate_documents_cluster_and_agree_with_exact_jaccard():
    rng = random.Random(7)
    bases = [p for prefix in ("000", "001", "002", "003") for p in seed_paragraphs(prefix)]
    docs = []
    for _ in range(12):
        docs.append("".join(rng.sample(bases, 3)))
    docs += [_mutate(docs[0], rng, 3), _mutate(docs[5], rng, 2), docs[7]]
    ids = [f"doc{i:02d}" for i in range(len(docs))]
    sets = [shingle_set(d, 5) for d in docs]
    clusters = find_near_duplicates(
        ids, [signature(d, CONFIG) for d in docs], [len(d) for d in docs], CONFIG
    )
    found = {(c.kept, m.doc_id) for c in clusters for m in c.dropped}
    assert found == {("doc00", "doc12"), ("doc05", "doc13"), ("doc07", "doc14")}
    # The reference: every pair whose exact Jaccard clears the threshold is in one cluster.
    exact = {
        (ids[a], ids[b])
        for a, b in combinations(range(len(docs)), 2)
        if jaccard(sets[a], sets[b]) >= 0.85
    }
    assert exact <= found


def test_keep_longest():
    base = "".join(seed_paragraphs("002")[:4])
    longer = base + "\u672c\u6587\u5b8c\u3002"
    ids, docs = ["a", "b"], [base, longer]
    signatures = [signature(d, CONFIG) for d in docs]
    first = find_near_duplicates(ids, signatures, [len(d) for d in docs], CONFIG)
    longest = find_near_duplicates(
        ids, signatures, [len(d) for d in docs], DedupConfig(keep="longest")
    )
    assert first[0].kept == "a" and longest[0].kept == "b"


def test_empty_documents_never_cluster():
    clusters = find_near_duplicates(["a", "b"], [None, None], [0, 0], CONFIG)
    assert clusters == ()


@settings(max_examples=40, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=6, max_size=300
    )
)
def test_identical_documents_always_collapse(text):
    sig = signature(text, CONFIG)
    clusters = find_near_duplicates(["a", "b", "c"], [sig, sig, sig], [len(text)] * 3, CONFIG)
    assert len(clusters) == 1 and clusters[0].kept == "a"
    assert [m.doc_id for m in clusters[0].dropped] == ["b", "c"]


def test_differ_only_in_numbers():
    a = "\u53c2\u4fdd714.9\u4e07\u4eba\uff0c\u7ed3\u4f5920.3\u4ebf\u5143"
    assert differ_only_in_numbers(a, a.replace("714.9", "702.1"))
    assert not differ_only_in_numbers(a, a.replace("\u4e07", "\u5343"))


def test_exact_check_stops_a_lucky_estimate():
    base = "".join(seed_paragraphs("002")[:3])
    # Estimated at 0.92: near enough to the threshold for the exact check to decide.
    docs = [base, base.replace("\u533b\u4fdd", "\u4fdd\u9669", 8)]
    signatures = [signature(d, CONFIG) for d in docs]
    assert find_near_duplicates(["a", "b"], signatures, [1, 1], CONFIG)
    # The same pair, told by the exact similarity that it is not a duplicate, stays.
    never = find_near_duplicates(
        ["a", "b"], signatures, [1, 1], CONFIG, exact_jaccard=pairwise(lambda i, j: 0.5)
    )
    assert never == ()


def test_batch_band_check_flags_every_document_with_a_repeat():
    """A document the batch check passes over must have no repeated block to find."""
    rng = random.Random(3)
    pool = seed_paragraphs("003") + seed_paragraphs("004")
    documents = []
    for _ in range(40):
        texts = rng.sample(pool, rng.randrange(0, 6))
        if texts and rng.random() < 0.4:  # a repeat, exact or edited
            texts.append(_mutate(rng.choice(texts), rng, rng.randrange(0, 3)))
        if rng.random() < 0.2:
            texts += ["", ""]  # empty paragraphs share every band
        documents.append(paragraphs_of(texts))
    documents.append(paragraphs_of(pool[:3]))  # shared only across documents
    documents.append(paragraphs_of(pool[:3]))
    rows = paragraph_signatures([p for d in documents for p in d], CONFIG)
    flags = documents_sharing_bands(rows, [len(d) for d in documents], CONFIG)
    assert len(flags) == len(documents)
    for document, flag in zip(documents, flags, strict=True):
        _, blocks, removals = find_duplicate_blocks(document, CONFIG)
        if not flag:
            assert blocks == () and removals == ()
    assert flags[-1] is False and flags[-2] is False
    assert any(flags)


def test_batch_band_check_of_nothing():
    empty = paragraph_signatures([], CONFIG)
    assert documents_sharing_bands(empty, [], CONFIG) == []
    assert documents_sharing_bands(empty, [0, 0], CONFIG) == [False, False]


# 要搞马克思主义，不要搞修正主义；要团结，不要分裂；要光明正大，不要搞阴谋诡计 (38 characters)
SLOGAN = (
    "\u8981\u641e\u9a6c\u514b\u601d\u4e3b\u4e49\uff0c\u4e0d\u8981\u641e\u4fee\u6b63"
    "\u4e3b\u4e49\uff1b\u8981\u56e2\u7ed3\uff0c\u4e0d\u8981\u5206\u88c2\uff1b\u8981"
    "\u5149\u660e\u6b63\u5927\uff0c\u4e0d\u8981\u641e\u9634\u8c0b\u8be1\u8ba1"
)
# 全市城乡居民医保参保人数达714.9万人，参保率稳定在95%以上，群众看病就医负担进一步减轻。
# 全年结算住院费用48.1亿元，基金运行平稳。
LEAD = (
    "\u5168\u5e02\u57ce\u4e61\u5c45\u6c11\u533b\u4fdd\u53c2\u4fdd\u4eba\u6570"
    "\u8fbe714.9\u4e07\u4eba\uff0c\u53c2\u4fdd\u7387\u7a33\u5b9a\u572895%\u4ee5"
    "\u4e0a\uff0c\u7fa4\u4f17\u770b\u75c5\u5c31\u533b\u8d1f\u62c5\u8fdb\u4e00"
    "\u6b65\u51cf\u8f7b\u3002"
    "\u5168\u5e74\u7ed3\u7b97\u4f4f\u9662\u8d39\u752848.1\u4ebf\u5143\uff0c\u57fa\u91d1\u8fd0\u884c\u5e73\u7a33\u3002"
)


def _numbered(texts: list[str]) -> list[Line]:
    return [Line(number, text) for number, text in enumerate(texts, start=1)]


def test_a_slogan_quoted_twice_in_a_speech_stays():
    body = [
        "\u4e00\u3001\u8fc7\u53bb\u4e94\u5e74\u7684\u5de5\u4f5c",  # 一、过去五年的工作
        SLOGAN,
        LEAD,
        "\u4e8c\u3001\u4eca\u5e74\u7684\u4efb\u52a1",  # 二、今年的任务
        SLOGAN,
    ]
    kept, blocks, removals = find_duplicate_blocks(_numbered(body), CONFIG)
    assert len(SLOGAN) < 2 * CONFIG.min_block_chars
    assert [line.text for line in kept] == body and not blocks and not removals


def test_a_long_paragraph_repeated_alone_is_a_duplicated_block():
    # The share card at the end of a page repeats the article's lead paragraph.
    body = ["\u6807\u9898", LEAD, SLOGAN, LEAD + "\u3002"]
    kept, blocks, removals = find_duplicate_blocks(_numbered(body), CONFIG)
    assert len(LEAD) >= 2 * CONFIG.min_block_chars
    assert [line.line_no for line in kept] == [1, 2, 3]
    assert [(b.lines, b.original_lines) for b in blocks] == [((4, 4), (2, 2))]
    assert [r.line_no for r in removals] == [4]


def test_two_short_paragraphs_repeated_together_are_a_block():
    body = [SLOGAN, SLOGAN[:20] + "\u3002", "\u6807\u9898", SLOGAN, SLOGAN[:20] + "\u3002"]
    kept, blocks, _ = find_duplicate_blocks(_numbered(body), CONFIG)
    assert [line.line_no for line in kept] == [1, 2, 3]
    assert blocks[0].paragraphs == 2


def test_batch_document_signatures_equal_one_document_at_a_time():
    """The batch's minima are document_signature of each document's rows, empty ones None."""
    import numpy as np

    from cleaner.dedup.minhash import EMPTY_VALUE
    from cleaner.dedup.near import batch_document_signatures, document_signature

    rng = np.random.default_rng(7)
    for _ in range(50):
        counts = rng.integers(0, 4, rng.integers(1, 9)).tolist()
        rows = rng.integers(0, 2**32, (sum(counts), 8), dtype=np.uint32)
        rows[rng.random(len(rows)) < 0.3] = EMPTY_VALUE  # paragraphs with no characters
        starts = np.cumsum([0, *counts])
        expected = [
            document_signature(rows[a:b]) for a, b in zip(starts[:-1], starts[1:], strict=True)
        ]
        found = batch_document_signatures(rows, counts)
        assert [None if s is None else s.tolist() for s in found] == [
            None if s is None else s.tolist() for s in expected
        ]
