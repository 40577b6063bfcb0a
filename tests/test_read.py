"""Finding and reading input files: glob semantics, order, links and unreadable files."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

import cleaner.read.files
from cleaner.data import FileFailure, RawFile
from cleaner.errors import UsageProblem
from cleaner.read.files import (
    BROKEN,
    INTO_OUTPUT,
    LOOP,
    OUTSIDE,
    SPECIAL,
    WALKED,
    find_files,
    glob_to_regex,
    input_root,
    iter_raw_files,
    read_stdin,
    scan_files,
)

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs os.symlink")


def make_tree(root: Path, rel_paths: list[str]) -> None:
    for rel_path in rel_paths:
        path = root / rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"内容 {rel_path}\n", encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    make_tree(
        tmp_path,
        [
            "b.txt",
            "a.txt",
            "a-b/x.txt",
            "a/b.txt",
            "sub/c.txt",
            "sub/deep/er/d.txt",
            "notes.md",
            "a.txt.bak",
            "sub/readme.TXT",
            ".hidden.txt",
        ],
    )
    return tmp_path


def test_sorted_by_relative_path_string(tree: Path) -> None:
    # "-" < "." < "/" in code-point order, so this is not the order a walk visits.
    assert find_files(tree) == [
        ".hidden.txt",
        "a-b/x.txt",
        "a.txt",
        "a/b.txt",
        "b.txt",
        "sub/c.txt",
        "sub/deep/er/d.txt",
    ]


def test_double_star_matches_zero_or_more_directories(tree: Path) -> None:
    assert find_files(tree, "**/*.txt") == find_files(tree)
    assert find_files(tree, "sub/**/*.txt") == ["sub/c.txt", "sub/deep/er/d.txt"]
    assert find_files(tree, "**/d.txt") == ["sub/deep/er/d.txt"]
    assert find_files(tree, "sub/**") == ["sub/c.txt", "sub/deep/er/d.txt", "sub/readme.TXT"]


def test_single_star_is_top_level_only(tree: Path) -> None:
    assert find_files(tree, "*.txt") == [".hidden.txt", "a.txt", "b.txt"]
    assert find_files(tree, "*/*.txt") == ["a-b/x.txt", "a/b.txt", "sub/c.txt"]


def test_non_matching_files_are_ignored(tree: Path) -> None:
    found = find_files(tree)
    assert "notes.md" not in found
    assert "a.txt.bak" not in found
    assert "sub/readme.TXT" not in found  # matching is case-sensitive
    assert find_files(tree, "**/*.md") == ["notes.md"]


def test_question_mark_and_character_classes(tree: Path) -> None:
    assert find_files(tree, "?.txt") == ["a.txt", "b.txt"]
    assert find_files(tree, "[ab].txt") == ["a.txt", "b.txt"]
    assert find_files(tree, "[!a].txt") == ["b.txt"]
    assert find_files(tree, "**/[c-d].txt") == ["sub/c.txt", "sub/deep/er/d.txt"]


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("**/*.txt", "a.txt", True),
        ("**/*.txt", "x/y/z/a.txt", True),
        ("**/*.txt", "a.txt/b", False),
        ("x/**/y.txt", "x/y.txt", True),
        ("x/**/y.txt", "x/1/2/y.txt", True),
        ("x/**/y.txt", "xx/y.txt", False),
        ("*.txt", "x/a.txt", False),
        ("a?c.txt", "a/c.txt", False),
        ("[]a].txt", "].txt", True),
        ("[a-c-].txt", "-.txt", True),
        ("[[].txt", "[.txt", True),
        ("a[.txt", "a[.txt", True),
        ("新闻/*.txt", "新闻/一.txt", True),
        ("(x)+.txt", "(x)+.txt", True),
        ("(x)+.txt", "xx.txt", False),
    ],
)
def test_glob_to_regex(pattern: str, path: str, matches: bool) -> None:
    assert bool(glob_to_regex(pattern).fullmatch(path)) is matches


def test_a_reversed_range_matches_no_name() -> None:
    assert not glob_to_regex("[z-a].txt").fullmatch("a.txt")
    assert not glob_to_regex("[z-a].txt").fullmatch("z.txt")


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("**/*.{jsonl,ndjson}{,.gz,.zst}", "a/b.jsonl.gz", True),
        ("**/*.{jsonl,ndjson}{,.gz,.zst}", "b.ndjson", True),
        ("**/*.{jsonl,ndjson}{,.gz,.zst}", "b.json", False),
        ("/news/*.txt", "news/a.txt", True),
    ],
)
def test_braces_choose_and_a_leading_slash_is_the_input(pattern: str, path: str, matches: bool) -> None:
    assert bool(glob_to_regex(pattern).fullmatch(path)) is matches


def test_root_that_is_a_file(tree: Path) -> None:
    path = tree / "sub" / "c.txt"
    assert find_files(path) == ["c.txt"]
    assert find_files(path, "*.md") == ["c.txt"]  # naming a file beats the glob
    assert input_root(path) == tree / "sub"
    assert input_root(tree) == tree
    (item,) = iter_raw_files(input_root(path), find_files(path))
    assert item == RawFile("c.txt", "内容 sub/c.txt\n".encode())


def test_missing_root(tmp_path: Path) -> None:
    with pytest.raises(UsageProblem, match="check the path"):
        find_files(tmp_path / "nowhere")


def test_empty_directory(tmp_path: Path) -> None:
    assert find_files(tmp_path) == []


@needs_symlinks
def test_symlinked_directory_loop_does_not_hang(tmp_path: Path) -> None:
    make_tree(tmp_path, ["top.txt", "a/inner.txt"])
    os.symlink(tmp_path, tmp_path / "a" / "loop")  # a/loop -> root
    os.symlink(tmp_path / "a", tmp_path / "a" / "self")  # a/self -> a
    assert find_files(tmp_path) == ["a/inner.txt", "top.txt"]


@needs_symlinks
def test_symlinked_files(tmp_path: Path) -> None:
    inside, outside = tmp_path / "in", tmp_path / "out"
    make_tree(inside, ["real.txt", "docs/other.txt"])
    make_tree(outside, ["secret.txt"])
    os.symlink(inside / "docs" / "other.txt", inside / "alias.txt")
    os.symlink(outside / "secret.txt", inside / "escape.txt")
    os.symlink(inside / "gone.txt", inside / "broken.txt")
    os.symlink(outside, inside / "linked_dir")
    assert find_files(inside) == ["alias.txt", "docs/other.txt", "real.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_special_files_are_skipped(tmp_path: Path) -> None:
    make_tree(tmp_path, ["a.txt"])
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    assert find_files(tmp_path) == ["a.txt"]


def test_reads_bytes_in_given_order(tree: Path) -> None:
    items = list(iter_raw_files(tree, ["sub/c.txt", "a.txt"]))
    assert items == [
        RawFile("sub/c.txt", "内容 sub/c.txt\n".encode()),
        RawFile("a.txt", "内容 a.txt\n".encode()),
    ]


def test_unreadable_file_becomes_failure(tree: Path) -> None:
    path = tree / "a.txt"
    path.chmod(0)
    try:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            try:
                path.read_bytes()
            except PermissionError:
                pass
            else:
                pytest.skip("running as root: a chmod 000 file is still readable")
        items = list(iter_raw_files(tree, ["a.txt", "b.txt"]))
    finally:
        path.chmod(0o644)
    assert items[0] == FileFailure("a.txt", "cannot read: permission denied")
    assert isinstance(items[1], RawFile)


def test_permission_error_becomes_failure(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same path as above without depending on who runs the tests.
    real_read_bytes = cleaner.read.files.read_bytes

    def read_bytes(path: str) -> bytes:
        if os.path.basename(path) == "a.txt":
            raise PermissionError(13, "Permission denied", path)
        return real_read_bytes(path)

    monkeypatch.setattr(cleaner.read.files, "read_bytes", read_bytes)
    items = list(iter_raw_files(tree, ["a.txt", "b.txt"]))
    assert items[0] == FileFailure("a.txt", "cannot read: permission denied")
    assert isinstance(items[1], RawFile)


def test_file_vanishing_between_find_and_read(tree: Path) -> None:
    rel_paths = find_files(tree)
    (tree / "a.txt").unlink()
    items = {item.rel_path: item for item in iter_raw_files(tree, rel_paths)}
    assert len(items) == len(rel_paths)  # the run goes on
    failure = items["a.txt"]
    assert isinstance(failure, FileFailure)
    assert failure.reason.startswith("cannot read: file not found")
    assert all(isinstance(items[p], RawFile) for p in rel_paths if p != "a.txt")


def test_directory_in_place_of_file(tree: Path) -> None:
    (item,) = iter_raw_files(tree, ["sub"])
    assert item == FileFailure("sub", "cannot read: is a directory")


def test_other_os_error(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def read_bytes(path: str) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(cleaner.read.files, "read_bytes", read_bytes)
    (item,) = iter_raw_files(tree, ["a.txt"])
    assert isinstance(item, FileFailure)
    assert item.reason == "cannot read: " + os.strerror(5).lower()


def test_read_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "标准输入\r\n".encode("gb18030")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert read_stdin() == RawFile("-", data)


# --------------------------------------------------------------------------- follow_links


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """An input with a link loop, links out of it and a file link out of it."""
    inside, outside = tmp_path / "in", tmp_path / "outside"
    make_tree(inside, ["top.txt", "a/inner.txt"])
    make_tree(outside, ["secret.txt", "more/deeper.txt"])
    os.symlink(inside, inside / "a" / "loop")  # a/loop -> the input itself
    os.symlink(inside / "a", inside / "a" / "self")  # a/self -> a
    os.symlink(outside, inside / "linked")  # a directory outside the input
    os.symlink(outside / "secret.txt", inside / "escape.txt")
    return inside


@needs_symlinks
def test_links_are_not_followed_by_default(linked: Path) -> None:
    files, skipped = scan_files(linked)
    assert files == ["a/inner.txt", "top.txt"]
    assert skipped == [FileFailure("escape.txt", OUTSIDE)]
    assert find_files(linked) == files


@needs_symlinks
def test_follow_links_reads_outside_and_reports_each_loop_once(linked: Path) -> None:
    files, skipped = scan_files(linked, follow_links=True)
    assert files == [
        "a/inner.txt",
        "escape.txt",
        "linked/more/deeper.txt",
        "linked/secret.txt",
        "top.txt",
    ]
    assert skipped == [FileFailure("a/loop", LOOP), FileFailure("a/self", LOOP)]
    assert find_files(linked, follow_links=True) == files
    items = {item.rel_path: item for item in iter_raw_files(linked, files)}
    assert items["linked/secret.txt"] == RawFile("linked/secret.txt", "内容 secret.txt\n".encode())


@needs_symlinks
def test_follow_links_reads_a_directory_once(tmp_path: Path) -> None:
    inside, outside = tmp_path / "in", tmp_path / "outside"
    make_tree(inside, ["real/r.txt"])
    make_tree(outside, ["o.txt"])
    os.symlink(outside, inside / "first")
    os.symlink(outside, inside / "second")  # the same folder under another name
    os.symlink(inside / "real", inside / "alias")  # a folder of the input itself
    files, skipped = scan_files(inside, follow_links=True)
    # Real folders are walked before links; links in sorted order.
    assert files == ["first/o.txt", "real/r.txt"]
    assert skipped == [FileFailure("alias", WALKED), FileFailure("second", WALKED)]


@needs_symlinks
def test_follow_links_loop_through_two_links(tmp_path: Path) -> None:
    inside, outside = tmp_path / "in", tmp_path / "outside"
    make_tree(inside, ["i.txt"])
    make_tree(outside, ["o.txt"])
    os.symlink(outside, inside / "out")
    os.symlink(inside, outside / "back")  # out/back -> in: a loop made of two links
    files, skipped = scan_files(inside, follow_links=True)
    assert files == ["i.txt", "out/o.txt"]
    assert skipped == [FileFailure("out/back", LOOP)]


@needs_symlinks
def test_follow_links_never_reads_the_output(tmp_path: Path) -> None:
    inside, output = tmp_path / "in", tmp_path / "out"
    make_tree(inside, ["i.txt"])
    make_tree(output, ["cleaned.txt", "sub/c.txt"])
    os.symlink(output, inside / "to_out")
    os.symlink(output / "sub", inside / "into_out")
    os.symlink(output / "cleaned.txt", inside / "file_in_out.txt")
    os.symlink(tmp_path, inside / "up")  # reaches both the input and the output
    files, skipped = scan_files(inside, follow_links=True, output_dir=output)
    assert files == ["i.txt"]
    assert skipped == [
        FileFailure("file_in_out.txt", INTO_OUTPUT),
        FileFailure("into_out", INTO_OUTPUT),
        FileFailure("to_out", INTO_OUTPUT),
        FileFailure("up/in", LOOP),
        FileFailure("up/out", INTO_OUTPUT),
    ]


@needs_symlinks
def test_follow_links_broken_and_special(tmp_path: Path) -> None:
    make_tree(tmp_path, ["a.txt"])
    os.symlink(tmp_path / "gone", tmp_path / "broken.txt")
    os.symlink(tmp_path / "nowhere", tmp_path / "broken_dir")
    names = [FileFailure("broken.txt", BROKEN)]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.txt")
        os.symlink(tmp_path / "pipe.txt", tmp_path / "to_pipe.txt")
        names += [FileFailure("pipe.txt", SPECIAL), FileFailure("to_pipe.txt", SPECIAL)]
    for follow in (False, True):
        assert scan_files(tmp_path, follow_links=follow) == (["a.txt"], names)


def test_tree_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    depth = sys.getrecursionlimit() + 100
    path = str(tmp_path)
    for _ in range(depth):  # os.makedirs would recurse as deep
        path = os.path.join(path, "d")
        os.mkdir(path)
    leaf = os.path.join(path, "x.txt")
    with open(leaf, "w", encoding="utf-8") as stream:
        stream.write("深处\n")
    try:
        expected = ["d/" * depth + "x.txt"]
        assert find_files(tmp_path) == expected
        assert find_files(tmp_path, follow_links=True) == expected
    finally:
        # shutil.rmtree recurses once per level: pytest could not remove this tree.
        os.remove(leaf)
        for _ in range(depth):
            os.rmdir(path)
            path = os.path.dirname(path)
