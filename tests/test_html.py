"""HTML input: decoding, the CleanEval wrapper, main-text extraction and the plain fallback.

Real pages are read at test time from ../shared/corpora (skipped when absent);
tests that run trafilatura skip when the ``html`` extra is not installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import chardet
import pytest

from cleaner import CleanerError, clean_text
from cleaner.read.decode import decode_bytes
from cleaner.read.html import (
    declared_charset,
    decode_html,
    extract_main_text,
    html_to_text,
    split_table_rows,
    tidy_lines,
    unwrap_cleaneval,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
ZH_WEB = SHARED / "corpora" / "zh-web-content-extraction"
MAGIC = SHARED / "corpora" / "magic-html-bench"

# A 2005 GB2312 page in the CleanEval wrapper (the wrapper's id is the URL).
CLEANEVAL_PAGE = "05e98007-d810-4036-b154-2ef2fe68c2af"
# A GB2312 page on which chardet answers KOI8-U with confidence 0.04.
KOI8_PAGE = "b70f455d-50d6-4c8c-a450-07d8e5ca2e06"
# magic-html-bench article: kepu.gov.cn, 2023-12-01.
KEPU_PAGE = "4e55eac42f97a6d97d14795891d2e24b715bec8c057c592a81c3d7ca08aafa10"
KEPU_URL = "http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html"

GB_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>\u533b\u4fdd\u60e0\u6c11\u5927\u4e8b\u8bb0</title></head><body>
<div class="nav"><a href="/">\u9996\u9875</a> &gt; <a href="/news">\u5de5\u4f5c\u52a8\u6001</a></div>
<div class="article">
<h1>\u533b\u4fdd\u60e0\u6c11\u5927\u4e8b\u8bb0</h1>
<p>2021\u5e74\uff0c\u5168\u5e02\u53c2\u4fdd\u4eba\u6570\u8fbe\u5230714.9\u4e07\u4eba\uff0c\
\u6bd4\u4e0a\u5e74\u589e\u52a048.1\u4e07\u4eba\uff0c\u53c2\u4fdd\u7387\u7a33\u5b9a\u5728\
95%\u4ee5\u4e0a\u3002\u533b\u4fdd\u57fa\u91d1\u8fd0\u884c\u5e73\u7a33\uff0c\u5168\u5e74\
\u652f\u51fa\u533b\u7597\u8d39\u7528\u5171\u8ba1\u4e8c\u5341\u4ebf\u5143\u3002</p>
<p>\u5168\u5e02\u5b9a\u70b9\u533b\u7597\u673a\u6784\u5168\u9762\u5b9e\u884cDRG\u4ed8\u8d39\
\u6539\u9769\uff0c\u4f4f\u9662\u8d39\u7528\u5e73\u5747\u4e0b\u964d\u4e86\u767e\u5206\u4e4b\
\u4e94\uff0c\u7fa4\u4f17\u5c31\u533b\u8d1f\u62c5\u8fdb\u4e00\u6b65\u51cf\u8f7b\u3002</p>
</div>
<div class="footer">\u7248\u6743\u6240\u6709 \u5e02\u533b\u7597\u4fdd\u969c\u5c40</div>
</body></html>"""
FIRST_PARAGRAPH = "\u5168\u5e02\u53c2\u4fdd\u4eba\u6570\u8fbe\u5230714.9"  # 全市参保人数达到714.9
SECOND_PARAGRAPH = "\u5168\u9762\u5b9e\u884cDRG\u4ed8\u8d39"  # 全面实行DRG付费


def shared_file(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} not found: the shared corpora live in ../shared next to the repo")
    return path


def compact(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def trafilatura() -> object:
    return pytest.importorskip("trafilatura", reason="needs the html extra (trafilatura)")


# --------------------------------------------------------------------------- plain text


def test_html_to_text_breaks_blocks_and_drops_invisible_text() -> None:
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<ul><li>\u9996\u9875</li><li>\u65b0\u95fb</li></ul>"
        "<p>\u6b63\u6587&nbsp;\u4e00<br>\u7b2c\u4e8c\u884c</p><script>var a = '<p>x</p>';</script>"
        "<noscript>enable js</noscript><span>\u5185</span><b>\u8054</b></body></html>"
    )
    assert html_to_text(html).split("\n") == [
        "\u9996\u9875",
        "\u65b0\u95fb",
        "\u6b63\u6587 \u4e00",
        "\u7b2c\u4e8c\u884c",
        "\u5185\u8054",
    ]


def test_html_to_text_survives_an_unclosed_head() -> None:
    assert html_to_text("<html><head><title>T</title><body><p>text</p>") == "text"


def test_tidy_lines_and_table_rows() -> None:
    assert tidy_lines(" a \u3000 b \n\n c ") == "a b\nc"
    assert split_table_rows("| a | b |\n|---|---|\n| c \\| d |") == "a\nb\nc | d"


# --------------------------------------------------------------------------- CleanEval


def test_unwrap_cleaneval_takes_url_and_title() -> None:
    page = unwrap_cleaneval(
        '\n<text id=\'http://a.cn/x.html\' title="A &lt;B&gt;" encoding="gb2312">\n'
        "<html><body><p>x</p></body></html>\n</text>\n"
    )
    assert page.url == "http://a.cn/x.html"
    assert page.title == "A <B>"
    assert page.html.strip() == "<html><body><p>x</p></body></html>"


def test_unwrap_cleaneval_leaves_other_pages_alone() -> None:
    html = "<html><body><p>text</p></body></html>"
    page = unwrap_cleaneval(html)
    assert (page.html, page.url, page.title) == (html, None, None)


def test_cleaneval_page_from_the_corpus(trafilatura: object) -> None:
    raw = shared_file(ZH_WEB / "original" / f"{CLEANEVAL_PAGE}.html").read_bytes()
    decoded = decode_html(raw)
    assert not isinstance(decoded, str)
    html, decoding = decoded
    assert decoding.encoding == "gb18030"
    page = extract_main_text(html)
    assert page.url == "http://cdp1998.org/details.asp?detailsid=2359"
    assert page.hostname == "cdp1998.org"
    assert page.date == "2005-05-07"
    assert page.extractor == "trafilatura"
    # The first sentence of the hand-made clean text, line breaks aside.
    truth = (ZH_WEB / "cleaned" / f"{CLEANEVAL_PAGE}.txt").read_text(encoding="utf-8")
    assert compact(truth)[:40] in compact(page.text)


# --------------------------------------------------------------------------- decoding


def test_gb18030_page_is_decoded_then_extracted(trafilatura: object) -> None:
    raw = GB_PAGE.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    decoded = decode_html(raw)
    assert not isinstance(decoded, str)
    html, decoding = decoded
    assert decoding.encoding == "gb18030"
    page = extract_main_text(html, "http://ybj.example.gov.cn/news/1.html")
    lines = page.text.split("\n")
    assert any(FIRST_PARAGRAPH in line for line in lines)
    assert any(SECOND_PARAGRAPH in line for line in lines)
    assert page.hostname == "ybj.example.gov.cn"
    cleaned = clean_text(page.text)
    assert FIRST_PARAGRAPH in cleaned.text


def test_gb2312_page_with_cut_off_characters_stays_gb18030() -> None:
    # A real 2005 page: 12 characters cut off before "&quot;" made chardet answer
    # KOI8-U at 0.04 (issue 16); read as Chinese, it is GB18030 with 12 replacements.
    raw = shared_file(ZH_WEB / "original" / f"{KOI8_PAGE}.html").read_bytes()
    for decoded in (decode_bytes(raw), decode_html(raw)):
        assert not isinstance(decoded, str)
        text, decoding = decoded
        assert (decoding.encoding, decoding.decided_by) == ("gb18030", "cjk-check")
        assert decoding.replacements == text.count("\ufffd") == 12
        assert "\u827a\u672f\u53f2\u7814\u7a76" in text  # 艺术史研究


def test_declared_charset_beats_an_unrecognised_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "\u041e\u0442\u0447\u0451\u0442 \u043c\u044d\u0440\u0438\u0438 \u0437\u0430 \u0433\u043e\u0434"
    raw = f'<meta charset="windows-1251"><p>{body}</p>'.encode("cp1251")

    def unsure(data: bytes) -> dict[str, object]:
        return {"encoding": "KOI8-U", "confidence": 0.04}

    monkeypatch.setattr(chardet, "detect", unsure)
    assert "chardet guessed KOI8-U with confidence 0.04" in str(decode_bytes(raw))
    decoded = decode_html(raw)
    assert not isinstance(decoded, str)
    assert (decoded[1].encoding, decoded[1].decided_by) == ("cp1251", "declared")
    assert body in decoded[0]


def test_declared_charset_does_not_override_strict_utf8() -> None:
    raw = '<meta charset="gb2312"><p>\u4e2d\u6587</p>'.encode()
    decoded = decode_html(raw)
    assert not isinstance(decoded, str)
    assert decoded[1].encoding == "utf-8"


def test_declared_charset_names() -> None:
    meta = b'<META HTTP-EQUIV="content-type" CONTENT="text/html; charset=GBK">'
    assert declared_charset(meta) == "gb18030"
    assert declared_charset(b"<meta charset='big5'>") == "big5"
    assert declared_charset(b'<meta charset="no-such-codec">') is None


# --------------------------------------------------------------------------- extraction


def test_real_news_page(trafilatura: object) -> None:
    raw = shared_file(MAGIC / "article" / "htmls" / f"{KEPU_PAGE}.html").read_bytes()
    decoded = decode_html(raw)
    assert not isinstance(decoded, str)
    page = extract_main_text(decoded[0], KEPU_URL)
    assert page.url == KEPU_URL
    assert page.hostname == "kepu.gov.cn"
    assert page.date == "2023-12-01"
    assert page.title is not None and page.title.startswith("\u4e60\u8fd1\u5e73")  # 习近平
    assert page.text.startswith(
        "\u4e60\u8fd1\u5e73\u4e3b\u6301\u53ec\u5f00\u6df1\u5165\u63a8\u8fdb"  # 习近平主持召开深入推进
    )
    dateline = "\u65b0\u534e\u793e\u4e0a\u6d7711\u670830\u65e5\u7535"  # 新华社上海11月30日电
    assert dateline in page.text
    assert "\n\n" not in page.text


def test_fallback_keeps_the_page_when_trafilatura_finds_nothing(
    trafilatura: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    page = extract_main_text(GB_PAGE)
    assert page.extractor == "fallback"
    assert page.text == html_to_text(GB_PAGE)
    assert FIRST_PARAGRAPH in page.text


def test_empty_page_falls_back_to_empty_text(trafilatura: object) -> None:
    page = extract_main_text("<html><head><title>x</title></head><body></body></html>")
    assert page.extractor == "fallback"
    assert page.text == ""


def test_missing_trafilatura_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import now raises ImportError
    with pytest.raises(CleanerError, match="pip install"):
        extract_main_text(GB_PAGE)
