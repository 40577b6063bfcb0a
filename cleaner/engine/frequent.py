"""Which short edge lines recur across a site's documents: the corpus-frequent lines.

A line counts when at least ``corpus_min_docs`` files of its site (folder) hold
it among their first or last ``corpus_zone_lines`` lines. Pass 1 reads every
file of a site to count them before pass 2 cleans it. Most sites have none or
nearly none (the generated corpus: 3 lines in 20,000 files), and pass 1 was 13%
of a run; so a large site is sampled first:

- a site whose sample shows a template (a line in at least ``TEMPLATE_SHARE`` of
  the sampled files) is read in full by pass 1, as before;
- any other large site is *speculative*: pass 2 cleans its files as if it had
  no frequent line, and returns each file's edge keys. Once pass 2 is done, the
  keys are counted, and the few files that hold a frequent line are cleaned
  again, with it (``settle_speculation``).

The output is the same either way. A file's cleaning depends on the frequent
lines only through its edge keys: a file with no frequent edge key is cleaned
the same with or without them (``boilerplate._line_verdicts`` looks up only the
keys of the edge zone). Only the time differs: a file cleaned twice costs four
times what pass 1 spends on it, hence the sample.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from ..data import FileFailure
from .local import EdgeCounts, Engine, frequent_keys
from .workers import Processed, RunState, site_of

# Files sampled at the start of each large site (sorted order: deterministic).
SAMPLE_FILES = 64
# A sampled line in at least this share of the sample makes the site a template.
TEMPLATE_SHARE = 0.1

Entry = tuple[int, str, Processed]


def count_frequent_lines(
    rel_paths: list[str],
    state: RunState,
    engine: Engine,
    known: dict[str, list[int]],
    speculate: bool,
) -> tuple[EdgeCounts, frozenset[str]]:
    """Pass 1: count edge lines per site; return each site's frequent keys and the failures.

    Also return the speculative sites, whose lines are counted from pass 2
    instead (only when ``speculate``). A site is the folder a file is in
    (crawls keep a site per folder): a footer counts where it is a template, and
    one site's headings never make another site's text boilerplate. ``known``
    gives the edge keys of files a resumed run does not read again; the keys
    of every file read come back for the manifest.
    """
    minimum = state.config.boilerplate.corpus_min_docs
    nothing = EdgeCounts({}, {}, {}), frozenset[str]()
    if not state.config.boilerplate.enabled or minimum == 0:
        return nothing
    by_site: dict[str, list[str]] = {}
    for rel_path in rel_paths:
        by_site.setdefault(site_of(rel_path), []).append(rel_path)
    # A site with fewer files than the minimum has no frequent line: its files are
    # not read twice (a crawl with a folder per article has no pass 1 at all).
    counted = {site: paths for site, paths in by_site.items() if len(paths) >= minimum}
    if not counted:
        return nothing
    large = {site for site, paths in counted.items() if len(paths) > 2 * SAMPLE_FILES}
    if not speculate or not large:
        return engine.count_edges(_flat(counted.values()), state, known), frozenset()
    sample = engine.count_edges(
        _flat(counted[site][:SAMPLE_FILES] for site in sorted(large)), state, {}
    )
    speculative = frozenset(large - _templates(sample.edges))
    read = [paths for site, paths in counted.items() if site not in speculative]
    # The sample's keys are not read again; those of speculative sites are not counted.
    rest = engine.count_edges(_flat(read), state, sample.edges)
    failures = {**sample.failures, **rest.failures}
    return EdgeCounts(rest.frequent, failures, rest.edges), speculative


def _flat(groups: Iterable[list[str]]) -> list[str]:
    return [path for group in groups for path in group]


def _templates(sampled: dict[str, list[int]]) -> set[str]:
    """Return the sites with a line in at least ``TEMPLATE_SHARE`` of their sampled files."""
    files: Counter[str] = Counter()
    counts: Counter[tuple[str, int]] = Counter()
    for rel_path, keys in sampled.items():
        site = site_of(rel_path)
        files[site] += 1
        counts.update((site, key) for key in keys)
    return {
        site for (site, _), count in counts.items() if count >= max(2, TEMPLATE_SHARE * files[site])
    }


def settle_speculation(
    entries: list[Entry],
    speculative: frozenset[str],
    state: RunState,
    engine: Engine,
    batch_base: int,
) -> tuple[list[Entry], list[FileFailure], dict[str, frozenset[int]]]:
    """Count the speculative sites' lines from pass 2; clean again the files that hold one.

    Return the entries with the files cleaned again in place, the files that
    failed the second time, and every site's frequent keys. The second round
    stages its texts under numbers from ``batch_base`` on, beside the first's.
    """
    counts: Counter[tuple[str, int]] = Counter()
    for _, rel_path, processed in entries:
        site = site_of(rel_path)
        if site in speculative:
            counts.update((site, key) for key in processed.edge_keys or ())
    found = frequent_keys(counts, state.config.boilerplate.corpus_min_docs)
    frequent = {**state.frequent, **found}
    again = [
        (index, rel_path)
        for index, rel_path, processed in entries
        if (processed.edge_keys or frozenset()) & found.get(site_of(rel_path), frozenset())
    ]
    if not again:
        return entries, [], frequent
    second = replace(state, frequent=frequent, speculative=frozenset(), batch_base=batch_base)
    results = engine.clean_files(again, second)
    redone = dict(zip([index for index, _ in again], results, strict=True))
    kept = []
    failures = []
    for index, rel_path, processed in entries:
        result = redone.get(index, processed)
        if isinstance(result, FileFailure):
            failures.append(result)
        else:
            kept.append((index, rel_path, result))
    return kept, failures, frequent
