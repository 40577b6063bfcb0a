"""Pass 1: which short edge lines recur across a site's documents (the corpus-frequent lines).

A line counts when at least ``corpus_min_docs`` documents of its site hold it
among their first or last ``corpus_zone_lines`` lines. A site is the folder of
a file, or the domain of a record's URL: a footer counts where it is a
template, and one site's headings never make another site's text boilerplate.
Pass 1 reads the documents to count them before pass 2 cleans any. A folder
with fewer files than the minimum cannot have a frequent line, and its files
are not read twice (a crawl with a folder per article has no pass 1 at all).

Most sites have none or nearly none (the generated corpus: 3 lines in 20,000
files), and pass 1 was a sixth of a run; so a run first reads a sample:

- a large folder whose sampled files show a template (a line in at least
  ``TEMPLATE_SHARE`` of them) is read in full by pass 1; so are all records
  when their sample shows one, or when one site holds half of them (``_spread``);
- the other large folders (and records) are *speculative*: pass 2 cleans their
  documents as if their site had no frequent line and returns each one's edge
  keys; once pass 2 is done the keys are counted, and the few documents that
  hold a frequent line are cleaned again, with it (``settle``).

The output is the same either way: a document's cleaning depends on the
frequent lines only through its edge keys, so one with no frequent edge key is
cleaned the same with or without them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from ..data import Processed, ReadTask
from ..read.readers import READERS
from ..read.text import folder_of
from .counts import NOTHING, FrequentLines, frequent_keys
from .local import Engine
from .workers import RunState

# Documents sampled at the start of each large folder, and of each file of records.
SAMPLE_DOCUMENTS = 64
# A sampled line in at least this share of the sample makes the site a template.
TEMPLATE_SHARE = 0.1


def count_frequent_lines(
    tasks: Sequence[ReadTask],
    state: RunState,
    engine: Engine,
    known: Mapping[str, list[int]],
    speculate: bool,
) -> FrequentLines:
    """Count edge lines per site over every document that may have a frequent line.

    ``known`` gives the edge keys of files a resumed run does not read again.
    With ``speculate``, sites whose sample shows no template are left to pass 2.
    """
    minimum = state.config.boilerplate.corpus_min_docs
    if not state.config.boilerplate.enabled or minimum == 0:
        return NOTHING
    per_folder = _folder_sizes(tasks)
    scans = _scans(tasks, lambda path: per_folder[folder_of(path)] >= minimum, known)
    if not scans and not known:
        return NOTHING
    if not speculate:
        return engine.count_edges(scans, state, known)
    large = {folder for folder, size in per_folder.items() if size > 2 * SAMPLE_DOCUMENTS}
    samples = _samples(scans, large)
    if not samples:  # nothing large enough to be worth a sample
        return engine.count_edges(scans, state, known)
    sampled = engine.count_edges(samples, state, {})
    templates = _templated_sites(sampled.edges)
    speculative = frozenset(large - templates)
    record_sites = {
        site
        for task in samples
        if not READERS[task.reader].one_per_file
        for site in sampled.sites.get(task.number, ())
    }
    # The sampled files of the folders read in full are not read again.
    files = {path for task in samples if READERS[task.reader].one_per_file for path in task.paths}
    record_sizes = Counter(site for doc, (site, _) in sampled.edges.items() if doc not in files)
    records = not (record_sites & templates) and _spread(record_sizes)
    already = {
        doc: keys
        for doc, (_, keys) in sampled.edges.items()
        if doc in files and folder_of(doc) not in speculative
    }
    rest = _scans(
        [t for t in scans if READERS[t.reader].one_per_file or not records],
        lambda path: folder_of(path) not in speculative,
        {**known, **already},
    )
    counted = engine.count_edges(rest, state, {**known, **already})
    return replace(counted, speculative=speculative, speculative_records=records)


def settle(
    processed: Sequence[Processed], lines: FrequentLines, minimum: int
) -> tuple[dict[str, frozenset[int]], list[int]]:
    """Count the speculative documents' edge keys; say which documents to clean again.

    Returns every site's frequent keys and the run positions of the documents
    cleaned without a frequent line they hold: a speculative document with a
    frequent edge key, or any document of a site whose lines pass 2 added to.
    """
    counts = Counter(lines.counts)
    for record in processed:
        if record.edge_keys is not None:
            counts.update((record.site, key) for key in record.edge_keys)
    frequent = frequent_keys(counts, minimum)
    changed = {site for site, keys in frequent.items() if keys != lines.frequent.get(site)}
    again = [
        position
        for position, record in enumerate(processed)
        if record.site in changed
        and (record.edge_keys is None or record.edge_keys & frequent[record.site])
    ]
    return frequent, again


def _folder_sizes(tasks: Iterable[ReadTask]) -> Counter[str]:
    """Count the files of each folder (files of one document each)."""
    return Counter(
        folder_of(path)
        for task in tasks
        if READERS[task.reader].one_per_file
        for path in task.paths
    )


def _scans(
    tasks: Iterable[ReadTask], wanted: object, known: Mapping[str, list[int]]
) -> list[ReadTask]:
    """Return what pass 1 reads: every task of records, and the wanted files not known.

    ``wanted(path)`` says whether a file of one document is read.
    """
    scans = []
    for task in tasks:
        if not READERS[task.reader].one_per_file:
            scans.append(task)
            continue
        paths = tuple(
            (path, name)
            for path, name in zip(task.paths, task.names or task.paths, strict=True)
            if wanted(path) and path not in known  # type: ignore[operator]
        )
        if paths:
            read, names = zip(*paths, strict=True)
            scans.append(replace(task, paths=read, names=names))
    return scans


def _samples(scans: Sequence[ReadTask], large: set[str]) -> list[ReadTask]:
    """Return the first documents of each large folder and of each file of records."""
    taken: Counter[str] = Counter()
    seen_files: set[str] = set()
    samples = []
    for task in scans:
        if not READERS[task.reader].one_per_file:
            if task.paths[0] not in seen_files:
                seen_files.add(task.paths[0])
                samples.append(replace(task, only=tuple(range(SAMPLE_DOCUMENTS))))
            continue
        chosen = []
        for path, name in zip(task.paths, task.names or task.paths, strict=True):
            folder = folder_of(path)
            if folder in large and taken[folder] < SAMPLE_DOCUMENTS:
                taken[folder] += 1
                chosen.append((path, name))
        if chosen:
            paths, names = zip(*chosen, strict=True)
            samples.append(replace(task, paths=paths, names=names))
    return samples


def _spread(site_sizes: Counter[str]) -> bool:
    """Tell whether sampled records spread over many sites, none holding half of them.

    A site's line is frequent when ``corpus_min_docs`` of its documents hold it:
    in a site of thousands of records (a file of one site, or records with no
    URL) many lines reach that by chance, which no sample shows, and cleaning
    their documents again costs more than reading every record twice.

    >>> _spread(Counter({"a.cn": 3, "b.cn": 2, "c.cn": 2})), _spread(Counter({"": 64}))
    (True, False)
    """
    total = sum(site_sizes.values())
    return bool(total) and max(site_sizes.values()) * 2 < total


def _templated_sites(edges: Mapping[str, tuple[str, list[int]]]) -> set[str]:
    """Return the sites with a line in at least ``TEMPLATE_SHARE`` of their sampled documents."""
    documents: Counter[str] = Counter()
    counts: Counter[tuple[str, int]] = Counter()
    for site, keys in edges.values():
        documents[site] += 1
        counts.update((site, key) for key in keys)
    return {
        site
        for (site, _), count in counts.items()
        if count >= max(2, TEMPLATE_SHARE * documents[site])
    }
