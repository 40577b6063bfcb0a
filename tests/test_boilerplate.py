"""Boilerplate rules on lines that look like real scraped pages (already normalized)."""

from __future__ import annotations

import pytest

from cleaner.clean.boilerplate.metadata import iso_date
from cleaner.clean.boilerplate.strip import line_key, strip_boilerplate
from cleaner.data import BoilerplateConfig

C = "\uff1a"  # full-width colon, as the normalizer writes it after Chinese
SENTENCE = "\u5168\u5e02\u53c2\u4fdd\u4eba\u6570\u8fbe\u5230714.9\u4e07\u4eba\u3002"  # 全市参保人数达到714.9万人。


def removed(lines: list[str], **kwargs) -> dict[int, str]:
    result = strip_boilerplate(lines, **kwargs)
    return {r.line_no: r.category for r in result.removed if not r.partial}


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("\u5f53\u524d\u4f4d\u7f6e" + C + "\u9996\u9875 >> \u5de5\u4f5c\u52a8\u6001", "navigation"),
        (
            "\u9996\u9875 > \u793e\u4f1a\u516c\u76ca\u4e8b\u4e1a > \u57fa\u672c\u533b\u7597\u536b\u751f",
            "navigation",
        ),
        ("\u60a8\u7684\u4f4d\u7f6e" + C + "\u9996\u9875 > \u653f\u52a1\u516c\u5f00", "navigation"),
        ("\u3010\u6253\u5370\u3011", "page-tools"),
        ("\u3010\u5b57\u4f53" + C, "page-tools"),
        ("|\u3010\u6253\u5370\u3011|\u3010\u5173\u95ed\u3011", "page-tools"),
        ("\u6717\u8bfb", "page-tools"),
        ("\u3010\u5b57\u4f53" + C + "\u5927 \u4e2d \u5c0f\u3011", "page-tools"),
        (
            "\u626b\u4e00\u626b\u5728\u624b\u673a\u6253\u5f00\u5f53\u524d\u9875\u3010\u6253\u5370\u672c\u9875\u3011\u3010\u5173\u95ed\u7a97\u53e3\u3011",
            "page-tools",
        ),
        ("\u53d1\u5e03\u65f6\u95f4" + C + "2023-01-20 10:33", "metadata"),
        (
            "\u6765\u6e90" + C + "\u547c\u548c\u6d69\u7279\u5e02\u533b\u7597\u4fdd\u969c\u5c40",
            "metadata",
        ),
        ("\u76f8\u5173\u9605\u8bfb" + C, "related"),
        ("\u00b7\u00b7", "decoration"),
        ("------", "decoration"),
        ("\u5927\u4f17\u7f51\u8bb0\u8005 \u5f20\u949f\u96ef \u67a3\u5e84\u62a5\u9053", "byline"),
        ("\u672c\u62a5\u8bb0\u8005 \u5f20\u4e09 \u674e\u56db", "byline"),
    ],
)
def test_boilerplate_line_is_removed(line, category):
    lines = ["\u6807\u9898", SENTENCE, line, SENTENCE]
    assert removed(lines) == {3: category}


@pytest.mark.parametrize(
    "line",
    [
        # Content wins ties: sentences are never removed by navigation patterns.
        "\u9996\u9875 > \u6539\u7248\u540e\uff0c\u7f51\u7ad9\u8bbf\u95ee\u91cf\u589e\u957f\u4e86\u4e09\u6210\u3002",
        "\u5e02\u653f\u5e9c\u63a8\u8fdb\u9002\u8001\u5316\u6539\u9020\uff0c\u9875\u9762\u5b57\u4f53\u653e\u5927\uff0c\u65b0\u589e\u8bed\u97f3\u6717\u8bfb\u6309\u94ae\u3002",
        # A label inside a word is not a field: 资金来源：中央财政补助
        "\u8d44\u91d1\u6765\u6e90" + C + "\u4e2d\u592e\u8d22\u653f\u8865\u52a9",
        # A lone weak label can be the content of a notice: 时间：3月5日上午9点
        "\u65f6\u95f4" + C + "3\u67085\u65e5\u4e0a\u53489\u70b9",
        # Table header (issue 4 keeps these): 单位：万元
        "\u5355\u4f4d" + C + "\u4e07\u5143",
        "\u4e00\u3001\u6539\u9769\u652f\u4ed8\u65b9\u5f0f\uff0c\u89e3\u51b3\u201c\u4f4f\u9662\u96be\u201d",
    ],
)
def test_content_line_is_kept(line):
    lines = ["\u6807\u9898", SENTENCE, line, SENTENCE]
    assert removed(lines) == {}


def test_metadata_values_are_kept():
    site_line = (
        "\u5b89\u9633\u5e02\u4eba\u6c11\u653f\u5e9c\u95e8\u6237\u7f51\u7ad9anyang.gov.cn\u65f6\u95f4"
        + C
        + "2022-06-28\u6765\u6e90"
        + C
        + "\u5b89\u9633\u5e02\u533b\u7597\u4fdd\u969c\u5c40"
    )
    raw = (
        "\u5b89\u9633\u5e02\u4eba\u6c11\u653f\u5e9c\u95e8\u6237\u7f51\u7ad9 anyang.gov.cn \u65f6\u95f4:"
        "2022-06-28 \u6765\u6e90:\u5b89\u9633\u5e02\u533b\u7597\u4fdd\u969c\u5c40"
    )
    result = strip_boilerplate(
        ["\u6807\u9898", site_line, SENTENCE], raw_lines=["\u6807\u9898", raw, SENTENCE]
    )
    assert [r.category for r in result.removed] == ["metadata"]
    meta = result.metadata
    assert meta.title == "\u6807\u9898"
    assert meta.date == "2022-06-28"
    assert meta.source == "\u5b89\u9633\u5e02\u533b\u7597\u4fdd\u969c\u5c40"
    assert meta.site == "\u5b89\u9633\u5e02\u4eba\u6c11\u653f\u5e9c\u95e8\u6237\u7f51\u7ad9"
    assert meta.domain == "anyang.gov.cn"


def test_date_time_and_source_on_one_line():
    line = (
        "\u53d1\u5e03\u65e5\u671f"
        + C
        + "2023-01-20 10:33 | \u6765\u6e90"
        + C
        + "\u547c\u548c\u6d69\u7279\u5e02\u533b\u7597\u4fdd\u969c\u5c40 |"
    )
    meta = strip_boilerplate(["\u6807\u9898", line, SENTENCE]).metadata
    assert meta.date == "2023-01-20T10:33"
    assert meta.source == "\u547c\u548c\u6d69\u7279\u5e02\u533b\u7597\u4fdd\u969c\u5c40"


def test_byline_author_recorded():
    line = "\u5927\u4f17\u7f51\u8bb0\u8005 \u5f20\u949f\u96ef \u67a3\u5e84\u62a5\u9053"
    assert (
        strip_boilerplate(["\u6807\u9898", line, SENTENCE]).metadata.author == "\u5f20\u949f\u96ef"
    )


def test_title_split_echo_and_repeat_removed():
    title = "\u547c\u548c\u6d69\u7279\u5e02\u533b\u7597\u4fdd\u969c\u5c402022\u5e74\u533b\u4fdd\u60e0\u6c11\u5927\u4e8b\u8bb0"
    lines = [
        title,
        "",
        "\u547c\u548c\u6d69\u7279\u5e02\u533b\u7597\u4fdd\u969c\u5c40",
        "",
        "2022\u5e74\u533b\u4fdd\u60e0\u6c11\u5927\u4e8b\u8bb0",
        "",
        SENTENCE,
        title,
        SENTENCE,
    ]
    result = strip_boilerplate(lines)
    assert {r.line_no: r.category for r in result.removed} == {
        3: "title-repeat",
        5: "title-repeat",
        8: "title-repeat",
    }
    assert result.lines[0].text == title


def test_site_header_block_beside_breadcrumb():
    lines = [
        "\u6807\u9898",
        SENTENCE,
        "",
        "\u547c\u548c\u6d69\u7279\u5e02\u4eba\u6c11\u653f\u5e9c",  # 呼和浩特市人民政府
        "\u5de5\u4f5c\u52a8\u6001",  # 工作动态
        "\u5f53\u524d\u4f4d\u7f6e" + C + "\u9996\u9875 > \u5de5\u4f5c\u52a8\u6001",
        SENTENCE,
    ]
    assert removed(lines) == {4: "site-name", 5: "navigation", 6: "navigation"}


def test_heading_after_blank_line_is_kept():
    lines = [
        "\u6807\u9898",
        "\u53d1\u5e03\u65f6\u95f4" + C + "2023-01-20",
        "",
        "\u5de5\u4f5c\u56de\u987e",
        SENTENCE,
    ]
    assert removed(lines) == {2: "metadata"}


def test_trailing_attribution_is_cut_from_the_line():
    line = SENTENCE + "\uff08\u738b \u6d9b \u8d75 \u5189\uff09"
    result = strip_boilerplate(["\u6807\u9898", line])
    assert result.lines[1].text == SENTENCE
    (removal,) = result.removed
    assert removal.partial and removal.category == "attribution"
    assert removal.text == "\uff08\u738b \u6d9b \u8d75 \u5189\uff09"


def test_bracketed_content_is_not_attribution():
    line = (
        "\u53c2\u4fdd\u4eba\u6570\u589e\u52a0\uff08\u9ad8\u8840\u538b\u3001\u7cd6\u5c3f\u75c5\uff09"
    )
    assert strip_boilerplate(["\u6807\u9898", line]).removed == ()


def test_related_links_tail():
    lines = [
        "\u6807\u9898",
        SENTENCE,
        "\u76f8\u5173\u9605\u8bfb" + C,
        "\u533b\u4fdd\u653f\u7b56\u89e3\u8bfb",
        "\u4e24\u75c5\u95e8\u8bca\u62a5\u9500\u6307\u5357",
    ]
    assert removed(lines) == {3: "related", 4: "related", 5: "related"}


def test_corpus_frequent_line():
    footer = "\u6b22\u8fce\u8bbf\u95ee\u672c\u7ad9"  # 欢迎访问本站: no built-in rule knows it
    lines = ["\u6807\u9898", SENTENCE, footer]
    assert removed(lines, frequent_keys=frozenset({line_key(footer)})) == {3: "corpus-frequent"}
    assert removed(lines) == {}


def test_disabled_removes_nothing_but_keeps_title():
    lines = ["\u6807\u9898", "\u3010\u6253\u5370\u3011", SENTENCE]
    result = strip_boilerplate(lines, BoilerplateConfig(enabled=False))
    assert result.removed == ()
    assert result.metadata.title == "\u6807\u9898"


def test_iso_date_rejects_impossible_dates():
    assert iso_date("2022-13-40") is None
    assert iso_date("\u53d1\u5e03\u65f6\u95f4" + C + "2022/6/8 9:05:07") == "2022-06-08T09:05:07"


def test_numbered_heading_is_never_corpus_frequent():
    heading = "\u4e00\u3001\u5341\u4e09\u4e94\u5de5\u4f5c\u56de\u987e"  # 一、十三五工作回顾
    lines = ["\u6807\u9898", heading, SENTENCE]
    assert removed(lines, frequent_keys=frozenset({line_key(heading)})) == {}


def test_corpus_frequent_only_at_the_edges_of_a_document():
    footer = "\u6b22\u8fce\u8bbf\u95ee\u672c\u7ad9"  # 欢迎访问本站
    body = [SENTENCE] * 30
    lines = ["\u6807\u9898", *body[:15], footer, *body[15:]]
    keys = frozenset({line_key(footer)})
    assert removed(lines, frequent_keys=keys) == {}
    assert removed([*lines, footer], frequent_keys=keys) == {len(lines) + 1: "corpus-frequent"}


def test_metadata_value_on_the_next_line():
    lines = [
        "\u6807\u9898",
        "\u6765\u6e90:",
        "\u56db\u5ddd\u65e5\u62a5",
        "\u3010\u5b57\u4f53\uff1a",
        SENTENCE,
    ]
    result = strip_boilerplate(lines)
    assert {r.line_no: r.category for r in result.removed} == {
        2: "metadata",
        3: "navigation",
        4: "page-tools",
    }
    assert result.metadata.source == "\u56db\u5ddd\u65e5\u62a5"  # 四川日报


def test_breadcrumb_scraped_one_node_per_line():
    lines = [
        "\u60a8\u7684\u4f4d\u7f6e:",  # 您的位置:
        "\u9996\u9875",  # 首页
        ">",
        "\u4e91\u5357\u8981\u95fb",  # 云南要闻
        "\u4e91\u5357\u8981\u95fb",
        "2026\u5e74\u653f\u5e9c\u5de5\u4f5c\u62a5\u544a",  # 2026年政府工作报告
        "\u6765\u6e90\uff1a\u4e91\u5357\u65e5\u62a5",  # 来源：云南日报
        "2026-02-03 09:02:33",
        SENTENCE,
    ]
    result = strip_boilerplate(lines)
    assert [line.text for line in result.lines] == [lines[5], SENTENCE]
    assert result.metadata.title == lines[5]
    assert result.metadata.date == "2026-02-03T09:02:33"
    assert result.metadata.source == "\u4e91\u5357\u65e5\u62a5"


def test_short_title_below_a_complete_breadcrumb_is_kept():
    lines = [
        "\u5f53\u524d\u4f4d\u7f6e\uff1a\u9996\u9875 > \u8981\u95fb",
        "\u533b\u4fdd\u60e0\u6c11",
        SENTENCE,
    ]
    result = strip_boilerplate(lines)
    assert result.metadata.title == "\u533b\u4fdd\u60e0\u6c11"
    assert [r.line_no for r in result.removed] == [1]


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("\u76f8\u5173\u9644\u4ef6>>", "related"),  # 相关附件>>
        (
            "\u300b\u300b\u70b9\u51fb\u56fe\u7247\u8fdb\u5165\u4e13\u9898\u300a\u300a",
            "related",
        ),  # 》》点击图片进入专题《《
        ("\u65f6\u95f4\uff1a2026-02-02", "metadata"),  # 时间：2026-02-02
    ],
)
def test_rules_measured_on_the_provincial_reports(line, category):
    assert removed(["\u6807\u9898", SENTENCE, line, SENTENCE]) == {3: category}


def test_dash_line_and_speaker_line_are_content():
    lines = [
        "\u6807\u9898",
        "\u2014\u2014",
        "2026\u5e741\u670828\u65e5\u5728\u4f1a\u8bae\u4e0a",
        "\u56fd\u52a1\u9662\u603b\u7406",
        SENTENCE,
    ]
    keys = frozenset({line_key("\u56fd\u52a1\u9662\u603b\u7406")})
    assert removed(lines, frequent_keys=keys) == {}
