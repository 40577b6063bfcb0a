"""Boilerplate stripping measured against hand labels, plus a must-keep-everything control.

Run by hand: python benchmarks/bench_boilerplate.py [--quiet]

1. Labelled provincial set (tests/fixtures/provincial_labels/*.json, README there):
   every non-blank line of a labelled document is either boilerplate (listed with
   its class) or content. Line i (0-based) of ``full_text`` is line i + 1 of the
   cleaned input, i.e. ``Removal.line_no``. We report
     - boilerplate line recall  = labelled boilerplate lines removed / labelled boilerplate lines
     - content line retention   = content lines kept / content lines
   per document and pooled over all lines. Only whole-line removals of the
   boilerplate stage count; ``duplicate`` removals (block dedup) and partial
   fragment removals are listed separately. Two modes: ``single`` cleans each
   document alone (``clean_text``), ``corpus`` first counts corpus-frequent lines
   over all 31 provincial documents, as ``clean`` does for a directory.
2. National-wikisource control (government_work_reports.jsonl, ``content``):
   content retention should be 1.0. The Wikisource licence box at the end of a
   page ("本作品是中华人民共和国的…", "公有领域", the "注" note of the Wikisource community,
   "Public domain", "false") is arguably boilerplate and is reported on its own.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner import clean_text
from cleaner.clean.boilerplate.strip import corpus_candidate, edge_zone, line_key
from cleaner.clean.normalize import normalize_text
from cleaner.data import CleanConfig, CleanedText

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "fixtures" / "provincial_labels"
CORPORA = ROOT.parent / "shared" / "corpora"
PROVINCIAL = CORPORA / "cn-gov-reports" / "provincial-2026-raw"
WIKISOURCE = CORPORA / "cn-gov-reports" / "national-wikisource"

# The first line of the Wikisource licence box; the box runs to the end of the page.
LICENCE_START_RE = re.compile(
    # 本作品 | 本模板所指 | 注 + full-width colon + 中文维基文库社群 | Public domain
    "^(?:\u672c\u4f5c\u54c1|\u672c\u6a21\u677f\u6240\u6307|"
    "\u6ce8\uff1a\u4e2d\u6587\u7ef4\u57fa\u6587\u5e93\u793e\u7fa4|Public domain$)"
)


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class LabelledDoc:
    """One labelled provincial document: its text and the class of each boilerplate line."""

    slug: str
    file: str
    source: str
    sha256: str
    text: str
    boilerplate: dict[int, str]


def parse_line_keys(labels: dict[str, str]) -> dict[int, str]:
    """Expand ``{"5-9": "page-tools", "12,20": "metadata"}`` into one entry per line.

    >>> parse_line_keys({"2-3": "a", "7,9-10": "b"})
    {2: 'a', 3: 'a', 7: 'b', 9: 'b', 10: 'b'}
    """
    lines: dict[int, str] = {}
    for key, label in labels.items():
        for part in key.split(","):
            first, _, last = part.strip().partition("-")
            for line_no in range(int(first), int(last or first) + 1):
                lines[line_no] = label
    return lines


def read_full_text(path: Path) -> str:
    """Return the ``full_text`` column of a one-row provincial CSV file."""
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        (row,) = list(csv.DictReader(stream))
    return str(row["full_text"])


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_label_file(path: Path, corpus_dir: Path = PROVINCIAL) -> LabelledDoc:
    """Read one label file and the shared document it points at."""
    record = json.loads(path.read_text(encoding="utf-8"))
    text = read_full_text(corpus_dir / record["file"])
    return LabelledDoc(
        slug=path.stem,
        file=record["file"],
        source=record["source"],
        sha256=record["sha256"],
        text=text,
        boilerplate=parse_line_keys(record["boilerplate"]),
    )


def load_labelled(labels_dir: Path = LABELS, corpus_dir: Path = PROVINCIAL) -> list[LabelledDoc]:
    return [load_label_file(p, corpus_dir) for p in sorted(labels_dir.glob("*.json"))]


# --------------------------------------------------------------------------- scoring


@dataclass
class Score:
    """Line counts of one document (or pooled), with the lines behind the errors."""

    boilerplate: int = 0
    caught: int = 0
    caught_as_duplicate: int = 0
    content: int = 0
    kept: int = 0
    misses: list[tuple[str, int, str, str]] = field(default_factory=list)
    false_removals: list[tuple[str, int, str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, int, str]] = field(default_factory=list)
    partials: list[tuple[str, int, str]] = field(default_factory=list)
    classes: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def recall(self) -> float:
        return self.caught / self.boilerplate if self.boilerplate else 1.0

    @property
    def retention(self) -> float:
        return self.kept / self.content if self.content else 1.0

    def add(self, other: Score) -> None:
        self.boilerplate += other.boilerplate
        self.caught += other.caught
        self.caught_as_duplicate += other.caught_as_duplicate
        self.content += other.content
        self.kept += other.kept
        self.misses += other.misses
        self.false_removals += other.false_removals
        self.duplicates += other.duplicates
        self.partials += other.partials
        self.classes.update(other.classes)


def score_document(slug: str, text: str, boilerplate: dict[int, str], result: CleanedText) -> Score:
    """Compare the cleaner's whole-line removals with the labels of one document."""
    lines = text.split("\n")
    removed = {r.line_no: r for r in result.removed if not r.partial and r.category != "duplicate"}
    duplicate_lines = {r.line_no for r in result.removed if r.category == "duplicate"}
    score = Score()
    for r in result.removed:
        if r.partial:
            score.partials.append((slug, r.line_no, r.text))
        elif r.category == "duplicate":
            score.duplicates.append((slug, r.line_no, lines[r.line_no - 1]))
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        removal = removed.get(line_no)
        if line_no in boilerplate:
            score.boilerplate += 1
            if removal:
                score.caught += 1
                score.classes[(boilerplate[line_no], removal.category)] += 1
            else:
                score.misses.append((slug, line_no, boilerplate[line_no], line))
                score.caught_as_duplicate += line_no in duplicate_lines
        else:
            score.content += 1
            if removal:
                rule = f"{removal.category}/{removal.rule}"
                score.false_removals.append((slug, line_no, rule, line))
            else:
                score.kept += 1
    return score


def frequent_keys_for(texts: Sequence[str], config: CleanConfig) -> frozenset[int]:
    """The corpus-frequent line keys ``clean`` computes in its first pass over a directory.

    The same steps as the pipeline's pass 1: short candidate lines among the first
    and last ``corpus_zone_lines`` non-blank lines, counted once per document.
    """
    bp = config.boilerplate
    if not bp.enabled or bp.corpus_min_docs == 0 or len(texts) < bp.corpus_min_docs:
        return frozenset()
    counts: Counter[int] = Counter()
    for text in texts:
        lines = normalize_text(text, config.normalize).text.split("\n")
        zone = edge_zone(lines, bp.corpus_zone_lines)
        counts.update({line_key(lines[i].strip()) for i in zone if corpus_candidate(lines[i], bp)})
    return frozenset(key for key, count in counts.items() if count >= bp.corpus_min_docs)


def score_labelled(
    docs: Sequence[LabelledDoc],
    config: CleanConfig = CleanConfig(),
    frequent_keys: frozenset[int] = frozenset(),
) -> tuple[dict[str, Score], Score]:
    """Score every labelled document; return per-document scores and the pooled score."""
    per_doc: dict[str, Score] = {}
    total = Score()
    for doc in docs:
        result = clean_text(doc.text, config, frequent_keys)
        per_doc[doc.slug] = score_document(doc.slug, doc.text, doc.boilerplate, result)
        total.add(per_doc[doc.slug])
    return per_doc, total


# --------------------------------------------------------------------------- control


@dataclass
class ControlScore:
    """What cleaning removed from clean reports: content lines and licence-box lines."""

    content: int = 0
    kept: int = 0
    box: int = 0
    box_removed: int = 0
    removed: list[tuple[str, int, str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, int, str]] = field(default_factory=list)
    partials: list[tuple[str, int, str]] = field(default_factory=list)
    box_rules: Counter[str] = field(default_factory=Counter)

    @property
    def retention(self) -> float:
        return self.kept / self.content if self.content else 1.0

    @property
    def stage_retention(self) -> float:
        """Retention of the boilerplate stage alone: duplicate-block removals not counted."""
        kept = self.kept + len(self.duplicates)
        return kept / self.content if self.content else 1.0


def licence_box_start(lines: Sequence[str]) -> int:
    """Return the 0-based index where the licence box starts (``len(lines)`` if none)."""
    return next((i for i, line in enumerate(lines) if LICENCE_START_RE.match(line)), len(lines))


def score_control(
    records: Sequence[dict[str, str]], config: CleanConfig, frequent_keys: frozenset[int]
) -> ControlScore:
    score = ControlScore()
    for record in records:
        title, text = record["title"], record["content"]
        lines = text.split("\n")
        box = licence_box_start(lines)
        result = clean_text(text, config, frequent_keys)
        removed = {}
        for r in result.removed:
            if r.partial:
                score.partials.append((title, r.line_no, r.text))
            elif r.category == "duplicate" and r.line_no <= box:
                score.duplicates.append((title, r.line_no, lines[r.line_no - 1]))
            else:
                removed[r.line_no] = r
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            removal = removed.get(line_no)
            if line_no > box:
                score.box += 1
                if removal:
                    score.box_removed += 1
                    score.box_rules[f"{removal.category}/{removal.rule}"] += 1
                continue
            score.content += 1
            if removal:
                rule = f"{removal.category}/{removal.rule}"
                score.removed.append((title, line_no, rule, line))
            elif not any(d[0] == title and d[1] == line_no for d in score.duplicates):
                score.kept += 1
    return score


def read_jsonl(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


# --------------------------------------------------------------------------- printing


def clip(text: str, width: int = 70) -> str:
    text = text.strip()
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def print_labelled(mode: str, docs: Sequence[LabelledDoc], per_doc: dict[str, Score]) -> Score:
    total = Score()
    print(f"\n## Labelled provincial set, mode={mode} ({len(docs)} documents)\n")
    print(
        f"{'document':<14} {'source':<30} {'bp':>4} {'caught':>6} {'recall':>7} "
        f"{'content':>7} {'kept':>5} {'retain':>7}"
    )
    for doc in docs:
        s = per_doc[doc.slug]
        total.add(s)
        print(
            f"{doc.slug:<14} {doc.source:<30} {s.boilerplate:>4} {s.caught:>6} "
            f"{s.recall:>7.3f} {s.content:>7} {s.kept:>5} {s.retention:>7.4f}"
        )
    macro_recall = sum(per_doc[d.slug].recall for d in docs) / len(docs)
    macro_retention = sum(per_doc[d.slug].retention for d in docs) / len(docs)
    print(
        f"{'POOLED':<14} {'':<30} {total.boilerplate:>4} {total.caught:>6} "
        f"{total.recall:>7.3f} {total.content:>7} {total.kept:>5} {total.retention:>7.4f}"
    )
    print(
        f"{'MACRO':<14} {'':<30} {'':>4} {'':>6} {macro_recall:>7.3f} {'':>7} {'':>5} "
        f"{macro_retention:>7.4f}"
    )
    with_duplicates = (total.caught + total.caught_as_duplicate) / total.boilerplate
    print(f"pooled recall counting duplicate-block removals too: {with_duplicates:.3f}")
    print("targets (issue 4): recall >= 0.97, retention >= 0.995")
    return total


def print_errors(total: Score) -> None:
    by_class: dict[str, list[tuple[str, int, str, str]]] = defaultdict(list)
    for miss in total.misses:
        by_class[miss[2]].append(miss)
    print(f"\n### Misses: {len(total.misses)} boilerplate lines kept, by labelled class")
    for label, misses in sorted(by_class.items(), key=lambda kv: -len(kv[1])):
        print(f"- {label} ({len(misses)})")
        for slug, line_no, _, text in misses:
            print(f"    {slug}:{line_no}  {clip(text)}")
    by_rule: dict[str, list[tuple[str, int, str, str]]] = defaultdict(list)
    for removal in total.false_removals:
        by_rule[removal[2]].append(removal)
    print(f"\n### False removals: {len(total.false_removals)} content lines removed, by rule")
    for rule, removals in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
        print(f"- {rule} ({len(removals)})")
        for slug, line_no, _, text in removals:
            print(f"    {slug}:{line_no}  {clip(text)}")
    if total.duplicates:
        print(f"\n### Removed as duplicate blocks (not scored): {len(total.duplicates)}")
        for slug, line_no, text in total.duplicates:
            print(f"    {slug}:{line_no}  {clip(text)}")
    if total.partials:
        print(f"\n### Fragments cut from kept lines (not scored): {len(total.partials)}")
        for slug, line_no, text in total.partials:
            print(f"    {slug}:{line_no}  {clip(text)}")
    agree = sum(n for (label, category), n in total.classes.items() if label == category)
    print(f"\n### Class agreement on caught lines: {agree}/{total.caught}")
    for (label, category), n in sorted(total.classes.items(), key=lambda kv: -kv[1]):
        if label != category:
            print(f"    labelled {label:<13} -> removed as {category:<16} {n}")


def print_control(name: str, mode: str, score: ControlScore, docs: int, quiet: bool) -> None:
    print(f"\n## Control {name}, mode={mode} ({docs} documents)\n")
    print(
        f"content lines {score.content}, kept {score.kept}, retention {score.retention:.5f} "
        "(target 1.0)"
    )
    print(
        f"boilerplate stage alone: retention {score.stage_retention:.5f} "
        "(the duplicate-block removals listed below are the dedup stage's)"
    )
    print(
        f"licence-box lines {score.box}, removed {score.box_removed} "
        f"({score.box_removed / score.box if score.box else 1.0:.3f}); rules: "
        + ", ".join(f"{rule} {n}" for rule, n in score.box_rules.most_common())
    )
    by_rule: dict[str, list[tuple[str, int, str, str]]] = defaultdict(list)
    for removal in score.removed:
        by_rule[removal[2]].append(removal)
    for rule, removals in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
        print(f"- content removed by {rule} ({len(removals)})")
        for title, line_no, _, text in removals[: 5 if quiet else None]:
            print(f"    {clip(title, 30)}:{line_no}  {clip(text, 60)}")
    if score.duplicates:
        print(f"- content removed as duplicate blocks ({len(score.duplicates)})")
        for title, line_no, text in score.duplicates[: 5 if quiet else None]:
            print(f"    {clip(title, 30)}:{line_no}  {clip(text, 60)}")
    if score.partials:
        print(f"- fragments cut from kept lines ({len(score.partials)})")
        for title, line_no, text in score.partials[: 5 if quiet else None]:
            print(f"    {clip(title, 30)}:{line_no}  {clip(text, 60)}")


def all_provincial_texts() -> list[str]:
    return [read_full_text(p) for p in sorted(PROVINCIAL.glob("2026_*.csv"))]


def modes(texts: Iterable[str], config: CleanConfig) -> list[tuple[str, frozenset[int]]]:
    return [("single", frozenset()), ("corpus", frequent_keys_for(list(texts), config))]


def main() -> None:
    quiet = "--quiet" in sys.argv
    if not PROVINCIAL.is_dir():
        sys.exit(f"corpora not found at {CORPORA}; this benchmark reads ../shared/corpora")
    config = CleanConfig()
    docs = load_labelled()
    stale = [d.slug for d in docs if text_sha256(d.text) != d.sha256]
    if stale:
        sys.exit(f"shared documents changed since labelling: {', '.join(stale)}")
    for mode, keys in modes(all_provincial_texts(), config):
        per_doc, _ = score_labelled(docs, config, keys)
        total = print_labelled(mode, docs, per_doc)
        print_errors(total)
    for name in ("government_work_reports.jsonl", "cpc_congress_reports.jsonl"):
        path = WIKISOURCE / name
        if not path.is_file():
            continue
        records = read_jsonl(path)
        for mode, keys in modes((r["content"] for r in records), config):
            score = score_control(records, config, keys)
            print_control(name, mode, score, len(records), quiet)


if __name__ == "__main__":
    main()
