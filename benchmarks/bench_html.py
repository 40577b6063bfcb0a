"""HTML input: main-text F1 of trafilatura alone and of ours (extraction + cleaning).

Run by hand: python benchmarks/bench_html.py [--pages N] [--verbose]

Ground truth (read from ../shared/corpora, see each PROVENANCE.md):
  - zh-web-content-extraction: 69 Chinese pages, hand-copied main text, author, date;
  - magic-html-bench: the Chinese pages (``lang_guess == zh`` in page_index.tsv, 53
    articles + 22 forum threads), human-annotated main text.

Every page is decoded with ``cleaner.read.html.decode_html`` (``decode_bytes``, what
``clean`` does for text, with the declared charset beating a weak chardet guess)
and the CleanEval ``<text ...>`` wrapper is taken off for every system alike.
Systems, all in the same run on the same decoded pages:
  - trafilatura: ``trafilatura.extract(html, url=url)`` with its defaults;
  - extract: ``cleaner.read.html.extract_main_text`` alone (our trafilatura settings);
  - ours: ``extract_main_text`` then ``cleaner.clean_text`` (normalization,
    boilerplate, repeated blocks), each page on its own;
  - ours+corpus: the same with the corpus-frequent line pass over the set, as
    ``clean`` runs it on a directory;
  - strip+clean: every visible text block (``html_to_text``) then ``clean_text``,
    to show what the boilerplate stage does without an extractor.

Measures (per page, then the macro average over the pages of a set):
  - bag F1: F1 of the multisets of characters, whitespace dropped;
  - LCS F1: precision = LCS / len(output), recall = LCS / len(truth), over the
    character sequences with whitespace dropped (order matters here).
Both sides are put through the same canonical form first: NFKC (full-width
letters, digits and punctuation become ASCII, so the punctuation width that
normalization chooses changes nothing), curly quotes folded to straight ones,
and all white space removed (so the spacing normalization removes changes nothing).
A page whose system output is empty scores 0.

Dates: the truth's precision decides (a bare year is compared as a year); authors:
a match when one name string contains the other after dropping spaces; pages whose
truth is UNKNOWN are not counted.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from cleaner import CleanConfig, clean_text
from cleaner.clean.boilerplate.strip import corpus_candidate, edge_zone, line_key
from cleaner.clean.normalize import normalize_text
from cleaner.data import CleanedText
from cleaner.read.html import (
    ExtractedPage,
    decode_html,
    extract_main_text,
    html_to_text,
    unwrap_cleaneval,
)

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
ZH_WEB = CORPORA / "zh-web-content-extraction"
MAGIC = CORPORA / "magic-html-bench"

FOLD = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
SYSTEMS = ("trafilatura", "extract", "ours", "ours+corpus", "strip+clean")


# --------------------------------------------------------------------------- pages


@dataclass
class Page:
    """One benchmark page: its bytes, truth and what each system made of it."""

    corpus: str
    page_id: str
    path: Path
    truth: str
    url: str | None = None
    truth_author: str | None = None
    truth_date: str | None = None
    html: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    extracted: ExtractedPage | None = None
    cleaned: CleanedText | None = None
    trafilatura_meta: dict[str, str | None] = field(default_factory=dict)


def known(value: str) -> str | None:
    value = value.strip()
    return None if not value or value.upper() in {"UNKNOWN", "UNKNWON"} else value


def zh_web_pages() -> list[Page]:
    pages = []
    with (ZH_WEB / "page_index.tsv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream, delimiter="\t"):
            page_id = row["id"]
            pages.append(
                Page(
                    corpus="zh-web",
                    page_id=page_id,
                    path=ZH_WEB / "original" / f"{page_id}.html",
                    truth=(ZH_WEB / "cleaned" / f"{page_id}.txt").read_text(encoding="utf-8"),
                    url=row["cleaneval_source_url"] or None,
                    truth_author=known(
                        (ZH_WEB / "author" / f"{page_id}.txt").read_text(encoding="utf-8")
                    ),
                    truth_date=known(
                        (ZH_WEB / "date" / f"{page_id}.txt").read_text(encoding="utf-8")
                    ),
                )
            )
    return pages


def magic_pages() -> list[Page]:
    truths: dict[str, dict[str, str]] = {}
    for kind in ("article", "forum"):
        truths.update(json.loads((MAGIC / kind / "base.json").read_text(encoding="utf-8")))
    pages = []
    with (MAGIC / "page_index.tsv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream, delimiter="\t"):
            if row["lang_guess"] != "zh":
                continue
            truth = truths[row["id"]]
            pages.append(
                Page(
                    corpus=f"magic-{row['type']}",
                    page_id=row["id"],
                    path=MAGIC / row["type"] / "htmls" / f"{row['id']}.html",
                    truth=truth["content"],
                    url=truth.get("url") or row["url"] or None,
                )
            )
    return pages


# --------------------------------------------------------------------------- measures


def canonical(text: str) -> str:
    """The form both sides are compared in: NFKC, straight quotes, no white space."""
    return "".join(unicodedata.normalize("NFKC", text).translate(FOLD).split())


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def bag_f1(output: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the character multisets of two canonical strings."""
    if not output or not truth:
        return 0.0, 0.0, 0.0
    common = sum((Counter(output) & Counter(truth)).values())
    precision, recall = common / len(output), common / len(truth)
    return precision, recall, f1(precision, recall)


def lcs_length(first: str, second: str) -> int:
    """Length of the longest common subsequence, bit-parallel (Allison-Dix/Hyyro).

    One big-integer pass per character of ``second``: fast enough for pages of
    tens of thousands of characters.

    >>> lcs_length("ABCBDAB", "BDCABA")
    4
    """
    if not first or not second:
        return 0
    masks: dict[str, int] = {}
    for position, char in enumerate(first):
        masks[char] = masks.get(char, 0) | (1 << position)
    full = (1 << len(first)) - 1
    row = full
    for char in second:
        matches = row & masks.get(char, 0)
        row = ((row + matches) | (row - matches)) & full
    return len(first) - row.bit_count()


def lcs_f1(output: str, truth: str) -> tuple[float, float, float]:
    if not output or not truth:
        return 0.0, 0.0, 0.0
    common = lcs_length(truth, output)
    precision, recall = common / len(output), common / len(truth)
    return precision, recall, f1(precision, recall)


def date_matches(predicted: str | None, truth: str) -> bool:
    """Compare a predicted ISO date with the truth at the truth's precision."""
    wanted = DATE_RE.match(truth.strip())
    got = DATE_RE.match(predicted or "")
    if not wanted or not got:
        return False
    return all(
        w is None or (g is not None and int(w) == int(g))
        for w, g in zip(wanted.groups(), got.groups(), strict=True)
    )


def author_matches(predicted: str | None, truth: str) -> bool:
    got, wanted = "".join((predicted or "").split()), "".join(truth.split())
    return bool(got) and (got in wanted or wanted in got)


# --------------------------------------------------------------------------- systems


def trafilatura_alone(html: str, url: str | None) -> tuple[str, dict[str, str | None]]:
    """``trafilatura.extract`` with its defaults, and its metadata for the same page."""
    text = trafilatura.extract(html, url=url) or ""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    meta = {
        "date": getattr(document, "date", None) if document else None,
        "author": getattr(document, "author", None) if document else None,
    }
    return text, meta


def frequent_keys_for(texts: Sequence[str], config: CleanConfig) -> frozenset[int]:
    """The corpus-frequent line keys of pass 1 of ``clean`` over these texts."""
    bp = config.boilerplate
    if not bp.enabled or bp.corpus_min_docs == 0 or len(texts) < bp.corpus_min_docs:
        return frozenset()
    counts: Counter[int] = Counter()
    for text in texts:
        lines = normalize_text(text, config.normalize).text.split("\n")
        zone = edge_zone(lines, bp.corpus_zone_lines)
        counts.update({line_key(lines[i].strip()) for i in zone if corpus_candidate(lines[i], bp)})
    return frozenset(key for key, count in counts.items() if count >= bp.corpus_min_docs)


def run_systems(pages: Sequence[Page], config: CleanConfig, timings: Counter[str]) -> None:
    """Fill ``page.outputs`` for every system."""
    for page in pages:
        decoded = decode_html(page.path.read_bytes())
        if isinstance(decoded, str):
            print(f"  {page.page_id}: not decoded ({decoded})", file=sys.stderr)
            continue
        page.html = decoded[0]
        if decoded[1].decided_by == "declared":
            print(f"  {page.page_id}: read as declared {decoded[1].encoding}", file=sys.stderr)
        unwrapped = unwrap_cleaneval(page.html)
        url = page.url or unwrapped.url
        started = time.perf_counter()
        page.outputs["trafilatura"], page.trafilatura_meta = trafilatura_alone(unwrapped.html, url)
        timings["trafilatura"] += time.perf_counter() - started
        started = time.perf_counter()
        page.extracted = extract_main_text(page.html, url)
        timings["extract"] += time.perf_counter() - started
        page.outputs["extract"] = page.extracted.text
        started = time.perf_counter()
        page.cleaned = clean_text(page.extracted.text, config)
        timings["clean"] += time.perf_counter() - started
        page.outputs["ours"] = page.cleaned.text
        page.outputs["strip+clean"] = clean_text(html_to_text(unwrapped.html), config).text
    texts = [p.extracted.text for p in pages if p.extracted]
    keys = frequent_keys_for(texts, config)
    for page in pages:
        if page.extracted:
            page.outputs["ours+corpus"] = clean_text(page.extracted.text, config, keys).text


# --------------------------------------------------------------------------- report


@dataclass
class SetScores:
    bag: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lcs: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    bag_p: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    bag_r: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))


def score_pages(pages: Sequence[Page]) -> SetScores:
    scores = SetScores()
    for page in pages:
        truth = canonical(page.truth)
        for system in SYSTEMS:
            output = canonical(page.outputs.get(system, ""))
            precision, recall, bag = bag_f1(output, truth)
            scores.bag[system].append(bag)
            scores.bag_p[system].append(precision)
            scores.bag_r[system].append(recall)
            scores.lcs[system].append(lcs_f1(output, truth)[2])
    return scores


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def print_table(name_pages: Sequence[tuple[str, Sequence[Page]]]) -> None:
    head = f"{'set':<22} {'pages':>5}  " + " ".join(f"{s:>12}" for s in SYSTEMS)
    for measure in ("bag", "bag_p", "bag_r", "lcs"):
        title = {
            "bag": "bag-of-characters F1",
            "bag_p": "bag-of-characters precision",
            "bag_r": "bag-of-characters recall",
            "lcs": "LCS F1",
        }[measure]
        print(f"\n### {title} (macro average over pages)\n")
        print(head)
        for name, pages in name_pages:
            scores = getattr(score_pages(pages), measure)
            cells = " ".join(f"{mean(scores[s]):>12.4f}" for s in SYSTEMS)
            print(f"{name:<22} {len(pages):>5}  {cells}")


def print_metadata(name_pages: Sequence[tuple[str, Sequence[Page]]]) -> None:
    print("\n### Date and author against the truth (zh-web-content-extraction)\n")
    for name, pages in name_pages:
        dated = [p for p in pages if p.truth_date and DATE_RE.match(p.truth_date)]
        authored = [p for p in pages if p.truth_author]
        if not dated and not authored:
            continue
        sources: dict[str, Callable[[Page], dict[str, str | None]]] = {
            "trafilatura": lambda p: p.trafilatura_meta,
            "extract (page)": lambda p: {
                "date": p.extracted.date if p.extracted else None,
                "author": p.extracted.author if p.extracted else None,
            },
            "cleaner (text lines)": lambda p: {
                "date": p.cleaned.metadata.date if p.cleaned else None,
                "author": p.cleaned.metadata.author if p.cleaned else None,
            },
            "text lines, else page": lambda p: {
                "date": (p.cleaned.metadata.date if p.cleaned else None)
                or (p.extracted.date if p.extracted else None),
                "author": (p.cleaned.metadata.author if p.cleaned else None)
                or (p.extracted.author if p.extracted else None),
            },
            "page, else text lines": lambda p: {
                "date": (p.extracted.date if p.extracted else None)
                or (p.cleaned.metadata.date if p.cleaned else None),
                "author": (p.extracted.author if p.extracted else None)
                or (p.cleaned.metadata.author if p.cleaned else None),
            },
        }
        print(f"{name}: {len(dated)} pages with a date, {len(authored)} with an author")
        for label, get in sources.items():
            dates = sum(date_matches(get(p)["date"], p.truth_date or "") for p in dated)
            authors = sum(author_matches(get(p)["author"], p.truth_author or "") for p in authored)
            given = sum(1 for p in authored if get(p)["author"])
            print(
                f"  {label:<24} date {dates}/{len(dated)} = {dates / max(1, len(dated)):.3f}"
                f"   author {authors}/{len(authored)} = {authors / max(1, len(authored)):.3f}"
                f" (an author given on {given})"
            )


def removal_audit(name: str, pages: Sequence[Page]) -> None:
    """Which cleaner rules removed text that the truth holds (and how much).

    A removed line (or fragment) counts as lost content when the truth holds its
    text more often than the cleaned output does: a repeated block whose one copy
    the truth has, and the output keeps, was rightly removed. Pieces shorter than
    four characters ("·", "中") cannot be attributed this way and are counted apart.
    """
    lost: Counter[str] = Counter()
    right: Counter[str] = Counter()
    short: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        if not page.cleaned:
            continue
        truth, output = canonical(page.truth), canonical(page.cleaned.text)
        for removal in page.cleaned.removed:
            text = canonical(removal.text)
            rule = f"{removal.category}/{removal.rule}" + (" (fragment)" if removal.partial else "")
            if len(text) < 4:
                short[rule] += len(text)
            elif truth.count(text) > output.count(text):
                lost[rule] += len(text)
                where = f"{page.corpus}:{page.page_id[:8]}:{removal.line_no}"
                examples[rule].append(f"{where}  {removal.text.strip()[:60]}")
            else:
                right[rule] += len(text)
    print(f"\n### {name}: what the cleaner removed from the extract output (characters)\n")
    print(f"{'rule':<46} {'lost (in truth)':>15} {'right':>7} {'short':>6}")
    for rule in sorted(set(right) | set(lost) | set(short), key=lambda r: -(right[r] + lost[r])):
        print(f"{rule:<46} {lost[rule]:>15} {right[rule]:>7} {short[rule]:>6}")
    for rule, lines in sorted(examples.items(), key=lambda kv: -lost[kv[0]]):
        print(f"- {rule}: {len(lines)} removed lines whose text the truth holds, e.g.")
        for line in lines[:8]:
            print(f"    {line}")


def print_losses(pages: Sequence[Page], limit: int) -> None:
    rows = []
    for page in pages:
        truth = canonical(page.truth)
        ours = bag_f1(canonical(page.outputs.get("ours", "")), truth)[2]
        alone = bag_f1(canonical(page.outputs.get("trafilatura", "")), truth)[2]
        rows.append((ours - alone, page, ours, alone))
    rows.sort(key=lambda row: row[0])
    print(f"\n### Pages where ours trails trafilatura most (bag F1), first {limit}\n")
    for delta, page, ours, alone in rows[:limit]:
        if delta >= 0:
            break
        extractor = page.extracted.extractor if page.extracted else "-"
        print(
            f"{page.corpus:<14} {page.page_id[:12]}  ours {ours:.3f}  trafilatura {alone:.3f}"
            f"  ({extractor}) {page.url or ''}"[:150]
        )


def main() -> None:
    verbose = "--verbose" in sys.argv
    limit = int(sys.argv[sys.argv.index("--pages") + 1]) if "--pages" in sys.argv else None
    if not ZH_WEB.is_dir() or not MAGIC.is_dir():
        sys.exit(f"corpora not found under {CORPORA}; this benchmark reads ../shared/corpora")
    print(f"trafilatura {trafilatura.__version__}")
    config = CleanConfig()
    timings: Counter[str] = Counter()
    zh_web, magic = zh_web_pages()[:limit], magic_pages()[:limit]
    for pages in (zh_web, magic):
        run_systems(pages, config, timings)
    articles = [p for p in magic if p.corpus == "magic-article"]
    forums = [p for p in magic if p.corpus == "magic-forum"]
    sets = [
        ("zh-web (all)", zh_web),
        ("zh-web cleaneval-2005", [p for p in zh_web if p.url]),
        ("zh-web modern-2022", [p for p in zh_web if not p.url]),
        ("magic zh (all)", magic),
        ("magic zh article", articles),
        ("magic zh forum", forums),
    ]
    print_table(sets)
    print_metadata(sets[:1])
    fallback = sum(1 for p in zh_web + magic if p.extracted and p.extracted.extractor == "fallback")
    print(f"\npages where trafilatura found nothing and the plain fallback was used: {fallback}")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    for name, pages in (
        ("zh-web", zh_web),
        ("magic zh article", articles),
        ("magic zh forum", forums),
    ):
        removal_audit(name, pages)
    print_losses(zh_web + magic, 40 if verbose else 12)


if __name__ == "__main__":
    main()
