"""Where the repetition filters' defaults come from (issue 18): clean controls, measured.

Run by hand:
    python benchmarks/bench_filter_defaults.py [--words]

The controls are clean Chinese text a filter must keep: the five seeds, the 31
provincial reports of ../shared/corpora/cn-gov-reports/provincial-2026-raw
(cleaned: they are raw pages), and the 88 Wikisource reports and resolutions of
cn-gov-reports/national-wikisource. Each is cleaned with the default settings
(signals describe the written text) and measured.

The rule for each repetition filter: the published default (FineWeb-2's
cmn_Hani, or Gopher's) when it is at least MARGIN times the controls' largest
value; else MARGIN times that value, rounded up to two decimals. FineWeb-2
counts n-grams of jieba words, these are n-grams of characters: where the two
differ the published number does not carry over, and the controls decide.

With --words (needs `pip install jieba`, not a dependency of cleaner), the
same controls are measured as FineWeb-2 measures them (datatrove's Gopher
repetition statistics over jieba words): its word-level defaults keep every
control, which is what the character-level defaults are asked to do too.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import sys
from collections import Counter
from pathlib import Path

from cleaner.clean.document import clean_text
from cleaner.clean.filters import FILTERS
from cleaner.clean.signals import measure_batch

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT.parent / "shared" / "corpora" / "cn-gov-reports"
# How far above the most repetitive clean control a default sits: room for clean
# documents longer or more formulaic than these 124.
MARGIN = 1.25
# FineWeb-2 cmn_Hani's word n-gram thresholds (configs/cmn_Hani.yml).
WORD_TOP = {2: 0.256, 3: 0.201, 4: 0.171}
WORD_DUPLICATE = {5: 0.198, 6: 0.182, 7: 0.167, 8: 0.154, 9: 0.14, 10: 0.127}
# The published value of each repetition filter: FineWeb-2 cmn_Hani (dup_line_frac,
# and its word n-gram thresholds read as if they were of characters), Gopher
# (Rae et al. 2021, table A1) for the duplicate line characters, which FineWeb-2
# switched off in its Gopher filter.
PUBLISHED = {
    "max_duplicate_line_share": (0.287, "FineWeb-2 dup_line_frac"),
    "max_duplicate_line_char_share": (0.2, "Gopher"),
    **{f"max_top_{n}gram_share": (t, f"FineWeb-2 top {n} words") for n, t in WORD_TOP.items()},
    **{
        f"max_duplicate_{n}gram_share": (t, f"FineWeb-2 duplicate {n} words")
        for n, t in WORD_DUPLICATE.items()
    },
}


def controls() -> dict[str, list[tuple[str, str]]]:
    """Return the control texts by group, each with its name, as the run writes them."""
    csv.field_size_limit(sys.maxsize)
    groups: dict[str, list[tuple[str, str]]] = {"seeds": [], "provincial": [], "wikisource": []}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        groups["seeds"].append((path.name, path.read_text(encoding="utf-8")))
    for path in sorted((REPORTS / "provincial-2026-raw").glob("2026_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            for row in csv.DictReader(stream):
                groups["provincial"].append((path.stem, row["full_text"]))
    for name in ("government_work_reports.jsonl", "cpc_congress_reports.jsonl"):
        for line in (REPORTS / "national-wikisource" / name).open(encoding="utf-8"):
            record = json.loads(line)
            groups["wikisource"].append((record["title"], record["content"]))
    return {
        group: [(name, clean_text(text).text) for name, text in items]
        for group, items in groups.items()
    }


def derived(published: float, largest: float) -> float:
    """The rule: the published value if it leaves MARGIN, else MARGIN above the controls."""
    wanted = MARGIN * largest
    return published if published >= wanted else math.ceil(wanted * 100) / 100


def word_statistics(text: str) -> dict[str, float]:
    """FineWeb-2's repetition statistics of a text (datatrove's definitions, jieba words)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter
    words = [w.strip() for w in jieba.lcut(text)]
    words = [w for w in words if w]
    found: dict[str, float] = {}
    for n in WORD_TOP:
        grams = Counter("".join(words[i : i + n]) for i in range(len(words) - n + 1))
        gram, count = grams.most_common(1)[0] if grams else ("", 0)
        found[f"top_{n}"] = len(gram) * count / len(text)
    for n in WORD_DUPLICATE:
        seen: set[str] = set()
        repeated = index = 0
        while index < len(words) - n + 1:
            gram = "".join(words[index : index + n])
            if gram in seen:
                repeated += len(gram)
                index += n
            else:
                seen.add(gram)
                index += 1
        found[f"duplicate_{n}"] = repeated / len(text)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", action="store_true", help="also FineWeb-2's word statistics")
    args = parser.parse_args()
    texts = controls()
    named = [(f"{group}/{name}", text) for group, items in texts.items() for name, text in items]
    signals = measure_batch([text for _, text in named])
    print(f"{len(named)} controls ({', '.join(f'{g} {len(t)}' for g, t in texts.items())})")
    print("| filter | published | controls' largest (document) | derived | cleaner's default |")
    print("|---|---|---|---|---|")
    for spec in FILTERS:
        if spec.bound != "max":
            continue
        published, source = PUBLISHED[spec.name]
        values = [getattr(s, spec.signal) for s in signals]
        largest = max(values)
        which = named[values.index(largest)][0]
        print(
            f"| `{spec.name}` | {published} ({source}) | {largest} ({which}) "
            f"| {derived(published, largest)} | {spec.default} |"
        )
    if args.words:
        statistics = [word_statistics(text) for _, text in named]
        print("\nFineWeb-2's word statistics on the same controls (jieba):")
        print("| statistic | FineWeb-2 cmn_Hani | controls' largest | controls above it |")
        print("|---|---|---|---|")
        for key, threshold in [
            *((f"top_{n}", t) for n, t in WORD_TOP.items()),
            *((f"duplicate_{n}", t) for n, t in WORD_DUPLICATE.items()),
        ]:
            values = [s[key] for s in statistics]
            above = sum(value > threshold for value in values)
            print(f"| {key} words | {threshold} | {max(values):.4f} | {above} |")


if __name__ == "__main__":
    main()
