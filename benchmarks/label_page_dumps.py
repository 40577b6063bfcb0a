"""Labels of the page dumps: derived from the human main text, then corrected by hand.

Run by hand:
    python benchmarks/label_page_dumps.py build [SLUG ...]    # write the label files
    python benchmarks/label_page_dumps.py sheet [SLUG ...]    # compact review sheets
    python benchmarks/label_page_dumps.py review SLUG [--all]  # a dump with its labels and why
    python benchmarks/label_page_dumps.py apply FILE          # hand corrections from a text file
    python benchmarks/label_page_dumps.py stats               # automatic labels against the files

``build`` aligns each dump (benchmarks/page_dumps.py) with the page's human main
text, labels every line ``content`` or a boilerplate class, picks the title line,
and applies the hand corrections already in the page's label file (its ``hand``
and ``hand_title`` fields), so a rebuild keeps them. The label format and the
annotation rules are in tests/fixtures/page_dumps/README.md.

Alignment. Both sides are compared in a canonical form: NFKC, lower case, curly
quotes folded, white space and U+FFFD removed. Each dump line gets candidate
places in the main text: every exact occurrence of the whole line, or, when it
has none, the stretches where its 4-grams fall on nearby diagonals (a line the
annotator shortened or retyped). A dynamic programme then picks, over the whole
page, the heaviest chain of places that runs forward through the main text
(weight: characters matched), so that a menu item that also occurs as a word of
the article is left out: its place does not fit between its neighbours. A line
in the chain with at least half its characters matched is content.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType


def _page_dumps() -> ModuleType:
    """benchmarks/page_dumps.py, wherever this file is imported from."""
    if "page_dumps" in sys.modules:
        return sys.modules["page_dumps"]
    path = Path(__file__).resolve().parent / "page_dumps.py"
    spec = importlib.util.spec_from_file_location("page_dumps", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["page_dumps"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


P = _page_dumps()

LABELS = P.LABELS
GRAM = 4
MIN_COVER = 0.5

QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u300c": '"',
        "\u300d": '"',
        "\u00b7": ".",
        "\u30fb": ".",
        "\u2022": ".",
    }
)
SPACE_RE = re.compile("[\\s\ufffd\u200b\u2060\ufeff\u00ad]+")


def canon(text: str) -> str:
    """The form both sides are compared in.

    >>> canon("\\u201cAB\\u201d \\uff11\\u3000\\u4e2d")
    '"ab"1\\u4e2d'
    """
    return SPACE_RE.sub("", unicodedata.normalize("NFKC", text).lower().translate(QUOTES))


# --------------------------------------------------------------------------- alignment


@dataclass(frozen=True)
class Place:
    """A place of one dump line in the main text: [start, end) and characters matched."""

    line: int  # 0-based dump line
    start: int
    end: int
    weight: int


def places_of(index: int, key: str, truth: str, grams: dict[str, list[int]]) -> list[Place]:
    """Candidate places of one line (canonical ``key``) in the canonical main text."""
    if not key:
        return []
    out: list[Place] = []
    at = truth.find(key)
    while at >= 0 and len(out) < 400:
        out.append(Place(index, at, at + len(key), len(key)))
        at = truth.find(key, at + 1)
    if out or len(key) < GRAM + 2:
        return out
    # Fuzzy: 4-gram hits grouped by diagonal (place in truth - place in line).
    hits: dict[int, list[int]] = {}
    for j in range(len(key) - GRAM + 1):
        for pos in grams.get(key[j : j + GRAM], ()):
            hits.setdefault(pos - j, []).append(j)
    if not hits:
        return []
    diagonals = sorted(hits)
    clusters: list[list[int]] = [[diagonals[0]]]
    for d in diagonals[1:]:
        if d - clusters[-1][-1] <= 6:
            clusters[-1].append(d)
        else:
            clusters.append([d])
    for cluster in clusters:
        covered: set[int] = set()
        starts: list[int] = []
        ends: list[int] = []
        for d in cluster:
            for j in hits[d]:
                covered.update(range(j, j + GRAM))
                starts.append(d + j)
                ends.append(d + j + GRAM)
        if len(covered) >= max(GRAM + 2, len(key) // 5):
            out.append(Place(index, min(starts), max(ends), len(covered)))
    out.sort(key=lambda p: -p.weight)
    return out[:20]


def align(keys: Sequence[str], truth: str) -> dict[int, Place]:
    """The heaviest chain of places running forward through ``truth``: line -> its place."""
    grams: dict[str, list[int]] = {}
    for i in range(len(truth) - GRAM + 1):
        grams.setdefault(truth[i : i + GRAM], []).append(i)
    size = len(truth) + 2
    tree_score = [0] * (size + 1)
    tree_arg: list[int] = [-1] * (size + 1)
    chosen: list[Place] = []
    back: list[int] = []

    def query(pos: int) -> tuple[int, int]:  # best chain ending at or before pos
        best, arg = 0, -1
        i = min(pos + 1, size)
        while i > 0:
            if tree_score[i] > best:
                best, arg = tree_score[i], tree_arg[i]
            i -= i & -i
        return best, arg

    def update(pos: int, score: int, arg: int) -> None:
        i = pos + 1
        while i <= size:
            if score > tree_score[i]:
                tree_score[i], tree_arg[i] = score, arg
            i += i & -i

    for index, key in enumerate(keys):
        pending: list[tuple[int, int, int]] = []
        for place in places_of(index, key, truth, grams):
            slack = 0 if place.weight == place.end - place.start else 3
            best, arg = query(max(place.start + slack, 0))
            chosen.append(place)
            back.append(arg)
            pending.append((place.end, best + place.weight, len(chosen) - 1))
        for end, score, arg in pending:
            update(end, score, arg)
    _, arg = query(size - 1)
    out: dict[int, Place] = {}
    while arg >= 0:
        out[chosen[arg].line] = chosen[arg]
        arg = back[arg]
    return out


# --------------------------------------------------------------------------- classes

# Metadata lines: dates, times, sources, authors, editors, view counts. The GT of
# zh-web-content-extraction drops them ("filtering the header/dates/authors"), so
# they are boilerplate in every corpus, even where an annotator kept one.
COLON = "[:\uff1a]"
DATE = r"(?:\d{2,4}[-/.\u5e74]\d{1,2}[-/.\u6708]\d{1,2}\u65e5?|\d{1,2}[-/.\u6708]\d{1,2}\u65e5)"
TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
METADATA_RE = re.compile(
    # 发布 发表 更新 刊发 时间 日期 来源 作者 编辑 责任编辑 责编 记者 通讯员 稿源 出处
    rf"^(?:(?:\u53d1\u5e03|\u53d1\u8868|\u66f4\u65b0|\u520a\u53d1|\u65f6\u95f4|\u65e5\u671f|\u6765\u6e90|\u4f5c\u8005|\u7f16\u8f91|\u8d23\u4efb\u7f16\u8f91|\u8d23\u7f16|\u8bb0\u8005|\u901a\u8baf\u5458|\u7a3f\u6e90|\u51fa\u5904|"
    # 阅读 浏览 点击 字号 撰文 文 图 摄影 供稿
    rf"\u9605\u8bfb|\u6d4f\u89c8|\u70b9\u51fb|\u5b57\u53f7|\u64b0\u6587|\u6587|\u56fe|\u6444\u5f71?|\u4f9b\u7a3f)\s*{COLON}|"
    rf"\[?\(?{DATE}\s*(?:{TIME})?\)?\]?\s*$|{TIME}\s*$)"
)
METADATA_ANY_RE = re.compile(
    # 来源 作者 编辑 发布时间 发表时间 浏览次数 阅读次数 点击数 点击量
    rf"(?:\u6765\u6e90|\u4f5c\u8005|\u7f16\u8f91|\u53d1\u5e03\u65f6\u95f4|\u53d1\u8868\u65f6\u95f4|\u6d4f\u89c8\u6b21\u6570|\u9605\u8bfb\u6b21\u6570|\u70b9\u51fb\u6570|\u70b9\u51fb\u91cf)\s*{COLON}|{DATE}\s*{TIME}"
)
BREADCRUMB_RE = re.compile(
    # 当前位置 您的位置 你的位置 您现在的位置 你现在的位置 现在位置 所在位置
    rf"^(?:\u5f53\u524d\u4f4d\u7f6e|\u60a8\u7684\u4f4d\u7f6e|\u4f60\u7684\u4f4d\u7f6e|\u60a8\u73b0\u5728\u7684\u4f4d\u7f6e|\u4f60\u73b0\u5728\u7684\u4f4d\u7f6e|\u73b0\u5728\u4f4d\u7f6e|\u6240\u5728\u4f4d\u7f6e)\s*{COLON}?|"
    # 首页 主页 网首页
    r"(?:\u9996\u9875|\u4e3b\u9875|\u7f51\u9996\u9875)\s*(?:>|&gt;|\u00bb|\u203a|\uff1e|-|/|\u2192)"
)
# 分享到 分享至 一键分享 扫一扫 二维码 微信扫 朋友圈 空间 新浪微博 腾讯微博 打印本页 关闭窗口 收藏本页 加入收藏 字号
SHARE_RE = re.compile(
    r"\u5206\u4eab\u5230|\u5206\u4eab\u81f3|\u4e00\u952e\u5206\u4eab|\u626b\u4e00\u626b|\u4e8c\u7ef4\u7801|\u5fae\u4fe1\u626b|\u670b\u53cb\u5708|QQ\u7a7a\u95f4|\u65b0\u6d6a\u5fae\u535a|\u817e\u8baf\u5fae\u535a|\u6253\u5370\u672c\u9875|\u5173\u95ed\u7a97\u53e3|\u6536\u85cf\u672c\u9875|\u52a0\u5165\u6536\u85cf|\u5b57\u53f7|\u3010\u6253\u5370\u3011"
)
# 登录 注册 登录 注册 退出 忘记密码 用户名 密码 免费注册 立即登录 快速登录
LOGIN_RE = re.compile(
    r"^(?:\u767b\u5f55|\u6ce8\u518c|\u767b\u5f55\s*\|?\s*\u6ce8\u518c|\u9000\u51fa|\u5fd8\u8bb0\u5bc6\u7801|\u7528\u6237\u540d|\u5bc6\u7801|\u514d\u8d39\u6ce8\u518c|\u7acb\u5373\u767b\u5f55|\u5feb\u901f\u767b\u5f55)"
)
# 上一页 下一页 上一篇 下一篇 上一章 下一章 尾页 第 页 共 页
PAGER_RE = re.compile(
    r"\u4e0a\u4e00\u9875|\u4e0b\u4e00\u9875|\u4e0a\u4e00\u7bc7|\u4e0b\u4e00\u7bc7|\u4e0a\u4e00\u7ae0|\u4e0b\u4e00\u7ae0|\u5c3e\u9875|^\u7b2c\s*\d+\s*\u9875|\u5171\s*\d+\s*\u9875|^\d+(?:\s+\d+)+$|^[<>\u2039\u203a\u00ab\u00bb]$"
)
FOOTER_RE = re.compile(
    # 版权所有 版权声明 备案 公网安备 联系我们 关于我们 网站地图 广告服务
    r"\u7248\u6743\u6240\u6709|\u7248\u6743\u58f0\u660e|copyright|\u00a9|icp|\u5907\u6848|\u516c\u7f51\u5b89\u5907|\u8054\u7cfb\u6211\u4eec|\u5173\u4e8e\u6211\u4eec|\u7f51\u7ad9\u5730\u56fe|\u5e7f\u544a\u670d\u52a1|"
    # 违法和不良信息 举报电话 举报邮箱 许可证 免责声明 隐私政策 用户协议 投诉
    r"\u8fdd\u6cd5\u548c\u4e0d\u826f\u4fe1\u606f|\u4e3e\u62a5\u7535\u8bdd|\u4e3e\u62a5\u90ae\u7bb1|\u8bb8\u53ef\u8bc1|all rights reserved|\u514d\u8d23\u58f0\u660e|\u9690\u79c1\u653f\u7b56|\u7528\u6237\u534f\u8bae|\u6295\u8bc9",
    re.IGNORECASE,
)
# 评论 跟帖 网友 发表评论 回复 我要说 条评论 留言
COMMENT_RE = re.compile(
    r"\u8bc4\u8bba|\u8ddf\u5e16|\u7f51\u53cb|\u53d1\u8868\u8bc4\u8bba|\u56de\u590d|\u6211\u8981\u8bf4|\u6761\u8bc4\u8bba|\u7559\u8a00"
)
# 相关 推荐 延伸阅读 热门 热点 排行 猜你喜欢 更多 精彩 专题 看点 热读 头条
RELATED_RE = re.compile(
    r"\u76f8\u5173|\u63a8\u8350|\u5ef6\u4f38\u9605\u8bfb|\u70ed\u95e8|\u70ed\u70b9|\u6392\u884c|\u731c\u4f60\u559c\u6b22|\u66f4\u591a|\u7cbe\u5f69|\u4e13\u9898|\u770b\u70b9|\u70ed\u8bfb|\u5934\u6761"
)


def boilerplate_class(index: int, line: P.Line, first_content: int | None) -> str:
    """A coarse class for a boilerplate line: cheap rules, checked by hand on the reviewed pages."""
    text = line.text
    key = canon(text)
    link = line.link_chars / max(1, len(key))
    if index == 0 and line.tag == "title":
        return "page-title"
    if BREADCRUMB_RE.search(text):
        return "breadcrumb"
    if len(key) <= 80 and (METADATA_RE.search(text) or METADATA_ANY_RE.search(text)):
        return "metadata"
    if FOOTER_RE.search(text):
        return "footer"
    if len(key) <= 40 and SHARE_RE.search(text):
        return "share"
    if len(key) <= 20 and LOGIN_RE.search(text):
        return "login"
    if len(key) <= 40 and PAGER_RE.search(text):
        return "pager"
    if len(key) <= 30 and RELATED_RE.search(text):
        return "related"
    if len(key) <= 20 and COMMENT_RE.search(text):
        return "comments"
    before = first_content is None or index < first_content
    if link >= 0.5 and len(key) > 12:
        return "headline-list"
    if before and (link >= 0.5 or len(key) <= 8):
        return "menu"
    if link >= 0.5:
        return "related"
    return "other"


# --------------------------------------------------------------------------- labels


def line_keys(lines: dict[int, str]) -> dict[str, str]:
    """Compress ``{line_no: label}`` into ``{"a-b": label}`` runs (1-based, sorted).

    >>> line_keys({1: "menu", 2: "menu", 3: "footer", 5: "footer"})
    {'1-2': 'menu', '3': 'footer', '5': 'footer'}
    """
    out: dict[str, str] = {}
    run: list[int] = []
    for n in sorted(lines):
        if run and n == run[-1] + 1 and lines[n] == lines[run[0]]:
            run.append(n)
            continue
        if run:
            out[f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0])] = lines[run[0]]
        run = [n]
    if run:
        out[f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0])] = lines[run[0]]
    return out


parse_line_keys = P.parse_line_keys


@dataclass
class Proposal:
    """The automatic labels of one page, with what the review needs."""

    page: P.Page
    dump: P.Dump
    places: dict[int, Place]
    content: set[int]  # 0-based lines
    classes: dict[int, str]  # 0-based lines outside the alignment -> class
    title_line: int | None  # 0-based
    title_why: str
    truth_cover: float  # share of the main text's characters the content lines match
    doubts: dict[int, str] = field(default_factory=dict)  # 0-based line -> why


def title_parts(title: str | None) -> list[str]:
    """The <title> and its parts split at the usual site separators, longest first."""
    if not title:
        return []
    parts = [p for p in re.split(r"\s+[-|_\u2013\u2014]+\s+|[_|]|--|-(?=[^-]*$)|\s-\s", title) if p]
    if len(parts) > 1:
        parts = parts[:-1]  # the last part names the site
    out = [canon(p) for p in [title, *parts] if len(canon(p)) >= 2]
    return sorted(set(out), key=lambda p: (-len(p), p))


def pick_title(
    dump: P.Dump, keys: list[str], content: set[int], truth: str
) -> tuple[int | None, str]:
    """The article's heading: a line the <title>, the wrapper title, <h1> or the GT's first line name."""
    first = min(content) if content else None
    names = title_parts(dump.title) + title_parts(dump.wrapper_title)
    truth_first = next((canon(t) for t in truth.splitlines() if canon(t)), "")
    candidates: list[tuple[tuple[int, int, int], int, str]] = []
    for i, key in enumerate(keys):
        if i == 0 or len(key) < 2:
            continue
        why = ""
        if any(key == n for n in names) and dump.lines[i].tag == "h1":
            why = "h1 naming the <title>"
        elif any(key == n for n in names):
            why = "equals <title> or its part"
        elif any(len(key) >= 6 and key in n and len(key) >= 0.4 * len(n) for n in names):
            why = "inside <title>"
        elif dump.lines[i].tag == "h1" and len(key) <= 80:
            why = "h1"
        elif truth_first and key == truth_first and len(key) <= 40:
            why = "first line of the GT"
        elif (
            first is not None
            and first - 4 <= i < first
            and len(key) <= 50
            and dump.lines[i].link_chars < len(key) / 2
            and not METADATA_RE.search(dump.lines[i].text)
            and not METADATA_ANY_RE.search(dump.lines[i].text)
        ):
            why = "short line just before the content"
        if not why:
            continue
        # Prefer a line near the start of the content (30 lines before it to one
        # line into it), then the strongest reason, then the nearest line.
        distance = abs(i - first) if first is not None else i
        if first is None or first - 30 <= i <= first + 1:
            penalty = 0
        else:
            penalty = 1 if i > first else 2
        rank = {
            "h1 naming the <title>": -1,
            "equals <title> or its part": 0,
            "inside <title>": 1,
            "h1": 2,
            "first line of the GT": 3,
            "short line just before the content": 4,
        }[why]
        candidates.append(((penalty, rank, distance), i, why))
    named = [c for c in candidates if c[0][1] < 4]
    if named or candidates:
        _, i, why = min(named or candidates)
        return i, why
    if dump.lines and dump.lines[0].tag == "title":
        return 0, "only the <title> line holds it"
    return None, "no title"


def propose(page: P.Page, dump: P.Dump) -> Proposal:
    keys = [canon(line.text) for line in dump.lines]
    truth = canon(page.truth)
    # The <title> line is never aligned: it is the title only when no other line holds it.
    has_title = bool(dump.lines) and dump.lines[0].tag == "title"
    places = align([""] + keys[1:] if has_title else keys, truth)
    content: set[int] = set()
    doubts: dict[int, str] = {}
    for i, place in places.items():
        cover = place.weight / max(1, len(keys[i]))
        if cover >= MIN_COVER:
            content.add(i)
        if 0.2 <= cover < 0.9:
            doubts[i] = f"matched {cover:.0%}"
    matched = sum(places[i].weight for i in content)
    truth_cover = min(1.0, matched / max(1, len(truth)))
    # Metadata lines are boilerplate even where the main text kept them.
    for i in sorted(content):
        text = dump.lines[i].text
        if text.endswith(("\u3002", "\uff1f", "\uff01", "?", "!")):
            continue  # a sentence ("\u8bb0\u8005\uff1a...?" in an interview), not a byline
        if len(keys[i]) <= 80 and (METADATA_RE.search(text) or METADATA_ANY_RE.search(text)):
            content.discard(i)
            doubts[i] = "metadata in the main text"
    title_line, title_why = pick_title(dump, keys, content, page.truth)
    aligned = set(content)
    if title_line is not None:
        content.add(title_line)
    # Short lines in the chain far from other content are suspicious.
    ordered = sorted(content)
    for i in ordered:
        if len(keys[i]) <= 3:
            doubts.setdefault(i, "short content line")
    for i in range(len(keys)):
        if i in content or not keys[i]:
            continue
        near = [j for j in (i - 1, i + 1) if j in content]
        if len(near) == 2:
            doubts.setdefault(i, "boilerplate between content lines")
    first = ordered[0] if ordered else None
    # Every line outside the alignment gets a class, the title line too: a title set
    # by hand elsewhere sends an automatic title that matched nothing back to it.
    classes = {
        i: boilerplate_class(i, line, first)
        for i, line in enumerate(dump.lines)
        if i not in aligned
    }
    return Proposal(
        page, dump, places, content, classes, title_line, title_why, truth_cover, doubts
    )


def label_path(page: P.Page) -> Path:
    return LABELS / f"{page.slug}.json"


def build_record(proposal: Proposal, old: dict | None) -> dict:
    """The label record: automatic labels with the hand corrections of ``old`` applied."""
    page, dump = proposal.page, proposal.dump
    labels = {i + 1: c for i, c in proposal.classes.items() if i not in proposal.content}
    auto_title = proposal.title_line
    if old and "hand_title" in old and auto_title is not None and auto_title in proposal.classes:
        labels[auto_title + 1] = proposal.classes[auto_title]
    hand = dict((old or {}).get("hand", {}))
    for line_no, label in parse_line_keys(hand).items():
        if label == "content":
            labels.pop(line_no, None)
        else:
            labels[line_no] = label
    title_line = proposal.title_line + 1 if proposal.title_line is not None else None
    if old and "hand_title" in old:
        title_line = old["hand_title"]
    if title_line is not None:
        labels.pop(title_line, None)
    record = {
        "corpus": page.corpus,
        "file": page.file,
        "url": page.url,
        "site": page.site,
        "kind": page.kind,
        "split": P.split_of(page.site),
        "sha256": dump.sha256,
        "line_count": len(dump.lines),
        "encoding": dump.encoding,
        "title_line": title_line,
        "boilerplate": line_keys(labels),
        "hand": hand,
        "notes": (old or {}).get("notes", {}),
    }
    if old and "hand_title" in old:
        record["hand_title"] = old["hand_title"]
    if old and "checked" in old:
        record["checked"] = old["checked"]
    return record


def write_record(path: Path, record: dict) -> None:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- CLI


def sheet(page: P.Page, width: int = 90) -> None:
    """A compact review sheet: the content region, runs of full-match content folded."""
    dump = P.dump_html(page.path().read_bytes())
    proposal = propose(page, dump)
    path = label_path(page)
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    record = build_record(proposal, old)
    labels = parse_line_keys(record["boilerplate"])
    hand = parse_line_keys(record["hand"])
    content = [n for n in range(1, len(dump.lines) + 1) if n not in labels]
    print(
        f"## {page.slug} {page.kind} {page.site} lines {len(dump.lines)} content {len(content)} "
        f"cover {proposal.truth_cover:.0%} title {record['title_line']} ({proposal.title_why})"
    )
    print(f"   <title> {dump.title!r}  GT starts {page.truth.strip()[:40]!r}")
    lo, hi = (min(content) - 3, max(content) + 3) if content else (0, 0)
    fold: list[int] = []

    def flush() -> None:
        if len(fold) > 2:
            print(f"{fold[0]:5d}-{fold[-1]} ... {len(fold)} content lines")
        else:
            for m in fold:
                show(m)
        fold.clear()

    def show(n: int) -> None:
        line = dump.lines[n - 1]
        place = proposal.places.get(n - 1)
        cover = f"{place.weight / max(1, len(canon(line.text))):.0%}" if place else "-"
        mark = "T" if n == record["title_line"] else ("H" if n in hand else " ")
        label = labels.get(n, "C")
        text = (
            line.text
            if len(line.text) <= width
            else line.text[: width - 25] + "..." + line.text[-20:]
        )
        doubt = proposal.doubts.get(n - 1, "")
        print(f"{n:5d}{mark}{label[:8]:8s}{cover:>5s} {text}" + (f"  <<{doubt}>>" if doubt else ""))

    for n in range(1, len(dump.lines) + 1):
        place = proposal.places.get(n - 1)
        full = place is not None and place.weight == len(canon(dump.lines[n - 1].text))
        quiet = (
            n not in labels
            and full
            and n not in hand
            and n != record["title_line"]
            and (n - 1) not in proposal.doubts
        )
        if quiet:
            fold.append(n)
            continue
        flush()
        if lo <= n <= hi or (n - 1) in proposal.doubts or n in hand or n not in labels:
            show(n)
    flush()


def review(page: P.Page, show_all: bool = False) -> None:
    dump = P.dump_html(page.path().read_bytes())
    proposal = propose(page, dump)
    path = label_path(page)
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    record = build_record(proposal, old)
    labels = parse_line_keys(record["boilerplate"])
    hand = parse_line_keys(record["hand"])
    print(f"# {page.slug} {page.kind} {page.site} {record['split']} {page.url or ''}")
    print(
        f"# lines {len(dump.lines)}; truth covered {proposal.truth_cover:.1%}; "
        f"title {record['title_line']} ({proposal.title_why}); <title> {dump.title!r}"
    )
    for key, note in record["notes"].items():
        print(f"# note {key}: {note}")
    content_lines = [n for n in range(1, len(dump.lines) + 1) if n not in labels]
    lo = (min(content_lines) if content_lines else 1) - 4
    hi = (max(content_lines) if content_lines else 0) + 4
    skipped = 0
    for n, line in enumerate(dump.lines, start=1):
        i = n - 1
        label = labels.get(n, "CONTENT")
        doubt = proposal.doubts.get(i, "")
        place = proposal.places.get(i)
        show = show_all or lo <= n <= hi or doubt or n in hand or n == record["title_line"]
        if not show:
            skipped += 1
            continue
        if skipped:
            print(f"   ... {skipped} lines")
            skipped = 0
        mark = "T" if n == record["title_line"] else ("H" if n in hand else " ")
        cover = f"{place.weight / max(1, len(canon(line.text))):.0%}" if place else "-"
        text = line.text if len(line.text) <= 110 else line.text[:70] + " ... " + line.text[-30:]
        extra = f"  <<{doubt}>>" if doubt else ""
        print(f"{n:4d} {mark} {label[:12]:12s} {cover:>4s} {line.tag:6s} {text}{extra}")
    if skipped:
        print(f"   ... {skipped} lines")


def apply_corrections(path: Path, pages: list[P.Page]) -> None:
    """Apply hand corrections from a text file, one a line (``#`` starts a comment)::

    SLUG  LINES  LABEL  note       LINES: "12" or "12-15" or "12,14-15"; LABEL: content or a class
    SLUG  title  N      note       the title line, set by hand
    SLUG  page   -      note       a note on the whole page
    """
    touched: set[str] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        slug, key, label, *rest = raw.split(None, 3)
        note = rest[0].strip() if rest else ""
        page = P.find_page(slug, pages)
        lp = label_path(page)
        record = json.loads(lp.read_text(encoding="utf-8"))
        if key == "title":
            record["hand_title"] = int(label)
        elif key != "page":
            parse_line_keys({key: label})  # checks the key
            record.setdefault("hand", {})[key] = label
        if note:
            record.setdefault("notes", {})["title" if key == "title" else key] = note
        write_record(lp, record)
        touched.add(page.slug)
    for slug in sorted(touched):
        page = P.find_page(slug, pages)
        lp = label_path(page)
        old = json.loads(lp.read_text(encoding="utf-8"))
        write_record(lp, build_record(propose(page, P.dump_html(page.path().read_bytes())), old))


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("build", "review", "stats", "sheet", "apply"):
        raise SystemExit(__doc__)
    pages = P.list_pages()
    if args[0] == "build":
        LABELS.mkdir(parents=True, exist_ok=True)
        chosen = [P.find_page(s, pages) for s in args[1:]] if args[1:] else pages
        for page in chosen:
            dump = P.dump_html(page.path().read_bytes())
            path = label_path(page)
            old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
            if old and old.get("sha256") != dump.sha256 and old.get("hand"):
                print(f"{page.slug}: the dump changed; its hand corrections need checking")
            write_record(path, build_record(propose(page, dump), old))
    elif args[0] == "apply":
        apply_corrections(Path(args[1]), pages)
    elif args[0] == "sheet":
        for name in args[1:] or [p.slug for p in pages]:
            sheet(P.find_page(name, pages))
    elif args[0] == "review":
        review(P.find_page(args[1], pages), "--all" in args)
    else:
        stats(pages)


def stats(pages: list[P.Page]) -> None:
    """Compare the automatic labels with the label files: what the hand changed."""
    totals: Counter[str] = Counter()
    for page in pages:
        dump = P.dump_html(page.path().read_bytes())
        proposal = propose(page, dump)
        record = json.loads(label_path(page).read_text(encoding="utf-8"))
        auto = parse_line_keys(build_record(proposal, None)["boilerplate"])
        final = parse_line_keys(record["boilerplate"])
        lines = range(1, len(dump.lines) + 1)
        to_boilerplate = sum(n not in auto and n in final for n in lines)
        to_content = sum(n in auto and n not in final for n in lines)
        classes = sum(n in auto and n in final and auto[n] != final[n] for n in lines)
        title = record["title_line"] != (
            proposal.title_line + 1 if proposal.title_line is not None else None
        )
        totals["pages"] += 1
        totals["lines"] += len(dump.lines)
        totals["content lines"] += len(dump.lines) - len(final)
        totals["lines to boilerplate"] += to_boilerplate
        totals["lines to content"] += to_content
        totals["classes changed"] += classes
        totals["pages with a flipped line"] += bool(to_boilerplate or to_content)
        totals["titles changed"] += title
        totals["pages with a hand correction"] += bool(record["hand"]) or "hand_title" in record
        if to_boilerplate or to_content or classes or title:
            print(
                f"{page.slug:24s} {page.kind:14s} lines {len(dump.lines):5d} "
                f"to boilerplate {to_boilerplate:4d} to content {to_content:4d} "
                f"classes {classes:4d} title {'changed' if title else '-'} "
                f"(GT covered {proposal.truth_cover:.1%})"
            )
    for key, value in totals.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
