"""``clean check``: limits, stale committed output, annotations and SARIF, on real text."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import CLEANED, ROOT, SEEDS
from test_report import duplicate_corpus

from cleaner import CleanConfig
from cleaner.cli import cli
from cleaner.read.compare import StaleFile, compare_trees
from cleaner.report.annotations import Finding, Region, github_annotation
from cleaner.report.check import Limits, apply_limits, check_corpus

SEED_004 = "004_4d4430e8f8b321f2.txt"
SEED_002 = "002_2d50634ac7c8fda5.txt"
SEED_000 = "000_f19a28f479470ddc.txt"
# The near-duplicate row of a.txt and b.txt (one figure changed); the similarity is
# MinHash's estimate, so only its range is pinned.
FIGURES_ROW = r"\| a\.txt \| 2 \| b\.txt \((0\.9\d\d|1\.000)\) \| 1 \|"
BLOCK_ANNOTATION = (
    f"::warning file=seeds/{SEED_004},line=127,endLine=227,title=Duplicated block::"
    "Lines 127-227 repeat lines 13-113 (51 paragraph(s), similarity 1.000); "
    "the output keeps the first copy."
)


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def stale_copy(tmp_path: Path) -> Path:
    """cleaned/ as a pull request might leave it: one file edited, one gone, one left over."""
    out = tmp_path / "out"
    shutil.copytree(CLEANED, out)
    lines = (out / SEED_002).read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace("\u5168\u5e02", "\u5168\u7701", 1)  # 全市 -> 全省
    (out / SEED_002).write_text("\n".join(lines), encoding="utf-8")
    (out / SEED_000).unlink()
    (out / "old.txt").write_text("\u65e7\u6587\u4ef6\n", encoding="utf-8")  # 旧文件
    (out / ".gitkeep").write_text("")  # hidden files are not compared
    return out


@pytest.fixture
def in_repo(monkeypatch):
    """Run from the repository root, as CI does, so paths read seeds/..."""
    monkeypatch.chdir(ROOT)


# --------------------------------------------------------------------------- library


def test_committed_cleaned_passes():
    result = check_corpus(SEEDS, CLEANED)
    assert result.passed and result.stale == () and result.against == str(CLEANED)


def test_stale_files_are_missing_extra_or_differ(tmp_path):
    out = stale_copy(tmp_path)
    result = check_corpus(SEEDS, out)
    assert not result.passed
    assert result.stale == (
        StaleFile(SEED_000, "missing"),
        StaleFile(SEED_002, "differs", 3),
        StaleFile("old.txt", "extra"),
    )


def test_compare_trees_reads_subfolders(tmp_path):
    (tmp_path / "a" / "sub").mkdir(parents=True)
    (tmp_path / "b" / "sub").mkdir(parents=True)
    (tmp_path / "a" / "sub" / "x.txt").write_text("\u4e00\n\u4e8c\n")
    (tmp_path / "b" / "sub" / "x.txt").write_text("\u4e00\n\u4e8c")  # last line end lost
    assert compare_trees(tmp_path / "a", tmp_path / "b") == (StaleFile("sub/x.txt", "differs", 2),)
    assert compare_trees(tmp_path / "a", tmp_path / "none") == (StaleFile("sub/x.txt", "missing"),)


def test_a_check_writes_nothing_and_cleans_up(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    source = duplicate_corpus(tmp_path)
    out = tmp_path / "committed"
    out.mkdir()
    before = tree_digest(source)
    config = CleanConfig(jsonl_path=str(tmp_path / "x.jsonl"))
    result = check_corpus(source, out, config, html=True)
    assert result.html is not None and "only figures differ" in result.html
    assert tree_digest(source) == before
    assert list(out.iterdir()) == [] and list(scratch.iterdir()) == []
    assert not (tmp_path / "x.jsonl").exists()
    assert {s.state for s in result.stale} == {"missing"}


def test_limits_count_the_report():
    result = check_corpus(SEEDS, None, limits=Limits(dup_blocks=0, warnings=20, removed_lines=100))
    found = {(c.option, c.found, c.allowed, c.passed) for c in result.limits}
    assert found == {
        ("--max-dup-blocks", 1, 0, False),
        ("--max-warnings", 20, 20, True),
        ("--max-removed-lines", 83, 100, True),
    }
    assert not result.passed
    assert apply_limits(result.report, Limits()) == ()


def test_negative_limit_is_refused():
    with pytest.raises(ValueError, match="--max-dup-docs must be >= 0"):
        Limits(dup_docs=-1)


# --------------------------------------------------------------------------- command line


def test_current_output_passes(runner, in_repo):
    result = runner.invoke(cli, ["check", "seeds/", "--against", "cleaned/"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# clean check seeds/: passed\n")
    assert "| `cleaned/` is current | 0 stale file(s) | 0 | ok |" in result.stdout
    assert "\n## Cleaning report\n" in result.stdout
    assert f"| {SEED_004} | 127\u2013227 | 13\u2013113 | 51 | 1.000 |" in result.stdout


def test_stale_output_fails_and_is_listed(runner, tmp_path):
    out = stale_copy(tmp_path)
    result = runner.invoke(cli, ["check", str(SEEDS), "--against", str(out)])
    assert result.exit_code == 1
    assert ": failed\n" in result.stdout.splitlines()[0] + "\n"
    assert f"| `{SEED_000}` | missing: the run writes it |" in result.stdout
    assert f"| `{SEED_002}` | differs from line 3 |" in result.stdout
    assert "| `old.txt` | extra: the run does not write it |" in result.stdout
    assert "run it with the same options and commit the result" in result.stdout
    assert f"3 stale file(s) in {out}" in result.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([], 0),
        (["--max-dup-blocks", "1"], 0),
        (["--max-dup-blocks", "0"], 1),
        (["--max-warnings", "19"], 1),
        (["--max-removed-lines", "83", "--max-dup-docs", "0", "--max-skipped", "0"], 0),
        (["--max-removed-lines", "82"], 1),
    ],
)
def test_limits_on_the_seeds(runner, args, code):
    result = runner.invoke(cli, ["check", str(SEEDS), *args])
    assert result.exit_code == code, result.output
    if not args:
        assert "No limit set and no `--against OUT`: nothing can fail." in result.stdout


def test_limits_on_near_duplicates_and_skipped_files(runner, tmp_path):
    source = str(duplicate_corpus(tmp_path))
    assert (
        runner.invoke(
            cli, ["check", source, "--max-dup-docs", "2", "--no-numbers-matter"]
        ).exit_code
        == 0
    )
    failed = runner.invoke(
        cli, ["check", source, "--max-dup-docs", "1", "--max-skipped", "0", "--no-numbers-matter"]
    )
    assert failed.exit_code == 1
    assert "| near-duplicate documents dropped (`--max-dup-docs`) | 2 | 1 | **failed** |" in (
        failed.stdout
    )
    assert "| files skipped (`--max-skipped`) | 1 | 0 | **failed** |" in failed.stdout
    assert re.search(FIGURES_ROW, failed.stdout)
    assert "near-duplicate documents dropped: 2 > --max-dup-docs 1" in failed.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "no/such/dir"], "does not exist"),
        (["check", str(SEEDS), "--max-dup-docs", "-1"], "--max-dup-docs"),
        (["check", str(SEEDS), "--threshold", "1.5"], "jaccard_threshold must be in (0, 1]"),
        (["check", str(SEEDS), "--against", str(SEEDS / "out")], "inside the input"),
        (["check", str(SEEDS), "--annotations", "gitlab"], "--annotations"),
    ],
)
def test_usage_errors(runner, args, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output


def test_result_options_are_those_of_run(runner):
    # cleaned/ was written with block dedup on: without it, 004 and the reports differ.
    result = runner.invoke(
        cli, ["check", str(SEEDS), "--against", str(CLEANED), "--no-block-dedup"]
    )
    assert result.exit_code == 1
    assert f"| `{SEED_004}` | differs from line" in result.stdout
    assert "| `_report.json` | differs from line" in result.stdout


def test_jsonl_output_is_checked_too(runner, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(cli, [str(SEEDS), str(out), "--format", "jsonl", "-q"]).exit_code == 0
    same = runner.invoke(cli, ["check", str(SEEDS), "--against", str(out), "--format", "jsonl"])
    assert same.exit_code == 0, same.output
    other = runner.invoke(cli, ["check", str(SEEDS), "--against", str(out), "--jsonl", "-"])
    assert other.exit_code == 1
    assert "| `corpus.jsonl` | extra: the run does not write it |" in other.stdout


def test_one_file_can_be_checked(runner, in_repo):
    name = f"seeds/{SEED_004}"
    result = runner.invoke(cli, ["check", name, "--annotations", "github", "-q"])
    assert result.exit_code == 0
    assert result.stdout == BLOCK_ANNOTATION + "\n"


def test_jobs_do_not_change_the_result(runner, tmp_path):
    outputs = []
    for jobs in ("1", "2"):
        sarif = tmp_path / f"{jobs}.sarif"
        result = runner.invoke(cli, ["check", str(SEEDS), "-j", jobs, "--sarif", str(sarif)])
        outputs.append((result.stdout, sarif.read_bytes()))
    assert outputs[0] == outputs[1]


# --------------------------------------------------------------------------- CI outputs


def test_github_annotations(runner, in_repo, tmp_path):
    out = stale_copy(tmp_path)
    args = ["check", "seeds", "--against", str(out), "--annotations", "github", "-q"]
    result = runner.invoke(cli, [*args, "--max-dup-blocks", "0"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::error title=clean check::duplicated blocks removed: 1 found, --max-dup-blocks 0"
    )
    prefix = out.as_posix()
    assert f"::error file={prefix}/{SEED_002},line=3,endLine=3,title=Stale output::" in lines[2]
    assert lines[1].startswith(f"::error file={prefix}/{SEED_000},title=Stale output::")
    assert BLOCK_ANNOTATION in lines
    notices = [line for line in lines if line.startswith("::notice ")]
    assert len(notices) == 20
    assert f"::notice file=seeds/{SEED_002},line=3,endLine=3,title=Quality warning::" in notices[0]
    # "%" is escaped in workflow command data: 降幅% -> 降幅%25
    assert any(line.endswith("\u964d\u5e45%25") for line in notices)
    assert all("\n" not in line for line in lines)


def test_github_annotation_escapes_properties_and_data():
    finding = Finding("r", "warning", "a, b: c", "line one\nline two 100%", Region("x,y.txt", 2, 4))
    assert github_annotation(finding) == (
        "::warning file=x%2Cy.txt,line=2,endLine=4,title=a%2C b%3A c::line one%0Aline two 100%25"
    )


def test_near_duplicate_and_skipped_annotations(runner, tmp_path, monkeypatch):
    duplicate_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        cli, ["check", "in", "--annotations", "github", "-q", "--no-numbers-matter"]
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    pattern = (
        r"::warning file=in/b\.txt,line=1,endLine=1,title=Near-duplicate document::"
        r"Near-duplicate of in/a\.txt \(similarity (0\.9\d\d|1\.000); only figures differ\); "
        r"not written to the output\."
    )
    assert any(re.fullmatch(pattern, line) for line in lines), lines
    assert any(line.startswith("::warning file=in/sub/d.txt,line=1,") for line in lines)
    assert "::warning file=in/empty.txt,title=Skipped file::empty file" in lines


def test_sarif(runner, in_repo, tmp_path):
    out = stale_copy(tmp_path)
    sarif = tmp_path / "clean.sarif"
    args = ["check", "seeds/", "--against", str(out), "--sarif", str(sarif), "-q"]
    assert runner.invoke(cli, args).exit_code == 1
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules[:4] == ["stale-output", "duplicate-block", "near-duplicate", "skipped-file"]
    assert "unit-without-figure" in rules
    results = run["results"]
    for item in results:
        assert rules[item["ruleIndex"]] == item["ruleId"]
        assert item["level"] in {"error", "warning", "note"}
        assert item["message"]["text"] and item["partialFingerprints"]
    stale = [r for r in results if r["ruleId"] == "stale-output"]
    assert [r["level"] for r in stale] == ["error"] * 3
    location = stale[1]["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": f"{out.as_posix()}/{SEED_002}"},
        "region": {"startLine": 3, "endLine": 3},
    }
    (block,) = [r for r in results if r["ruleId"] == "duplicate-block"]
    assert block["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": f"seeds/{SEED_004}"},
        "region": {"startLine": 127, "endLine": 227},
    }
    (related,) = block["relatedLocations"]
    assert related["physicalLocation"]["region"] == {"startLine": 13, "endLine": 113}
    assert sum(1 for r in results if r["ruleId"] == "unit-without-figure") == 20
    assert sarif.read_text(encoding="utf-8").endswith("}\n")


def test_summary_is_appended_and_html_written(runner, tmp_path):
    source = str(duplicate_corpus(tmp_path))
    summary = tmp_path / "step-summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    page = tmp_path / "report.html"
    args = [
        "check",
        source,
        "--summary",
        str(summary),
        "--html",
        str(page),
        "-q",
        "--no-numbers-matter",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0 and result.stdout == ""
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n# clean check ")
    assert re.search(FIGURES_ROW, text)
    html = page.read_text(encoding="utf-8")
    assert '201<mark class="del">9</mark>' in html and '201<mark class="ins">8</mark>' in html


def test_ci_script_checks_the_committed_output():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "clean check seeds/ --against cleaned/" in script
    # CI runs the README's test command: its install and pytest part, word for word.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = re.findall(r"pip install (-e '[^']+') && pytest -q", readme)[0]
    assert f"pip install --quiet {test_command} && pytest -q" in script


def _documented_check_options(text: str) -> set[str]:
    """Every --option that follows `clean check` in the code blocks of a document."""
    blocks: list[list[str]] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
            if inside:
                blocks.append([])
        elif inside:
            blocks[-1].append(line)
    options: set[str] = set()
    for block in blocks:
        code = "\n".join(block)
        for command in re.findall(r"clean check .*?(?:\n\s*\n|$)", code, flags=re.S):
            options.update(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", command))
    return options


@pytest.mark.parametrize("document", ["docs/ci.md", "README.md"])
def test_documented_check_commands_use_real_options(document):
    from cleaner.cli import cli as group

    params = group.commands["check"].params
    known = {opt for param in params for opt in [*param.opts, *param.secondary_opts]}
    documented = _documented_check_options((ROOT / document).read_text(encoding="utf-8"))
    assert {"--against", "--summary"} <= documented
    assert documented <= known, documented - known
    if document == "README.md":
        assert "(docs/ci.md)" in (ROOT / document).read_text(encoding="utf-8")
