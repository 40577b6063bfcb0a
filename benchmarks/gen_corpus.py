"""Generate a Chinese corpus with injected near-duplicates and a truth file.

Run: python benchmarks/gen_corpus.py OUT_DIR --docs 20000 --dups 2000 --seed 1

Paragraphs come from the seeds and ../shared/corpora (provincial government
reports, State Council and CPC congress reports, the hand-cleaned texts of
zh-web-content-extraction and the Chinese pages of magic-html-bench); long ones
are cut at sentence ends. Documents of log-normal length are composed from a
shuffled stream of paragraphs (each used about equally often, sources mixed),
with at least three paragraphs and none over half of the document, so two
originals never share enough text to be near duplicates by accident.

Then ``--dups`` documents are copies of an earlier document (15% of them copies
of a copy, making clusters of three and more) edited down to a target Jaccard
similarity: 10% exact copies (line breaks moved only), 30% in [0.95, 1) and 60%
in [0.85, 0.95). ``--near-misses`` copies (default dups / 4) are edited down to
[0.5, 0.75]: similar, but not duplicates. Edits substitute characters, delete
or add sentences, swap paragraphs and move line breaks; each edit is kept only
if the similarity stays at or above the target. The similarity is the exact
Jaccard of the character 5-gram sets of the texts' lines without white space, the
definition of ``cleaner.dedup.shingles``, computed here independently so the truth does
not depend on the code under test.

``--reposts`` (default 0) more documents are edited reposts of an original
(issue 18): one paragraph cut, an editor's note added before or after, and
another site's header and footer lines around it; their truth lists the
Jaccard similarity and the containment (the share of the repost's 5-gram set
found in the original, and the other way round). ``--templates`` (default 0)
pairs of documents share one template and differ only in their figures: they
must stay apart.

Writes OUT_DIR/docs/NNN/NNNNNN.txt (1000 files per folder, documents shuffled)
and OUT_DIR/truth.json: {"documents": n, "duplicates": [{"original", "copy",
"jaccard", "edits"}], "near_misses": [...same...], "reposts": [{"original",
"copy", "jaccard", "containment", "edits"}], "templates": [{"first", "second"}],
...}, names relative to docs/.

``--form scraped`` writes the same documents as crawlers dump them instead
(``scraped_form.py``: half-width punctuation, spaced digits and odd blanks at the
rates of seeds 000, 001 and 004, spread over ``--sites`` site folders with their
template lines): OUT_DIR/docs/site-SS/NNNNNN.txt. The truth keeps its pairs and
their Jaccard similarities, those of the texts before scraping.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scraped_form import make_sites, measure_rates, scrape  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
SHINGLE_CHARS = 5
MIN_PARAGRAPH_CHARS = 8
MAX_PARAGRAPH_CHARS = 320
MEDIAN_DOC_CHARS = 450
DOC_CHARS_SIGMA = 0.9
HAN_RE = re.compile("[\u4e00-\u9fff]")
SENTENCE_END_RE = re.compile("(?<=[\u3002\uff01\uff1f\uff1b!?;])")  # after 。！？；!?;


def _shingles(text: str) -> set[str]:
    """The character 5-grams of each line without white space, together.

    As cleaner.dedup.shingles.document_shingles: shingles do not span lines, so
    swapping two paragraphs changes nothing and moving a line break cuts shingles.
    (Until issue 18's second round they spanned lines here while cleaner's did
    not: a near miss whose edits were swaps was a duplicate to cleaner.)
    """
    shingles: set[str] = set()
    for line in text.split("\n"):
        compact = "".join(line.split())
        if len(compact) <= SHINGLE_CHARS:
            shingles |= {compact} if compact else set()
        else:
            shingles |= {
                compact[i : i + SHINGLE_CHARS] for i in range(len(compact) - SHINGLE_CHARS + 1)
            }
    return shingles


def _jaccard(first: set[str], second: set[str]) -> float:
    union = len(first | second)
    return len(first & second) / union if union else 1.0


def _source_texts() -> dict[str, list[str]]:
    """Read every source text, grouped by source name."""
    csv.field_size_limit(sys.maxsize)
    texts: dict[str, list[str]] = {
        "seeds": [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    }
    provincial = CORPORA / "cn-gov-reports" / "provincial-2026-raw"
    texts["provincial"] = []
    for path in sorted(provincial.glob("2026_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            texts["provincial"] += [row["full_text"] for row in csv.DictReader(stream)]
    for name in ("government_work_reports", "cpc_congress_reports"):
        path = CORPORA / "cn-gov-reports" / "national-wikisource" / f"{name}.jsonl"
        texts[name] = [
            json.loads(line)["content"] for line in path.read_text("utf-8").splitlines() if line
        ]
    extraction = CORPORA / "zh-web-content-extraction" / "cleaned"
    texts["zh-web-content-extraction"] = [
        p.read_text("utf-8") for p in sorted(extraction.glob("*.txt"))
    ]
    magic = CORPORA / "magic-html-bench"
    with (magic / "page_index.tsv").open(encoding="utf-8", newline="") as stream:
        chinese = {
            row["id"] for row in csv.DictReader(stream, delimiter="\t") if row["lang_guess"] == "zh"
        }
    texts["magic-html-bench"] = []
    for kind in ("article", "forum"):
        pages = json.loads((magic / kind / "base.json").read_text("utf-8"))
        texts["magic-html-bench"] += [
            pages[key]["content"] for key in sorted(pages) if key in chinese
        ]
    return texts


def _split_long(line: str) -> list[str]:
    """Cut a line longer than MAX_PARAGRAPH_CHARS at sentence ends."""
    if len(line) <= MAX_PARAGRAPH_CHARS:
        return [line]
    parts, current = [], ""
    for sentence in SENTENCE_END_RE.split(line):
        if current and len(current) + len(sentence) > MAX_PARAGRAPH_CHARS:
            parts.append(current)
            current = ""
        current += sentence
    return parts + [current] if current else parts


def paragraph_pool(texts: dict[str, list[str]]) -> list[str]:
    """Return the distinct paragraphs of all sources, in source order."""
    seen: dict[str, None] = {}
    for source in texts.values():
        for text in source:
            for line in text.splitlines():
                for part in _split_long(line.strip()):
                    if len("".join(part.split())) >= MIN_PARAGRAPH_CHARS:
                        seen.setdefault(part, None)
    return list(seen)


class ParagraphStream:
    """Deal paragraphs from the pool in shuffled rounds, so each is used about equally.

    ``common_chars`` holds the pool's 500 most frequent Han characters, the
    replacements used by character substitutions.
    """

    def __init__(self, pool: list[str], rng: random.Random) -> None:
        self.pool, self.rng = pool, rng
        self.queue: list[str] = []
        counts = Counter(char for paragraph in pool for char in paragraph if HAN_RE.match(char))
        self.common_chars = "".join(sorted(char for char, _ in counts.most_common(500)))

    def take(self) -> str:
        if not self.queue:
            self.queue = self.pool[:]
            self.rng.shuffle(self.queue)
        return self.queue.pop()


def compose_document(stream: ParagraphStream, rng: random.Random) -> list[str]:
    """Return the paragraphs of one original document of log-normal length."""
    target = min(
        30_000, max(150, int(rng.lognormvariate(math.log(MEDIAN_DOC_CHARS), DOC_CHARS_SIGMA)))
    )
    paragraphs: list[str] = []
    size = 0
    while size < target or len(paragraphs) < 3 or max(map(len, paragraphs)) * 2 > size:
        paragraphs.append(stream.take())
        size += len(paragraphs[-1])
    return paragraphs


def _sentences(paragraph: str) -> list[str]:
    return [s for s in SENTENCE_END_RE.split(paragraph) if s]


def _substitute(paragraphs: list[str], count: int, chars: str, rng: random.Random) -> list[str]:
    edited = paragraphs[:]
    for _ in range(count):
        index = rng.randrange(len(edited))
        text = edited[index]
        position = rng.randrange(len(text))
        edited[index] = text[:position] + rng.choice(chars) + text[position + 1 :]
    return edited


def _edit(
    paragraphs: list[str], gap: float, stream: ParagraphStream, rng: random.Random
) -> tuple[str, list[str]]:
    """Apply one random edit, sized to the similarity still to lose (``gap``)."""
    kind = rng.choices(["substitute", "delete", "add", "swap", "rewrap"], [5, 2, 2, 1, 1])[0]
    edited = paragraphs[:]
    index = rng.randrange(len(edited))
    if kind == "delete" and len(_sentences(edited[index])) > 1:
        sentences = _sentences(edited[index])
        del sentences[rng.randrange(len(sentences))]
        edited[index] = "".join(sentences)
    elif kind == "add":
        sentences = _sentences(edited[index])
        sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(_sentences(stream.take())))
        edited[index] = "".join(sentences)
    elif kind == "swap" and len(edited) > 1:
        other = rng.randrange(len(edited))
        edited[index], edited[other] = edited[other], edited[index]
    elif kind == "rewrap" and len(edited[index]) > 2:
        cut = rng.randrange(1, len(edited[index]))
        edited[index : index + 1] = [edited[index][:cut], edited[index][cut:]]
    else:
        kind = "substitute"
        size = sum(map(len, paragraphs))
        edited = _substitute(paragraphs, max(1, int(gap * size / 20)), stream.common_chars, rng)
    return kind, edited


def near_copy(
    paragraphs: list[str], target: float, stream: ParagraphStream, rng: random.Random
) -> tuple[list[str], float, list[str]]:
    """Edit a copy down to about ``target`` similarity; return it, its Jaccard and the edits."""
    original = _shingles("\n".join(paragraphs))
    current, similarity, edits = paragraphs[:], 1.0, []
    for attempt in range(200):
        kind, edited = _edit(current, similarity - target, stream, rng)
        if target >= 1.0 and kind != "rewrap":
            continue
        value = _jaccard(original, _shingles("\n".join(edited)))
        if value >= target:
            current, similarity = edited, value
            edits.append(kind)
        if (edits and similarity - target < 0.01) or attempt > 150:
            break
    return current, similarity, edits


def _similarity_target(rng: random.Random) -> float:
    draw = rng.random()
    if draw < 0.1:
        return 1.0
    return rng.uniform(0.95, 1.0) if draw < 0.4 else rng.uniform(0.85, 0.95)


Pair = tuple[int, int, float, list[str]]  # source index, copy index, Jaccard, edits

# Editor's notes and other sites' header and footer lines for reposts (issue 18).
EDITOR_NOTES = (
    "\u7f16\u8005\u6309\uff1a\u672c\u6587\u8f6c\u8f7d\u81ea\u5408\u4f5c\u5a92\u4f53\uff0c"
    "\u6587\u4e2d\u89c2\u70b9\u4ec5\u4ee3\u8868\u4f5c\u8005\u672c\u4eba\uff0c\u4e0d\u4ee3\u8868\u672c\u7f51\u7ad9\u7acb\u573a\u3002",
    "\uff08\u7f16\u8f91\u6ce8\uff1a\u6587\u4e2d\u6570\u636e\u622a\u81f3\u53d1\u7a3f\u65f6\uff0c\u8bf7\u4ee5\u5b98\u65b9\u6700\u65b0\u53d1\u5e03\u4e3a\u51c6\u3002\uff09",
    "\u7f16\u8005\u6309\uff1a\u6b22\u8fce\u8bfb\u8005\u5c31\u6587\u4e2d\u8bdd\u9898\u7559\u8a00\u8ba8\u8bba\uff0c\u6211\u4eec\u5c06\u9009\u53d6\u90e8\u5206\u7559\u8a00\u5728\u540e\u7eed\u62a5\u9053\u4e2d\u520a\u51fa\u3002",
)
SITE_HEADERS = (
    ("\u534e\u5317\u65b0\u95fb\u7f51", "\u9996\u9875 > \u65b0\u95fb\u4e2d\u5fc3 > \u8f6c\u8f7d"),
    (
        "\u6c5f\u5357\u65f6\u62a5\u5728\u7ebf",
        "\u5f53\u524d\u4f4d\u7f6e\uff1a\u9996\u9875 > \u8d44\u8baf",
    ),
    ("\u897f\u90e8\u8d22\u7ecf\u7f51", "\u8d44\u8baf\u9891\u9053 | \u7cbe\u9009\u8f6c\u8f7d"),
)
SITE_FOOTERS = (
    "\u7248\u6743\u6240\u6709 \u672a\u7ecf\u6388\u6743\u7981\u6b62\u590d\u5236",
    "\u8d23\u4efb\u7f16\u8f91\uff1a\u738b\u654f",
    "\u5173\u4e8e\u6211\u4eec | \u8054\u7cfb\u6211\u4eec | \u7f51\u7ad9\u5730\u56fe",
)


def inject_copies(
    docs: list[list[str]],
    duplicates: int,
    near_misses: int,
    stream: ParagraphStream,
    rng: random.Random,
) -> dict[str, list[Pair]]:
    """Append edited copies to ``docs``; return the (source, copy) pairs by kind."""
    originals = len(docs)
    pairs: dict[str, list[Pair]] = {"duplicates": [], "near_misses": []}
    copies_of = list(range(originals))
    for kind, count in (("duplicates", duplicates), ("near_misses", near_misses)):
        for _ in range(count):
            chain = kind == "duplicates" and rng.random() < 0.15  # a copy of any earlier copy
            source = rng.choice(copies_of) if chain else rng.randrange(originals)
            target = _similarity_target(rng) if kind == "duplicates" else rng.uniform(0.5, 0.75)
            copy, similarity, edits = near_copy(docs[source], target, stream, rng)
            pairs[kind].append((source, len(docs), similarity, edits))
            if kind == "duplicates":
                copies_of.append(len(docs))
            docs.append(copy)
    return pairs


def repost(paragraphs: list[str], rng: random.Random) -> tuple[list[str], list[str]]:
    """Return an edited repost of an article: a paragraph cut, a note added, another site's edges.

    The cut paragraph is one of the body's (never the first, the title-like
    lead), so the repost keeps at least two of the article's paragraphs.
    """
    body = paragraphs[:]
    edits = []
    if len(body) > 3:
        del body[rng.randrange(1, len(body))]
        edits.append("cut-paragraph")
    note = rng.choice(EDITOR_NOTES)
    body = [note, *body] if rng.random() < 0.5 else [*body, note]
    edits.append("editor-note")
    site, crumbs = rng.choice(SITE_HEADERS)
    body = [site, crumbs, *body, rng.choice(SITE_FOOTERS)]
    edits.append("site-edges")
    return body, edits


def containment(small: set[str], large: set[str]) -> float:
    """Share of ``small`` found in ``large`` (1 for an empty ``small``)."""
    return len(small & large) / len(small) if small else 1.0


def inject_reposts(
    docs: list[list[str]], count: int, originals: int, rng: random.Random
) -> list[tuple[int, int, float, float, list[str]]]:
    """Append ``count`` edited reposts of distinct originals of four paragraphs or more."""
    eligible = [k for k in range(originals) if len(docs[k]) >= 4]
    chosen = rng.sample(eligible, min(count, len(eligible)))
    found = []
    for source in chosen:
        copy, edits = repost(docs[source], rng)
        original, reposted = _shingles("\n".join(docs[source])), _shingles("\n".join(copy))
        found.append(
            (
                source,
                len(docs),
                _jaccard(original, reposted),
                containment(reposted, original),
                edits,
            )
        )
        docs.append(copy)
    return found


DIGIT_RE = re.compile(r"\d+")


def inject_templates(
    docs: list[list[str]], count: int, originals: int, rng: random.Random, used: set[int]
) -> list[tuple[int, int]]:
    """Append ``count`` documents equal to an original except for their figures.

    Only originals with figures in every other paragraph or more qualify (next
    year's report from the same template is a different document), and none
    that another injection copied (``used``), so each pair stands alone.
    """
    eligible = [
        k
        for k in range(originals)
        if k not in used and sum(1 for p in docs[k] if DIGIT_RE.search(p)) * 2 >= len(docs[k])
    ]
    found = []
    for source in rng.sample(eligible, min(count, len(eligible))):
        copy = [
            DIGIT_RE.sub(lambda m: str(int(m.group()) + rng.randrange(1, 9)), p)
            for p in docs[source]
        ]
        found.append((source, len(docs)))
        docs.append(copy)
    return found


def generate(
    documents: int,
    duplicates: int,
    near_misses: int,
    seed: int,
    reposts: int = 0,
    templates: int = 0,
) -> tuple[list[str], dict[str, object]]:
    """Return the document texts (shuffled) and the truth, names being positions."""
    rng = random.Random(seed)
    texts = _source_texts()
    pool = paragraph_pool(texts)
    stream = ParagraphStream(pool, rng)
    originals = documents - duplicates - near_misses - reposts - templates
    if originals < 1:
        raise SystemExit("--docs must exceed --dups + --near-misses + --reposts + --templates")
    docs = [compose_document(stream, rng) for _ in range(originals)]
    pairs = inject_copies(docs, duplicates, near_misses, stream, rng)
    # Separate generators: the corpus without reposts or templates stays the same.
    extra = random.Random(seed + 1_000_003)
    reposted = inject_reposts(docs, reposts, originals, extra)
    used = {a for found in pairs.values() for a, *_ in found} | {a for a, *_ in reposted}
    templated = inject_templates(docs, templates, originals, extra, used)
    order = list(range(len(docs)))
    rng.shuffle(order)  # document i is written at position order[i]
    shuffled = [""] * len(docs)
    for index, position in enumerate(order):
        shuffled[position] = "\n".join(docs[index]) + "\n"
    truth: dict[str, object] = {
        "documents": len(docs),
        "seed": seed,
        "shingle_chars": SHINGLE_CHARS,
    }
    truth["paragraph_pool"] = {
        "paragraphs": len(pool),
        "sources": {k: len(v) for k, v in texts.items()},
    }
    for kind, found in pairs.items():
        truth[kind] = [
            {
                "original": doc_name(order[a]),
                "copy": doc_name(order[b]),
                "jaccard": round(j, 4),
                "edits": e,
            }
            for a, b, j, e in found
        ]
    truth["reposts"] = [
        {
            "original": doc_name(order[a]),
            "copy": doc_name(order[b]),
            "jaccard": round(j, 4),
            "containment": round(c, 4),
            "edits": e,
        }
        for a, b, j, c, e in reposted
    ]
    truth["templates"] = [
        {"first": doc_name(order[a]), "second": doc_name(order[b])} for a, b in templated
    ]
    return shuffled, truth


def doc_name(position: int) -> str:
    """Return the path of a document under docs/.

    >>> doc_name(12345)
    '012/012345.txt'
    """
    return f"{position // 1000:03d}/{position:06d}.txt"


# The fields of the truth's pairs that name documents.
NAMED = frozenset({"original", "copy", "first", "second"})


def scrape_corpus(
    texts: list[str], truth: dict[str, object], sites: int, seed: int
) -> tuple[list[str], list[str], dict[str, object]]:
    """Return the scraped form of ``texts``, their names by site and the truth renamed.

    A random stream of its own leaves the clean form as it was for every seed.
    """
    rng = random.Random(f"scraped-{seed}")
    rates = measure_rates(ROOT / "seeds")
    site_list = make_sites(sites, rng)
    chosen = [rng.choice(site_list) for _ in texts]
    scraped = [scrape(text, site, rates, rng) for text, site in zip(texts, chosen, strict=True)]
    names = [f"{site.folder}/{position:06d}.txt" for position, site in enumerate(chosen)]
    renamed = {doc_name(position): name for position, name in enumerate(names)}
    truth = {**truth, "form": "scraped", "scrape_rates": vars(rates)}
    for kind in ("duplicates", "near_misses", "reposts", "templates"):
        truth[kind] = [
            {key: renamed.get(value, value) if key in NAMED else value for key, value in pair.items()}
            for pair in truth.get(kind, [])  # type: ignore[attr-defined]
        ]
    return scraped, names, truth


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--dups", type=int, default=2_000)
    parser.add_argument("--near-misses", type=int, default=None, help="default: dups / 4")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reposts", type=int, default=0, help="edited reposts (issue 18)")
    parser.add_argument(
        "--templates", type=int, default=0, help="pairs differing only in their figures"
    )
    parser.add_argument("--form", choices=("clean", "scraped"), default="clean")
    parser.add_argument("--sites", type=int, default=20, help="site folders of the scraped form")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    near_misses = args.dups // 4 if args.near_misses is None else args.near_misses
    texts, truth = generate(
        args.docs, args.dups, near_misses, args.seed, args.reposts, args.templates
    )
    names = [doc_name(position) for position in range(len(texts))]
    if args.form == "scraped":
        texts, names, truth = scrape_corpus(texts, truth, args.sites, args.seed)
    for name, text in zip(names, texts, strict=True):
        path = args.out_dir / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (args.out_dir / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    size = sum(len(text.encode("utf-8")) for text in texts)
    seconds = time.perf_counter() - started
    print(f"{len(texts)} documents, {size / 1e6:.1f} MB in {seconds:.1f} s -> {args.out_dir}")


if __name__ == "__main__":
    main()
