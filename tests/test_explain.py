"""clean explain: every input line with what cleaning did to it and why."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, seed_path
from hypothesis import given
from hypothesis import strategies as st

from cleaner import CleanConfig, clean_text
from cleaner.clean.explain import align, diff_pieces, explain_text
from cleaner.clean.normalize import normalize_line
from cleaner.cli import cli
from cleaner.cli.explain import render_explanation
from cleaner.data import NormalizeConfig

SEED_PREFIXES = ("000", "001", "002", "003", "004")
ANSI = "\x1b["


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


def explain_lines(runner, *args: str) -> list[str]:
    result = runner.invoke(cli, ["explain", *args])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def numbered(lines: list[str], line_no: int) -> str:
    """The rendered line of input line ``line_no`` (marks take two columns, then the number)."""
    (found,) = [line for line in lines if line[2:].lstrip().split("  ")[0] == str(line_no)]
    return found


# --------------------------------------------------------------------------- the library


@pytest.mark.parametrize("prefix", SEED_PREFIXES)
def test_every_line_is_explained_and_the_kept_ones_are_the_output(prefix):
    text = seed_text(prefix)
    explained = explain_text(text)
    assert [line.line_no for line in explained.lines] == list(range(1, len(text.splitlines()) + 1))
    assert [line.original for line in explained.lines] == text.splitlines()
    written = [line.output for line in explained.lines if line.status not in ("removed", "blank")]
    assert "".join(line + "\n" for line in written) == clean_text(text).text
    for line in explained.lines:
        if line.pieces:  # a diff always adds up to both versions
            assert "".join(piece.old for piece in line.pieces) == line.original
            assert "".join(piece.new for piece in line.pieces) == line.output
        assert bool(line.reason) == (line.status in ("removed", "partial"))
        if line.status not in ("removed", "blank"):
            assert bool(line.rules) == (line.original != normalize_line(line.original))


def test_seed_004_reasons():
    explained = explain_text(seed_text("004"))
    by_number = {line.line_no: line for line in explained.lines}
    assert by_number[3].status == "removed"
    assert by_number[3].original.startswith("\u5f53\u524d\u4f4d\u7f6e")  # 当前位置
    assert by_number[3].reason == "navigation/breadcrumb-label"
    assert by_number[1].reason == "accessibility/elder-mode-blurb"
    assert by_number[4].status == "kept"
    assert by_number[13].status == "changed"
    assert by_number[13].rules == ("punctuation-width",)
    # The second copy of the article is one duplicated block, lines 127-227.
    assert by_number[127].reason == "duplicate/repeated-block"
    assert by_number[127].note == "repeats lines 13-113"
    assert by_number[227].reason == "duplicate/repeated-block"
    assert explained.counts()["blank"] + explained.counts()["removed"] == 227 - 52
    assert explained.removed_by_class()["duplicate"] == 51


def test_seed_000_attributions_are_partial_removals():
    explained = explain_text(seed_text("000"))
    partial = [line for line in explained.lines if line.status == "partial"]
    assert [line.line_no for line in partial] == list(range(2, 10))
    for line in partial:
        assert line.reason == "attribution/trailing-names"
        (cut,) = [piece for piece in line.pieces if piece.cut]
        assert cut.old == "(\u738b \u6d9b \u8d75 \u5189)"  # (王 涛 赵 冉) as read
        assert line.original.endswith(cut.old)
        assert not line.output.endswith(")")


def test_options_change_the_explanation():
    text = seed_text("004")
    kept_punctuation = explain_text(
        text, CleanConfig(normalize=NormalizeConfig(punctuation="keep"))
    )
    assert kept_punctuation.lines[12].status == "kept"
    no_blocks = explain_text(text, CleanConfig(dedup=CleanConfig().dedup.__class__(blocks=False)))
    assert no_blocks.lines[126].status == "changed"


def test_whitespace_only_lines_are_blank():
    explained = explain_text("\u6807\u9898\n \u3000\t\n\u6b63\u6587\u3002\n")
    assert [line.status for line in explained.lines] == ["kept", "blank", "kept"]


def test_diff_merges_spaced_digits_and_keeps_chinese_between_changes_apart():
    pieces = diff_pieces(" 2 0 2 1 \u5e74,\u5168\u5e02", "2021\u5e74\uff0c\u5168\u5e02")
    assert [(piece.old, piece.new) for piece in pieces] == [
        (" 2 0 2 1 ", "2021"),
        ("\u5e74", "\u5e74"),
        (",", "\uff0c"),
        ("\u5168\u5e02", "\u5168\u5e02"),
    ]


def test_diff_is_fast_on_long_repetitive_lines():
    # difflib's matcher took tens of seconds on lines like this one.
    line = "\u5168\u5e02\u53c2\u4fdd714.9 \u4e07\u4eba,\u5176\u4e2d(\u57ce\u9547)\u3002" * 5000
    pieces = diff_pieces(line, normalize_line(line))
    assert "".join(piece.old for piece in pieces) == line


@given(st.text(alphabet=" ,.:;()!?0123456789abAB\u3000\u00a0\uff10\uff21\u4e2d\u6587\u3002\uff0c"))
def test_alignment_adds_up_to_both_lines(text):
    normal = normalize_line(text)
    spans = align(text, normal)
    assert "".join(text[i1:i2] for i1, i2, _, _ in spans) == text
    assert "".join(normal[j1:j2] for _, _, j1, j2 in spans) == normal


# --------------------------------------------------------------------------- the command


def test_explain_seed_004(runner):
    lines = explain_lines(runner, str(seed_path("004")))
    assert len(lines) == 227 + 3  # every line, the metadata, the signals, the summary
    assert any(line.startswith("signals: chars ") for line in lines[-3:])
    assert numbered(lines, 3).startswith("-   3  \u5f53\u524d\u4f4d\u7f6e")
    assert numbered(lines, 3).endswith("[navigation/breadcrumb-label]")
    assert numbered(lines, 4) == "    4  " + seed_text("004").splitlines()[3]
    assert numbered(lines, 127).startswith("- 127  ")
    assert numbered(lines, 127).endswith("[duplicate/repeated-block] (repeats lines 13-113)")
    assert numbered(lines, 129).endswith("[duplicate/repeated-block]")
    changed = numbered(lines, 13)
    assert changed.startswith("~  13  2022\u5e74[,\u2192\uff0c]")
    assert changed.endswith("[normalize/punctuation-width]")
    assert numbered(lines, 8) == "    8"  # blank
    assert lines[-2].startswith("metadata: title ")
    assert lines[-1] == (
        f"{seed_path('004')}: 227 lines: 52 kept (43 changed by normalization, 0 cut), "
        "68 removed (duplicate 51, title-repeat 5, navigation 4, metadata 3, accessibility 2, "
        "page-tools 2, site-name 1), 107 blank"
    )


def test_explain_seed_000_marks_the_cut_fragment(runner):
    lines = explain_lines(runner, str(seed_path("000")))
    line = numbered(lines, 2)
    assert line.startswith("! 2  ")
    assert "[cut: (\u738b \u6d9b \u8d75 \u5189)]  [attribution/trailing-names]" in line
    assert line.endswith("[normalize/digit-cjk-spacing,punctuation-width,punct-spacing]")
    assert "[- ]2021[- ]\u5e74[,\u2192\uff0c]" in line
    assert lines[-1].endswith(
        "9 lines: 9 kept (0 changed by normalization, 8 cut), 0 removed, 0 blank"
    )


def test_plain_when_piped_coloured_on_request(runner):
    path = str(seed_path("004"))
    plain = runner.invoke(cli, ["explain", path]).stdout
    assert ANSI not in plain
    coloured = runner.invoke(cli, ["explain", path, "--color"]).stdout
    assert ANSI in coloured
    assert click_unstyle(coloured) == plain
    assert ANSI not in runner.invoke(cli, ["explain", path, "--no-color"], color=True).stdout


def test_no_color_environment_variable(runner):
    path = str(seed_path("003"))
    assert ANSI in runner.invoke(cli, ["explain", path], color=True).stdout
    result = runner.invoke(cli, ["explain", path], color=True, env={"NO_COLOR": "1"})
    assert ANSI not in result.stdout


def test_piped_through_a_real_process_is_plain(runner):
    path = str(seed_path("001"))
    result = subprocess.run(
        [sys.executable, "-m", "cleaner", "explain", path],
        capture_output=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    output = result.stdout.decode("utf-8")
    assert ANSI not in output
    assert output.splitlines() == explain_lines(runner, path)
    assert "-  1  \u9996\u9875 > " in output  # 首页 > ...
    assert "[navigation/breadcrumb]" in output


def test_render_with_colour_styles_marks_and_reasons():
    explained = explain_text(
        "\u5f53\u524d\u4f4d\u7f6e\uff1a\u9996\u9875 > \u8981\u95fb\n\u6807\u9898"
    )
    coloured = render_explanation(explained, "page.txt", color=True)
    assert "\x1b[31m" in coloured[0]  # the removed line in red
    assert "\x1b[33m[navigation/breadcrumb-label]" in coloured[0]
    assert render_explanation(explained, "page.txt", color=False)[0] == (
        "- 1  \u5f53\u524d\u4f4d\u7f6e\uff1a\u9996\u9875 > \u8981\u95fb  [navigation/breadcrumb-label]"
    )


def test_control_characters_are_shown_not_obeyed(runner, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "\u6807\u9898\n\u6b63\u6587\x1b[2J\u3002\n\u6253\u5370\x1b]0;title\x07\n", encoding="utf-8"
    )
    output = runner.invoke(cli, ["explain", str(page), "--color"]).stdout
    assert "\x1b[2J" not in output
    assert "\x1b]0" not in output
    # Normalization deletes them; the diff shows them escaped.
    assert "\\u001b" in output
    assert "\\u0007" in output
    # A removed line is shown as read, escaped too.
    page.write_text(
        "\u5f53\u524d\u4f4d\u7f6e\uff1a\u9996\u9875 > \x1b[5m\u8981\u95fb\n", encoding="utf-8"
    )
    output = runner.invoke(cli, ["explain", str(page), "--color"]).stdout
    assert "\x1b[5m" not in output
    assert "> \\u001b[5m\u8981\u95fb" in output


def test_encodings_are_decoded_like_a_run(runner, tmp_path):
    page = tmp_path / "gb.txt"
    page.write_bytes(seed_text("003").encode("gb18030"))
    lines = explain_lines(runner, str(page))
    assert numbered(lines, 3).endswith("[byline/reporter]")


@pytest.mark.parametrize(
    ("data", "reason"), [(b"", "empty file"), (b"\x89PNG\r\n\x1a\n" * 4, "PNG")]
)
def test_undecodable_file_exits_1(runner, tmp_path, data, reason):
    page = tmp_path / "page.txt"
    page.write_bytes(data)
    result = runner.invoke(cli, ["explain", str(page)])
    assert result.exit_code == 1
    assert f"clean explain: {page}: " in result.output
    assert reason in result.output


def test_usage_errors(runner, tmp_path):
    result = runner.invoke(cli, ["explain"])
    assert result.exit_code == 2
    assert "Missing argument 'FILE'" in result.output
    result = runner.invoke(cli, ["explain", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2
    result = runner.invoke(cli, ["explain", str(tmp_path)])
    assert result.exit_code == 2
    result = runner.invoke(cli, ["explain", "--print-config"])
    assert result.exit_code == 0
    assert "threshold = 0.8" in result.stdout


def test_flags_of_a_run_apply(runner):
    lines = explain_lines(runner, str(seed_path("004")), "--no-boilerplate", "--no-block-dedup")
    assert numbered(lines, 3).startswith("~   3  ")
    assert not any(line.startswith("- ") for line in lines)


def test_html_page_is_explained_from_its_main_text(runner, tmp_path):
    pytest.importorskip("trafilatura")
    paragraph = "\u5168\u5e02\u53c2\u4fdd\u4eba\u6570\u8fbe\u5230714.9\u4e07\u4eba\u3002" * 8
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>\u533b\u4fdd</title></head><body><article>"
        f"<h1>\u533b\u4fdd\u60e0\u6c11</h1><p>{paragraph}</p><p>{paragraph}\u5e74</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    lines = explain_lines(runner, str(page))
    assert lines[-1].endswith("(the main text of an HTML page)")
    assert any(paragraph in line for line in lines)


def click_unstyle(text: str) -> str:
    import click

    return click.unstyle(text)
