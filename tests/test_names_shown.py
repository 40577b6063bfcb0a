"""File names that would act on a terminal are shown escaped everywhere (issue 16, item 3).

A name may hold ESC sequences (clear screen, colours, OSC window titles), BEL, CR,
LF, other C0 and C1 controls, and BiDi overrides, isolates and marks. The CLI is run
on a tree of such names (files written, skipped, with repeated blocks, near-duplicate
pairs, a stale committed output) by every command that prints names; no such
character may reach standard output, standard error or any report file.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import seed_path

from cleaner import clean_corpus
from cleaner.cli import cli
from cleaner.read.names import printable_path

# What acts on a terminal or reorders text: C0 controls but the line end (the report
# files are lines), DEL, C1 controls, BiDi marks, embeddings, overrides and isolates,
# the line and paragraph separators.
ACTING_RE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
HOSTILE = {
    "clear": "\x1b[2J\x1b[H",  # clear the screen, cursor home
    "title": "\x1b]0;pwned\x07",  # OSC: set the window title, ended by BEL
    "colour": "\x1b[31m",
    "bell": "\x07",
    "cr": "a\rskipped ok.txt: forged",
    "lf": "b\nskipped ok.txt: forged",
    "csi": "\x9b2J",  # the one-byte C1 control sequence introducer
    "rlo": "\u202etxt.exe",  # right-to-left override: shows as "exe.txt"
    "isolates": "\u2066x\u2069\u2067y\u2069\u2068z\u2069",
    "marks": "\u200e\u200f\u061c",
    "del": "\x7f",
    "tab": "c\td",
    "lsep": "e\u2028f",
}


def hostile(name: str) -> str:
    return f"{HOSTILE[name]}-{name}.txt"


def make_tree(root: Path) -> Path:
    """A crawl whose names are hostile: written, skipped, repeated blocks, near-duplicates."""
    source = root / "in"
    (source / "\x1b[2Jsite\u202e").mkdir(parents=True)
    shutil.copy(seed_path("003"), source / "ok.txt")
    shutil.copy(seed_path("004"), source / hostile("clear"))  # holds a repeated block
    shutil.copy(seed_path("000"), source / hostile("title"))  # 000 twice: a near-duplicate
    shutil.copy(seed_path("000"), source / hostile("rlo"))
    shutil.copy(seed_path("001"), source / "\x1b[2Jsite\u202e" / hostile("csi"))
    for name in ("colour", "bell", "cr", "lf", "isolates", "marks", "del", "tab", "lsep"):
        (source / hostile(name)).write_bytes(b"")  # empty: skipped, named in the summary
    (source / hostile("lf")).write_bytes(b"\x89PNG\r\n\x1a\n....")
    return source


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}


def run_clean(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "cleaner", *args]
    return subprocess.run(command, capture_output=True, cwd=cwd, env=environment(), check=False)


def run_on_terminal(*args: str, cwd: Path) -> tuple[int, bytes]:
    """Run ``clean`` with standard error on a terminal (click strips nothing there).

    Return the exit code and what reached the terminal, with the terminal's own
    line ends (CR LF) and the progress bar's cursor codes taken out.
    """
    master, slave = pty.openpty()
    command = [sys.executable, "-m", "cleaner", *args]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=slave, cwd=cwd, env=environment()
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    shown = b"".join(chunks)
    for own in (b"\r\n", b"\x1b[?25l", b"\x1b[?25h", b"\r"):
        shown = shown.replace(own, b"\n" if own == b"\r\n" else b"")
    return process.wait(), shown


def acting(data: bytes, where: str) -> list[str]:
    """List the acting characters in ``data``, each with what surrounds it."""
    text = data.decode("utf-8", errors="replace")
    return [
        f"{where}: {text[max(0, m.start() - 30) : m.end() + 30]!r}"
        for m in ACTING_RE.finditer(text)
    ]


def reports_in(folder: Path) -> list[Path]:
    """The files of a run that people read: reports, not the cleaned texts."""
    names = ("_report.json", "_report.md", "_report.html", "corpus.jsonl")
    return [folder / name for name in names if (folder / name).exists()]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tree(tmp_path_factory.mktemp("hostile"))


def test_the_names_are_on_disk_as_made(tree: Path) -> None:
    names = set(os.listdir(tree))
    assert hostile("lf") in names and hostile("rlo") in names


def test_run_summary_and_reports_show_no_acting_character(tree: Path) -> None:
    work = tree.parent
    out = "out\x1b]0;pwned\x07"  # the output directory's own name is printed too
    code, terminal = run_on_terminal(str(tree), out, "--jobs", "1", "--progress", cwd=work)
    assert code == 1, terminal.decode()  # the empty files are skipped
    quiet = run_clean(str(tree), "quiet", "--jobs", "1", "-q", "--format", "jsonl", cwd=work)
    assert quiet.returncode == 1, quiet.stderr.decode()
    found = acting(terminal, "terminal")
    found += acting(quiet.stdout, "quiet stdout") + acting(quiet.stderr, "quiet stderr")
    for folder in (work / out, work / "quiet"):
        for report in reports_in(folder):
            found += acting(report.read_bytes(), repr(str(report.relative_to(work))))
    assert found == []
    # The names are there, escaped as printable_path shows them.
    summary = terminal.decode()
    assert f"skipped {printable_path(hostile('bell'))}: empty file" in summary
    assert "skipped \\x07-bell.txt: empty file" in summary
    assert "skipped b\\nskipped ok.txt: forged-lf.txt: binary file (PNG image)" in summary
    assert "\\x1b[2J\\x1b[H-clear.txt: lines" in summary  # its repeated block
    assert "report: out\\x1b]0;pwned\\x07/_report.md" in summary
    assert "clean: skipped \\u2066x\\u2069" in quiet.stderr.decode()
    html = (work / out / "_report.html").read_text(encoding="utf-8")
    assert 'data-path="\\u202etxt.exe-rlo.txt"' in html
    # The cleaned files keep their real names.
    assert (work / out / hostile("clear")).exists()
    assert (work / out / "\x1b[2Jsite\u202e" / hostile("csi")).exists()


def test_check_explain_and_errors_show_no_acting_character(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In this process (color=True: click strips nothing), for speed.
    work = tree.parent
    monkeypatch.chdir(work)
    committed = work / "committed"
    clean_corpus(tree, committed, jobs=1)
    (committed / hostile("title")).write_text("\u65e7\u6587\u672c\n", encoding="utf-8")  # stale
    (committed / "\x1b]0;extra\x07.txt").write_text("\u591a\u4f59\n", encoding="utf-8")
    runner = CliRunner()
    commands = {
        "check": [
            "check", str(tree), "--against", str(committed), "--jobs", "1",
            "--annotations", "github", "--sarif", "c.sarif", "--html", "c.html",
            "--summary", "c.md",
        ],
        "explain": ["explain", "--no-color", str(tree / hostile("clear"))],
        "explain-empty": ["explain", str(tree / hostile("bell"))],
        "missing-input": [str(tree / "\x1b]0;gone\x07"), "o2"],
        "input-in-output": [str(tree), str(tree / "\x1b[2Jout")],
    }  # fmt: skip
    results = {name: runner.invoke(cli, args, color=True) for name, args in commands.items()}
    found = []
    for name, result in results.items():
        found += acting(result.stdout_bytes, f"{name} stdout")
        found += acting(result.stderr_bytes, f"{name} stderr")
    for written in ("c.sarif", "c.html", "c.md"):
        found += acting((work / written).read_bytes(), written)
    assert found == []
    assert results["check"].exit_code == 1
    check = results["check"].stdout
    assert "`\\x1b]0;extra\\x07.txt` | extra" in check
    assert "::error file=committed/\\x1b]0;pwned\\x07-title.txt,line=1" in check
    assert "\\x1b[2J\\x1b[H-clear.txt: " in results["explain"].stdout
    assert "\\x07-bell.txt: empty file" in results["explain-empty"].stderr
    assert "\\x1b]0;gone\\x07 does not exist" in results["missing-input"].stderr
    assert "\\x1b[2Jout is inside the input" in results["input-in-output"].stderr
