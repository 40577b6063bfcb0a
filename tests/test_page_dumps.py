"""The labelled page dumps: the derivation still gives what was labelled, the split is by site.

Labels (tests/fixtures/page_dumps/*.json, format in the README there) hold line
numbers, classes and the SHA-256 of each dump, never text; the dumps are derived
again from ../shared/corpora by benchmarks/page_dumps.py. A changed derivation
or corpus makes ``test_dump_matches_its_label`` fail, so stale labels are never
scored. The dump rules themselves are pinned on small synthetic pages.
"""

from __future__ import annotations

import codecs
import functools
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "fixtures" / "page_dumps"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
LABEL_FILES = sorted(LABELS.glob("*.json"))


def load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


pytest.importorskip("lxml", reason="the dumps are parsed with lxml: pip install -e '.[html]'")
P = load("page_dumps")


def need_corpus() -> None:
    if (
        not (CORPORA / "zh-web-content-extraction").is_dir()
        or not (CORPORA / "magic-html-bench").is_dir()
    ):
        pytest.skip(f"{CORPORA} not found: the shared corpora live in ../shared next to the repo")


@functools.cache
def pages() -> dict[str, object]:
    return {page.slug: page for page in P.list_pages(CORPORA)}


def record(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the labels


def test_there_is_a_label_for_every_page() -> None:
    need_corpus()
    slugs = set(pages())
    assert len(slugs) == 144
    assert slugs == {path.stem for path in LABEL_FILES}


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.stem)
def test_label_file_is_well_formed(path: Path) -> None:
    r = record(path)
    assert {
        "corpus",
        "file",
        "url",
        "site",
        "kind",
        "split",
        "sha256",
        "line_count",
        "title_line",
        "boilerplate",
        "notes",
    } <= set(r)
    assert r["corpus"] in (P.ZWCE, P.MHB)
    assert r["split"] in P.SPLITS
    assert len(r["sha256"]) == 64 and int(r["sha256"], 16) >= 0
    lines = P.parse_line_keys(r["boilerplate"])
    assert set(lines.values()) <= P.CLASSES
    assert all(1 <= n <= r["line_count"] for n in lines)
    assert len(lines) < r["line_count"], "a page without content"
    hand = P.parse_line_keys(r.get("hand", {}))
    assert all(1 <= n <= r["line_count"] for n in hand)
    assert set(hand.values()) <= P.CLASSES | {"content"}
    for key in r["notes"]:
        assert key in ("page", "title") or P.parse_line_keys({key: ""})


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.stem)
def test_title_line_is_a_content_line(path: Path) -> None:
    r = record(path)
    title = r["title_line"]
    assert title is None or 1 <= title <= r["line_count"]
    assert title not in P.parse_line_keys(r["boilerplate"])


def test_split_is_by_site_and_follows_the_rule() -> None:
    records = [record(path) for path in LABEL_FILES]
    parts: dict[str, set[str]] = {part: set() for part in P.SPLITS}
    for r in records:
        parts[r["split"]].add(r["site"])
        assert r["split"] == P.split_of(r["site"]), r["site"]
    assert not parts["dev"] & parts["heldout"]
    # Both parts hold about half the pages and every kind of page.
    dev = sum(r["split"] == "dev" for r in records)
    assert 0.45 <= dev / len(records) <= 0.55
    for kind in ("cleaneval-2005", "modern-news", "modern-gov", "article", "forum"):
        assert {r["split"] for r in records if r["kind"] == kind} == set(P.SPLITS), kind


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.stem)
def test_dump_matches_its_label(path: Path) -> None:
    need_corpus()
    r = record(path)
    page = pages()[path.stem]
    assert (page.corpus, page.file, page.site) == (r["corpus"], r["file"], r["site"])
    dump = P.dump_html(page.path(CORPORA).read_bytes())
    assert len(dump.lines) == r["line_count"], f"{path.stem}: re-label it or restore the derivation"
    assert dump.sha256 == r["sha256"], f"{path.stem}: re-label it or restore the derivation"


def test_benchmark_scores_every_labelled_line() -> None:
    need_corpus()
    bench = load("bench_main_text")
    scores = bench.score("dev")
    records = [r for r in map(record, LABEL_FILES) if r["split"] == "dev"]
    assert len(scores.pages) == len(records)
    assert scores.boilerplate == sum(len(P.parse_line_keys(r["boilerplate"])) for r in records)
    assert scores.boilerplate + scores.content == sum(r["line_count"] for r in records)
    assert 0 <= scores.removed <= scores.boilerplate and 0 <= scores.kept <= scores.content
    assert scores.titled == sum(r["title_line"] is not None for r in records)
    assert 0 <= scores.titles_right <= scores.titled


# --------------------------------------------------------------------------- the dump rules

HOME, NEWS = "\u9996\u9875", "\u65b0\u95fb"  # 首页 新闻
ARTICLE = "\u6b63\u6587\u7b2c\u4e00\u6bb5\u3002"  # 正文第一段。


def dump(html: str, encoding: str = "utf-8") -> list[str]:
    return P.dump_html(html.encode(encoding)).text.split("\n")


def test_title_first_then_one_line_per_block() -> None:
    html = (
        "<html><head><title> T </title><style>p{}</style><script>var a;</script></head>"
        f"<body><div><a href=/>{HOME}</a> | <a>{NEWS}</a></div>"
        f"<ul><li>{HOME}</li><li><a>{NEWS}</a></li></ul>"
        f"<!-- note --><noscript>js</noscript><p>{ARTICLE}<br>b<b>old</b></p>"
        "<table><tr><td>c1</td><td> c2 </td></tr></table><input type=hidden value=x>"
        "<pre>a  b\nc</pre><template><p>t</p></template></body></html>"
    )
    assert dump(html) == [
        "T",
        f"{HOME} | {NEWS}",
        HOME,
        NEWS,
        ARTICLE,
        "bold",
        "c1",
        "c2",
        "a b",
        "c",
    ]


def test_white_space_is_collapsed_and_empty_lines_dropped() -> None:
    html = "<div>\u3000\u3000a \n\t b\u00a0c</div><div> \u200b </div><p></p><div>d</div>"
    assert dump(html) == ["a b c", "d"]


def test_cleaneval_wrapper_is_taken_off_and_gb2312_read_as_gb18030() -> None:
    # U+9555 is in GBK/GB18030 but not in GB2312: a page declaring gb2312 still holds it.
    text = "\u4e2d\u6587\u9555"
    html = (
        '<text id="http://a.example.cn/x.html" title="W" encoding="gb2312">'
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>W</title></head><body><p>{text}</p></body></html></text>"
    )
    result = P.dump_html(html.encode("gb18030"))
    assert result.lines[1].text == text
    assert (result.wrapper_url, result.wrapper_title, result.encoding) == (
        "http://a.example.cn/x.html",
        "W",
        "gb18030",
    )
    assert [line.text for line in result.lines] == ["W", text]


def test_byte_order_mark_beats_the_declared_charset() -> None:
    html = f'<meta charset="gbk"><p>{ARTICLE}</p>'
    data = codecs.BOM_UTF8 + html.encode("utf-8")
    assert P.dump_html(data).text == ARTICLE


def test_a_head_that_swallowed_the_body_still_gives_its_text() -> None:
    # libxml2 keeps an unknown element met in <head> there, with everything after it.
    html = (
        f"<script>x</script><html><head><title>T</title><cms:include><p>{ARTICLE}</p></body></html>"
    )
    assert dump(html) == ["T", ARTICLE]


def test_the_dump_is_deterministic() -> None:
    html = f"<title>T</title><div><span>{HOME}</span><p>{ARTICLE}</p>tail</div>"
    assert P.dump_html(html.encode()).sha256 == P.dump_html(html.encode()).sha256
    assert dump(html) == ["T", HOME, ARTICLE, "tail"]


def test_sites_merge_subdomains_and_owners() -> None:
    assert P.site_of("http://chanye.finance.sina.com.cn/a") == "sina.com.cn"
    assert P.site_of("https://finance.sina.cn/b") == "sina.com.cn"
    assert P.site_of("https://www.he.news.cn/c") == "news.cn"
    assert P.site_of("http://chinaneast.xinhuanet.com/d") == "news.cn"
    assert P.split_of("sina.com.cn") == P.split_of("sina.com.cn")
