"""Boilerplate stripping against the hand-labelled provincial reports (regression floors).

The labels (tests/fixtures/provincial_labels/*.json, format in the README there)
point at the shared corpus by file name and SHA-256; the texts are read from
../shared at test time. Scoring is benchmarks/bench_boilerplate.py's, so the
test and the benchmark cannot disagree.

The floors are what the code achieves now minus a small margin, so that a
regression fails; ``test_issue_targets`` holds the issue's targets (recall >=
0.97, retention >= 0.995), and the Wikisource control must lose no line to the
boilerplate stage.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "fixtures" / "provincial_labels"
SHARED = Path(__file__).resolve().parents[2] / "shared"
PROVINCIAL = SHARED / "corpora" / "cn-gov-reports" / "provincial-2026-raw"
WIKISOURCE = SHARED / "corpora" / "cn-gov-reports" / "national-wikisource"

CLASSES = frozenset(
    {
        "navigation",
        "page-tools",
        "share",
        "metadata",
        "byline",
        "caption",
        "related",
        "title-repeat",
        "decoration",
        "site-name",
        "footer",
        "accessibility",
    }
)
# Measured with the rules of this commit, single-document mode (no corpus pass):
# recall 189/191 = 0.990, retention 1823/1823 = 1.0; control 6976/6977 = 0.99986
# (one line, a transcription repeat, goes to block dedup; the boilerplate stage
# keeps every line of both control files); CPC control 2211/2211 = 1.0.
RECALL_FLOOR = 0.98
RETENTION_FLOOR = 0.999
DOCUMENT_RETENTION_FLOOR = 0.99
CONTROL_RETENTION_FLOOR = 0.9995
CONTROL_FILES = ("government_work_reports.jsonl", "cpc_congress_reports.jsonl")


def load_bench() -> ModuleType:
    path = ROOT / "benchmarks" / "bench_boilerplate.py"
    spec = importlib.util.spec_from_file_location("bench_boilerplate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = load_bench()
LABEL_FILES = sorted(LABELS.glob("*.json"))


def need_corpus() -> None:
    if not PROVINCIAL.is_dir():
        pytest.skip(
            f"{PROVINCIAL} not found: the shared corpora live in ../shared next to the repo"
        )


@pytest.fixture(scope="module")
def labelled() -> list[Any]:
    need_corpus()
    return list(bench.load_labelled(LABELS, PROVINCIAL))


@pytest.fixture(scope="module")
def scores(labelled: list[Any]) -> tuple[dict[str, Any], Any]:
    return bench.score_labelled(labelled)


# --------------------------------------------------------------------------- the labels


def test_label_set_is_large_and_varied() -> None:
    records = [json.loads(p.read_text(encoding="utf-8")) for p in LABEL_FILES]
    assert len(records) >= 10
    sources = {r["source"].split(":")[0] for r in records}
    assert {"direct", "library portal"} <= sources


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.stem)
def test_label_file_is_well_formed(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    assert set(record) >= {"corpus", "file", "column", "sha256", "line_count", "boilerplate"}
    assert record["column"] == "full_text"
    lines = bench.parse_line_keys(record["boilerplate"])
    assert set(lines.values()) <= CLASSES
    assert all(1 <= n <= record["line_count"] for n in lines)
    assert not set(bench.parse_line_keys(record.get("notes", {}))) - set(
        range(1, record["line_count"] + 1)
    )


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.stem)
def test_labels_match_the_shared_document(path: Path) -> None:
    need_corpus()
    doc = bench.load_label_file(path, PROVINCIAL)
    assert bench.text_sha256(doc.text) == doc.sha256, (
        f"{doc.file} changed since it was labelled: re-label it or restore the corpus"
    )
    lines = doc.text.split("\n")
    record = json.loads(path.read_text(encoding="utf-8"))
    assert len(lines) == record["line_count"]
    blank = [n for n in doc.boilerplate if not lines[n - 1].strip()]
    assert not blank, f"blank lines labelled: {blank}"


# --------------------------------------------------------------------------- floors


def test_pooled_recall_and_retention_floors(scores: tuple[dict[str, Any], Any]) -> None:
    _, total = scores
    assert total.recall >= RECALL_FLOOR, bench_misses(total)
    assert total.retention >= RETENTION_FLOOR, total.false_removals


def test_every_document_keeps_its_content(scores: tuple[dict[str, Any], Any]) -> None:
    per_doc, _ = scores
    low = {
        slug: (s.retention, s.false_removals)
        for slug, s in per_doc.items()
        if s.retention < DOCUMENT_RETENTION_FLOOR
    }
    assert not low


@pytest.mark.parametrize("name", CONTROL_FILES)
def test_control_keeps_clean_reports(name: str) -> None:
    path = WIKISOURCE / name
    if not path.is_file():
        pytest.skip(f"{path} not found: the shared corpora live in ../shared next to the repo")
    score = bench.score_control(bench.read_jsonl(path), bench.CleanConfig(), frozenset())
    # Footnote back-links ("↑" before each note of the CPC reports) are kept.
    assert score.removed == []
    assert score.stage_retention == 1.0
    assert score.retention >= CONTROL_RETENTION_FLOOR, score.duplicates
    if name == "cpc_congress_reports.jsonl":
        # The slogan the 11th Congress report quotes twice (38 characters) stays.
        assert score.retention == 1.0, score.duplicates


def test_issue_targets(scores: tuple[dict[str, Any], Any]) -> None:
    _, total = scores
    assert total.recall >= 0.97
    assert total.retention >= 0.995


def bench_misses(total: Any) -> list[str]:
    return [f"{slug}:{n} {label} {text}" for slug, n, label, text in total.misses]
