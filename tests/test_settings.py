"""Settings files: --config FILE, [tool.cleaner] in pyproject.toml, --print-config."""

from __future__ import annotations

import json
import re
import sys

import pytest
from conftest import ROOT, SEEDS, seed_path

from cleaner.cli import cli
from cleaner.cli.options import CONFIG_OPTIONS, SETTINGS
from cleaner.errors import UsageProblem
from cleaner.settings import Setting, check_value, parse_settings, render_settings, render_value

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

RECIPE = """\
threshold = 0.85
punctuation = "ascii"
glob = "**/*.htm*"
corpus-min-docs = 0
block-dedup = false
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working directory (the repository's own pyproject.toml is not read)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def printed_settings(output: str) -> dict:
    return tomllib.loads(output)


def print_config(runner, *args: str) -> dict:
    result = runner.invoke(cli, [*args, "--print-config"])
    assert result.exit_code == 0, result.output
    return printed_settings(result.stdout)


def test_keys_are_the_long_option_names():
    keys = [setting.key for setting in SETTINGS]
    assert keys[:5] == ["glob", "input-format", "text-key", "id-key", "format"]
    assert {"compression", "shard-size", "write-dropped", "jsonl", "punctuation"} <= set(keys)
    assert {"cjk-spacing", "corpus-min-docs", "min-block-chars", "index", "doc-dedup"} <= set(keys)
    assert len(keys) == len(CONFIG_OPTIONS)
    by_key = {setting.key: setting for setting in SETTINGS}
    assert by_key["format"].name == "output_format"
    assert by_key["index"].name == "index_path"
    assert by_key["boilerplate"].kind is bool
    assert by_key["threshold"].kind is float
    assert by_key["keep"].choices == ("first", "longest")


def test_every_key_is_documented():
    documented = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"| `{setting.key}` |" in documented, setting.key


def test_print_config_shows_the_defaults_without_in_or_out(runner, workdir):
    result = runner.invoke(cli, ["--print-config"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# The effective settings of clean")
    settings = printed_settings(result.stdout)
    assert settings["threshold"] == 0.8
    assert "glob" not in settings  # not set: the input format's files
    assert settings["input-format"] == "auto"
    assert settings["corpus-min-docs"] == 5
    assert settings["block-dedup"] is True
    assert "index" not in settings  # unset: listed as a comment
    assert "# index: not set" in result.stdout


def test_pyproject_table_of_the_working_directory_is_read(runner, workdir):
    (workdir / "pyproject.toml").write_text(
        '[project]\nname = "corpus"\n\n[tool.cleaner]\n' + RECIPE, encoding="utf-8"
    )
    settings = print_config(runner)
    assert settings["threshold"] == 0.85
    assert settings["punctuation"] == "ascii"
    assert settings["glob"] == "**/*.htm*"
    assert settings["corpus-min-docs"] == 0
    assert settings["block-dedup"] is False
    assert settings["seed"] == 1  # not in the file: the default
    output = runner.invoke(cli, ["--print-config"]).stdout
    assert 'punctuation = "ascii"  # from pyproject.toml [tool.cleaner]' in output


def test_pyproject_without_a_table_changes_nothing(runner, workdir):
    (workdir / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert print_config(runner)["threshold"] == 0.8


def test_a_flag_beats_the_file_and_the_file_beats_the_default(runner, workdir):
    (workdir / "recipe.toml").write_text(RECIPE, encoding="utf-8")
    settings = print_config(
        runner, "--config", "recipe.toml", "--threshold", "0.9", "--block-dedup"
    )
    assert settings["threshold"] == 0.9  # flag over file
    assert settings["block-dedup"] is True  # a boolean flag too
    assert settings["punctuation"] == "ascii"  # file over default
    # A flag given with the default's value still wins over the file.
    assert print_config(runner, "--config", "recipe.toml", "--threshold", "0.8")["threshold"] == 0.8


def test_config_file_replaces_the_pyproject_table(runner, workdir):
    (workdir / "pyproject.toml").write_text("[tool.cleaner]\nseed = 7\n", encoding="utf-8")
    (workdir / "recipe.toml").write_text("num-perm = 256\n", encoding="utf-8")
    settings = print_config(runner, "--config", "recipe.toml")
    assert settings["num-perm"] == 256
    assert settings["seed"] == 1
    # A pyproject.toml named explicitly is read from its [tool.cleaner] table.
    assert print_config(runner, "--config", "pyproject.toml")["seed"] == 7


def test_print_config_round_trips(runner, workdir):
    (workdir / "pyproject.toml").write_text("[tool.cleaner]\n" + RECIPE, encoding="utf-8")
    first = runner.invoke(cli, ["--print-config", "--seed", "3", "--index", "x.db"]).stdout
    (workdir / "effective.toml").write_text(first, encoding="utf-8")
    (workdir / "pyproject.toml").unlink()
    second = runner.invoke(cli, ["--config", "effective.toml", "--print-config"]).stdout
    assert printed_settings(second) == printed_settings(first)
    assert printed_settings(first)["index"] == "x.db"
    uncommented = [re.sub(r"  # .*", "", line) for line in second.splitlines()]
    assert uncommented == [re.sub(r"  # .*", "", line) for line in first.splitlines()]


def test_a_run_with_the_printed_settings_equals_a_run_with_the_flags(runner, workdir):
    flags = ["--threshold", "0.85", "--punctuation", "ascii", "--no-block-dedup", "-q"]
    assert runner.invoke(cli, [str(SEEDS), "by-flags", *flags]).exit_code == 0
    printed = runner.invoke(cli, [*flags, "--print-config"]).stdout
    (workdir / "recipe.toml").write_text(printed, encoding="utf-8")
    result = runner.invoke(cli, [str(SEEDS), "by-file", "--config", "recipe.toml", "-q"])
    assert result.exit_code == 0, result.output
    for name in [path.name for path in SEEDS.glob("*.txt")] + ["_report.json"]:
        assert (workdir / "by-file" / name).read_bytes() == (
            workdir / "by-flags" / name
        ).read_bytes()
    report = json.loads((workdir / "by-file" / "_report.json").read_text(encoding="utf-8"))
    assert report["settings"]["normalize"]["punctuation"] == "ascii"
    assert report["settings"]["dedup"]["jaccard_threshold"] == 0.85
    assert report["settings"]["dedup"]["blocks"] is False


def test_run_still_requires_in(runner, workdir):
    result = runner.invoke(cli, ["--threshold", "0.9"])
    assert result.exit_code == 2
    assert "Missing argument 'IN'" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "treshold = 0.85\n",
            "recipe.toml: unknown setting 'treshold' (did you mean 'threshold'?)",
        ),
        ("no-boilerplate = true\n", "did you mean 'boilerplate = false'?"),
        ("corpus_min_docs = 0\n", "did you mean 'corpus-min-docs'?"),
        ('threshold = "high"\n', 'recipe.toml: threshold must be a number, not "high"'),
        ("seed = 1.5\n", "recipe.toml: seed must be a whole number, not 1.5"),
        ("boilerplate = 0\n", "recipe.toml: boilerplate must be true or false, not 0"),
        ('keep = "last"\n', 'recipe.toml: keep must be one of "first", "longest", not "last"'),
        ("glob = []\n", "recipe.toml: glob must be a string in quotes, not an array"),
        ("threshold = 1.5\n", "recipe.toml: threshold = 1.5: jaccard_threshold must be in (0, 1]"),
        ("num-perm = 8\n", "recipe.toml: num-perm = 8: num_perm must be >= 16"),
        ('index = "x.db"\nkeep = "longest"\n', "(with the settings of recipe.toml)"),
        ("threshold = \n", "recipe.toml: not valid TOML"),
        ("[tool.black]\n", "recipe.toml has no [tool.cleaner] table"),
    ],
)
def test_bad_settings_are_usage_errors(runner, workdir, content, message):
    (workdir / "recipe.toml").write_text(content, encoding="utf-8")
    for command in ([str(SEEDS), "out"], ["check", str(SEEDS)], ["explain", str(seed_path("003"))]):
        result = runner.invoke(cli, [*command, "--config", "recipe.toml"])
        assert result.exit_code == 2, result.output
        assert message in result.output
    assert not (workdir / "out").exists()


def test_bad_pyproject_table_is_a_usage_error(runner, workdir):
    (workdir / "pyproject.toml").write_text("[tool.cleaner]\njobs = 4\n", encoding="utf-8")
    result = runner.invoke(cli, [str(SEEDS), "out"])
    assert result.exit_code == 2
    assert "pyproject.toml [tool.cleaner]: unknown setting 'jobs'" in result.output


def test_a_flag_overriding_a_bad_file_value_is_fine(runner, workdir):
    (workdir / "recipe.toml").write_text("threshold = 1.5\n", encoding="utf-8")
    settings = print_config(runner, "--config", "recipe.toml", "--threshold", "0.7")
    assert settings["threshold"] == 0.7


def test_missing_config_file(runner, workdir):
    result = runner.invoke(cli, [str(SEEDS), "out", "--config", "nowhere.toml"])
    assert result.exit_code == 2
    assert "nowhere.toml" in result.output


def test_check_honours_the_settings(runner, workdir):
    assert print_config(runner, "check", "--threshold", "0.9")["threshold"] == 0.9
    (workdir / "recipe.toml").write_text('punctuation = "keep"\n', encoding="utf-8")
    assert print_config(runner, "check", "--config", "recipe.toml")["punctuation"] == "keep"
    # The committed output was cleaned with the defaults: other settings make it stale.
    cleaned = str(ROOT / "cleaned")
    assert runner.invoke(cli, ["check", str(SEEDS), "--against", cleaned, "-q"]).exit_code == 0
    result = runner.invoke(
        cli, ["check", str(SEEDS), "--against", cleaned, "-q", "--config", "recipe.toml"]
    )
    assert result.exit_code == 1
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 2
    assert "Missing argument 'IN'" in result.output


def test_explain_honours_the_settings(runner, workdir):
    path = str(seed_path("004"))
    (workdir / "pyproject.toml").write_text(
        '[tool.cleaner]\npunctuation = "keep"\n', encoding="utf-8"
    )
    result = runner.invoke(cli, ["explain", path])
    assert result.exit_code == 0, result.output
    assert "normalize/punctuation-width" not in result.stdout
    result = runner.invoke(cli, ["explain", path, "--punctuation", "cjk"])
    assert "normalize/punctuation-width" in result.stdout


@pytest.mark.parametrize(
    "value",
    [
        True,
        0,
        0.85,
        1e-05,
        "**/*.htm*",
        'quote " and back\\slash',
        "tab\tnew\nline\x7f\x00 \u3000\u4e2d\u6587 \U0001f600",
    ],
)
def test_render_value_round_trips_through_toml(value):
    assert tomllib.loads(f"key = {render_value(value)}")["key"] == value


def test_parse_settings_checks_types_without_a_command_line():
    specs = (Setting("seed", "seed", int, (), 1), Setting("threshold", "threshold", float))
    loaded = parse_settings("seed = 2\nthreshold = 1", "f.toml", specs, required=True)
    assert loaded is not None
    assert loaded.values == {"seed": 2, "threshold": 1.0}
    assert isinstance(loaded.values["threshold"], float)
    with pytest.raises(UsageProblem, match="seed must be a whole number, not true"):
        check_value(specs[0], True, "f.toml")
    with pytest.raises(UsageProblem, match="tool.cleaner must be a table"):
        parse_settings("[tool]\ncleaner = 1", "pyproject.toml", specs, required=False)


def test_render_settings_comments_unset_values_and_origins():
    specs = (Setting("seed", "seed", int, (), 1), Setting("jsonl", "jsonl", str))
    text = render_settings(specs, {"seed": 4, "jsonl": None}, {"seed": "from the command line"})
    assert "seed = 4  # from the command line\n# jsonl: not set\n" in text
    assert tomllib.loads(text) == {"seed": 4}
