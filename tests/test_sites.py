"""Corpus-level counts per site: pages of two hosts in one folder are counted apart."""

from __future__ import annotations

from collections import Counter

from cleaner.boilerplate import edge_zone, strip_boilerplate
from cleaner.data import BoilerplateConfig
from cleaner.sites import frequent_for_document, site_edge_keys, site_host

CONFIG = BoilerplateConfig()
SENTENCE = "\u5168\u5e02\u53c2\u4fdd\u4eba\u6570\u8fbe\u5230714.9\u4e07\u4eba\u3002"
TEMPLATE = "\u4fbf\u6c11\u670d\u52a1\u4e13\u533a"  # 便民服务专区: site A's footer link
A_HEADER = (
    "\u7f51\u5740\uff1ahttp://www.a-county.gov.cn/zwgk/"  # 网址：http://www.a-county.gov.cn/...
)


def page_of_a(number: int) -> list[str]:
    return [f"\u901a\u77e5{number}", A_HEADER, SENTENCE, SENTENCE, TEMPLATE]


def page_of_b() -> list[str]:
    # Site B names its last section 便民服务专区 too, once: its own text.
    return ["\u5de5\u4f5c\u603b\u7ed3", "b-city.gov.cn", SENTENCE, SENTENCE, TEMPLATE]


def frequent_in_folder(pages: list[list[str]], minimum: int = 5) -> frozenset[int]:
    """Count edge keys over one folder, as the run's first pass does."""
    counts: Counter[int] = Counter()
    for lines in pages:
        edges = [lines[i] for i in sorted(edge_zone(lines, CONFIG.corpus_zone_lines))]
        counts.update(site_edge_keys(edges, None, CONFIG))
    return frozenset(key for key, count in counts.items() if count >= minimum)


def removed_lines(lines: list[str], frequent: frozenset[int]) -> list[str]:
    keys = frequent_for_document(frequent, lines, None, CONFIG)
    return [r.text for r in strip_boilerplate(lines, CONFIG, keys).removed]


def test_a_template_of_one_host_is_not_another_hosts_text():
    pages = [page_of_a(n) for n in range(5)] + [page_of_b()]
    frequent = frequent_in_folder(pages)
    assert TEMPLATE in removed_lines(pages[0], frequent)
    assert TEMPLATE not in removed_lines(pages[-1], frequent)


def test_pages_without_a_host_are_counted_by_folder_as_before():
    plain = [[f"\u901a\u77e5{n}", SENTENCE, SENTENCE, TEMPLATE] for n in range(5)]
    frequent = frequent_in_folder(plain)
    assert removed_lines(plain[0], frequent) == [TEMPLATE]


def test_host_from_the_page_beats_the_text():
    assert site_host([A_HEADER], "WWW.Example.COM") == "example.com"
    assert site_host([A_HEADER]) == "a-county.gov.cn"
    assert site_host(["\u6765\u6e90\uff1a\u4e91\u5357\u65e5\u62a5"]) is None  # 来源：云南日报
    assert site_host(["user@mail.gov.cn"]) is None  # an address is not the site
