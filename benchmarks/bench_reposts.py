"""Recall of edited reposts (containment, issue 18) and false drops, against truth.json.

Run by hand:
    python benchmarks/gen_corpus.py /tmp/reposts --docs 20000 --dups 2000 --reposts 500 \
        --templates 200 --seed 1
    python benchmarks/bench_reposts.py /tmp/reposts [--jobs 2] [--clean-check]

Runs `clean DOCS OUT --format jsonl` twice, with the containment test (the
default, 0.9) and without it (--containment 1), and prints per run: recall of
the injected reposts (the repost and its original in one cluster), recall of
the injected near-duplicates (as bench_pipeline.py), false drops, near misses
joined to their original, template pairs of which one was dropped, and which
test held each dropped member.

A false drop is a dropped document that is not, by the generator's truth, a
copy, duplicate or repost of the document kept in its place: truth.json's
duplicate and repost pairs are joined into groups (a copy of a copy belongs with
its original), and a dropped document must share its group with the kept one.
Near misses and template pairs are in no group: joining one is a false drop.
With `--clean-check` the containment run is `clean check` (no staged texts).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cleaner.report.check import check_corpus
from cleaner.report.render import build_report


def run(docs: Path, jobs: int, extra: list[str]) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "cleaner", str(docs), out, "--format", "jsonl"]
        started = time.perf_counter()
        subprocess.run([*command, "--jobs", str(jobs), "-q", *extra], check=True)
        seconds = time.perf_counter() - started
        return seconds, json.loads((Path(out) / "_report.json").read_text(encoding="utf-8"))


def run_check(docs: Path, jobs: int) -> tuple[float, dict]:
    """`clean check DOCS` as the library runs it: nothing staged, the report as data."""
    started = time.perf_counter()
    result = check_corpus(docs, jobs=jobs)
    return time.perf_counter() - started, build_report(result.report)


def truth_groups(truth: dict) -> dict[str, str]:
    """Return each document's group: duplicates and reposts joined to their originals."""
    parent: dict[str, str] = {}

    def root(doc: str) -> str:
        while parent.get(doc, doc) != doc:
            doc = parent[doc]
        return doc

    for pair in truth["duplicates"] + truth["reposts"]:
        first, second = root(pair["original"]), root(pair["copy"])
        if first != second:
            parent[max(first, second)] = min(first, second)
    return {doc: root(doc) for doc in parent} | {root(doc): root(doc) for doc in parent}


def found(pairs: list[dict], dropped: dict[str, str], first: str, second: str) -> int:
    """Count pairs of which one document was dropped as a duplicate of the other."""
    return sum(
        1 for p in pairs if dropped.get(p[second]) == p[first] or dropped.get(p[first]) == p[second]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--clean-check", action="store_true", help="also run `clean check`")
    args = parser.parse_args()
    truth = json.loads((args.corpus / "truth.json").read_text(encoding="utf-8"))
    reposts, duplicates = truth["reposts"], truth["duplicates"]
    groups = truth_groups(truth)
    print(
        "| run | seconds | repost recall | near-duplicate recall | false drops "
        "| near misses joined | templates dropped | dropped by test |"
    )
    print("|---|---|---|---|---|---|---|---|")
    runs = [("containment 0.9", []), ("Jaccard only (--containment 1)", ["--containment", "1"])]
    if args.clean_check:
        runs.insert(1, ("clean check, containment 0.9", None))
    for name, extra in runs:
        if extra is None:
            seconds, report = run_check(args.corpus / "docs", args.jobs)
        else:
            seconds, report = run(args.corpus / "docs", args.jobs, extra)
        dropped = {m["doc_id"]: c["kept"] for c in report["clusters"] for m in c["dropped"]}
        tests = Counter(m.get("test", "jaccard") for c in report["clusters"] for m in c["dropped"])
        # Members of a cluster that holds two documents of one pair count as found
        # when the pair's two documents end up in one cluster with one kept.
        cluster_of = {}
        for cluster in report["clusters"]:
            for doc in [cluster["kept"], *(m["doc_id"] for m in cluster["dropped"])]:
                cluster_of[doc] = cluster["kept"]
        repost_found = sum(
            1
            for p in reposts
            if cluster_of.get(p["copy"]) is not None
            and cluster_of.get(p["copy"]) == cluster_of.get(p["original"])
        )
        near_found = sum(
            1
            for p in duplicates
            if p["copy"] in cluster_of and cluster_of[p["copy"]] == cluster_of.get(p["original"])
        )
        # A false drop: the kept document is not its copy, duplicate or repost.
        false = sorted(
            doc for doc, kept in dropped.items() if groups.get(doc, doc) != groups.get(kept, kept)
        )
        near_joined = found(truth["near_misses"], dropped, "original", "copy")
        templates = sum(
            1 for t in truth.get("templates", []) if t["first"] in dropped or t["second"] in dropped
        )
        print(
            f"| {name} | {seconds:.1f} | {repost_found / max(1, len(reposts)):.4f} "
            f"({repost_found}/{len(reposts)}) | {near_found / len(duplicates):.4f} | {len(false)} "
            f"| {near_joined} | {templates} | {dict(sorted(tests.items()))} |"
        )
        missed = [
            p
            for p in reposts
            if cluster_of.get(p["copy"]) != cluster_of.get(p["original"])
            or p["copy"] not in cluster_of
        ]
        if missed and name.startswith("containment"):
            shown = [(p["copy"], p["jaccard"], p["containment"]) for p in missed[:8]]
            print(f"    missed reposts (copy, jaccard, containment): {shown}")
        if false:
            test_of = {
                m["doc_id"]: m.get("test", "jaccard")
                for c in report["clusters"]
                for m in c["dropped"]
            }
            print(f"    false drops (document, test): {[(doc, test_of[doc]) for doc in false[:8]]}")


if __name__ == "__main__":
    main()
