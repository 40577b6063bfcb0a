"""Pass 1: which short edge lines recur across a site's documents (the corpus-frequent lines).

A line counts when at least ``corpus_min_docs`` documents of its site hold it
among their first or last ``corpus_zone_lines`` lines. A site is the folder of
a file, or the domain of a record's URL: a footer counts where it is a
template, and one site's headings never make another site's text boilerplate.
Pass 1 reads the documents to count them before pass 2 cleans any; a folder
with fewer files than the minimum cannot have a frequent line, and its files
are not read twice (a crawl with a folder per article has no pass 1 at all).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from ..data import ReadTask
from ..read.readers import READERS
from ..read.text import folder_of
from .counts import NOTHING, FrequentLines
from .local import Engine
from .workers import RunState


def count_frequent_lines(
    tasks: Sequence[ReadTask],
    state: RunState,
    engine: Engine,
    known: Mapping[str, list[int]],
) -> FrequentLines:
    """Count edge lines per site over every document that may have a frequent line.

    ``known`` gives the edge keys of files a resumed run does not read again.
    """
    minimum = state.config.boilerplate.corpus_min_docs
    if not state.config.boilerplate.enabled or minimum == 0:
        return NOTHING
    scans = _scans(tasks, minimum, known)
    if not scans and not known:
        return NOTHING
    return engine.count_edges(scans, state, known)


def _scans(
    tasks: Iterable[ReadTask], minimum: int, known: Mapping[str, list[int]]
) -> list[ReadTask]:
    """Return what pass 1 reads: every task of records, and the files of large enough folders.

    A file counts toward its folder whether it is read again or not (``known``).
    """
    tasks = list(tasks)
    per_folder: Counter[str] = Counter(
        folder_of(path)
        for task in tasks
        if READERS[task.reader].one_per_file
        for path in task.paths
    )
    scans = []
    for task in tasks:
        if not READERS[task.reader].one_per_file:
            scans.append(task)
            continue
        paths = tuple(
            (path, name)
            for path, name in zip(task.paths, task.names or task.paths, strict=True)
            if per_folder[folder_of(path)] >= minimum and path not in known
        )
        if paths:
            read, names = zip(*paths, strict=True)
            scans.append(replace(task, paths=read, names=names))
    return scans
