"""Shared fixtures: the seeds, a CLI runner and one cleaned copy of the seeds per session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cleaner import CleanConfig, clean_corpus
from cleaner.data import CleanReport

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CLEANED = ROOT / "cleaned"
SHARED = ROOT.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite cleaned/ from seeds/ instead of comparing (review the diff!)",
    )


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CleanReport, dict[str, Any]]:
    """Clean the seeds once: (output directory, report object, parsed _report.json)."""
    out = tmp_path_factory.mktemp("seed-run") / "cleaned"
    report = clean_corpus(SEEDS, out, CleanConfig())
    data = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    return out, report, data


def seed_path(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def seed_output(out: Path, prefix: str) -> str:
    return (out / seed_path(prefix).name).read_text(encoding="utf-8")
