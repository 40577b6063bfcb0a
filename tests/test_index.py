"""The persistent MinHash index: settings, add/query/remove, crashes, batches, Redis."""

from __future__ import annotations

import functools
import itertools
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import SEEDS
from datasketch import MinHash

from cleaner.dedup.index.store import (
    IndexConflict,
    IndexMismatch,
    IndexParams,
    IndexRecord,
    IndexUnavailable,
    MinHashIndex,
    Signature,
    band_keys,
    deduplicate_batch,
    open_index,
)
from cleaner.errors import CleanerError

PARAMS = IndexParams(
    num_perm=128, bands=9, rows=13, shingle_chars=5, seed=1, hash_scheme="affine32", threshold=0.8
)


def minhash_signature(text: str) -> Signature:
    compact = "".join(text.split())
    shingles = {compact[i : i + 5] for i in range(max(1, len(compact) - 4))}
    minhash = MinHash(num_perm=128, seed=1, scheme="affine32")
    minhash.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    signature: Signature = minhash.hashvalues.astype(np.uint64)
    return signature


def edit(text: str, rng: random.Random) -> str:
    """An edited copy: one character replaced, one short run deleted."""
    chars = list(text)
    chars[rng.randrange(len(chars))] = "\u7684"
    start = rng.randrange(len(chars) - 3)
    del chars[start : start + 2]
    return "".join(chars)


@functools.cache
def corpus() -> tuple[tuple[str, str, str], ...]:
    """(doc_id, source_path, text): seed paragraphs and edited copies, ids in random order."""
    rng = random.Random(8)
    paragraphs = [
        line.strip()
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) >= 60
    ]
    texts = list(dict.fromkeys(paragraphs))
    texts += [edit(text, rng) for text in texts[::3]]
    texts += [edit(edit(text, rng), rng) for text in texts[1::7]]
    numbers = rng.sample(range(10_000), len(texts))
    return tuple(
        (f"doc{n:05d}", f"seeds/p{i}.txt", t)
        for i, (n, t) in enumerate(zip(numbers, texts, strict=True))
    )


@functools.cache
def records() -> tuple[IndexRecord, ...]:
    """The corpus as index records, sorted by doc_id as a run processes them."""
    return tuple(
        IndexRecord(doc_id, path, minhash_signature(text))
        for doc_id, path, text in sorted(corpus())
    )


# --------------------------------------------------------------------------- Redis server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of our own on a free localhost port, without persistence."""
    redis = pytest.importorskip("redis", reason="pip install 'cleaner[redis]' to test Redis")
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    args = [server, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    args += ["--save", "", "--appendonly", "no"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None:
                    break
                time.sleep(0.05)
        else:
            pytest.skip(f"redis-server did not answer on port {port} within 5 s")
        if process.poll() is not None:
            pytest.skip(f"redis-server exited with code {process.returncode} at start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


NAMES = itertools.count()


@pytest.fixture(params=["sqlite", "redis"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh index location for each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "index.sqlite")
    return f"{request.getfixturevalue('redis_url')}?name=test{next(NAMES)}"


def check_consistent(index: MinHashIndex) -> None:
    """Every document has one row per band and every band row names a document."""
    documents = index.stats()["documents"]
    if index.location.startswith("redis://"):
        client = index._client  # type: ignore[attr-defined]
        prefix = index._prefix  # type: ignore[attr-defined]
        ids = {int(number) for number in client.hvals(f"{prefix}:ids")}
        assert ids == {int(number) for number in client.hkeys(f"{prefix}:docs")}
        keys = list(client.scan_iter(f"{prefix}:band:*", count=10_000))
        members = index._pipelined([("smembers", key) for key in keys])  # type: ignore[attr-defined]
        band_rows = [
            (key, int(member)) for key, found in zip(keys, members, strict=True) for member in found
        ]
        assert {member for _, member in band_rows} == ids
        assert client.object("encoding", keys[0]) == b"intset"
    else:
        db = index._db  # type: ignore[attr-defined]
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        ids = {row for (row,) in db.execute("SELECT id FROM docs")}
        band_rows = db.execute("SELECT band, key, doc FROM bands").fetchall()
        assert {doc for _, _, doc in band_rows} == ids
    assert len(ids) == documents
    assert len(band_rows) == documents * PARAMS.bands


# --------------------------------------------------------------------------- settings


def test_params_are_stored_and_a_mismatch_is_refused(location: str) -> None:
    with open_index(location, PARAMS) as index:
        index.add_many(records()[:3])
    with open_index(location) as index:
        assert index.params == PARAMS
    other = IndexParams(128, 16, 8, 5, 2, "affine32", 0.7)
    with pytest.raises(IndexMismatch) as raised:
        open_index(location, other)
    message = str(raised.value)
    assert PARAMS.describe() in message and other.describe() in message
    assert "bands, rows, seed, threshold" in message
    assert "use a new index path" in message
    assert isinstance(raised.value, CleanerError)


def test_a_missing_index_without_settings_is_refused(location: str) -> None:
    with pytest.raises(IndexUnavailable, match="there is no index"):
        open_index(location)


def test_a_file_that_is_not_an_index_is_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "notes.txt"
    garbage.write_bytes("\u533b\u4fdd".encode() * 1000)
    with pytest.raises(IndexMismatch, match="not a cleaner index"):
        open_index(str(garbage), PARAMS)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    with pytest.raises(IndexMismatch, match="not a cleaner index"):
        open_index(str(other), PARAMS)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="does not exist"):
        open_index(str(tmp_path / "no" / "index.sqlite"), PARAMS)


def test_params_are_validated() -> None:
    with pytest.raises(ValueError, match="at most num_perm"):
        IndexParams(128, 10, 13, 5, 1, "affine32", 0.8)


def test_values_of_another_scheme_are_refused(tmp_path: Path) -> None:
    with open_index(str(tmp_path / "i.sqlite"), PARAMS) as index, pytest.raises(ValueError):
        index.query(np.full(128, 1 << 40, dtype=np.uint64))


# --------------------------------------------------------------------------- API


def test_add_query_remove_stats(location: str) -> None:
    first, second = records()[:2]
    with open_index(location, PARAMS) as index:
        assert index.query(first.signature) == []
        assert index.add_many([first, second]) == 2
        (match,) = index.query(first.signature)
        assert (match.doc_id, match.source_path, match.similarity) == (
            first.doc_id,
            first.source_path,
            1.0,
        )
        stats = index.stats()
        assert stats["documents"] == 2 and stats["params"]["bands"] == 9
        assert index.remove(first.doc_id) is True
        assert index.remove(first.doc_id) is False
        assert index.query(first.signature) == []
        assert index.stats()["documents"] == 1
        check_consistent(index)


def test_near_duplicates_are_found_with_their_similarity(location: str) -> None:
    rng = random.Random(3)
    text = max((t for _, _, t in corpus()), key=len)
    copy = minhash_signature(edit(text, rng))
    with open_index(location, PARAMS) as index:
        index.add_many([IndexRecord("orig", "a.txt", minhash_signature(text))])
        index.add_many([IndexRecord("other", "b.txt", records()[0].signature)])
        (match,) = index.query(copy)
    assert match.doc_id == "orig" and 0.8 <= match.similarity < 1.0


def test_matches_are_sorted_by_similarity_then_id(location: str) -> None:
    base = records()[5].signature
    close = base.copy()
    close[:10] += 1
    with open_index(location, PARAMS) as index:
        index.add_many(
            [
                IndexRecord("b", "b", base),
                IndexRecord("a", "a", base),
                IndexRecord("c", "c", close),
            ]
        )
        assert [m.doc_id for m in index.query(base)] == ["a", "b", "c"]
        assert index.query_many([base, records()[6].signature])[1] == []


def test_persists_across_close_and_reopen(location: str) -> None:
    with open_index(location, PARAMS) as index:
        index.add_many(records()[:50])
    with open_index(location, PARAMS) as index:
        assert index.stats()["documents"] == 50
        assert all(index.query(r.signature)[0].similarity == 1.0 for r in records()[:50])
        check_consistent(index)


def test_an_existing_document_id_is_refused_and_nothing_is_added(location: str) -> None:
    with open_index(location, PARAMS) as index:
        index.add_many(records()[:10])
        with pytest.raises(IndexConflict, match=repr(records()[3].doc_id)):
            index.add_many(list(records()[10:20]) + [records()[3]])
        with pytest.raises(IndexConflict, match="twice in the batch"):
            index.add_many([records()[30], records()[30]])
        assert index.stats()["documents"] == 10
        assert index.query(records()[15].signature) == []


def test_an_exception_in_the_middle_of_add_many_leaves_the_index_unchanged(location: str) -> None:
    def failing() -> Iterator[IndexRecord]:
        rng = np.random.default_rng(1)
        for number in range(25_000):  # more than two chunks are written before the error
            yield IndexRecord(f"r{number}", "x", rng.integers(0, 2**32, 128, dtype=np.uint64))
        raise RuntimeError("killed")

    with open_index(location, PARAMS) as index:
        index.add_many(records()[:5])
        with pytest.raises(RuntimeError, match="killed"):
            index.add_many(failing())
        assert index.stats()["documents"] == 5
        check_consistent(index)


KILLED_WRITER = """
import sys
import numpy as np
from cleaner.dedup.index.store import IndexParams, IndexRecord, open_index

params = IndexParams(128, 9, 13, 5, 1, "affine32", 0.8)
rng = np.random.default_rng(0)
size = int(sys.argv[2])
with open_index(sys.argv[1], params) as index:
    for batch in range(1000):
        signatures = rng.integers(0, 2**32, size=(size, 128), dtype=np.uint64)
        index.add_many(IndexRecord(f"b{batch}-{i}", "p", s) for i, s in enumerate(signatures))
        print(batch, flush=True)
"""


def test_a_writer_killed_during_a_large_add_leaves_a_consistent_index(location: str) -> None:
    # Redis writes a batch only at EXEC; a smaller one keeps the consistency scan short.
    size = 20_000 if location.endswith(".sqlite") else 5_000
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, location, str(size)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "0"
        time.sleep(0.3)  # inside the next transaction: one takes about a second
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
    with open_index(location, PARAMS) as index:
        documents = index.stats()["documents"]
        assert documents > 0 and documents % size == 0
        check_consistent(index)


def test_concurrent_writers_add_everything(location: str) -> None:
    def add(worker: int) -> None:
        rng = np.random.default_rng(worker)
        with open_index(location, PARAMS) as index:
            for batch in range(5):
                signatures = rng.integers(0, 2**32, size=(200, 128), dtype=np.uint64)
                index.add_many(
                    IndexRecord(f"w{worker}-{batch}-{i}", "p", s) for i, s in enumerate(signatures)
                )

    with open_index(location, PARAMS):
        pass
    threads = [threading.Thread(target=add, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open_index(location, PARAMS) as index:
        assert index.stats()["documents"] == 4 * 5 * 200
        check_consistent(index)


# --------------------------------------------------------------------------- batches


def greedy_reference(items: tuple[IndexRecord, ...]) -> list[str]:
    """Kept ids by brute force: dropped when sharing a band and similar enough with a kept one."""
    kept: list[IndexRecord] = []
    for record in items:
        keys = band_keys(record.signature[None, :], PARAMS)[0]
        if not any(
            (keys == band_keys(other.signature[None, :], PARAMS)[0]).any()
            and np.mean(record.signature == other.signature) >= PARAMS.threshold
            for other in kept
        ):
            kept.append(record)
    return [record.doc_id for record in kept]


def test_one_batch_and_three_batches_keep_the_same_documents(location: str) -> None:
    items = records()
    expected = greedy_reference(items)
    assert len(expected) < len(items) - 20  # the edited copies really are dropped
    with open_index(location, PARAMS) as index:
        decisions = deduplicate_batch(index, items)
        one_run = [r.doc_id for r, matches in zip(items, decisions, strict=True) if not matches]
        dropped = [matches[0] for matches in decisions if matches]
        assert all(match.similarity >= PARAMS.threshold for match in dropped)
    assert one_run == expected
    cuts = [0, len(items) // 4, len(items) // 2, len(items)]
    batched: list[str] = []
    second = location.replace("index.sqlite", "batched.sqlite").replace("?name=", "?name=b")
    with open_index(second, PARAMS) as index:
        for start, end in itertools.pairwise(cuts):
            part = items[start:end]
            decisions = deduplicate_batch(index, part)
            batched += [r.doc_id for r, matches in zip(part, decisions, strict=True) if not matches]
        assert index.stats()["documents"] == len(expected)
    assert batched == expected


def test_query_then_add_per_document_keeps_the_same_documents(tmp_path: Path) -> None:
    kept = []
    with open_index(str(tmp_path / "i.sqlite"), PARAMS) as index:
        for record in records():
            if not index.query(record.signature):
                index.add_many([record])
                kept.append(record.doc_id)
    assert kept == greedy_reference(records())


def test_the_redis_extra_is_named_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(IndexUnavailable, match=r"pip install 'cleaner\[redis\]'"):
        open_index("redis://127.0.0.1:1/0", PARAMS)


def test_an_unreachable_redis_is_reported() -> None:
    pytest.importorskip("redis")
    with pytest.raises(IndexUnavailable, match="start the server"):
        open_index(f"redis://127.0.0.1:{free_port()}/0", PARAMS)
