import csv
import json
import random
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from datasketch.hashfunc import sha1_hash32

from cleaner.dedup import minhash
from cleaner.dedup.minhash import (
    EMPTY_VALUE,
    datasketch_compatible_signature,
    estimate_jaccard,
    is_empty,
    shingle_hashes,
    signature,
    signatures,
)
from cleaner.dedup.shingles import jaccard, shingle_set

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOV_REPORTS = ROOT.parent / "shared" / "corpora" / "cn-gov-reports"


def seed_paragraphs(min_chars: int = 1) -> list[str]:
    lines = [line.strip() for path in SEEDS for line in path.read_text("utf-8").splitlines()]
    return [line for line in lines if len(line) >= min_chars]


def gov_report_texts() -> list[str]:
    """Provincial reports (CSV full_text) and State Council reports (jsonl content)."""
    if not GOV_REPORTS.is_dir():
        pytest.skip("../shared/corpora/cn-gov-reports is not beside the repository")
    csv.field_size_limit(sys.maxsize)
    texts = []
    for path in sorted((GOV_REPORTS / "provincial-2026-raw").glob("2026_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            texts += [row["full_text"] for row in csv.DictReader(stream)]
    national = GOV_REPORTS / "national-wikisource" / "government_work_reports.jsonl"
    texts += [json.loads(line)["content"] for line in national.read_text("utf-8").splitlines()]
    return texts


def datasketch_sha1_signature(text: str, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    reference = MinHash(num_perm=num_perm, seed=seed, scheme="affine32")
    reference.update_batch([s.encode("utf-8") for s in sorted(shingle_set(text, 5))])
    return reference.hashvalues


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 42)])
def test_identical_to_datasketch_given_its_sha1_base_hash(num_perm, seed):
    for text in seed_paragraphs(min_chars=1)[:40] + ["\u533b\u4fdd"]:
        base = [sha1_hash32(s.encode("utf-8")) for s in sorted(shingle_set(text, 5))]
        ours = datasketch_compatible_signature(base, num_perm, seed)
        assert ours.dtype == np.uint32
        assert np.array_equal(ours, datasketch_sha1_signature(text, num_perm, seed))


@pytest.mark.parametrize(
    ("num_perm", "shingle_chars", "seed"), [(128, 5, 1), (64, 3, 9), (32, 1, 0)]
)
def test_signature_identical_to_datasketch_fed_our_base_hashes(num_perm, shingle_chars, seed):
    texts = [path.read_text("utf-8") for path in SEEDS] + ["\u533b\u4fdd", "x"]
    ours = signatures(texts, num_perm, shingle_chars, seed)
    for text, row in zip(texts, ours, strict=True):
        reference = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=int)
        reference.update_batch(shingle_hashes(text, shingle_chars).tolist())
        assert np.array_equal(row, reference.hashvalues)


def reference_base_hash(shingle: str) -> int:
    """The documented base hash, in Python integers."""
    state = minhash._POLY_OFFSET
    for char in shingle:
        state = (state * minhash._POLY_MULTIPLIER + ord(char)) % 2**64
    return (state * minhash._FOLD_MULTIPLIER % 2**64) >> 32


@pytest.mark.parametrize(
    "text", ["\u533b\u4fdd\u60e0\u6c11\u5de5\u7a0b\u5efa\u8bbe", "ab", "a", "x\U0001f600yz\u3002w"]
)
def test_base_hashes_follow_the_documented_family(text):
    compact = "".join(text.split())
    if len(compact) < 5:
        expected = [reference_base_hash(compact)]
    else:
        expected = [reference_base_hash(compact[i : i + 5]) for i in range(len(compact) - 4)]
    assert shingle_hashes(text).tolist() == expected


def test_one_base_hash_per_distinct_shingle():
    for path in SEEDS:
        text = path.read_text("utf-8")
        assert len(set(shingle_hashes(text).tolist())) == len(shingle_set(text, 5))


def edited_pairs(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Pairs of overlapping windows of real text, one side lightly edited: J spans 0..1."""
    texts = ["".join(t.split()) for t in gov_report_texts() + [p.read_text("utf-8") for p in SEEDS]]
    texts = [t for t in texts if len(t) >= 1000]
    pairs = []
    for _ in range(count):
        text = rng.choice(texts)
        length = rng.randint(40, min(1500, len(text) // 2))
        start = rng.randrange(len(text) - 2 * length + 1)
        offset = int(length * rng.random() ** 2)  # more pairs at high similarity
        first = text[start : start + length]
        second = list(text[start + offset : start + offset + length])
        for _ in range(int(len(second) * rng.uniform(0.0, 0.01))):
            second[rng.randrange(len(second))] = rng.choice(first)
        pairs.append((first, "".join(second)))
    return pairs


def test_jaccard_estimates_within_003_of_exact_on_1000_pairs():
    pairs = edited_pairs(1000, random.Random(3))
    sigs = signatures([text for pair in pairs for text in pair])
    estimated = np.array(
        [estimate_jaccard(sigs[2 * i], sigs[2 * i + 1]) for i in range(len(pairs))]
    )
    exact = np.array([jaccard(shingle_set(a, 5), shingle_set(b, 5)) for a, b in pairs])
    counts, _ = np.histogram(exact, bins=5, range=(0.0, 1.0))
    assert counts.min() >= 50, f"similarities should span 0..1, got {counts}"
    error = np.abs(estimated - exact)
    assert error.mean() <= 0.03
    high = exact >= 0.8
    assert error[high].mean() <= 0.03


def test_deterministic_and_seeded():
    texts = [path.read_text("utf-8") for path in SEEDS]
    assert np.array_equal(signatures(texts), signatures(texts))
    assert np.array_equal(
        signatures(texts, seed=5), signatures(list(reversed(texts)), seed=5)[::-1]
    )
    assert not np.array_equal(signatures(texts, seed=1), signatures(texts, seed=2))


def test_empty_texts_give_the_empty_signature():
    sigs = signatures(["", " \n\t\u3000", "\u533b"])
    assert is_empty(sigs).tolist() == [True, True, False]
    assert (sigs[0] == EMPTY_VALUE).all()
    empty = MinHash(num_perm=128, seed=1, scheme="affine32").hashvalues
    assert np.array_equal(sigs[0], empty)
    assert signatures([]).shape == (0, 128)


def test_short_text_is_one_shingle():
    short = signature("\u533b \u4fdd")
    assert np.array_equal(short, signature("\u533b\u4fdd"))
    assert not np.array_equal(short, signature("\u4fdd\u533b"))
    assert np.array_equal(short, datasketch_compatible_signature(shingle_hashes("\u533b\u4fdd")))
    assert estimate_jaccard(short, signature("\u533b\u4fdd\u60e0")) < 0.1
    assert (
        estimate_jaccard(signature("abcde"), signature("abcd")) < 0.1
    )  # 1 shingle each, different


@pytest.mark.parametrize("batch_chars", [10, 11, 64, 997, 1 << 20])
def test_chunked_equals_unchunked(batch_chars, monkeypatch):
    texts = [path.read_text("utf-8")[:3000] for path in SEEDS] + ["", "ab", "abcde", "abcdef" * 50]
    whole = np.stack([datasketch_compatible_signature(shingle_hashes(t)) for t in texts])
    assert np.array_equal(signatures(texts, batch_chars=batch_chars), whole)
    monkeypatch.setattr(minhash, "BLOCK_VALUES", 1000)
    assert np.array_equal(signatures(texts, batch_chars=batch_chars), whole)


def test_long_text_split_into_pieces_keeps_every_window():
    text = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(5000))
    assert np.array_equal(signature(text), signatures([text], batch_chars=13)[0])


def test_lone_surrogates_are_hashed_not_rejected():
    assert not is_empty(signatures(["ab\udc80cdef"])).any()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_perm": 0}, "num_perm"),
        ({"shingle_chars": 0}, "shingle_chars"),
        ({"batch_chars": 5}, "batch_chars"),
    ],
)
def test_bad_parameters_say_what_to_change(kwargs, message):
    with pytest.raises(ValueError, match=message):
        signatures(["\u533b\u4fdd"], **kwargs)


def test_estimate_rejects_signatures_of_different_lengths():
    with pytest.raises(ValueError, match="num_perm"):
        estimate_jaccard(signature("abcdef", num_perm=16), signature("abcdef", num_perm=32))


def test_memory_is_bounded_by_the_batch_not_the_text():
    text = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(2_000_000))
    tracemalloc.start()
    try:
        signatures([text])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 128 values per shingle at once would be 1 GB; the batches need a few MB.
    assert peak < 2 * len(text.encode("utf-16-le")) + 32_000_000


# The compiled inner loop (cleaner/dedup/_kernels.c) must give numpy's minima bit for bit.
needs_kernel = pytest.mark.skipif(minhash._kernels is None, reason="cleaner.dedup._kernels not built")


@needs_kernel
@pytest.mark.parametrize("num_perm", [1, 3, 8, 128, 257])
def test_compiled_minima_equal_numpys(num_perm):
    rng = np.random.default_rng(num_perm)
    values = rng.integers(0, 1 << 32, 5_000, dtype=np.uint32)
    values[:4] = [0, 1, 0xFFFFFFFF, 0x80000000]  # the edges of the word
    # Segments of 1 to 40 values, and a last one that runs to the end.
    starts = np.cumsum(np.concatenate([[0], rng.integers(1, 41, 200)]))
    starts = starts[starts < len(values)].astype(np.int64)
    compiled = minhash._segment_minima(values, starts, num_perm, 7)
    reference = minhash._segment_minima_numpy(values, starts, num_perm, 7)
    assert compiled.shape == (len(starts), num_perm)
    assert np.array_equal(compiled, reference)


@needs_kernel
def test_signatures_of_real_text_are_the_same_without_the_compiled_loop(monkeypatch):
    texts = seed_paragraphs() + [path.read_text("utf-8") for path in SEEDS]
    compiled = signatures(texts, num_perm=128)
    monkeypatch.setattr(minhash, "_kernels", None)
    assert np.array_equal(signatures(texts, num_perm=128), compiled)


@needs_kernel
def test_the_compiled_loop_refuses_an_empty_segment():
    values = np.arange(10, dtype=np.uint32)
    a, b = minhash.permutations(4, 1)
    out = np.empty((3, 4), dtype=np.uint32)
    for starts in ([0, 5, 5], [0, 5, 10], [0, 7, 3]):
        with pytest.raises(ValueError, match="empty segment"):
            minhash._kernels.segment_minima(values, np.array(starts, np.int64), a, b, out)


@needs_kernel
@pytest.mark.parametrize("shingle_chars", [1, 2, 5, 7])
def test_compiled_pieces_equal_numpys(shingle_chars):
    rng = np.random.default_rng(shingle_chars)
    lengths = rng.integers(1, 30, 300).astype(np.int64)
    lengths[:8] = [1, shingle_chars - 1 or 1, shingle_chars, shingle_chars + 1, 200, 1, 2, 3]
    points = rng.integers(0, 0x110000, int(lengths.sum()), dtype=np.uint32)
    points[:4] = [0, 0x10FFFF, 0x4E00, 32]
    pieces = [
        "".join(map(chr, points[s - n : s]))
        for s, n in zip(np.cumsum(lengths), lengths, strict=True)
    ]
    compiled = minhash._piece_signatures(pieces, shingle_chars, 64, 3)
    reference = minhash._piece_signatures_numpy(points, lengths, shingle_chars, 64, 3)
    assert np.array_equal(compiled, reference)


@needs_kernel
def test_long_texts_cut_into_pieces_sign_the_same_in_c(monkeypatch):
    texts = [path.read_text("utf-8") for path in SEEDS] * 3
    compiled = signatures(texts, num_perm=128, batch_chars=1_000)
    monkeypatch.setattr(minhash, "_kernels", None)
    assert np.array_equal(signatures(texts, num_perm=128, batch_chars=1_000), compiled)


@needs_kernel
def test_the_compiled_pieces_refuse_lengths_that_do_not_add_up():
    a, b = minhash.permutations(4, 1)
    points = np.arange(10, dtype=np.uint32)
    for lengths in ([4, 5], [4, 7], [-1, 11]):
        out = np.empty((len(lengths), 4), dtype=np.uint32)
        with pytest.raises(ValueError, match="do not add up"):
            minhash._kernels.piece_minima(
                points, np.array(lengths, np.int64), 5, 1, 3, 5, a, b, out
            )
