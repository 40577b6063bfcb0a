"""Boilerplate rules kept as data: each pattern has a class and a rule name.

The classes are the ones of SPEC.md section 3; the rule name says which pattern
of the class fired, so every removed line in the report can be traced back here.
Patterns run on *normalized* lines, so both ASCII and full-width colons are
accepted (``--punctuation keep`` leaves either).
"""

from __future__ import annotations

import re

from ...config import LineRule, RuleZone

# Full-width characters are written as escapes: some editors silently turn them
# into ASCII, which would quietly change what a rule matches.
COLON = "[:\uff1a]"
HAN = "\u4e00-\u9fff\u3400-\u4dbf"


def _rule(
    category: str, rule: str, pattern: str, max_chars: int = 80, where: RuleZone = "line"
) -> LineRule:
    return LineRule(category, rule, pattern, where=where, max_chars=max_chars)


# Words that make up page-tool lines (print, close, font size, share ...). A line
# is a page-tool line when, once brackets and separators are dropped, it is made
# of these words only.
PAGE_TOOL_WORDS = (
    "\u6253\u5370\u672c\u9875",  # 打印本页
    "\u6253\u5370\u6587\u7ae0",  # 打印文章
    "\u6253\u5370",  # 打印
    "\u5173\u95ed\u7a97\u53e3",  # 关闭窗口
    "\u5173\u95ed\u672c\u9875",  # 关闭本页
    "\u5173\u95ed",  # 关闭
    "\u5b57\u4f53",  # 字体
    "\u5b57\u53f7",  # 字号
    "\u52a0\u5927",  # 加大
    "\u51cf\u5c0f",  # 减小
    "\u8fd8\u539f",  # 还原
    "\u653e\u5927",  # 放大
    "\u7f29\u5c0f",  # 缩小
    "\u9ed8\u8ba4",  # 默认
    "\u5927",  # 大
    "\u4e2d",  # 中
    "\u5c0f",  # 小
    "\u6717\u8bfb",  # 朗读
    "\u8bed\u97f3\u64ad\u62a5",  # 语音播报
    "\u64ad\u62a5",  # 播报
    "\u5206\u4eab\u5230",  # 分享到
    "\u5206\u4eab",  # 分享
    "\u5fae\u4fe1",  # 微信
    "\u5fae\u535a",  # 微博
    "QQ\u7a7a\u95f4",  # QQ空间
    "QQ",
    "\u6536\u85cf",  # 收藏
    "\u8fd4\u56de\u9876\u90e8",  # 返回顶部
    "\u8fd4\u56de\u9996\u9875",  # 返回首页
    "\u8fd4\u56de",  # 返回
    "\u9876\u90e8",  # 顶部
    "\u4e0b\u8f7d",  # 下载
    "\u5168\u5c4f",  # 全屏
    "\u7e41\u4f53",  # 繁体
    "\u7b80\u4f53",  # 简体
    "\u65e0\u969c\u788d",  # 无障碍
    "\u957f\u8005\u6a21\u5f0f",  # 长者模式
    "\u5173\u6000\u7248",  # 关怀版
    "\u626b\u4e00\u626b\u5728\u624b\u673a\u6253\u5f00\u5f53\u524d\u9875",  # 扫一扫在手机打开当前页
    "\u626b\u4e00\u626b",  # 扫一扫
    "\u7ea0\u9519",  # 纠错
    "\u6211\u8981\u7ea0\u9519",  # 我要纠错
    "\u590d\u5236\u94fe\u63a5",  # 复制链接
)
PAGE_TOOLS_MAX_CHARS = 60
PAGE_TOOL_LINE_RE = re.compile(
    "(?:" + "|".join(sorted(PAGE_TOOL_WORDS, key=len, reverse=True)) + ")+"
)
# Brackets, bars and separators around page-tool words: 【打印】|【关闭】, [字体: 大 中 小].
_PAGE_TOOL_SEPARATORS = (
    "\u3010\u3011[]\uff3b\uff3d()\uff08\uff09|\uff5c\u4e28/\u00b7\u2022:\uff1a\u3001,\uff0c>\uff1e"
)
PAGE_TOOL_SEPARATORS_RE = re.compile(f"[\\s{re.escape(_PAGE_TOOL_SEPARATORS)}]+")
# Every character of a page-tool line but its spaces: a line with any other is not one.
PAGE_TOOL_CHARS = frozenset("".join(PAGE_TOOL_WORDS) + _PAGE_TOOL_SEPARATORS)

# Words typical of the accessibility / elder-mode blurbs that sites print above
# the article ("充分考虑到老年人的使用习惯，字体更大 ..."). Three or more of them in
# a line that does not end like a sentence make an accessibility blurb.
ACCESSIBILITY_WORDS = (
    "\u8001\u5e74\u4eba",  # 老年人
    "\u5b57\u4f53",  # 字体
    "\u9875\u9762",  # 页面
    "\u754c\u9762",  # 界面
    "\u6309\u94ae",  # 按钮
    "\u6717\u8bfb",  # 朗读
    "\u8f85\u52a9\u5de5\u5177",  # 辅助工具
    "\u5355\u51fb",  # 单击
    "\u70b9\u51fb",  # 点击
    "\u9f20\u6807",  # 鼠标
    "\u65e0\u969c\u788d",  # 无障碍
    "\u9002\u8001\u5316",  # 适老化
    "\u957f\u8005",  # 长者
    "\u8bfb\u5c4f",  # 读屏
    "\u653e\u5927",  # 放大
)
ACCESSIBILITY_MIN_WORDS = 3
# Any one of the words: a line without one is no blurb.
ACCESSIBILITY_RE = re.compile("|".join(map(re.escape, ACCESSIBILITY_WORDS)))
ACCESSIBILITY_MAX_CHARS = 200

# Labels that open a metadata field. "Strong" labels make a metadata line on
# their own; weak ones (时间, 日期, 作者, 编辑) only together with another label,
# because "时间：3月5日" can be the content of a notice.
STRONG_META_LABELS = (
    "\u53d1\u5e03\u65f6\u95f4",  # 发布时间
    "\u53d1\u5e03\u65e5\u671f",  # 发布日期
    "\u53d1\u8868\u65f6\u95f4",  # 发表时间
    "\u66f4\u65b0\u65f6\u95f4",  # 更新时间
    "\u6210\u6587\u65e5\u671f",  # 成文日期
    "\u4fe1\u606f\u6765\u6e90",  # 信息来源
    "\u6587\u7ae0\u6765\u6e90",  # 文章来源
    "\u6765\u6e90",  # 来源
    "\u8d23\u4efb\u7f16\u8f91",  # 责任编辑
    "\u6d4f\u89c8\u6b21\u6570",  # 浏览次数
    "\u9605\u8bfb\u6b21\u6570",  # 阅读次数
    "\u70b9\u51fb\u6570",  # 点击数
    "\u9605\u8bfb\u91cf",  # 阅读量
    "\u8bbf\u95ee\u91cf",  # 访问量
)
WEAK_META_LABELS = (
    "\u65f6\u95f4",  # 时间
    "\u65e5\u671f",  # 日期
    "\u4f5c\u8005",  # 作者
    "\u7f16\u8f91",  # 编辑
    "\u5b57\u53f7",  # 字号
)
_ALL_LABELS = "|".join(sorted(STRONG_META_LABELS + WEAK_META_LABELS, key=len, reverse=True))
# A label never follows a Han character (资金来源：... is content); it may follow a
# digit or Latin letter because normalization drops the space in
# "2022-06-28 来源：" and "anyang.gov.cn 时间：".
META_LABEL_RE = re.compile(f"(?<![{HAN}])({_ALL_LABELS})\\s*{COLON}")
META_MAX_CHARS = 160

DATE_RE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*[-/.\u5e74]\s*(?P<month>\d{1,2})\s*[-/.\u6708]\s*"
    r"(?P<day>\d{1,2})\s*\u65e5?"
    r"(?:\s*(?P<hour>\d{1,2})\s*[:\u65f6]\s*(?P<minute>\d{2})\s*\u5206?"  # 10:33, 07时41分
    r"(?:\s*:?\s*(?P<second>\d{2})\s*\u79d2?)?)?"
)
# A line that is nothing but a date (and time): "2026-02-09 09:45:30".
DATE_LINE_RE = re.compile(f"^(?:{DATE_RE.pattern})$")
URL_RE = re.compile(r"https?://[^\s\u3000-\u303f\uff00-\uffef]+")
DOMAIN_RE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:cn|com|net|org|gov)$")

# "大众网记者 张钟雯 枣庄报道", "本报记者 张三 李四", "通讯员 王五".
BYLINE_MAX_CHARS = 40
BYLINE_ROLE_RE = re.compile(
    f"^[{HAN}A-Za-z]{{0,10}}?(?:\u8bb0\u8005|\u901a\u8baf\u5458|\u7279\u7ea6\u8bb0\u8005)$"
)
BYLINE_REPORT_RE = re.compile(
    f"^(?P<name>[{HAN}]{{0,4}}?)(?P<place>[{HAN}]{{0,6}})"
    "(?:\u62a5\u9053|\u53d1\u81ea|\u7535|\u6444)$"  # 报道 发自 电 摄
)
PERSON_NAME_RE = re.compile(f"^[{HAN}\u00b7]{{2,4}}$")
# "文/张三", "文 | 张三", "摄影：李四".
SHORT_BYLINE_RE = re.compile(
    "^(?:\u6587|\u56fe|\u6587\u56fe|\u6444\u5f71|\u64b0\u6587)\\s*[/|\uff5c:\uff1a]\\s*"
    f"(?P<names>[{HAN}\u00b7]{{2,4}}(?:\\s+[{HAN}\u00b7]{{2,4}})*)$"
)

# A photo caption: a sentence describing a picture, then the photographer's credit
# ("...作政府工作报告。本报记者 戴冰摄", "...开幕。 宁夏日报记者 王鼎 摄",
# "...。（新华社记者 李学仁 摄）"). The credit must follow a sentence end, and
# without "摄" a space must part the role from the name ("记者了解到" is text).
_CREDIT_NAMES = f"[{HAN}\u00b7]{{1,4}}?(?:\\s+[{HAN}\u00b7]{{1,4}}?)*"
_CREDIT_ORG = f"[{HAN}A-Za-z0-9\u00b7/]{{0,20}}?"
_CREDIT_ROLE = "(?:\u8bb0\u8005|\u901a\u8baf\u5458|\u6444\u5f71)"  # 记者 通讯员 摄影
_SHOT = "\u6444"  # 摄
CAPTION_CREDIT_RE = re.compile(
    "[\u3002\uff01\uff1f!?]\\s*(?P<credit>"
    f"{_CREDIT_ORG}{_CREDIT_ROLE}(?:\\s+{_CREDIT_NAMES}\\s*{_SHOT}?|\\s*{_CREDIT_NAMES}\\s*{_SHOT})"
    f"|{_CREDIT_NAMES}\\s+{_SHOT}"
    f"|[\uff08(]\\s*(?:{_CREDIT_ORG}{_CREDIT_ROLE}\\s*)?{_CREDIT_NAMES}\\s*{_SHOT}\\s*[\uff09)]"
    ")$"
)
CAPTION_MAX_CHARS = 160
# The last character of a credit, spaces aside: a name's, "摄" or a closing bracket.
# Testing it first spares the search on nearly every line.
CREDIT_END_RE = re.compile(f"[{HAN}\u00b7\uff09)]")
# The part of a credit before the names: the organization and the role.
CREDIT_PREFIX_RE = re.compile(f"^[\uff08(]?\\s*(?:{_CREDIT_ORG}{_CREDIT_ROLE})?\\s*")

# A trailing attribution of the names of the writers, with the characters of a
# name spaced as print layouts do: "...按时完成目标计划。（王 涛 赵 冉）".
ATTRIBUTION_RE = re.compile(
    f"[\uff08(]\\s*(?P<names>[{HAN}]{{1,4}}(?:\\s+[{HAN}]{{1,4}})+)\\s*[\uff09)]\\s*$"
)

# A site or government name standing alone: 呼和浩特市人民政府.
SITE_NAME_RE = re.compile(
    f"^[{HAN}]{{2,16}}(?:\u4eba\u6c11\u653f\u5e9c|\u4eba\u6c11\u653f\u5e9c\u7f51|"
    "\u653f\u5e9c\u7f51|\u95e8\u6237\u7f51\u7ad9|\u653f\u52a1\u7f51|\u653f\u52a1\u670d\u52a1\u7f51|"
    "\u7f51\u7ad9|\u5b98\u7f51)$"
)
# A numbered section heading ("一、十三五工作回顾", "（二）健全稳健可持续的筹资运行机制",
# "第三章"): many reports share them, so they are never corpus-frequent boilerplate.
HEADING_RE = re.compile(
    "^(?:\u7b2c?[\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e]+"
    "(?:[\u3001\uff0e.]|\u7ae0|\u8282|\u6761|\u90e8\u5206)"  # 、 ． . 章 节 条 部分
    "|[\uff08(][\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341]+[\uff09)]"
    "|[0-9]+[\u3001.\uff0e])"
)
# A removed line ending like this continues on the next line ("您的位置：" / "首页" / ">").
OPEN_ENDINGS = frozenset(":\uff1a>\u00bb\uff1e/|\uff5c")
# Lines that separate breadcrumb parts scraped one node per line.
SEPARATOR_LINES = frozenset({">", ">>", "\u00bb", "\uff1e", "\u2192", "/", "|", "\uff5c"})
# A label-like line: a column name or organization standing alone ("工作动态").
LABEL_LINE_RE = re.compile(f"^[{HAN}A-Za-z]{{2,12}}$")

# Punctuation that belongs to running Chinese text (sentence ends, commas, quotes,
# book-title marks, brackets): a line made of it is part of a sentence, not decoration.
TEXT_PUNCTUATION = frozenset(
    "\u3002\uff0c\u3001\uff1b\uff1a\uff1f\uff01\u201c\u201d\u2018\u2019\u300a\u300b"
    "\u300c\u300d\u300e\u300f\uff08\uff09\u2026,.;:?!()[]\"'"  # "[" "1" "]": a footnote mark
)
# Any one of them, found by one search (faster than ``isdisjoint`` over a long line).
TEXT_PUNCTUATION_RE = re.compile("[" + re.escape("".join(sorted(TEXT_PUNCTUATION))) + "]")
# A dash line is the start of a subtitle ("——2026年1月28日在…") broken off by a scraper.
DASH_LINES = frozenset({"\u2014", "\u2014\u2014"})
# A line ending in an office is a speaker's line of a report, not a site template,
# however many reports share it.
OFFICE_TITLES = ("\u603b\u7406", "\u7701\u957f", "\u5e02\u957f", "\u4e3b\u5e2d", "\u4e66\u8bb0")
# A line that ends like a sentence is content: navigation patterns never remove it.
_SENTENCE_ENDS = "\u3002\uff01\uff1f!?\uff1b;\u2026\u201d\u300d"
SENTENCE_END_RE = re.compile(f"[{_SENTENCE_ENDS}]$")
# The same test without a regex, for a line already stripped of trailing spaces:
# ``SENTENCE_END_RE.search`` tries every position of the line.
SENTENCE_END_CHARS = frozenset(_SENTENCE_ENDS)

# The first node of a breadcrumb: "首页 / > / 政府信息公开 / > / ..." scraped one node per line.
HOME_WORDS = frozenset(
    {"\u9996\u9875", "\u7f51\u7ad9\u9996\u9875", "\u4e3b\u9875", "\u8fd4\u56de\u9996\u9875"}
)
# A breadcrumb scraped one node per line needs this many separator lines, unless it
# starts at the home page.
BREADCRUMB_MIN_SEPARATORS = 2

# A menu line: many short tokens between bars or bullets ("首页 | 新闻 | 政务公开 |
# 办事服务"), or between spaces only at the head or tail of a page (in the body, a
# run of short space-separated words is as likely a list of names).
MENU_BAR_RE = re.compile(
    "\\s*[|\uff5c\u4e28\u2022\u25aa]\\s*|\\s+\u00b7\\s+|\\s*[>\u00bb\uff1e]\\s*"
)
MENU_TOKEN_RE = re.compile(f"^[{HAN}A-Za-z]{{1,8}}$")
MENU_MIN_BAR_TOKENS = 4
MENU_MIN_EDGE_BAR_TOKENS = 3
MENU_MIN_EDGE_SPACE_TOKENS = 5
MENU_MAX_CHARS = 120
# The head and tail zones of a page, in non-blank lines, for rules of place.
EDGE_ZONE_LINES = 10

# A field label left alone on its line, its value on the next line ("时间：" / "2026-02-02 09:20").
BARE_LABEL_RE = re.compile(f"^(?:{_ALL_LABELS})\\s*{COLON}$")
# A weak label with a person's name: "编辑：何继红" (a byline once beside page furniture).
NAME_FIELD_RE = re.compile(
    f"^(?:\u7f16\u8f91|\u4f5c\u8005|\u7f16\u8f91\u4eba\u5458)\\s*{COLON}\\s*"  # 编辑 作者 编辑人员
    f"[{HAN}\u00b7]{{2,4}}(?:\\s+[{HAN}\u00b7]{{2,4}})*$"
)
# A lone arrow before a note is a footnote's back-link (Wikisource "↑"), which marks
# where the note starts: kept when a sentence follows it.
FOOTNOTE_MARKS = frozenset({"\u2191", "^"})

# Links of a site footer: 网站地图 联系我们 关于我们 使用帮助 网站声明 隐私声明 免责声明 站点地图.
_FOOTER_LINKS = (
    "\u7f51\u7ad9\u5730\u56fe|\u8054\u7cfb\u6211\u4eec|\u5173\u4e8e\u6211\u4eec|"
    "\u4f7f\u7528\u5e2e\u52a9|\u7f51\u7ad9\u58f0\u660e|\u9690\u79c1\u58f0\u660e|"
    "\u514d\u8d23\u58f0\u660e|\u7ad9\u70b9\u5730\u56fe"
)

LINE_RULES: tuple[LineRule, ...] = (
    _rule(
        "navigation",
        "breadcrumb-label",
        "^(?:\u5f53\u524d\u4f4d\u7f6e|\u60a8\u7684\u4f4d\u7f6e|\u4f60\u7684\u4f4d\u7f6e|"
        "\u60a8\u73b0\u5728\u7684\u4f4d\u7f6e|\u4f60\u73b0\u5728\u7684\u4f4d\u7f6e|"
        f"\u6240\u5728\u4f4d\u7f6e|\u4f4d\u7f6e)\\s*{COLON}",
        max_chars=120,
    ),
    _rule(
        "navigation",
        "breadcrumb",
        "^(?:\u9996\u9875|\u7f51\u7ad9\u9996\u9875|\u4e3b\u9875|\u8fd4\u56de\u9996\u9875)"
        "\\s*(?:>|\u00bb|\uff1e|\u2192|/)",
        max_chars=120,
    ),
    _rule(
        "related",
        "related-header",
        "^(?:\u76f8\u5173\u9605\u8bfb|\u76f8\u5173\u94fe\u63a5|\u76f8\u5173\u65b0\u95fb|"
        "\u76f8\u5173\u62a5\u9053|\u76f8\u5173\u6587\u6863|\u76f8\u5173\u6587\u7ae0|"
        "\u5ef6\u4f38\u9605\u8bfb|\u63a8\u8350\u9605\u8bfb|\u70ed\u70b9\u63a8\u8350|"
        "\u731c\u4f60\u559c\u6b22|\u4e0a\u4e00\u7bc7|\u4e0b\u4e00\u7bc7|\u76f8\u5173\u9644\u4ef6)"
        "\\s*(?:[:\uff1a]|>>|\u00bb|\uff1e\uff1e|$)",  # 相关附件>>, 相关链接»
        max_chars=60,
    ),
    _rule(
        "related",
        "topic-link",  # 》》点击图片进入专题《《
        "^[\u300b>\u00bb\\s]*\u70b9\u51fb[^\u3002]{0,6}\u8fdb\u5165[^\u3002]{0,6}"
        "\u4e13\u9898[\u300a<\u2039\u00ab\\s]*$",
        max_chars=40,
    ),
    _rule(
        "metadata",
        "date-field",  # 时间：2026-02-02 (a weak label, but nothing else on the line)
        f"^(?:\u65f6\u95f4|\u65e5\u671f)\\s*{COLON}\\s*{DATE_RE.pattern}$",
        max_chars=40,
    ),
    # Site footers. Registration numbers and copyright lines are never text,
    # wherever they stand; organizer lines only in the tail zone, because a notice
    # in the body may name the organizer of an event ("主办单位：市文化局").
    _rule(
        "footer",
        "registration-number",  # 京ICP备05060933号, 京公网安备11010502039414号, 网站标识码
        "ICP[\u5907\u8bc1]\\s*[:\uff1a]?\\s*\\d|\u516c\u7f51\u5b89\u5907\\s*\\d"
        f"|\u7f51\u7ad9\u6807\u8bc6\u7801\\s*{COLON}?\\s*[0-9A-Za-z]{{6,}}",
        max_chars=200,
    ),
    _rule(
        "footer",
        "site-organizer",  # 主办：…  承办单位：…  技术支持：…
        "^(?:\u4e3b\u529e|\u627f\u529e|\u534f\u529e|\u4e3b\u7ba1|\u8fd0\u7ef4|"
        "\u6280\u672f\u652f\u6301|\u7f51\u7ad9\u7ef4\u62a4|\u8fd0\u884c\u7ef4\u62a4)"
        f"(?:\u5355\u4f4d)?\\s*{COLON}",
        max_chars=200,
        where="tail",
    ),
    _rule(
        "footer",
        "copyright",  # 版权所有：… , Copyright © 2026 … (never how a sentence of text starts)
        "^(?:\u7248\u6743\u6240\u6709|(?i:copyright\\b)|\u00a9)",
        max_chars=200,
    ),
    _rule(
        "footer",
        "copyright-c",  # (c) 2026 …: in the body "(c)" opens a list item
        "^\\([cC]\\)\\s*(?:19|20)\\d\\d",
        max_chars=200,
        where="tail",
    ),
    _rule(
        "footer",
        "footer-links",  # 网站地图 | 联系我们 | 使用帮助
        f"^(?:{_FOOTER_LINKS})(?:\\s*[|\uff5c\u4e28/\u00b7]?\\s*(?:{_FOOTER_LINKS}))*$",
        max_chars=80,
    ),
)
