"""Page dumps: the visible text of an HTML page as a crawler dumps it, and the labelled set.

Run by hand:
    python benchmarks/page_dumps.py list                  # the 144 pages: site, split, kind
    python benchmarks/page_dumps.py dump PAGE             # one dump (PAGE: a label slug or an .html path)
    python benchmarks/page_dumps.py write OUT_DIR         # every dump as OUT_DIR/<slug>.txt (never commit these)
    python benchmarks/page_dumps.py check                 # do the labels still fit the dumps?

The labelled set (tests/fixtures/page_dumps/, README there) is every Chinese page
of ../shared/corpora with a human main text: the 69 pages of
zh-web-content-extraction and the 75 Chinese pages (``lang_guess`` zh) of
magic-html-bench. The labels hold line numbers, classes and hashes, never text:
this module derives the text again from the shared pages, so a label's
``sha256`` and ``line_count`` say whether it still fits.

A dump is what a Common Crawl WET record or a text-mode browser holds:
  - the ``<title>`` text is the first line;
  - then one line per block-level element (div, p, li, h1-h6, td/th, tr, dt/dd,
    section, article, header, footer, nav, aside, blockquote, pre, form, ...);
    ``<br>`` ends a line; inline children (a, span, font, b, ...) are joined
    into their block's line, so ``<div><a>A</a> | <a>B</a></div>`` is ``A | B``
    and each ``<li>`` of a menu is a line of its own;
  - script, style, noscript, template, iframe, comments and input elements give
    no text, nor does the head but for its title (its other elements hold none;
    it is not skipped whole, because libxml2 keeps an unknown element met in
    the head there with the whole body after it: two 2005 sohu pages); a
    ``<title>`` elsewhere (svg) is skipped; ``<pre>`` keeps its line breaks;
  - parsing is lxml's HTML parser (libxml2) on the text encoded as UTF-8, so a
    ``<meta charset>`` cannot decode it again; C0 controls are dropped first;
  - white space (any Unicode space, with U+200B, U+2060 and U+FEFF) is
    collapsed to one ASCII space and each line stripped; empty lines are dropped.
The dump is ``"\\n".join(lines)``: line n (1-based) is ``text.split("\\n")[n - 1]``,
which is ``Removal.line_no`` when the dump is passed to ``cleaner.clean_text``.

Decoding, the same for every page: a byte-order mark; else the declared charset
(the CleanEval wrapper's ``encoding``, then ``<meta charset>`` or
``http-equiv``), strictly; else strict UTF-8; else the declared charset with a
few U+FFFD (at most 16, or one per 1,000 bytes: two 2005 pages have characters
cut in two); else chardet's guess, strictly; else the candidate with the fewest
U+FFFD. gb2312 and gbk are read as gb18030, their superset. All 144 pages
decode with their declared charset or as UTF-8 (two with a few U+FFFD); chardet
is never reached. CleanEval pages (49 of zh-web-content-extraction) are wrapped
as ``<text id=URL title=... encoding=...>``: the wrapper is taken off before
parsing, its ``id`` is the page's URL.

This module does not import ``cleaner``: the dataset must not move when the
package does.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import chardet
import lxml.html
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
LABELS = ROOT / "tests" / "fixtures" / "page_dumps"
ZWCE = "zh-web-content-extraction"
MHB = "magic-html-bench"

# --------------------------------------------------------------------------- decoding

META_CHARSET_RE = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
WRAPPER_RE = re.compile(r"\A\s*<text\s([^>]*)>", re.IGNORECASE)
WRAPPER_END_RE = re.compile(r"</text>\s*\Z", re.IGNORECASE)
ATTR_RE = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
XML_DECL_RE = re.compile(r"\A\s*<\?xml[^>]*\?>")
# C0 controls but tab and newline, and DEL: libxml2 refuses some, no page means them.
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
WIDER = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
}


def codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label, gb2312/gbk widened to gb18030; None if unknown.

    >>> codec_name("GB2312"), codec_name("utf8"), codec_name("no-such-charset")
    ('gb18030', 'utf-8', None)
    """
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return WIDER.get(name, WIDER.get(label.strip().lower(), name))


def declared_charsets(data: bytes) -> list[str]:
    """Charsets the page declares, in order: the CleanEval wrapper's, then the first meta's."""
    head = data[:8192]
    found: list[str] = []
    wrapper = re.match(rb"\s*<text\s[^>]*?encoding\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", head, re.I)
    meta = META_CHARSET_RE.search(head) or META_CHARSET_RE.search(data)
    for match in (wrapper, meta):
        name = codec_name(match.group(1).decode("ascii", "replace")) if match else None
        if name and name not in found:
            found.append(name)
    return found


def decode_page(data: bytes) -> tuple[str, str]:
    """Return the text of a page and the codec it was read with (see the module docstring)."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, "replace"), name
    declared = declared_charsets(data)
    candidates = declared + ([] if "utf-8" in declared else ["utf-8"])
    for name in candidates:
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    # A declared charset that fails on a few stray bytes (a character cut in two by
    # the site's own truncation) beats chardet, which guesses single-byte codecs then.
    for name in declared:
        text = data.decode(name, "replace")
        if text.count("\ufffd") <= max(16, len(data) // 1000):
            return text, name + "+replace"
    guess = codec_name(chardet.detect(data).get("encoding"))
    if guess and guess not in candidates:
        candidates.append(guess)
        try:
            return data.decode(guess), guess
        except (UnicodeDecodeError, LookupError):
            pass
    decoded = [(data.decode(name, "replace"), name) for name in candidates]
    text, name = min(decoded, key=lambda pair: pair[0].count("\ufffd"))
    return text, name + "+replace"


# --------------------------------------------------------------------------- the dump

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html "
    "legend li main marquee menu nav noframes ol optgroup option p pre section select summary "
    "table tbody td textarea tfoot th thead tr ul".split()
)
SKIP_TAGS = frozenset("script style noscript template iframe title input".split())
WHITESPACE_RE = re.compile("[\\s\u200b\u2060\ufeff]+")


def collapse(text: str) -> str:
    """Collapse white space to single spaces and strip.

    >>> collapse("  \\u3000\\u56fd\\u5185\\n  \\u65b0\\u95fb\\u00a0 ")
    '\\u56fd\\u5185 \\u65b0\\u95fb'
    """
    return WHITESPACE_RE.sub(" ", text).strip()


@dataclass
class Line:
    """One dump line and where it came from (for the labelling heuristics, not in the text)."""

    text: str
    tag: str  # the innermost block element holding the line's first text
    link_chars: int  # characters of the line inside <a>
    path: str  # ancestors of that block, "tag.class#id" joined by " > " (last 6)


@dataclass
class Dump:
    """The dump of one page."""

    lines: list[Line]
    encoding: str
    title: str | None  # the <title> text, collapsed
    wrapper_url: str | None = None
    wrapper_title: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class _Builder:
    lines: list[Line] = field(default_factory=list)
    parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, inside <a>)
    first_block: tuple[str, str] | None = None

    def add(self, text: str, in_link: bool, block: tuple[str, str]) -> None:
        if not text:
            return
        if self.first_block is None and text.strip():
            self.first_block = block
        self.parts.append((text, in_link))

    def flush(self) -> None:
        raw = "".join(text for text, _ in self.parts)
        text = collapse(raw)
        if text:
            linked = collapse("".join(t for t, link in self.parts if link).replace(" ", ""))
            tag, path = self.first_block or ("", "")
            self.lines.append(Line(text, tag, len(linked), path))
        self.parts = []
        self.first_block = None


def _label(element: etree._Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else "?"
    out = tag
    cls = (element.get("class") or "").split()
    if cls:
        out += "." + ".".join(cls[:2])
    if element.get("id"):
        out += "#" + str(element.get("id"))
    return out


def parse_html(text: str) -> etree._Element:
    """Parse decoded HTML with lxml (as UTF-8, so a meta charset cannot re-decode it)."""
    text = CONTROL_RE.sub("", XML_DECL_RE.sub("", text))
    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        huge_tree=True,
        default_doctype=False,
    )
    root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    return root


def unwrap(text: str) -> tuple[str, str | None, str | None]:
    """Take off a CleanEval ``<text id=URL title=...>`` wrapper: (html, url, title)."""
    match = WRAPPER_RE.match(text)
    if not match:
        return text, None, None
    attrs = {
        m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
        for m in ATTR_RE.finditer(match.group(1))
    }
    body = WRAPPER_END_RE.sub("", text[match.end() :])
    return body, attrs.get("id"), attrs.get("title")


def dump_html(data: bytes) -> Dump:
    """Dump a page's bytes (see the module docstring)."""
    decoded, encoding = decode_page(data)
    html, url, wrapper_title = unwrap(decoded)
    if not html.strip():
        return Dump([], encoding, None, url, wrapper_title)
    root = parse_html(html)
    builder = _Builder()
    title_el = next(iter(root.iter("title")), None)
    title = collapse(title_el.text_content()) if title_el is not None else ""
    if title:
        builder.lines.append(Line(title, "title", 0, "title"))
    _walk(root, builder)
    builder.flush()
    return Dump(builder.lines, encoding, title or None, url, wrapper_title)


def _walk(root: etree._Element, builder: _Builder) -> None:
    """Walk the tree without recursion (2005 pages nest tables deeper than Python recurses)."""
    # Stack entries: ("open", element) or ("close", element) or ("tail", element).
    stack: list[tuple[str, etree._Element]] = [("open", root)]
    ancestors: list[str] = []
    blocks: list[tuple[str, str]] = [("", "")]
    links = 0
    pre = 0
    while stack:
        action, el = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if action == "tail":
            _text(el.tail, builder, links > 0, blocks[-1], pre)
            continue
        if action == "close":
            ancestors.pop()
            if tag == "a":
                links -= 1
            if tag == "pre":
                pre -= 1
            if tag in BLOCK_TAGS:
                blocks.pop()
                builder.flush()
            continue
        # open
        stack.append(("tail", el))
        if tag is None or tag in SKIP_TAGS:
            continue
        if tag == "br":
            builder.flush()
            continue
        if tag in ("img", "hr", "wbr", "area", "col", "param", "source", "track", "embed"):
            if tag == "hr":
                builder.flush()
            continue
        ancestors.append(_label(el))
        if tag in BLOCK_TAGS:
            builder.flush()
            blocks.append((tag, " > ".join(ancestors[-6:])))
        if tag == "a":
            links += 1
        if tag == "pre":
            pre += 1
        stack.append(("close", el))
        for child in reversed(el):
            stack.append(("open", child))
        _text(el.text, builder, links > 0, blocks[-1], pre)


def _text(
    text: str | None, builder: _Builder, in_link: bool, block: tuple[str, str], pre: int
) -> None:
    if not text:
        return
    if pre:
        pieces = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for i, piece in enumerate(pieces):
            if i:
                builder.flush()
            builder.add(piece, in_link, block)
    else:
        builder.add(text, in_link, block)


# --------------------------------------------------------------------------- the pages

# Registrable domains under these two-label suffixes keep three labels.
SECOND_LEVEL = frozenset(
    "com.cn net.cn org.cn gov.cn edu.cn ac.cn com.hk org.hk com.tw org.tw co.uk com.sg".split()
)
# One owner, one set of templates over the years: the same site for the split.
ALIASES = {
    "sina.cn": "sina.com.cn",
    "people.cn": "people.com.cn",
    "xinhuanet.com": "news.cn",
    "netease.com": "163.com",
    "yahoo.com.cn": "yahoo.com",
    "yahoo.cn": "yahoo.com",
}

# The modern zh-web-content-extraction pages carry no URL: their site, read off the
# page (canonical link, og:url, <base>, or the host of its own links and logo).
MODERN_SITES = {
    "0ef8393b-0415-494c-b608-1d45bb33c6fb": "rfi.fr",  # canonical www.rfi.fr/cn/...
    "2397c95d-2de8-4ca5-a569-4fffd20b9d50": "hanspub.org",  # canonical www.hanspub.org
    "274a65d9-46df-45be-b9f6-4d18ba911427": "dahe.cn",  # title "--大河网", e-paper links
    "36efbc69-53dd-4d58-9e67-0353e2a1a7ec": "yangtse.com",  # 扬子晚报 (紫牛)
    "3e1af229-5b3e-4cfc-82b2-481f37d7adf7": "shjnet.cn",  # 松花江网, its links
    "47f387e6-6467-41fd-a165-b13c1171c6e7": "cbzw.com.cn",  # <base href>
    "500b350d-d38d-4fb0-9e81-75e0c95e95a8": "bynr.gov.cn",  # 巴彦淖尔市人民政府网
    "658d9f03-ebba-4946-b0e8-25b6fdbeb1c7": "bilibili.com",  # canonical
    "91bdf33e-0e9e-4495-a0fa-aba45ff43fef": "henandaily.cn",  # 河南日报网
    "9890f458-7af7-4e96-a507-6eb1b359d675": "yndaily.com",  # 云南日报网
    "aefcf136-f592-4e95-b376-81cbd144684b": "chinatibetnews.com",  # 中国西藏新闻网 e-paper
    "b26fbb82-9d98-42f0-af75-7439c1706bcd": "people.com.cn",  # 人民网 (js.people.com.cn)
    "c4d032a1-45cd-4c77-a84e-90e2f8895039": "tywbw.com",  # 太原晚报, footer www.tywbw.com
    "d232c5df-4a6a-47f7-8c63-2dd47719ffe7": "nmg.gov.cn",  # 内蒙古自治区人民政府
    "d5bced5e-4ff7-49a8-8808-4344f0823c51": "wikipedia.org",  # canonical zh.wikipedia.org
    "d8d4c4ec-dc2a-420f-a9f8-5e8ee597b965": "sohu.com",  # canonical
    "d96c76b7-b8c0-4c8b-8898-7ec192555b74": "51offer.com",  # its links and footer
    "e8847578-12f0-44cb-bdb7-4eec53c18ed1": "jl.gov.cn",  # 吉林省人民政府 (xxgk.jl.gov.cn)
    "f51248cc-bb27-49ba-a159-975795c3ea11": "yangtse.com",  # 扬子晚报 (紫牛)
    "f70d9c97-9d64-415e-a7e4-840c9258eaf5": "cnr.cn",  # 央广网 (news.cnr.cn)
}


def site_of(url_or_host: str) -> str:
    """The site of a URL for the split: its registrable domain, with a few owners merged.

    >>> site_of("http://chanye.finance.sina.com.cn/sm/2005-03-21/244339.shtml")
    'sina.com.cn'
    >>> site_of("https://finance.sina.cn/x"), site_of("bbs6.netease.com"), site_of("www.rfi.fr")
    ('sina.com.cn', '163.com', 'rfi.fr')
    """
    host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    labels = (host or "").lower().rstrip(".").split(".")
    keep = 3 if ".".join(labels[-2:]) in SECOND_LEVEL else 2
    domain = ".".join(labels[-keep:])
    return ALIASES.get(domain, domain)


@dataclass(frozen=True)
class Page:
    """One page of the labelled set: where it is, its site and its human main text."""

    slug: str
    corpus: str  # "zh-web-content-extraction" or "magic-html-bench"
    file: str  # path inside the corpus folder
    url: str | None
    site: str
    kind: str  # cleaneval-2005, modern-news, modern-gov, article, forum
    truth: str  # the human main text

    def path(self, corpora: Path = CORPORA) -> Path:
        return corpora / self.corpus / self.file


def _tsv(path: Path) -> list[dict[str, str]]:
    rows = path.read_text(encoding="utf-8").splitlines()
    head = rows[0].split("\t")
    return [dict(zip(head, row.split("\t"), strict=True)) for row in rows[1:] if row]


def list_pages(corpora: Path = CORPORA) -> list[Page]:
    """The 144 labelled pages, in a fixed order (corpus, then file name)."""
    pages: list[Page] = []
    zwce = corpora / ZWCE
    for row in sorted(_tsv(zwce / "page_index.tsv"), key=lambda r: r["id"]):
        uid = row["id"]
        truth = (zwce / "cleaned" / f"{uid}.txt").read_text(encoding="utf-8-sig")
        url = row["cleaneval_source_url"] or None
        if url:
            kind, site = "cleaneval-2005", site_of(url)
        else:
            site = MODERN_SITES[uid]
            kind = "modern-gov" if site.endswith(".gov.cn") else "modern-news"
        pages.append(Page(f"zwce-{uid[:8]}", ZWCE, f"original/{uid}.html", url, site, kind, truth))
    mhb = corpora / MHB
    index = {r["id"]: r for r in _tsv(mhb / "page_index.tsv")}
    for kind in ("article", "forum"):
        base = json.loads((mhb / kind / "base.json").read_text(encoding="utf-8"))
        for key in sorted(base):
            if index.get(key, {}).get("lang_guess") != "zh":
                continue
            url = base[key]["url"]
            pages.append(
                Page(
                    f"mhb-{kind}-{key[:10]}",
                    MHB,
                    f"{kind}/htmls/{key}.html",
                    url,
                    site_of(url),
                    kind,
                    base[key]["content"],
                )
            )
    return pages


# --------------------------------------------------------------------------- the split

# The split is a hash of the site and this salt: stable when pages are added (a
# new site's part depends on its name only). The salt is the first one, counting
# from 0, that puts 45-55% of the pages, and 30-70% of each kind's pages (at least
# one in each part), in dev (see
# choose_salt); fixed here so that it never moves.
SPLIT_SALT = 4


def split_of(site: str, salt: int = SPLIT_SALT) -> str:
    """``dev`` or ``heldout``: every page of a site goes to the same part."""
    digest = hashlib.sha256(f"{salt}:{site}".encode()).digest()
    return "dev" if digest[0] % 2 == 0 else "heldout"


def choose_salt(pages: list[Page], start: int = 0) -> int:
    """The first salt from ``start`` whose split is balanced overall and within each kind."""
    for salt in range(start, start + 10_000):
        if _balanced(pages, salt):
            return salt
    raise RuntimeError("no balanced salt")


def _balanced(pages: list[Page], salt: int) -> bool:
    groups: dict[str, list[Page]] = {"all": pages}
    for page in pages:
        groups.setdefault(page.kind, []).append(page)
    for name, group in groups.items():
        dev = sum(split_of(p.site, salt) == "dev" for p in group)
        if name == "all" and not 0.45 <= dev / len(group) <= 0.55:
            return False
        if name != "all" and not (0 < dev < len(group) and 0.3 <= dev / len(group) <= 0.7):
            return False
    return True


# --------------------------------------------------------------------------- labels

SPLITS = ("dev", "heldout")
CLASSES = frozenset(
    "page-title title-repeat menu breadcrumb headline-list related metadata share login "
    "pager comments footer other".split()
)


def parse_line_keys(labels: dict[str, str]) -> dict[int, str]:
    """Expand ``{"5-9": "menu", "12,20": "metadata"}`` into one entry per line.

    Keys that are not line numbers (``page``, ``title`` in ``notes``) are skipped.

    >>> parse_line_keys({"2-3": "a", "7,9-10": "b", "page": "c"})
    {2: 'a', 3: 'a', 7: 'b', 9: 'b', 10: 'b'}
    """
    lines: dict[int, str] = {}
    for key, label in labels.items():
        if not key[:1].isdigit():
            continue
        for part in key.split(","):
            first, _, last = part.strip().partition("-")
            for line_no in range(int(first), int(last or first) + 1):
                lines[line_no] = label
    return lines


@dataclass(frozen=True)
class Labelled:
    """A labelled page: its dump and labels (line numbers are 1-based)."""

    page: Page
    record: dict
    dump: Dump
    boilerplate: dict[int, str]  # line -> class; every other line is content
    title_line: int | None

    @property
    def split(self) -> str:
        return str(self.record["split"])

    @property
    def lines(self) -> list[str]:
        return [line.text for line in self.dump.lines]

    @property
    def stale(self) -> bool:
        """True when the dump no longer matches what was labelled."""
        return self.record["sha256"] != self.dump.sha256 or self.record["line_count"] != len(
            self.dump.lines
        )


def load_record(page: Page, labels: Path = LABELS) -> dict:
    return json.loads((labels / f"{page.slug}.json").read_text(encoding="utf-8"))


def labelled_pages(
    split: str = "all", corpora: Path = CORPORA, labels: Path = LABELS
) -> list[Labelled]:
    """Every labelled page of ``split`` (``dev``, ``heldout`` or ``all``), dumps derived again."""
    out: list[Labelled] = []
    for page in list_pages(corpora):
        record = load_record(page, labels)
        if split != "all" and record["split"] != split:
            continue
        dump = dump_html(page.path(corpora).read_bytes())
        out.append(
            Labelled(
                page, record, dump, parse_line_keys(record["boilerplate"]), record["title_line"]
            )
        )
    return out


# --------------------------------------------------------------------------- CLI


def find_page(name: str, pages: list[Page]) -> Page:
    for page in pages:
        if name in (page.slug, page.file, Path(page.file).name, Path(page.file).stem):
            return page
    raise SystemExit(f"no page {name!r}")


def iter_dumps(pages: list[Page], corpora: Path = CORPORA) -> Iterator[tuple[Page, Dump]]:
    for page in pages:
        yield page, dump_html(page.path(corpora).read_bytes())


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("list", "dump", "write", "salt", "check"):
        raise SystemExit(__doc__)
    if not CORPORA.is_dir():
        raise SystemExit(f"corpora not found at {CORPORA}")
    pages = list_pages()
    command = args[0]
    if command == "list":
        for page in pages:
            print(f"{page.slug}\t{page.kind}\t{page.site}\t{split_of(page.site)}\t{page.url or ''}")
    elif command == "salt":
        print(choose_salt(pages))
    elif command == "dump":
        target = Path(args[1])
        data = (
            target.read_bytes()
            if target.is_file()
            else find_page(args[1], pages).path().read_bytes()
        )
        print(dump_html(data).text)
    elif command == "check":
        stale = [item.page.slug for item in labelled_pages() if item.stale]
        print(
            f"{len(pages)} pages, {len(stale)} stale labels"
            + (": " + " ".join(stale) if stale else "")
        )
        raise SystemExit(1 if stale else 0)
    elif command == "write":
        out = Path(args[1])
        out.mkdir(parents=True, exist_ok=True)
        for page, dump in iter_dumps(pages):
            (out / f"{page.slug}.txt").write_text(dump.text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
