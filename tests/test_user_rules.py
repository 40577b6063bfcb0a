"""A user's boilerplate rules: [[rules]] tables of a settings file, on scraped pages."""

from __future__ import annotations

import sys

import pytest

from cleaner.clean.boilerplate.strip import strip_boilerplate
from cleaner.clean.boilerplate.user_rules import parse_rules, render_rules
from cleaner.cli import cli
from cleaner.config import BoilerplateConfig, LineRule
from cleaner.errors import UsageProblem

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

# A county government page: a weather widget in the header, the notice, a
# hotline banner and the site's licence line in the footer.
PAGE = "\n".join(
    [
        # 关于做好2026年春节期间安全生产工作的通知
        "\u5173\u4e8e\u505a\u597d2026\u5e74\u6625\u8282\u671f\u95f4"
        "\u5b89\u5168\u751f\u4ea7\u5de5\u4f5c\u7684\u901a\u77e5",
        "\u4eca\u5929 \u591a\u4e91\u8f6c\u6674 3~12\u2103",  # 今天 多云转晴 3~12℃
        "\u5404\u4e61\u9547\u4eba\u6c11\u653f\u5e9c\uff1a",  # 各乡镇人民政府：
        # 为切实做好春节期间安全生产工作，现将有关事项通知如下。
        "\u4e3a\u5207\u5b9e\u505a\u597d\u6625\u8282\u671f\u95f4\u5b89\u5168\u751f\u4ea7"
        "\u5de5\u4f5c\uff0c\u73b0\u5c06\u6709\u5173\u4e8b\u9879\u901a\u77e5\u5982\u4e0b\u3002",
        # 政务服务便民热线：12345（24小时受理）。 a sentence: kept by default
        "\u653f\u52a1\u670d\u52a1\u4fbf\u6c11\u70ed\u7ebf\uff1a12345\uff0824\u5c0f\u65f6"
        "\u53d7\u7406\uff09\u3002",
        "\u4e91\u4e0a\u53bf\u653f\u5e9c\u529e\u516c\u5ba4\u7248\u6743",  # 云上县政府办公室版权
    ]
)
RECIPE = """\
threshold = 0.85

[[rules]]
class = "navigation"
reason = "weather-widget"
pattern = '^\\u4eca\\u5929\\s.{0,12}[\\u6674\\u96e8\\u4e91]'
where = "head"

[[rules]]
class = "footer"
reason = "county-copyright"
pattern = '\\u7248\\u6743$'
where = "tail"
zone-lines = 2

[[rules]]
class = "footer"
reason = "hotline"
pattern = '^\\u653f\\u52a1\\u670d\\u52a1\\u4fbf\\u6c11\\u70ed\\u7ebf'
sentences = true
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working directory (the repository's own pyproject.toml is not read)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.txt").write_text(PAGE, encoding="utf-8")
    return tmp_path


def explained(runner, *args: str) -> str:
    result = runner.invoke(cli, ["explain", "page.txt", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_rules_of_a_config_file_remove_lines_with_their_reasons(runner, workdir):
    (workdir / "recipe.toml").write_text(RECIPE, encoding="utf-8")
    output = explained(runner, "--config", "recipe.toml")
    assert "[navigation/weather-widget]" in output
    assert "[footer/county-copyright]" in output
    assert "[footer/hotline]" in output  # sentences = true: the user's call
    assert "footer 2, navigation 1" in output
    # Without the file, the page keeps all three lines.
    assert "weather-widget" not in explained(runner)


def test_rules_in_the_pyproject_table(runner, workdir):
    table = RECIPE.replace("[[rules]]", "[[tool.cleaner.rules]]")
    (workdir / "pyproject.toml").write_text("[tool.cleaner]\n" + table, encoding="utf-8")
    output = explained(runner)
    assert "[navigation/weather-widget]" in output


def test_a_run_writes_the_page_without_the_lines(runner, workdir):
    (workdir / "recipe.toml").write_text(RECIPE, encoding="utf-8")
    (workdir / "in").mkdir()
    (workdir / "page.txt").rename(workdir / "in" / "page.txt")
    result = runner.invoke(cli, ["in", "out", "--config", "recipe.toml", "-q"])
    assert result.exit_code == 0, result.output
    lines = (workdir / "out" / "page.txt").read_text(encoding="utf-8").splitlines()
    assert lines == [PAGE.split("\n")[0], PAGE.split("\n")[2], PAGE.split("\n")[3]]


def test_print_config_shows_the_rules_and_reads_back(runner, workdir):
    (workdir / "recipe.toml").write_text(RECIPE, encoding="utf-8")
    result = runner.invoke(cli, ["--print-config", "--config", "recipe.toml"])
    assert result.exit_code == 0, result.output
    printed = tomllib.loads(result.stdout)
    assert printed["rules"] == tomllib.loads(RECIPE)["rules"]
    assert "[[rules]]  # from recipe.toml" in result.stdout
    (workdir / "again.toml").write_text(result.stdout, encoding="utf-8")
    again = runner.invoke(cli, ["--print-config", "--config", "again.toml"])
    assert tomllib.loads(again.stdout)["rules"] == printed["rules"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('class = "footer"\nreason = "icp"\n', "rule 1 ('icp'): pattern is missing"),
        (
            'class = "footer"\nreason = "icp"\npatern = "ICP"\n',
            "rule 1 ('icp'): unknown key 'patern' (did you mean 'pattern'?)",
        ),
        (
            'class = "footer"\nreason = "icp"\npattern = "ICP[\u5907"\n',
            "rule 1 ('icp'): pattern 'ICP[\u5907' is not a valid regular expression",
        ),
        (
            'class = "footer"\nreason = "icp"\npattern = "\u5907?"\n',
            "matches an empty line, so it would match every line",
        ),
        (
            'class = "Footer"\nreason = "icp"\npattern = "ICP"\n',
            "class 'Footer' must be lower-case words joined by dashes",
        ),
        (
            'class = "footer"\nreason = "icp"\npattern = "ICP"\nwhere = "foot"\n',
            "where must be one of line, head, tail, edges, not 'foot'",
        ),
        (
            'class = "footer"\nreason = "icp"\npattern = "ICP"\nzone-lines = "5"\n',
            "zone-lines must be a whole number, not '5'",
        ),
        (
            'class = "footer"\nreason = "icp"\npattern = "ICP"\n'
            '[[rules]]\nclass = "footer"\nreason = "icp"\npattern = "ICP\\\\d"\n',
            "rule 2: class 'footer' with reason 'icp' is already used",
        ),
    ],
)
def test_bad_rules_are_usage_errors_naming_the_file_and_rule(runner, workdir, table, message):
    (workdir / "recipe.toml").write_text("[[rules]]\n" + table, encoding="utf-8")
    for command in (["in", "out"], ["explain", "page.txt"]):
        result = runner.invoke(cli, [*command, "--config", "recipe.toml"])
        assert result.exit_code == 2, result.output
        assert f"recipe.toml: {message}" in result.output or message in result.output
        assert "recipe.toml" in result.output
        assert "Traceback" not in result.output
    assert not (workdir / "out").exists()


def test_rules_must_be_tables(runner, workdir):
    (workdir / "recipe.toml").write_text('rules = ["ICP"]\n', encoding="utf-8")
    result = runner.invoke(cli, ["explain", "page.txt", "--config", "recipe.toml"])
    assert result.exit_code == 2
    assert "recipe.toml: rules must be an array of tables" in result.output


# --------------------------------------------------------------------------- the library


def rules_of(text: str) -> tuple[LineRule, ...]:
    return parse_rules(tomllib.loads(text)["rules"], "recipe.toml")


def test_a_tail_rule_leaves_the_same_line_in_the_body():
    rules = rules_of(RECIPE)
    lines = PAGE.split("\n")
    body = [lines[3]] * 5
    moved = [lines[0], lines[5], *body, lines[5], *body]  # the copyright line twice
    result = strip_boilerplate(moved, BoilerplateConfig(rules=rules))
    assert [r.line_no for r in result.removed] == []  # neither is among the last 2 lines
    result = strip_boilerplate([*moved, lines[5]], BoilerplateConfig(rules=rules))
    assert [(r.line_no, r.rule) for r in result.removed] == [(len(moved) + 1, "county-copyright")]


def test_a_rule_never_removes_a_sentence_unless_it_says_so():
    rules = rules_of(RECIPE.replace("sentences = true", ""))
    lines = PAGE.split("\n")
    result = strip_boilerplate(lines, BoilerplateConfig(rules=rules))
    assert "hotline" not in {r.rule for r in result.removed}


def test_user_rules_come_before_the_built_in_ones():
    # 网站地图 | 联系我们 is a built-in footer line; the user calls it navigation.
    footer_links = "\u7f51\u7ad9\u5730\u56fe | \u8054\u7cfb\u6211\u4eec"
    rule = LineRule("navigation", "site-links", "^\u7f51\u7ad9\u5730\u56fe")
    lines = [PAGE.split("\n")[0], PAGE.split("\n")[3], footer_links]
    builtin = strip_boilerplate(lines).removed
    assert [(r.category, r.rule) for r in builtin] == [("footer", "footer-links")]
    own = strip_boilerplate(lines, BoilerplateConfig(rules=(rule,))).removed
    assert [(r.category, r.rule) for r in own] == [("navigation", "site-links")]


def test_render_rules_round_trips_awkward_patterns():
    rules = (
        LineRule("footer", "quote", "^it's \\d+$"),  # a quote: a basic string
        LineRule("footer", "tab", "a\tb", where="edges", max_chars=20, sentences=True),
    )
    text = render_rules(rules)
    assert parse_rules(tomllib.loads(text)["rules"], "x.toml") == rules


def test_parse_rules_rejects_a_bare_table():
    with pytest.raises(UsageProblem, match="x.toml: rules must be an array of tables"):
        parse_rules({"class": "footer"}, "x.toml")
