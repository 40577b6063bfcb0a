"""The packed-integer exact Jaccard must equal the one over sets of shingle strings."""

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup.exact import pair_similarities, shingle_codes
from cleaner.dedup.shingles import document_shingles, jaccard

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def reference(first: str, second: str, size: int) -> float:
    return jaccard(document_shingles(first, size), document_shingles(second, size))


# Scraped lines: CJK, full-width punctuation, figures, Latin, odd white space, short lines.
PIECES = st.sampled_from(
    [
        "医",
        "保",
        "惠",
        "民",
        "工",
        "程",
        "年",
        "\uff0c",
        "\u3002",
        "2",
        "0",
        "a",
        "B",
        " ",
        "\u3000",
        "\xa0",
        "\t",
        "\n",
        "\n\n",
        "\r\n",
        "\U00020000",
    ]
)
TEXTS = st.lists(PIECES, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=2, max_size=5), st.integers(1, 7), st.randoms())
def test_equals_the_sets_of_strings(texts, size, rng):
    pairs = [(rng.randrange(len(texts)), rng.randrange(len(texts))) for _ in range(6)]
    expected = [reference(texts[a], texts[b], size) for a, b in pairs]
    assert pair_similarities(texts, pairs, size) == expected


def test_seed_documents_against_each_other():
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    assert len(texts) >= 5
    pairs = [(a, b) for a in range(len(texts)) for b in range(len(texts))]
    got = pair_similarities(texts, pairs, 5)
    assert got == [reference(texts[a], texts[b], 5) for a, b in pairs]
    assert all(got[a * len(texts) + a] == 1.0 for a in range(len(texts)))


def test_near_duplicate_edit_of_a_real_page():
    page = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    lines = page.split("\n")
    edited = "\n".join(
        lines[: len(lines) // 2] + ["\u672c\u6587\u6765\u6e90\uff1a\u65b0\u534e\u793e"]
    )
    (similarity,) = pair_similarities([page, edited], [(0, 1)], 5)
    assert 0.0 < similarity < 1.0
    assert similarity == reference(page, edited, 5)


def test_too_many_characters_to_pack_fall_back_to_strings():
    # 5,000 distinct CJK characters cannot be numbered in 12 bits (n = 5).
    rng = random.Random(7)
    alphabet = [chr(0x4E00 + k) for k in range(5000)]
    base = "".join(rng.sample(alphabet, 5000))
    texts = [base, base[:4000] + "\u3002", base[1000:], "".join(rng.sample(alphabet, 300))]
    assert shingle_codes(texts, 5) is None
    pairs = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 3)]
    assert pair_similarities(texts, pairs, 5) == [
        reference(texts[a], texts[b], 5) for a, b in pairs
    ]


def test_empty_texts():
    assert pair_similarities(["", " \n\u3000", "\u6587"], [(0, 1), (0, 2)], 5) == [1.0, 0.0]
