"""Filters on request (issue 18): nothing dropped by default, each drop with its reason."""

from __future__ import annotations

import csv
import json
import shutil
import sys

import pytest
from conftest import SEEDS, SHARED, seed_path

from cleaner.clean.document import clean_text
from cleaner.clean.filters import FilterConfig, check_signals, parse_filters
from cleaner.clean.signals import measure_signals
from cleaner.cli import cli

ENGLISH = (
    "The city health insurance bureau published its annual report today.\n"
    "Enrolment rose to 7.1 million people, and spending grew by three percent.\n"
    "The report also describes new payment methods for hospitals in the region.\n"
)


@pytest.fixture
def mixed(tmp_path):
    """Two seeds and an English page, as a scraped folder would hold them."""
    folder = tmp_path / "in"
    folder.mkdir()
    for prefix in ("000", "001"):
        shutil.copy(seed_path(prefix), folder / seed_path(prefix).name)
    (folder / "english.txt").write_text(ENGLISH, encoding="utf-8")
    return folder


def _report(out):
    return json.loads((out / "_report.json").read_text(encoding="utf-8"))


def test_nothing_is_dropped_by_default(runner, mixed, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(mixed), str(out), "-q"])
    assert result.exit_code == 0, result.output
    data = _report(out)
    assert [f["status"] for f in data["files"]] == ["written"] * 3
    assert data["totals"]["documents_filtered"] == 0
    assert (out / "english.txt").exists()
    languages = {f["path"]: f["signals"]["language"] for f in data["files"]}
    assert languages["english.txt"] == "en"
    assert data["totals"]["signals"]["languages"] == {"zh": 2, "en": 1}


def test_language_and_cjk_filters_drop_with_their_reason(runner, mixed, tmp_path):
    out = tmp_path / "out"
    args = [str(mixed), str(out), "--filter", "lang=zh", "--filter", "min_cjk_share"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "filtered (not written): 1 (lang 1)" in result.output
    data = _report(out)
    (english,) = [f for f in data["files"] if f["path"] == "english.txt"]
    assert english["status"] == "filtered"
    assert english["filtered"] == {
        "signal": "language",
        "value": "en",
        "threshold": "zh",
        "rule": "lang",
    }
    assert not (out / "english.txt").exists()
    assert (out / seed_path("000").name).exists()
    assert data["totals"]["documents_filtered_by_rule"] == {"lang": 1}
    assert data["settings"]["filters"]["min_cjk_share"] == 0.3
    markdown = (out / "_report.md").read_text(encoding="utf-8")
    assert "Filtered (not written): 1 (lang 1)." in markdown


def test_cjk_filter_alone_names_the_share(runner, mixed, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(mixed), str(out), "-q", "--filter", "min_cjk_share=0.5"])
    assert result.exit_code == 0
    (english,) = [f for f in _report(out)["files"] if f["path"] == "english.txt"]
    assert english["filtered"]["signal"] == "cjk_share"
    assert english["filtered"]["value"] == 0.0 and english["filtered"]["threshold"] == 0.5


def test_jsonl_records_carry_signals(runner, mixed, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(mixed), str(out), "-q", "--format", "jsonl"])
    assert result.exit_code == 0
    lines = (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["metadata"]["signals"]["language"] for r in records} == {"zh", "en"}
    assert all(0 <= r["metadata"]["signals"]["cjk_share"] <= 1 for r in records)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("lnag=zh", "did you mean lang?"),
        ("min_cjk_share=lots", "needs a number"),
        ("lang=Chinese", "is not a language code"),
        ("repetition=0.3", "takes no value"),
    ],
)
def test_bad_filters_are_usage_errors(runner, tmp_path, entry, message):
    result = runner.invoke(cli, [str(SEEDS), str(tmp_path / "out"), "--filter", entry])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "out").exists()


def test_settings_file_filters_and_flags_over_them(runner, mixed, tmp_path):
    recipe = tmp_path / "recipe.toml"
    recipe.write_text('[filters]\nlang = ["en"]\nmin_chars = 100\n', encoding="utf-8")
    out = tmp_path / "out"
    args = [str(mixed), str(out), "-q", "--config", str(recipe), "--filter", "lang=zh"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    statuses = {f["path"]: f["status"] for f in _report(out)["files"]}
    assert statuses["english.txt"] == "filtered"  # lang=zh from the flag beat ["en"]
    assert _report(out)["settings"]["filters"]["min_chars"] == 100.0
    printed = runner.invoke(cli, ["--config", str(recipe), "--print-config"])
    assert '[filters]\nlang = ["en"]\nmin_chars = 100.0\n' in printed.output


def test_bad_filters_table_names_the_file(runner, tmp_path):
    recipe = tmp_path / "recipe.toml"
    recipe.write_text('[filters]\nmin_cjk_share = "high"\n', encoding="utf-8")
    result = runner.invoke(cli, [str(SEEDS), str(tmp_path / "out"), "--config", str(recipe)])
    assert result.exit_code == 2
    assert "recipe.toml [filters]" in result.output and "needs a number" in result.output


def test_repetition_group_drops_a_repeated_sentence():
    page = "\u672c\u7ad9\u63d0\u4f9b\u6700\u65b0\u4f18\u60e0\u4fe1\u606f\u3002" * 200
    rejection = check_signals(measure_signals(page), parse_filters(["repetition"]))
    assert rejection is not None and rejection.rule == "max_top_3gram_share"
    seed = seed_path("001").read_text(encoding="utf-8")
    # A real report passes the line and top n-gram filters at FineWeb-2's values.
    config = FilterConfig(max_duplicate_line_share=0.287, max_top_2gram_share=0.256)
    assert check_signals(measure_signals(seed), config) is None


def _clean_controls() -> list[str]:
    """The clean texts the repetition defaults must keep (benchmarks/bench_filter_defaults.py)."""
    reports = SHARED / "corpora" / "cn-gov-reports"
    csv.field_size_limit(sys.maxsize)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for path in sorted((reports / "provincial-2026-raw").glob("2026_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            texts += [row["full_text"] for row in csv.DictReader(stream)]
    for name in ("government_work_reports.jsonl", "cpc_congress_reports.jsonl"):
        with (reports / "national-wikisource" / name).open(encoding="utf-8") as stream:
            texts += [json.loads(line)["content"] for line in stream]
    return texts


@pytest.mark.skipif(not (SHARED / "corpora" / "cn-gov-reports").exists(), reason="no ../shared")
def test_repetition_defaults_keep_every_clean_control_and_drop_a_doubled_page():
    texts = _clean_controls()
    assert len(texts) == 124
    config = parse_filters(["repetition"])
    kept = [check_signals(measure_signals(clean_text(text).text), config) for text in texts]
    assert [rejection for rejection in kept if rejection is not None] == []
    # The same report twice on one line (block dedup cannot split it): half of it repeats.
    body = "".join(clean_text(seed_path("001").read_text(encoding="utf-8")).text.split("\n"))
    rejection = check_signals(measure_signals(body + body), config)
    assert rejection is not None and rejection.rule.startswith("max_duplicate_")
