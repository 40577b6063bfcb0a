"""Path invariants over generated trees (issue 16): nothing outside OUT is created or changed.

Hypothesis builds IN and a pre-existing OUT from files, folders, links to folders
and to files (outside, inside, back into the tree), dangling links and link loops,
with names that hold spaces, CJK, controls, BiDi characters and bytes that are not
UTF-8, and with OUT's own names (reports, work directory, lock, manifest) taken by
links. A run (text or JSON Lines output, links followed or not, resumed or not)
either finishes or is refused with a ``CleanerError``; afterwards everything outside
OUT, IN included, is exactly as it was.

CI runs a fixed sequence of examples; CLEANER_FUZZ_EXAMPLES (e.g. 20000) searches
afresh with that many random ones.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from conftest import seed_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import CleanConfig, clean_corpus
from cleaner.errors import CleanerError

EXAMPLES = int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "60"))
SEARCH = "CLEANER_FUZZ_EXAMPLES" in os.environ
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not SEARCH,
    suppress_health_check=[HealthCheck.too_slow],
)
BAD_BYTE = b"\xff".decode("utf-8", "surrogateescape")
FOLDERS = ["docs", "sub", "\u65b0\u95fb", "\x1b[2J", "line\nbreak", f"bad{BAD_BYTE}"]
FILES = ["a.txt", "b.txt", "x y.txt", "\u202etxt.txt", "-dash.txt", f"bad{BAD_BYTE}.txt"]
# What a run writes at OUT's top level, each a name a link may take.
OUT_NAMES = [
    "_report.json", "_report.md", "_report.html", "corpus.jsonl", ".cleaner-work",
    ".cleaner-lock", ".cleaner-manifest.json",
]  # fmt: skip
KINDS = ["file", "folder", "link-folder-outside", "link-file-outside", "dangling", "loop",
         "link-up", "link-file-inside"]  # fmt: skip
# Distinct pages (no two near-duplicates, so each is written), a line, nothing, an image.
TEXTS = [seed_path(prefix).read_bytes() for prefix in ("000", "002", "003", "004")] + [
    "\u4e00\u4e8c\u4e09\u56db\u4e94\u3002\n".encode(),
    b"",
    b"\x89PNG\r\n\x1a\n...",
]


def entries(last_names: list[str]) -> st.SearchStrategy[list[tuple[str, list[str], int]]]:
    """A list of (kind, path as names, choice of content or target): folders, then a name."""
    path = st.tuples(
        st.lists(st.sampled_from(FOLDERS), max_size=2), st.sampled_from(last_names)
    ).map(lambda pair: [*pair[0], pair[1]])
    entry = st.tuples(st.sampled_from(KINDS), path, st.integers(0, 7))
    return st.lists(entry, max_size=12)


def build(root: Path, items: list[tuple[str, list[str], int]], outside: Path) -> None:
    """Make each entry under ``root`` whose parent folders can be made; skip the rest."""
    for kind, parts, choice in items:
        path = root.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(path) or not path.parent.resolve().is_relative_to(root.resolve()):
                continue  # taken, or its folder is a link: leave it
            if kind == "file":
                path.write_bytes(TEXTS[choice % len(TEXTS)])
            elif kind == "folder":
                path.mkdir()
            elif kind == "link-folder-outside":
                path.symlink_to(outside / f"folder{choice % 2}")
            elif kind == "link-file-outside":
                path.symlink_to(outside / f"file{choice % 2}.txt")
            elif kind == "dangling":
                path.symlink_to(outside / "missing" / str(choice))
            elif kind == "loop":
                path.symlink_to(path.name)  # a link to itself
            elif kind == "link-up":
                path.symlink_to("." if choice % 2 else "..")
            else:
                path.symlink_to(root / "a.txt")
        except OSError:
            continue  # e.g. a file where a folder was wanted


def make_outside(outside: Path) -> None:
    for index in range(2):
        (outside / f"folder{index}" / "docs").mkdir(parents=True)
        (outside / f"folder{index}" / "a.txt").write_bytes(TEXTS[index])
        (outside / f"file{index}.txt").write_bytes(TEXTS[index])


def snapshot(top: Path, leave_out: Path) -> dict[bytes, tuple[str, bytes, int]]:
    """Every entry under ``top`` but ``leave_out``: kind, bytes digest or link target, mode."""
    found: dict[bytes, tuple[str, bytes, int]] = {}
    skip = os.fsencode(leave_out)
    for directory, dirnames, filenames in os.walk(os.fsencode(top)):
        dirnames[:] = [d for d in dirnames if os.path.join(directory, d) != skip]
        for name in dirnames + filenames:
            path = os.path.join(directory, name)
            status = os.lstat(path)
            if os.path.islink(path):
                found[path] = ("link", os.readlink(path), status.st_mode)
            elif os.path.isdir(path):
                found[path] = ("dir", b"", status.st_mode)
            else:
                with open(path, "rb") as stream:
                    digest = hashlib.sha256(stream.read()).digest()
                found[path] = ("file", digest, status.st_mode)
    return found


@FUZZ
@given(
    entries(FOLDERS + FILES),
    entries(FOLDERS + FILES + OUT_NAMES),
    st.sampled_from(["text", "jsonl"]),
    st.booleans(),
    st.booleans(),
)
def test_nothing_outside_out_is_created_or_changed(
    in_items: list[tuple[str, list[str], int]],
    out_items: list[tuple[str, list[str], int]],
    output_format: str,
    follow_symlinks: bool,
    resume: bool,
) -> None:
    with tempfile.TemporaryDirectory(prefix="clean-paths-") as temporary:
        top = Path(temporary)
        source, out, outside = top / "in", top / "out", top / "outside"
        for folder in (source, out, outside):
            folder.mkdir()
        make_outside(outside)
        (source / "a.txt").write_bytes(TEXTS[0])  # at least one file to clean
        build(source, in_items, outside)
        build(out, out_items, outside)
        before = snapshot(top, out)
        config = CleanConfig(output_format=output_format, follow_symlinks=follow_symlinks)
        for _ in range(2 if resume else 1):  # a second run meets the first one's output
            try:
                clean_corpus(source, out, config, jobs=1, resume=resume)
            except CleanerError:
                pass  # refused (a link where OUT's own files go ...): a clear message
        assert snapshot(top, out) == before
