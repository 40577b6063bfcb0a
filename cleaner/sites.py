"""The site a document belongs to, for corpus-level template counts.

A crawl dumped into one folder mixes many sites, and a footer is a template
only within its own site. The run groups files by folder; within a folder, a
document whose host is known (the HTML page's URL, or a URL or domain in its
head and tail lines, as "网址：http://www.nx.gov.cn/..." or "安阳市人民政府门户网站
anyang.gov.cn 时间：" print it) has its edge-line keys tagged with that host, so its
lines are counted with the other pages of the same host only. Without a host,
keys are plain ``line_key`` values, as before. Pure: lines in, keys out.

>>> site_host(["\u7f51\u5740\uff1ahttps://www.nx.gov.cn/zwxx/a.html"])
'nx.gov.cn'
>>> site_line_key("\u7f51\u7ad9\u5730\u56fe", None) == line_key("\u7f51\u7ad9\u5730\u56fe")
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import _rules as R
from .boilerplate import corpus_candidate, edge_zone, line_key
from .data import BoilerplateConfig

# A domain inside a line, where normalization may have joined it to the Han text
# around it ("门户网站anyang.gov.cn时间："): not part of a longer name or address.
DOMAIN_IN_TEXT_RE = re.compile(
    r"(?<![A-Za-z0-9.@-])(?:www\.)?((?:[a-z0-9-]+\.)+(?:cn|com|net|org|gov))(?![A-Za-z0-9.-])"
)


def site_host(edge_lines: Sequence[str], page_host: str | None = None) -> str | None:
    """Return the host of a document: the page's, else the first URL or domain of its edges.

    >>> site_host(["\u95e8\u6237\u7f51\u7ad9anyang.gov.cn\u65f6\u95f4\uff1a2022-06-28"])
    'anyang.gov.cn'
    >>> site_host(["\u7248\u6743\u6240\u6709"], "www.gd.gov.cn")
    'gd.gov.cn'
    """
    if page_host:
        return _bare(page_host)
    for line in edge_lines:
        url = R.URL_RE.search(line)
        if url:
            host = url.group(0).split("//", 1)[1].split("/", 1)[0].split(":", 1)[0]
            return _bare(host)
        domain = DOMAIN_IN_TEXT_RE.search(line.lower())
        if domain:
            return _bare(domain.group(1))
    return None


def site_line_key(line: str, host: str | None) -> int:
    """Return the corpus-count key of a line of a document of ``host`` (None: unknown)."""
    return line_key(line) if host is None else line_key(f"{host}\n{line}")


def site_edge_keys(
    edge_lines: Sequence[str], page_host: str | None, config: BoilerplateConfig
) -> frozenset[int]:
    """Pass 1: the keys of a document's candidate edge lines, tagged with its host."""
    host = site_host(edge_lines, page_host)
    return frozenset(
        site_line_key(line.strip(), host) for line in edge_lines if corpus_candidate(line, config)
    )


def frequent_for_document(
    frequent: frozenset[int],
    lines: Sequence[str],
    page_host: str | None,
    config: BoilerplateConfig,
) -> frozenset[int]:
    """Pass 2: the plain ``line_key`` of a document's edge lines that its site made frequent.

    ``frequent`` holds the keys that pass 1 found often enough in the document's
    folder (tagged or plain); the result is what ``strip_boilerplate`` looks up.
    """
    if not frequent:
        return frozenset()
    edges = [lines[index] for index in sorted(edge_zone(lines, config.corpus_zone_lines))]
    host = site_host(edges, page_host)
    return frozenset(
        line_key(line.strip())
        for line in edges
        if corpus_candidate(line, config) and site_line_key(line.strip(), host) in frequent
    )


def _bare(host: str) -> str:
    """Lower-case a host and drop its ``www.``: one site, however it is linked."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
