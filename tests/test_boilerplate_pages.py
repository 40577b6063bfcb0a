"""Boilerplate on real pages: photo captions, menus, breadcrumbs by line, footers, footnotes."""

from __future__ import annotations

import pytest

from cleaner import clean_text
from cleaner.clean.boilerplate.strip import strip_boilerplate

SENTENCE = "\u5168\u5e02\u53c2\u4fdd\u4eba\u6570\u8fbe\u5230714.9\u4e07\u4eba\u3002"  # 全市参保人数达到714.9万人。


def removed(lines: list[str]) -> dict[int, str]:
    result = strip_boilerplate(lines)
    return {r.line_no: r.category for r in result.removed if not r.partial}


# --------------------------------------------------------------------------- photo captions


@pytest.mark.parametrize(
    ("line", "photographer"),
    [
        # 殷勇同志作政府工作报告。本报记者 戴冰摄
        (
            "\u6bb7\u52c7\u540c\u5fd7\u4f5c\u653f\u5e9c\u5de5\u4f5c\u62a5\u544a\u3002"
            "\u672c\u62a5\u8bb0\u8005 \u6234\u51b0\u6444",
            "\u6234\u51b0",
        ),
        # 省长叶建春作政府工作报告。本报全媒体记者 林 君摄 (a name spaced out)
        (
            "\u7701\u957f\u53f6\u5efa\u6625\u4f5c\u653f\u5e9c\u5de5\u4f5c\u62a5\u544a\u3002"
            "\u672c\u62a5\u5168\u5a92\u4f53\u8bb0\u8005 \u6797 \u541b\u6444",
            "\u6797\u541b",
        ),
        # …向大会作政府工作报告。石榴云/新疆日报记者谢龙摄
        (
            "\u5411\u5927\u4f1a\u4f5c\u653f\u5e9c\u5de5\u4f5c\u62a5\u544a\u3002"
            "\u77f3\u69b4\u4e91/\u65b0\u7586\u65e5\u62a5\u8bb0\u8005\u8c22\u9f99\u6444",
            "\u8c22\u9f99",
        ),
        # …任振鹤作政府工作报告。新甘肃·甘肃日报记者 盛学卿 (no 摄)
        (
            "\u4efb\u632f\u9e64\u4f5c\u653f\u5e9c\u5de5\u4f5c\u62a5\u544a\u3002"
            "\u65b0\u7518\u8083\u00b7\u7518\u8083\u65e5\u62a5\u8bb0\u8005 \u76db\u5b66\u537f",
            "\u76db\u5b66\u537f",
        ),
        # 大会开幕。（新华社记者 李学仁 摄）
        (
            "\u5927\u4f1a\u5f00\u5e55\u3002\uff08\u65b0\u534e\u793e\u8bb0\u8005 "
            "\u674e\u5b66\u4ec1 \u6444\uff09",
            "\u674e\u5b66\u4ec1",
        ),
    ],
)
def test_photo_caption_is_removed_and_credit_kept(line, photographer):
    # The caption of a photo above a report (its text is most of the page).
    result = strip_boilerplate(["\u6807\u9898", SENTENCE, line, *[SENTENCE] * 10])
    assert [(r.line_no, r.category, r.rule) for r in result.removed] == [
        (3, "caption", "photo-credit")
    ]
    assert result.metadata.photographer == photographer


@pytest.mark.parametrize(
    "line",
    [
        # 会议召开。记者了解到 (a sentence broken at a link, not a credit)
        "\u4f1a\u8bae\u53ec\u5f00\u3002\u8bb0\u8005\u4e86\u89e3\u5230",
        # 他说。拍摄 (a verb, no name before it)
        "\u4ed6\u8bf4\u3002\u6b63\u5728\u62cd\u6444",
        # 本报记者深入基层采访，记录了群众的心声。 (a sentence about a reporter)
        "\u672c\u62a5\u8bb0\u8005\u6df1\u5165\u57fa\u5c42\u91c7\u8bbf\uff0c"
        "\u8bb0\u5f55\u4e86\u7fa4\u4f17\u7684\u5fc3\u58f0\u3002",
    ],
)
def test_sentences_mentioning_reporters_are_not_captions(line):
    assert removed(["\u6807\u9898", SENTENCE, line, SENTENCE]) == {}


# --------------------------------------------------------------------------- shape and place

MENU = "\u9996\u9875 | \u65b0\u95fb | \u653f\u52a1\u516c\u5f00 | \u529e\u4e8b\u670d\u52a1 | \u4e92\u52a8\u4ea4\u6d41"
# 张三 李四 王五 赵六 孙七 周八: a list of names, as a member list prints it
NAMES = "\u5f20\u4e09 \u674e\u56db \u738b\u4e94 \u8d75\u516d \u5b59\u4e03 \u5468\u516b"


def test_menu_line_of_short_words_between_bars():
    body = [SENTENCE] * 12
    assert removed(["\u6807\u9898", *body, MENU, *body]) == {14: "navigation"}


def test_space_separated_menu_only_at_the_edges():
    spaced = MENU.replace(" | ", " ")
    body = [SENTENCE] * 12
    assert removed(["\u6807\u9898", spaced, *body]) == {2: "navigation"}
    # In the body the same shape is as likely a list of names: kept.
    assert removed(["\u6807\u9898", *body, NAMES, *body]) == {}


@pytest.mark.parametrize(
    "line",
    [
        # 项目 | 2025年 | 增长 | 占比: a table header with figures
        "\u9879\u76ee | 2025\u5e74 | \u589e\u957f | \u5360\u6bd4",
        # 坚持稳中求进 | 以进促稳 | 先立后破，推动发展。 (punctuated: text)
        "\u575a\u6301\u7a33\u4e2d\u6c42\u8fdb | \u4ee5\u8fdb\u4fc3\u7a33 | "
        "\u5148\u7acb\u540e\u7834\uff0c\u63a8\u52a8\u53d1\u5c55\u3002",
    ],
)
def test_menu_shape_is_not_table_or_text(line):
    body = [SENTENCE] * 12
    assert removed(["\u6807\u9898", *body, line, *body]) == {}


def test_breadcrumb_nodes_and_separators_on_their_own_lines():
    # 首页 / > / 政府信息公开 / > / 政府工作报告 / > / 省政府工作报告, under a title and subtitle
    title = "\u9655\u897f\u77012026\u5e74\u653f\u5e9c\u5de5\u4f5c\u62a5\u544a"
    subtitle = "2026\u5e741\u670827\u65e5\u5728\u9655\u897f\u7701\u4eba\u6c11\u4ee3\u8868\u5927\u4f1a\u4e0a"
    lines = [
        title,
        subtitle,
        "\u9996\u9875",
        ">",
        "\u653f\u5e9c\u4fe1\u606f\u516c\u5f00",
        ">",
        "\u653f\u5e9c\u5de5\u4f5c\u62a5\u544a",
        ">",
        "\u7701\u653f\u5e9c\u5de5\u4f5c\u62a5\u544a",
        title,
        subtitle,
        "\u65f6\u95f4\uff1a",  # 时间：
        "2026-02-02 09:20",
        "\u6765\u6e90\uff1a",  # 来源：
        "\u9655\u897f\u7701\u4eba\u6c11\u653f\u5e9c",  # 陕西省人民政府
        SENTENCE,
    ]
    result = strip_boilerplate(lines)
    assert [line.line_no for line in result.lines] == [1, 2, 16]
    rules = {r.line_no: r.rule for r in result.removed}
    assert {rules[n] for n in range(3, 10)} == {"breadcrumb-lines"}
    assert rules[11] == "repeats-title-block"
    assert rules[12] == "bare-label-beside-boilerplate"
    assert result.metadata.date == "2026-02-02T09:20"
    assert result.metadata.source == "\u9655\u897f\u7701\u4eba\u6c11\u653f\u5e9c"


def test_a_single_separator_between_words_is_not_a_breadcrumb():
    # 增长 / > / 下降: two words of a text around a sign
    lines = ["\u6807\u9898", SENTENCE, "\u589e\u957f", ">", "\u4e0b\u964d", SENTENCE]
    assert removed(lines) == {4: "decoration"}


def test_editor_field_beside_a_source_line_is_a_byline():
    # （来源：青海日报） / 编辑：何继红 at the end of the page
    lines = [
        "\u6807\u9898",
        SENTENCE,
        "\uff08\u6765\u6e90\uff1a\u9752\u6d77\u65e5\u62a5\uff09",
        "\u7f16\u8f91\uff1a\u4f55\u7ee7\u7ea2",
    ]
    result = strip_boilerplate(lines)
    assert removed(lines) == {3: "metadata", 4: "byline"}
    assert result.metadata.author == "\u4f55\u7ee7\u7ea2"
    assert result.metadata.source == "\u9752\u6d77\u65e5\u62a5"
    assert result.metadata.site is None  # the bracket is not a site name


def test_footnote_back_links_are_kept_whatever_follows_them():
    # ↑ / 為代表大會之誤，下同。 (Wikisource endnotes); other symbol lines still go.
    note = "\u70ba\u4ee3\u8868\u5927\u6703\u4e4b\u8aa4\uff0c\u4e0b\u540c\u3002"
    lines = ["\u6807\u9898", SENTENCE, "\u2191", note, "^", note + "2", "\u2191", "\u00b7\u00b7"]
    assert removed(lines) == {8: "decoration"}


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("\u4eacICP\u590705060933\u53f7", "registration-number"),  # 京ICP备05060933号
        ("\u4eac\u516c\u7f51\u5b89\u590711010502039414\u53f7", "registration-number"),
        ("\u7f51\u7ad9\u6807\u8bc6\u7801\uff1a1100000088", "registration-number"),
        # 主办：北京市人民政府办公厅 承办：北京市政务服务和数据管理局
        (
            "\u4e3b\u529e\uff1a\u5317\u4eac\u5e02\u4eba\u6c11\u653f\u5e9c\u529e\u516c\u5385 "
            "\u627f\u529e\uff1a\u5317\u4eac\u5e02\u653f\u52a1\u670d\u52a1\u548c\u6570\u636e\u7ba1\u7406\u5c40",
            "site-organizer",
        ),
        ("\u7248\u6743\u6240\u6709\uff1a\u5317\u4eac\u5e02\u4eba\u6c11\u653f\u5e9c", "copyright"),
        ("Copyright \u00a9 2026 www.beijing.gov.cn", "copyright"),
        ("\u7f51\u7ad9\u5730\u56fe | \u8054\u7cfb\u6211\u4eec", "footer-links"),
    ],
)
def test_site_footer_lines(line, rule):
    result = strip_boilerplate(["\u6807\u9898", SENTENCE, SENTENCE, line])
    assert [(r.line_no, r.category, r.rule) for r in result.removed] == [(4, "footer", rule)]


def test_organizer_of_an_event_in_the_body_is_kept():
    # 主办单位：市文化和旅游局 in a notice, far from the end of the page
    line = "\u4e3b\u529e\u5355\u4f4d\uff1a\u5e02\u6587\u5316\u548c\u65c5\u6e38\u5c40"
    assert removed(["\u6807\u9898", SENTENCE, line, *[SENTENCE] * 12]) == {}


def test_captions_of_a_photo_story_are_its_text():
    # One sentence and three captioned photos: the captions tell the story.
    caption = (
        "5\u670819\u65e5\uff0c\u963f\u6bd4\u7eb3\u5fb7\u5c14\u5728\u7ade\u9009\u603b\u90e8"
        "\u53d1\u8868\u80dc\u9009\u6f14\u8bb2\u3002\u65b0\u534e\u793e\u8bb0\u8005 "
        "\u674e\u68a6\u99a8 \u6444"
    )
    lines = ["\u6807\u9898", SENTENCE, caption, caption + "1", caption + "2"]
    assert removed(lines) == {}
    # The same caption beside a long text describes a picture the text lacks.
    assert removed(["\u6807\u9898", *[SENTENCE] * 12, caption]) == {14: "caption"}


def test_credit_line_with_bars_is_not_a_menu():
    # 编辑 周褶褶｜排版 魏蔚 at the head of an article
    line = "\u7f16\u8f91 \u5468\u8936\u8936\uff5c\u6392\u7248 \u9b4f\u851a"
    assert removed(["\u6807\u9898", line, SENTENCE]) == {}


def test_a_menu_that_reaches_the_edge_once_the_title_echoes_go_is_removed_at_once():
    # 全市医疗保障工作会议召开 / 会议指出，第N项工作取得新进展…; 首页 新闻 政务 服务 互动
    # stands 11 lines from the end, 9 once the two echoes of the title are removed:
    # the first cleaning must see that, or a second cleaning removes it.
    title, menu = (
        "\u5168\u5e02\u533b\u7597\u4fdd\u969c\u5de5\u4f5c\u4f1a\u8bae\u53ec\u5f00",
        "\u9996\u9875 \u65b0\u95fb \u653f\u52a1 \u670d\u52a1 \u4e92\u52a8",
    )
    body = [
        f"\u4f1a\u8bae\u6307\u51fa\uff0c\u7b2c{n}\u9879\u5de5\u4f5c\u53d6\u5f97\u65b0\u8fdb\u5c55\uff0c\u7fa4\u4f17\u83b7\u5f97\u611f\u4e0d\u65ad\u589e\u5f3a\u3002"
        for n in range(1, 22)
    ]
    page = "\n".join([title, *body[:12], menu, *body[12:], title, title]) + "\n"
    once = clean_text(page)
    assert [(r.line_no, r.rule) for r in once.removed] == [
        (14, "menu-line"),
        (24, "repeats-title"),
        (25, "repeats-title"),
    ]
    assert clean_text(once.text).text == once.text
