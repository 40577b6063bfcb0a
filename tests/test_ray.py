"""The Ray engine gives the same bytes as the local one (Ray in local mode on this machine).

Skipped, with the reason, when the ``ray`` extra is not installed. The
connected-components step is checked against the local union-find on graphs
with long chains, which need several rounds.
"""

from __future__ import annotations

import importlib.util
import logging
import random
import sys
from pathlib import Path

import numpy as np
import pytest

from cleaner.data import CleanConfig, DedupConfig
from cleaner.dedup.lsh import connected_roots
from cleaner.pipeline import clean_corpus

pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' to run these")
pytest.importorskip("pyarrow", reason="Ray Data is not installed: pip install -e '.[ray]'")

import pyarrow as pa  # noqa: E402 - only once Ray is known to be there
import ray  # noqa: E402

from cleaner.engine.ray import graph as _ray_graph  # noqa: E402

# Ray's own internals warn about their deprecated settings; that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SEEDS = Path(__file__).parent.parent / "seeds"
BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


@pytest.fixture(scope="module", autouse=True)
def ray_session() -> object:
    """One local Ray instance for the module: the engine joins it instead of starting its own."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    yield
    ray.shutdown()


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _both_engines(source: Path, out: Path, config: CleanConfig = CleanConfig()) -> tuple:
    local = clean_corpus(source, out / "local", config, jobs=2)
    on_ray = clean_corpus(source, out / "ray", config, jobs=2, engine="ray")
    return local, on_ray, _tree(out / "local"), _tree(out / "ray")


def test_seeds_are_byte_identical_on_ray(tmp_path: Path) -> None:
    local, on_ray, local_files, ray_files = _both_engines(SEEDS, tmp_path)
    assert local_files == ray_files  # cleaned texts and the three reports
    assert on_ray == local
    assert len(ray_files) == 5 + 3
    assert on_ray.files[4].duplicate_blocks  # the Hohhot article held twice


def _generated_corpus(folder: Path, documents: int, duplicates: int) -> dict:
    """Write a corpus from benchmarks/gen_corpus.py with injected near-duplicates."""
    spec = importlib.util.spec_from_file_location("gen_corpus", BENCHMARKS / "gen_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_corpus"] = module
    spec.loader.exec_module(module)
    texts, truth = module.generate(documents, duplicates, duplicates // 4, seed=7)
    for position, text in enumerate(texts):
        path = folder / module.doc_name(position)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return truth  # type: ignore[no-any-return]


def test_generated_corpus_is_byte_identical_on_ray(tmp_path: Path) -> None:
    source = tmp_path / "in"
    truth = _generated_corpus(source, 2000, 200)
    # What real crawls hold besides text: an image, an empty page, a GBK page,
    # and a yearly report whose next edition changed only its figures.
    (source / "000" / "logo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (source / "000" / "empty.txt").write_bytes(b"")
    page = "\u4eca\u5e74\u5168\u7701\u5730\u533a\u751f\u4ea7\u603b\u503c\u589e\u957f"
    report = "".join(f"{page}{year % 10}.{year % 7}%\u3002\n" for year in range(2000, 2030))
    (source / "001" / "gbk.txt").write_bytes(report.encode("gb18030"))
    (source / "001" / "next_year.txt").write_text(report.replace("2.", "3."), encoding="utf-8")
    local, on_ray, local_files, ray_files = _both_engines(source, tmp_path)
    assert ray_files == local_files
    assert on_ray == local
    cluster_of = {
        member.doc_id: cluster.kept
        for cluster in on_ray.clusters
        for member in (*cluster.dropped, *cluster.same_template)
    }
    cluster_of.update({cluster.kept: cluster.kept for cluster in on_ray.clusters})
    found = [
        pair
        for pair in truth["duplicates"]
        if cluster_of.get(pair["copy"], "copy") == cluster_of.get(pair["original"], "original")
    ]
    assert len(found) >= 0.95 * len(truth["duplicates"])
    assert any(c.same_template for c in on_ray.clusters)  # kept, and reported as a template
    assert {f.rel_path for f in on_ray.failures} == {"000/logo.txt", "000/empty.txt"}


def test_keep_longest_without_numbers_matter_is_identical_on_ray(tmp_path: Path) -> None:
    source = tmp_path / "in"
    _generated_corpus(source, 300, 60)
    config = CleanConfig(dedup=DedupConfig(keep="longest", numbers_matter=False))
    local, on_ray, local_files, ray_files = _both_engines(source, tmp_path, config)
    assert ray_files == local_files
    assert on_ray.clusters == local.clusters and on_ray.clusters


def _random_graph(rng: random.Random) -> np.ndarray:
    """Small clusters, plus long shuffled chains that need several star rounds."""
    edges, node = [], 0
    for size in [rng.randint(2, 5) for _ in range(120)] + [40, 65]:
        members = list(range(node, node + size))
        rng.shuffle(members)
        edges += [tuple(sorted(pair)) for pair in zip(members, members[1:], strict=False)]
        edges += [tuple(sorted(rng.sample(members, 2))) for _ in range(size // 3)]
        node += size + rng.randint(0, 3)  # some nodes have no edge at all
    return np.array([pair for pair in edges if pair[0] != pair[1]], dtype=np.int64)


def test_connected_components_agree_with_local_union_find() -> None:
    pairs = _random_graph(random.Random(3))
    table = pa.table(
        {"a": pairs[:, 0], "b": pairs[:, 1], "changed": np.zeros(len(pairs), np.int64)}
    )
    roots = _ray_graph.connected_roots(ray.data.from_arrow(table), partitions=2)
    expected = connected_roots(int(pairs.max()) + 1, pairs)
    in_graph = set(pairs.ravel().tolist())
    assert roots == {node: int(expected[node]) for node in sorted(in_graph)}
    assert len(set(roots.values())) == 122


def test_connected_components_of_no_edges_is_empty() -> None:
    empty = pa.table({"a": pa.array([], pa.int64()), "b": pa.array([], pa.int64())})
    assert _ray_graph.connected_roots(ray.data.from_arrow(empty), partitions=2) == {}
