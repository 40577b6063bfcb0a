r"""Turn an HTML page into its main text, one paragraph per line, plus page metadata.

The caller decodes the bytes first (:func:`decode_html`: the encoding detection
of text files, ``cleaner.decode.decode_bytes``, with the page's declared charset
as a tie-breaker when chardet is unsure), calls :func:`extract_main_text`, and runs
the text pipeline on ``page.text``. Main-text extraction is trafilatura's; it is
an optional dependency, imported on first use. When trafilatura finds no main
text, a plain conversion with the standard library keeps every visible text
block (one per line) so that no page is silently lost: the boilerplate stage
then does what it can.

Pages in the CleanEval distribution format (``<text id="URL" title="..."
encoding="...">`` around the page) are unwrapped first; the ``id`` is the URL.

Pure: a string in, an :class:`ExtractedPage` out; no I/O.

>>> html_to_text("<p>first</p><div>second<br>third</div><script>x()</script>")
'first\nsecond\nthird'
"""

from __future__ import annotations

import codecs
import importlib.util
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, Literal

from ..data import Decoding
from ..errors import CleanerError
from .decode import DEFAULT_SAMPLE_BYTES, decode_bytes, is_encoding_failure

if TYPE_CHECKING:
    from collections.abc import Mapping

INSTALL_HINT = (
    "HTML input needs trafilatura: pip install 'cleaner[html]' "
    "(or pip install trafilatura lxml_html_clean)"
)

# Settings measured on the Chinese pages of zh-web-content-extraction and
# magic-html-bench (benchmarks/bench_html.py, bag-of-characters F1 after cleaning):
# favor_precision gains 0.05 on news articles and 0.01 on the 2005-era pages and
# loses 0.007 on forum threads; comments cost 0.015 on blogs (their comment
# sections are not main text) but are the posts of forum threads (+0.06 there).
# Splitting layout-table rows into one line per cell gains 0.005 on the
# 2005-era pages: the boilerplate stage can then drop the menu cells.
TRAFILATURA_OPTIONS: Mapping[str, Any] = {
    "with_metadata": True,
    "favor_precision": True,
    "include_comments": True,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,
}

# <text id="http://..." title="..." encoding="gb2312"> ... </text>
CLEANEVAL_OPEN_RE = re.compile(r"\A\s*<text\b([^>]*)>", re.IGNORECASE)
CLEANEVAL_CLOSE_RE = re.compile(r"</text>\s*\Z", re.IGNORECASE)
ATTRIBUTE_RE = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
# A table row as trafilatura renders it: "| cell | cell |".
TABLE_ROW_RE = re.compile(r"^\|.*\|$")
TABLE_RULE_RE = re.compile(r"^\|(?:-{3}\|)+$")
URL_HOST_RE = re.compile(r"^[a-z][a-z0-9+.-]*://([^/?#:]+)", re.IGNORECASE)
# <meta charset="gbk">, <meta http-equiv=... content="text/html; charset=gb2312">,
# and the CleanEval wrapper's encoding="gb2312".
CHARSET_RE = re.compile(
    rb"""(?:<meta[^>]*?charset\s*=\s*["']?|<text\b[^>]*?encoding\s*=\s*["'])([-\w.:]+)""",
    re.IGNORECASE,
)
CHARSET_SCAN_BYTES = 4096
# A chardet answer below this confidence loses to a charset the page declares,
# if the declared codec reads the bytes with at most DECLARED_MAX_ERRORS_PER_MILLE
# replacement characters per thousand characters.
WEAK_DETECTION = 0.5
DECLARED_MAX_ERRORS_PER_MILLE = 1

# Elements whose start and end break a line in the plain fallback.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "frame", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "iframe",
        "legend", "li", "main", "nav", "noframes", "ol", "option", "p", "pre", "section",
        "select", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr",
        "ul",
    }
)  # fmt: skip
# Elements whose text is never visible.
SKIPPED_TAGS = frozenset({"head", "script", "style", "noscript", "template", "svg", "math"})


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """The main text of an HTML page and what the page says about itself.

    Attributes:
        text: the main text, one paragraph per line, no blank lines.
        title: the page title.
        date: the publication date, ISO 8601 (``2024-05-13``).
        author: the author(s) as the page names them.
        url: the page URL (given by the caller, the CleanEval wrapper or the page).
        hostname: the host of ``url`` without ``www.`` (trafilatura's guess when no URL).
        sitename: the site name the page declares.
        extractor: ``trafilatura``, or ``fallback`` when trafilatura found no main
            text and every visible text block was kept instead.

    """

    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None
    hostname: str | None = None
    sitename: str | None = None
    extractor: Literal["trafilatura", "fallback"] = "trafilatura"


@dataclass(frozen=True, slots=True)
class CleanEvalPage:
    """A page taken out of its CleanEval ``<text ...>`` wrapper."""

    html: str
    url: str | None
    title: str | None


def unwrap_cleaneval(html: str) -> CleanEvalPage:
    r"""Take a page out of a CleanEval ``<text id=URL title=...>`` wrapper, if it has one.

    >>> wrapped = '<text id="http://a.cn/x" title="T &amp; U">\n<html>x</html>\n</text>'
    >>> page = unwrap_cleaneval(wrapped)
    >>> page.url, page.title, page.html.strip()
    ('http://a.cn/x', 'T & U', '<html>x</html>')
    >>> unwrap_cleaneval("<html>x</html>").url is None
    True
    """
    match = CLEANEVAL_OPEN_RE.match(html)
    if not match:
        return CleanEvalPage(html, None, None)
    attributes = {
        name.lower(): unescape(next((v for v in values if v), ""))
        for name, *values in ATTRIBUTE_RE.findall(match.group(1))
    }
    inner = CLEANEVAL_CLOSE_RE.sub("", html[match.end() :])
    return CleanEvalPage(inner, attributes.get("id") or None, attributes.get("title") or None)


def declared_charset(data: bytes) -> str | None:
    """Return the codec a page declares in its first bytes (meta tag or CleanEval wrapper).

    GB2312 and GBK are read as GB18030, their superset.

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb18030'
    >>> declared_charset(b'<text id="u" encoding="utf-8">') , declared_charset(b"<p>x</p>")
    ('utf-8', None)
    """
    match = CHARSET_RE.search(data[:CHARSET_SCAN_BYTES])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    if name in {"gb2312", "gbk", "gb18030", "cp936", "x-gbk"}:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(
    data: bytes, sample_bytes: int = DEFAULT_SAMPLE_BYTES
) -> tuple[str, Decoding] | str:
    r"""Decode a page like any input file, letting its declared charset beat a weak guess.

    ``decode_bytes`` decides first (BOM, strict UTF-8, chardet). Only when chardet
    had to guess with a confidence under 0.5, or the bytes could not be decoded at
    all, and the page declares a charset that reads its bytes almost without errors
    is the declared charset used (``decided_by="declared"``).

    >>> decode_html('<meta charset="gbk"><p>中文</p>'.encode("gb18030"))[0][-9:]
    '<p>中文</p>'
    """
    decoded = decode_bytes(data, sample_bytes)
    if isinstance(decoded, str):
        return (_declared(data, None) or decoded) if is_encoding_failure(decoded) else decoded
    if not decoded[1].decided_by.startswith("chardet") or decoded[1].confidence >= WEAK_DETECTION:
        return decoded
    return _declared(data, decoded[1].encoding) or decoded


def _declared(data: bytes, guessed: str | None) -> tuple[str, Decoding] | None:
    """Decode with the charset the page declares, if it reads the bytes almost without errors."""
    codec = declared_charset(data)
    if codec is None or codec == guessed:
        return None
    try:
        declared = data.decode(codec, errors="replace")
    except (LookupError, ValueError):
        return None
    errors = declared.count("\ufffd")
    if errors * 1000 > len(declared) * DECLARED_MAX_ERRORS_PER_MILLE:
        return None
    declared = declared.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    confidence = 1.0 - errors / max(1, len(declared))
    return declared, Decoding(codec, "declared", round(confidence, 4), errors)


def extract_main_text(html: str, url: str | None = None) -> ExtractedPage:
    """Extract the main text and metadata of a decoded HTML page.

    Args:
        html: the page, already decoded to text.
        url: where the page came from, if known; it helps trafilatura and is
            returned as ``url``. A CleanEval wrapper's ``id`` is used otherwise.

    Raises:
        CleanerError: trafilatura is not installed (the message says how to install it).

    """
    trafilatura = _import_trafilatura()
    page = unwrap_cleaneval(html)
    url = url or page.url
    document, text = None, ""
    if page.html.strip():
        # favor_precision finds nothing on a few pages (a comment list, a bare
        # post) where the default settings find the text: then try those.
        for precision in (True, False):
            options = {**TRAFILATURA_OPTIONS, "favor_precision": precision}
            result = trafilatura.bare_extraction(page.html, url=url, **options)
            document = result if result is not None else document  # keep any metadata
            text = _document_text(result)
            if text:
                break
    extractor: Literal["trafilatura", "fallback"] = "trafilatura"
    if not text:
        text = html_to_text(page.html)
        extractor = "fallback"
    found = {} if document is None else {
        key: _value(getattr(document, key, None))
        for key in ("title", "date", "author", "url", "hostname", "sitename")
    }  # fmt: skip
    url = url or found.get("url")
    return ExtractedPage(
        text=text,
        title=found.get("title") or page.title,
        date=found.get("date"),
        author=found.get("author"),
        url=url,
        hostname=_hostname(url) or found.get("hostname"),
        sitename=found.get("sitename"),
        extractor=extractor,
    )


def _document_text(document: Any) -> str:
    """Return the main text of a trafilatura result, comments (forum posts) after it."""
    if document is None:
        return ""
    # bare_extraction keeps comments apart; on forum pages they are the posts.
    parts = (document.text, document.comments)
    return tidy_lines(split_table_rows("\n".join(part for part in parts if part)))


def split_table_rows(text: str) -> str:
    r"""Put each cell of a table row on its own line and drop header rules.

    Old pages lay out the whole page as a table, so a "row" can hold a menu and
    the article: one line per cell lets the line-based boilerplate stage judge
    them apart.

    >>> split_table_rows("| 首页 | 新闻 |\n|---|---|\n| 正文第一段 |\n普通段落")
    '首页\n新闻\n正文第一段\n普通段落'
    >>> split_table_rows(r"| 快讯\|论坛 | x |")
    '快讯|论坛\nx'
    """
    lines: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if TABLE_RULE_RE.match(stripped):
            continue
        if TABLE_ROW_RE.match(stripped) and len(stripped) > 1:
            # trafilatura escapes a pipe inside a cell with a backslash.
            lines.extend(c.strip().replace("\\|", "|") for c in stripped[1:-1].split(" | "))
        else:
            lines.append(line)
    return "\n".join(lines)


def tidy_lines(text: str) -> str:
    r"""Collapse runs of white space inside lines and drop blank lines.

    >>> tidy_lines("  a  b \n\n\tc\n")
    'a b\nc'
    """
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    r"""Return every visible text block of a page, one per line (the plain fallback).

    Scripts, styles and the head are dropped; block elements and ``<br>`` break
    lines; character references are resolved.

    >>> html_to_text("<ul><li>首页</li><li>新闻</li></ul><p>正文&nbsp;一</p>")
    '首页\n新闻\n正文 一'
    """
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return tidy_lines("".join(parser.parts))


class _TextParser(HTMLParser):
    """Collect visible text, turning block boundaries into line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skipping.clear()  # a page that never closes its <head>
        if tag in SKIPPED_TAGS:
            self.skipping.append(tag)
        elif tag == "br" or tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            # Pages often leave <p> or <li> open inside a skipped element; only the
            # element that opened the skip closes it.
            if tag == self.skipping[-1]:
                self.skipping.pop()
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data.replace("\n", " "))


def extraction_available() -> bool:
    """Tell whether trafilatura (the ``html`` extra) is installed, without importing it."""
    return importlib.util.find_spec("trafilatura") is not None


def _import_trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError as error:  # the extra is not installed, or lxml's cleaner is missing
        raise CleanerError(f"{INSTALL_HINT} ({error})") from error
    return trafilatura


def _value(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _hostname(url: str | None) -> str | None:
    """Return the host of a URL without a leading ``www.`` (as trafilatura gives it).

    >>> _hostname("https://www.Kepu.gov.cn/a"), _hostname("http://ybj.a.gov.cn:80/x")
    ('kepu.gov.cn', 'ybj.a.gov.cn')
    """
    match = URL_HOST_RE.match(url or "")
    if not match:
        return None
    host = match.group(1).lower()
    return host[4:] if host.startswith("www.") else host
