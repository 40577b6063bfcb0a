"""Main text among menus, headline lists, comments and footers: the labelled page dumps.

Run by hand:
    python benchmarks/bench_main_text.py [--pages] [--errors] [--split dev|heldout|all]

Every page of the labelled set (tests/fixtures/page_dumps/, README there; dumps
derived by benchmarks/page_dumps.py from ../shared/corpora) is cleaned alone
with ``cleaner.clean_text(dump)`` and its default configuration. A dump line is
*removed* when a whole-line removal names it (``Removal.line_no``, any category,
block dedup included); ``partial`` removals cut a fragment and leave the line.
Per split (``dev``: what detectors are tuned on; ``heldout``: never tuned on;
``all``), pooled over lines:
  - boilerplate removed = labelled boilerplate lines removed / boilerplate lines
  - content kept        = labelled content lines not removed / content lines
  - title right         = pages whose ``metadata.title`` is the labelled title line
The title line is compared as ``clean_text`` writes it: the dump is normalized
with boilerplate stripping and block dedup off (the same normalization, every
line kept), the labelled line read from that, and both sides compared with white
space removed. Page-averaged figures are printed too: one long page (a Wikipedia
article of 3,077 lines in heldout) weighs as much as 40 short ones in the pooled
figures.

``--pages`` prints a row per page; ``--errors`` the removal categories and rules
that hit content lines (with examples), the boilerplate classes that stay, and
the wrong titles.

Only the public API is used (``cleaner.clean_text``, ``cleaner.CleanConfig``),
so the benchmark keeps working when the package is reorganized; ``score(split)``
is what tests call.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from cleaner import CleanConfig, clean_text

HERE = Path(__file__).resolve().parent


def _page_dumps() -> ModuleType:
    """benchmarks/page_dumps.py, wherever this file is imported from."""
    if "page_dumps" in sys.modules:
        return sys.modules["page_dumps"]
    spec = importlib.util.spec_from_file_location("page_dumps", HERE / "page_dumps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["page_dumps"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


P = _page_dumps()
SPACE_RE = re.compile(r"\s+")


@dataclass
class PageScore:
    """What the cleaner did to one labelled page."""

    slug: str
    split: str
    kind: str
    site: str
    lines: int
    boilerplate: int = 0
    removed: int = 0
    content: int = 0
    kept: int = 0
    title_labelled: str | None = None  # the title line as clean_text normalizes it
    title_found: str | None = None  # metadata.title
    false_removals: list[tuple[int, str, str]] = field(default_factory=list)  # line, rule, text
    misses: list[tuple[int, str, str]] = field(default_factory=list)  # line, class, text
    classes: Counter[str] = field(default_factory=Counter)  # labelled boilerplate classes

    @property
    def title_right(self) -> bool:
        if self.title_labelled is None:
            return False
        found = SPACE_RE.sub("", self.title_found or "")
        return found == SPACE_RE.sub("", self.title_labelled)

    @property
    def recall(self) -> float:
        return self.removed / self.boilerplate if self.boilerplate else 1.0

    @property
    def retention(self) -> float:
        return self.kept / self.content if self.content else 1.0


@dataclass
class Scores:
    """Pooled figures of a split, with the pages behind them."""

    split: str
    pages: list[PageScore] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(page, name) for page in self.pages)

    @property
    def boilerplate(self) -> int:
        return self._sum("boilerplate")

    @property
    def removed(self) -> int:
        return self._sum("removed")

    @property
    def content(self) -> int:
        return self._sum("content")

    @property
    def kept(self) -> int:
        return self._sum("kept")

    @property
    def titled(self) -> int:
        """Pages with a labelled title line (every page of the current labels)."""
        return sum(page.title_labelled is not None for page in self.pages)

    @property
    def titles_right(self) -> int:
        return sum(page.title_right for page in self.pages)

    @property
    def recall(self) -> float:
        """Boilerplate lines removed, pooled over lines."""
        return self.removed / self.boilerplate if self.boilerplate else 1.0

    @property
    def retention(self) -> float:
        """Content lines kept, pooled over lines."""
        return self.kept / self.content if self.content else 1.0

    @property
    def title_rate(self) -> float:
        return self.titles_right / self.titled if self.titled else 1.0

    @property
    def page_recall(self) -> float:
        """Boilerplate removed, averaged over pages."""
        return sum(p.recall for p in self.pages) / len(self.pages) if self.pages else 1.0

    @property
    def page_retention(self) -> float:
        """Content kept, averaged over pages."""
        return sum(p.retention for p in self.pages) / len(self.pages) if self.pages else 1.0


def normalizing_config(config: CleanConfig) -> CleanConfig:
    """``config`` with boilerplate stripping and block dedup off: normalization only."""
    return replace(
        config,
        boilerplate=replace(config.boilerplate, enabled=False),
        dedup=replace(config.dedup, blocks=False),
    )


def normalized_line(text: str, line_no: int, config: CleanConfig) -> str:
    """Line ``line_no`` of ``text`` as ``clean_text`` normalizes it (in its document)."""
    result = clean_text(text, normalizing_config(config))
    lines = result.text.split("\n")
    if result.lines_out == text.count("\n") + 1 and not result.removed:
        return lines[line_no - 1].strip()
    # Normalization dropped a line: normalize the title line alone.
    alone = clean_text(text.split("\n")[line_no - 1], normalizing_config(config)).text
    return alone.strip()


def score_page(item: Any, config: CleanConfig) -> PageScore:
    """Clean one labelled dump and compare the whole-line removals with its labels."""
    text = item.dump.text
    result = clean_text(text, config)
    removals = {r.line_no: r for r in result.removed if not r.partial}
    score = PageScore(item.page.slug, item.split, item.page.kind, item.page.site, len(item.lines))
    for line_no, line in enumerate(item.lines, start=1):
        removal = removals.get(line_no)
        if line_no in item.boilerplate:
            score.boilerplate += 1
            score.classes[item.boilerplate[line_no]] += 1
            if removal is not None:
                score.removed += 1
            else:
                score.misses.append((line_no, item.boilerplate[line_no], line))
        else:
            score.content += 1
            if removal is None:
                score.kept += 1
            else:
                score.false_removals.append((line_no, f"{removal.category}/{removal.rule}", line))
    if item.title_line is not None:
        score.title_labelled = normalized_line(text, item.title_line, config)
    score.title_found = result.metadata.title
    return score


def score(
    split: str = "all",
    config: CleanConfig | None = None,
    corpora: Path | None = None,
    labels: Path | None = None,
) -> Scores:
    """Score ``clean_text`` on the labelled dumps of ``split`` (dev, heldout or all).

    Raises ``ValueError`` when a label no longer fits its dump (stale labels are
    never scored).
    """
    items = P.labelled_pages(split, corpora or P.CORPORA, labels or P.LABELS)
    stale = [item.page.slug for item in items if item.stale]
    if stale:
        raise ValueError(f"labels do not fit the dumps any more: {', '.join(stale)}")
    config = config or CleanConfig()
    return Scores(split, [score_page(item, config) for item in items])


# --------------------------------------------------------------------------- report


def pct(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "   -  "


def print_summary(all_scores: list[Scores]) -> None:
    print(
        "| split | pages | sites | boilerplate removed | content kept | title right "
        "| page-avg removed | page-avg kept |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for s in all_scores:
        sites = len({p.site for p in s.pages})
        print(
            f"| {s.split} | {len(s.pages)} | {sites} "
            f"| {s.removed}/{s.boilerplate} = {s.recall:.1%} "
            f"| {s.kept}/{s.content} = {s.retention:.1%} "
            f"| {s.titles_right}/{s.titled} = {s.title_rate:.1%} "
            f"| {s.page_recall:.1%} | {s.page_retention:.1%} |"
        )


def print_pages(scores: Scores) -> None:
    print(
        f"\n{'page':24s} {'split':7s} {'kind':14s} {'lines':>5s} {'bp removed':>16s} "
        f"{'content kept':>16s}  title"
    )
    for p in scores.pages:
        title = (
            "ok" if p.title_right else f"WRONG: got {p.title_found!r}, want {p.title_labelled!r}"
        )
        print(
            f"{p.slug:24s} {p.split:7s} {p.kind:14s} {p.lines:5d} "
            f"{p.removed:5d}/{p.boilerplate:<5d}{pct(p.removed, p.boilerplate)} "
            f"{p.kept:5d}/{p.content:<5d}{pct(p.kept, p.content)}  {title[:120]}"
        )


def print_errors(scores: Scores, examples: int = 3) -> None:
    rules: Counter[str] = Counter()
    samples: dict[str, list[str]] = {}
    for p in scores.pages:
        for line_no, rule, text in p.false_removals:
            rules[rule] += 1
            samples.setdefault(rule, [])
            if len(samples[rule]) < examples:
                samples[rule].append(f"{p.slug}:{line_no} {text[:70]}")
    print(f"\nContent lines removed, by category/rule ({sum(rules.values())} of {scores.content}):")
    for rule, count in rules.most_common():
        print(f"  {count:5d}  {rule}")
        for sample in samples[rule]:
            print(f"           {sample}")
    classes: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for p in scores.pages:
        classes.update(p.classes)
        missed.update(cls for _, cls, _ in p.misses)
    print("\nBoilerplate removed, by labelled class:")
    for cls, total in classes.most_common():
        print(f"  {cls:14s} {total - missed[cls]:5d}/{total:<5d} {pct(total - missed[cls], total)}")
    wrong = [p for p in scores.pages if not p.title_right]
    print(f"\nWrong titles ({len(wrong)} of {scores.titled}):")
    for p in wrong:
        print(
            f"  {p.slug:24s} got {str(p.title_found)[:50]!r}  want {str(p.title_labelled)[:50]!r}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--split",
        choices=("dev", "heldout", "all"),
        default=None,
        help="only this split in --pages/--errors (the summary shows all three)",
    )
    parser.add_argument("--pages", action="store_true", help="a row per page")
    parser.add_argument("--errors", action="store_true", help="what went wrong, by rule and class")
    args = parser.parse_args(argv)
    if not P.CORPORA.is_dir():
        sys.exit(f"corpora not found at {P.CORPORA}; this benchmark reads ../shared/corpora")
    try:
        everything = score("all")
    except ValueError as error:
        sys.exit(str(error))
    by_split = {
        name: Scores(name, [p for p in everything.pages if p.split == name]) for name in P.SPLITS
    }
    by_split["all"] = everything
    print_summary([by_split["dev"], by_split["heldout"], everything])
    chosen = by_split[args.split or "all"]
    if args.pages:
        print_pages(chosen)
    if args.errors:
        print_errors(chosen)


if __name__ == "__main__":
    main()
