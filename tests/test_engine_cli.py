"""Choosing the engine on the command line: clear refusals, exit code 2, no traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import cli

SEEDS = str(Path(__file__).parent.parent / "seeds")


def test_engine_ray_without_the_extra_says_how_to_install_it(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cleaner.engine.ray.engine", None)  # as if Ray were missing
    result = runner.invoke(cli, [SEEDS, str(tmp_path / "out"), "--engine", "ray"])
    assert result.exit_code == 2
    assert "pip install 'cleaner[ray]'" in result.output
    assert not (tmp_path / "out" / "_report.json").exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--ray-address", "10.0.0.5:6379"], "--ray-address needs --engine ray"),
        (["--engine", "ray", "--resume"], "--resume runs on the local engine only"),
        (["--engine", "ray", "--index", "idx.sqlite"], "--index runs on the local engine only"),
        (["--engine", "spark"], "'spark' is not one of 'local', 'ray'"),
    ],
)
def test_engine_options_that_cannot_work_are_refused(
    runner: CliRunner, tmp_path: Path, flags: list[str], message: str
) -> None:
    result = runner.invoke(cli, [SEEDS, str(tmp_path / "out"), *flags])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_engine_is_explained_in_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["run", "--help"])
    assert "--engine [local|ray]" in result.output
    assert "--ray-address ADDR" in result.output
