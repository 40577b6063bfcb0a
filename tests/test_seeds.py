"""What the seeds must show (issue 2): each bullet of the spec on the real documents."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from conftest import CLEANED, SEEDS, seed_output, seed_path

from cleaner import CleanConfig, clean_corpus
from cleaner.clean.normalize import extract_numbers, normalize_line, normalize_text

HOHHOT_TITLE = "\u547c\u548c\u6d69\u7279\u5e02\u533b\u7597\u4fdd\u969c\u5c402022\u5e74\u533b\u4fdd\u60e0\u6c11\u5927\u4e8b\u8bb0"


def _lines(text: str) -> list[str]:
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def _file_entry(data: dict, prefix: str) -> dict:
    (entry,) = [f for f in data["files"] if f["path"].startswith(prefix + "_")]
    return entry


def test_004_title_first_and_article_once(seed_run):
    out, _, _ = seed_run
    lines = _lines(seed_output(out, "004"))
    assert lines[0] == HOHHOT_TITLE
    # Every paragraph of the article (input lines 13-113) appears exactly once.
    raw = seed_path("004").read_text(encoding="utf-8").split("\n")
    article = [normalize_line(line) for line in raw[12:113] if line.strip()]
    assert len(article) == 51
    counts = Counter(lines)
    assert all(counts[paragraph] == 1 for paragraph in article)
    assert sum(1 for line in lines if line.startswith("\u4e8b\u4ef61\uff1a")) == 1  # 事件1：
    closing = "2023\u5e74\uff0c\u547c\u548c\u6d69\u7279\u5e02\u533b\u7597\u4fdd\u969c\u5c40"
    assert sum(1 for line in lines if line.startswith(closing)) == 1


def test_004_boilerplate_gone(seed_run):
    out, _, _ = seed_run
    lines = _lines(seed_output(out, "004"))
    starts = (
        "\u5f53\u524d\u4f4d\u7f6e",  # 当前位置
        "\u53d1\u5e03\u65f6\u95f4",  # 发布时间
        "\u53d1\u5e03\u65e5\u671f",  # 发布日期
        "\u6765\u6e90",  # 来源
        "\u5145\u5206\u8003\u8651\u5230\u8001\u5e74\u4eba",  # 充分考虑到老年人
        "\u754c\u9762\u4e0a\u8fd8\u589e\u52a0\u4e86",  # 界面上还增加了
    )
    assert not [line for line in lines if line.startswith(starts)]
    exact = {
        "\u6717\u8bfb",  # 朗读
        "|\u3010\u6253\u5370\u3011|\u3010\u5173\u95ed\u3011",  # |【打印】|【关闭】
        "\u547c\u548c\u6d69\u7279\u5e02\u4eba\u6c11\u653f\u5e9c",  # 呼和浩特市人民政府
    }
    assert not exact.intersection(lines)


def test_004_report_names_the_duplicated_block(seed_run):
    _, _, data = seed_run
    blocks = _file_entry(data, "004")["duplicate_blocks"]
    assert len(blocks) == 1
    (block,) = blocks
    assert block["original_lines"] == [13, 113]
    assert block["lines"] == [127, 227]
    assert block["paragraphs"] == 51
    assert block["similarity"] == 1.0
    assert data["totals"]["documents_with_duplicate_blocks"] == 1


def test_000_spaced_digits_and_attribution(seed_run):
    out, _, _ = seed_run
    text = seed_output(out, "000")
    assert (
        "2021\u5e74\u7ec4\u7ec7\u4e0a\u89e3\u65b0\u51a0\u75c5\u6bd2\u75ab\u82d7\u91c7\u8d2d\u8d44\u91d17.95"
        "\u4ebf\u5143\uff0c\u7ed3\u7b97\u75ab\u82d7\u63a5\u79cd\u8d39\u75280.7\u4ebf\u5143\uff0c\u7ed3\u7b97"
        "997.5\u4e07\u4eba\u6b21\u3002\u5148\u540e3\u6b21\u964d\u4f4e\u6838\u9178\u68c0\u6d4b\u8d39\u7528"
        "\uff0c\u964d\u4ef7\u5e45\u5ea6\u8d85\u8fc790%\u3002"
    ) in text
    assert "\u738b \u6d9b \u8d75 \u5189" not in text  # 王 涛 赵 冉, in any brackets
    assert "\u738b\u6d9b" not in text
    second = _lines(text)[1]
    assert second.startswith(
        "\u3010\u6982\u51b5\u30112021\u5e74\uff0c\u5168\u5e02\u57fa\u672c\u533b\u7597\u4fdd\u9669\u53c2"
        "\u4fdd\u4eba\u6570\u8fbe\u5230714.9\u4e07\u4eba\uff08\u5176\u4e2d\u57ce\u9547\u804c\u5de548.1"
        "\u4e07\u4eba\uff0c\u57ce\u4e61\u5c45\u6c11666.8\u4e07\u4eba\uff09\uff0c\u804c\u5de5\u751f\u80b2"
        "\u4fdd\u9669\u53c2\u4fdd32.9\u4e07\u4eba\u3002"
    )


def test_001_title_metadata_and_tools(seed_run):
    out, _, data = seed_run
    lines = _lines(seed_output(out, "001"))
    assert lines[0] == (
        "\u7825\u783a\u524d\u884c \u8e14\u5389\u594b\u53d1 \u4e66\u5199\u9ad8\u8d28\u91cf\u7684\u5b89"
        "\u9633\u533b\u4fdd\u4e8b\u4e1a\u7b54\u5377"
    )
    metadata = _file_entry(data, "001")["metadata"]
    assert metadata["date"] == "2022-06-28"
    assert metadata["source"] == "\u5b89\u9633\u5e02\u533b\u7597\u4fdd\u969c\u5c40"
    assert metadata["title"] == lines[0]
    assert not [line for line in lines if line.startswith("\u9996\u9875")]  # 首页 >
    assert not [line for line in lines if "\u3010\u6253\u5370\u3011" in line]  # 【打印】
    assert not [line for line in lines if line.startswith("\u3010\u5b57\u4f53")]  # 【字体
    assert not [line for line in lines if line.startswith("\u76f8\u5173\u9605\u8bfb")]  # 相关阅读
    ratio = (
        "\u804c\u9000\u6bd4\u4e3a1.5:1\uff08\u5168\u56fd2.8:1\uff0c\u6cb3\u5357\u7701"
        "2.4:1\uff09\uff0c\u5168\u7701\u6700\u4f4e"
    )
    assert any(ratio in line for line in lines)


def test_003_decoration_and_byline(seed_run):
    out, _, data = seed_run
    lines = _lines(seed_output(out, "003"))
    assert "\u00b7\u00b7" not in lines
    assert not [line for line in lines if "\u5927\u4f17\u7f51\u8bb0\u8005" in line]  # 大众网记者
    assert _file_entry(data, "003")["metadata"]["author"] == "\u5f20\u949f\u96ef"  # 张钟雯


def test_002_all_content_kept(seed_run):
    out, _, data = seed_run
    raw = seed_path("002").read_text(encoding="utf-8").split("\n")
    expected = [normalize_line(line) for line in raw if line.strip()]
    assert _lines(seed_output(out, "002")) == expected
    assert _file_entry(data, "002")["removed_lines"] == []


def test_numbers_are_facts(seed_run):
    """Numbers of the input = numbers of the output + numbers on removed lines."""
    out, report, _ = seed_run
    for file in report.files:
        raw = (SEEDS / file.source_path).read_text(encoding="utf-8")
        before = Counter(extract_numbers(normalize_text(raw).text))
        after = Counter(extract_numbers((out / file.source_path).read_text(encoding="utf-8")))
        removed = Counter(n for r in file.removed for n in extract_numbers(r.text))
        assert before == after + removed, file.source_path


def test_report_totals(seed_run):
    _, _, data = seed_run
    totals = data["totals"]
    assert totals["files_read"] == 5
    assert totals["files_written"] == 5
    assert totals["files_skipped"] == 0
    assert totals["duplicate_clusters"] == 0
    assert totals["documents_with_duplicate_blocks"] == 1


def test_second_run_is_byte_identical(seed_run, tmp_path: Path):
    out, _, _ = seed_run
    clean_corpus(SEEDS, tmp_path / "again", CleanConfig())
    for path in sorted(out.iterdir()):
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name


def test_cleaning_cleaned_changes_nothing(seed_run, tmp_path: Path):
    out, _, _ = seed_run
    clean_corpus(out, tmp_path / "twice", CleanConfig())
    for path in sorted(out.glob("*.txt")):
        assert (tmp_path / "twice" / path.name).read_bytes() == path.read_bytes(), path.name


def test_committed_cleaned_is_current(seed_run, request):
    """cleaned/ is the committed output of `clean seeds/ cleaned/` (regenerate with --update-golden)."""
    out, _, _ = seed_run
    produced = sorted(p.name for p in out.iterdir())
    if request.config.getoption("--update-golden"):
        CLEANED.mkdir(exist_ok=True)
        for stale in CLEANED.iterdir():
            stale.unlink()
        for name in produced:
            (CLEANED / name).write_bytes((out / name).read_bytes())
    assert sorted(p.name for p in CLEANED.iterdir()) == produced
    for name in produced:
        assert (CLEANED / name).read_bytes() == (out / name).read_bytes(), name


def test_002_units_without_figures_are_warned(seed_run):
    _, _, data = seed_run
    warnings = _file_entry(data, "002")["warnings"]
    assert {w["kind"] for w in warnings} == {"unit-without-figure"}
    assert any(
        w["line"] == 3 and w["text"].endswith("\u6536\u5165\u4ebf\u5143") for w in warnings
    )  # 收入亿元
    assert data["totals"]["warnings"] == sum(len(f["warnings"]) for f in data["files"])
    assert all(not f["warnings"] for f in data["files"] if not f["path"].startswith("002_"))
