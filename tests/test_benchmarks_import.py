"""The benchmarks run by hand; importing each one here catches an API they use going away."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parents[1] / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda path: path.name)
def test_benchmark_imports(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, path.stem, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    assert callable(getattr(module, "main", None)), f"{path.name} has no main()"


def test_bench_dedup_exact_callback_fits_find_clusters(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exact check the dedup benchmark times goes through lsh.find_clusters."""
    from cleaner.dedup.lsh import find_clusters
    from cleaner.dedup.minhash import signatures

    path = next(path for path in BENCHMARKS if path.name == "bench_dedup.py")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, path.stem, module)
    spec.loader.exec_module(module)
    base = (
        "\u533b\u4fdd\u60e0\u6c11\u5de5\u7a0b\u6301\u7eed\u63a8\u8fdb" * 4
    )  # 医保惠民工程持续推进
    texts = [base, base[:-2] + "\u5b8c\u6210", "\u5b8c\u5168\u4e0d\u540c\u7684\u4e00\u6bb5"]
    exact = module.exact_callback(texts)
    assert exact(np.array([[0, 1], [0, 2]])).round(3).tolist() == [0.833, 0.0]
    assert find_clusters(signatures(texts), 0.8, exact_jaccard=exact) == [[0, 1]]
