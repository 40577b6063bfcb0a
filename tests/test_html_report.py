"""The HTML report: self-contained, deterministic, and right in a real headless browser.

The browser tests use Chromium (Debian's ``chromium`` package, which ``.ci/run``
installs) and skip with a message where none is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from conftest import SEEDS
from test_report import duplicate_corpus

from cleaner import CleanConfig, DedupConfig, clean_corpus
from cleaner.read.texts import chain_texts, directory_texts, source_texts
from cleaner.report.html import page as report_html
from cleaner.report.render import render_html

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)
# Put before the page's own script: every error, console.error and blocked fetch
# (the page's Content-Security-Policy forbids all) is written into the DOM.
ERROR_TRAP = """<script>(function () {
  var root = document.documentElement;
  function note(text) {
    root.setAttribute("data-js-errors", (root.getAttribute("data-js-errors") || "") + text + ";");
  }
  window.addEventListener("error", function (event) { note("error: " + event.message); });
  document.addEventListener("securitypolicyviolation", function (event) {
    note("blocked: " + event.violatedDirective + " " + event.blockedURI);
  });
  var original = console.error;
  console.error = function () {
    note("console.error: " + Array.prototype.join.call(arguments, " "));
    original.apply(console, arguments);
  };
})();</script>"""


def find_browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> str:
    found = find_browser()
    if found is None:
        pytest.skip(
            "no Chromium found (looked for " + ", ".join(BROWSERS) + "); "
            "install it with 'apt-get install chromium' to run the browser tests"
        )
    return found


def run_browser(
    browser: str, page: Path, tmp_path: Path, *args: str
) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    command = [browser, *BROWSER_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=180, check=False, cwd=tmp_path
    )


def load(browser: str, html: str, tmp_path: Path) -> tuple[str, str]:
    """Open the page with the error trap; return the DOM after the scripts ran, and stderr."""
    page = tmp_path / "page.html"
    page.write_text(html.replace("<head>", "<head>" + ERROR_TRAP, 1), encoding="utf-8")
    result = run_browser(browser, page, tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, result.stderr


def trapped_errors(dom: str) -> str | None:
    """Return what the error trap wrote on <html>, or None when nothing went wrong."""
    opening = re.search(r"<html[^>]*>", dom)
    assert opening, dom[:300]
    found = re.search(r'data-js-errors="([^"]*)"', opening.group(0))
    return found.group(1) if found else None


def console_errors(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if "Uncaught" in line or ("CONSOLE" in line and "error" in line.lower())
    ]


@pytest.fixture(scope="module")
def seed_html(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("seed-html") / "out"
    report = clean_corpus(SEEDS, out, CleanConfig())
    return render_html(
        report, directory_texts(out), source_texts(SEEDS, report.config.sample_bytes)
    )


# --------------------------------------------------------------------------- without a browser


def test_page_is_self_contained(seed_html):
    assert seed_html.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in seed_html and "default-src 'none'" in seed_html
    for fetch in ("http:", "https:", "src=", "<link", "@import", "url(", "//cdn"):
        assert fetch not in seed_html
    assert "<svg" in seed_html and "<style>" in seed_html and "<script>" in seed_html


def test_seed_page_shows_the_numbers(seed_html):
    assert '<div class="card" data-total="files_read"><span class="num">5</span>' in seed_html
    assert 'data-total="lines_removed"><span class="num">83</span>' in seed_html
    assert 'data-total="warnings"><span class="num">20</span>' in seed_html
    assert 'data-label="duplicate" data-value="51"' in seed_html
    assert "004_4d4430e8f8b321f2.txt: lines 127\u2013227 repeat lines 13\u2013113" in seed_html
    # Both copies of the Hohhot article, numbered as in the input file.
    assert '<th colspan="2">lines 13\u2013113 (kept)</th>' in seed_html
    assert '<td class="ln">13</td>' in seed_html and '<td class="ln">127</td>' in seed_html


def test_removed_lines_have_their_reasons(seed_html):
    # 004 line 121: the print button, page tools; 003 line 3: the reporter's byline.
    row = re.search(r'<tr data-class="page-tools"><td class="ln">121</td>.*?</tr>', seed_html)
    assert row and "tool-words" in row.group(0)
    assert "\u5927\u4f17\u7f51\u8bb0\u8005 \u5f20\u949f\u96ef \u67a3\u5e84\u62a5\u9053" in seed_html
    assert "unit-without-figure" in seed_html


def test_page_is_deterministic(seed_html, tmp_path):
    out = tmp_path / "out"
    report = clean_corpus(SEEDS, out, CleanConfig(), jobs=1)
    again = render_html(
        report, directory_texts(out), source_texts(SEEDS, report.config.sample_bytes)
    )
    assert again == seed_html


def _pairs_page(tmp_path: Path, **lookups: bool) -> str:
    source = duplicate_corpus(tmp_path)
    # Markup in the text must come out as text, not as markup (7 / 8: a difference shown).
    for name, mark in (("a.txt", "7"), ("b.txt", "8")):
        text = (source / name).read_text(encoding="utf-8")
        (source / name).write_text(text + f"<script>alert(1)</script>{mark}\n", "utf-8")
    everything = tmp_path / "everything"
    config = CleanConfig(dedup=DedupConfig(numbers_matter=False))  # drop the figures pair too
    report = clean_corpus(source, tmp_path / "out", config)
    # Dropped documents are not written: a run without document dedup has every text.
    clean_corpus(source, everything, CleanConfig(dedup=DedupConfig(documents=False)))
    cleaned = directory_texts(everything) if lookups.get("cleaned", True) else None
    return render_html(report, cleaned, source_texts(source, config.sample_bytes))


def test_pairs_side_by_side_with_the_differences_marked(tmp_path):
    page = _pairs_page(tmp_path)
    # The similarity is MinHash's estimate: only its range is pinned.
    assert re.search(
        "b.txt dropped as a near-duplicate of a.txt \u00b7 similarity (0\\.9\\d\\d|1\\.000)", page
    )
    assert "only figures differ" in page
    assert '201<mark class="del">9</mark>' in page and '201<mark class="ins">8</mark>' in page
    # The rewritten half paragraph of sub/d.txt: 为此我们调整了工作安排
    assert (
        '<mark class="ins">\u4e3a\u6b64\u6211\u4eec\u8c03\u6574\u4e86\u5de5\u4f5c\u5b89\u6392'
        in page
    )
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'data-label="2 documents" data-value="2"' in page  # two clusters of two
    assert "identical line(s)" in page


def test_pairs_without_texts_say_so(tmp_path):
    page = _pairs_page(tmp_path, cleaned=False)
    assert "The cleaned texts were not given to the report." in page
    assert "<mark" not in page.split('id="pairs"')[1].split('id="blocks"')[0].replace(
        '<mark class="del">red</mark>', ""
    ).replace('<mark class="ins">green</mark>', "")


def test_long_lists_are_cut(tmp_path, monkeypatch):
    monkeypatch.setattr(report_html, "HTML_MAX_PAIRS", 1)
    monkeypatch.setattr(report_html, "HTML_MAX_FILES", 2)
    page = _pairs_page(tmp_path)
    assert "\u2026 and 1 more pair(s) in _report.json." in page
    assert "\u2026 and 3 more file(s) in _report.json." in page
    assert page.count('<details class="file"') == 2


def test_file_names_are_escaped(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(SEEDS / "003_7dbb7a3d7e6d867d.txt", source / "<b>bold.txt")
    page = render_html(
        clean_corpus(source, None, CleanConfig(dedup=DedupConfig(numbers_matter=False)))
    )
    assert "<b>bold" not in page and "&lt;b&gt;bold.txt" in page


# --------------------------------------------------------------------------- in a browser


def test_the_error_trap_catches_errors(browser, tmp_path):
    broken = (
        "<!DOCTYPE html><html><head></head><body><img src='https://example.invalid/x.png'>"
        "<script>console.error('bad'); undefinedFunction();</script></body></html>"
    )
    csp = report_html.CSP
    broken = broken.replace(
        "<head>", f'<head><meta http-equiv="Content-Security-Policy" content="{csp}">'
    )
    dom, _ = load(browser, broken, tmp_path)
    errors = trapped_errors(dom)
    assert errors, dom[:500]
    assert "console.error: bad" in errors
    assert "undefinedFunction" in errors
    assert "blocked: img-src https://example.invalid/x.png" in errors


def test_seed_page_loads_without_errors_and_shows_the_numbers(browser, seed_html, tmp_path):
    dom, stderr = load(browser, seed_html, tmp_path)
    assert 'data-ready="true"' in dom, "the page script did not run to the end"
    assert trapped_errors(dom) is None
    assert console_errors(stderr) == []
    # Written by the script after it filtered the file list.
    assert '<span id="file-count">5 of 5 files shown</span>' in dom
    for key, value in (("files_read", 5), ("lines_removed", 83), ("duplicate_blocks", 1)):
        assert f'data-total="{key}"><span class="num">{value}</span>' in dom
    assert 'data-label="duplicate" data-value="51"' in dom
    assert "lines 127\u2013227 repeat lines 13\u2013113" in dom


def test_pairs_page_loads_without_errors(browser, tmp_path):
    dom, stderr = load(browser, _pairs_page(tmp_path), tmp_path)
    assert 'data-ready="true"' in dom and trapped_errors(dom) is None
    assert console_errors(stderr) == []
    assert '<span id="file-count">5 of 5 files shown</span>' in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom


def test_seed_page_screenshot(browser, seed_html, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(seed_html, encoding="utf-8")
    shot = tmp_path / "report.png"
    result = run_browser(browser, page, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000")
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 20_000  # a page with text and charts, not a blank one
    target = os.environ.get("CLEANER_SCREENSHOT")
    if target:  # keep it for a person to look at
        shutil.copy(shot, target)


def test_lookups_find_texts_by_id_or_by_work_name(tmp_path):
    work, out = tmp_path / "work", tmp_path / "out"
    work.mkdir()
    (out / "sub").mkdir(parents=True)
    (work / "000000001").write_text("\u7532\n", encoding="utf-8")  # a dropped document
    (out / "sub" / "b.txt").write_text("\u4e59\n", encoding="utf-8")  # a written one
    lookup = chain_texts(
        directory_texts(work, {"a.txt": "000000001", "sub/b.txt": "000000002"}),
        directory_texts(out),
    )
    assert lookup("a.txt") == "\u7532\n" and lookup("sub/b.txt") == "\u4e59\n"
    assert lookup("c.txt") is None
    assert source_texts(SEEDS, 16384)("no-such.txt") is None
    gb = tmp_path / "gb.txt"
    gb.write_bytes(SEEDS.joinpath("003_7dbb7a3d7e6d867d.txt").read_text("utf-8").encode("gb18030"))
    assert source_texts(gb, 16384)("gb.txt") == SEEDS.joinpath(
        "003_7dbb7a3d7e6d867d.txt"
    ).read_text("utf-8")


@pytest.mark.parametrize("form", ["text", "jsonl"])
def test_the_runs_own_page_shows_dropped_texts(tmp_path, form):
    """OUT/_report.html reads the dropped texts from where the run staged them."""
    source = duplicate_corpus(tmp_path)
    config = CleanConfig(dedup=DedupConfig(numbers_matter=False), output_format=form)
    clean_corpus(source, tmp_path / "out", config)
    page = (tmp_path / "out" / "_report.html").read_text(encoding="utf-8")
    assert "The cleaned texts were not given to the report." not in page
    # The rewritten half paragraph of sub/d.txt, a dropped document: 为此我们调整了工作安排
    assert (
        '<mark class="ins">\u4e3a\u6b64\u6211\u4eec\u8c03\u6574\u4e86\u5de5\u4f5c\u5b89\u6392'
        in page
    )
