"""Tally pass 1's edge-line keys per site: the frequent lines, as one process counts them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..data import FileFailure, ReadTask
from ..read.text import folder_of
from .workers import Scanned


@dataclass(frozen=True, slots=True)
class FrequentLines:
    """Pass 1's result.

    Attributes:
        frequent: each site's frequent edge-line keys.
        edges: each document's site and edge-line keys (by id): a speculative
            run's sample, the ``--resume`` manifest.
        sites: the sites of each task's documents (by task number), where pass 1
            learnt them (a file's site is known without reading it).
        counts: how many documents of each site hold each key.
        speculative: the folders whose lines pass 2 counts instead.
        speculative_records: whether pass 2 counts the lines of the records' sites.

    """

    frequent: dict[str, frozenset[int]]
    edges: dict[str, tuple[str, list[int]]]
    sites: dict[int, frozenset[str]]
    counts: Counter[tuple[str, int]] = field(default_factory=Counter)
    speculative: frozenset[str] = frozenset()
    speculative_records: bool = False


NOTHING = FrequentLines({}, {}, {})


def frequent_keys(counts: Mapping[tuple[str, int], int], minimum: int) -> dict[str, frozenset[int]]:
    """Return, per site, the keys counted in at least ``minimum`` documents."""
    frequent: dict[str, set[int]] = {}
    for (site, key), count in counts.items():
        if count >= minimum:
            frequent.setdefault(site, set()).add(key)
    return {site: frozenset(keys) for site, keys in frequent.items()}


def tally_edges(
    scans: Sequence[ReadTask],
    results: Iterable[list[Scanned | FileFailure]],
    known: Mapping[str, list[int]],
    minimum: int,
) -> FrequentLines:
    """Count each task's documents' edge keys per site (and ``known`` files' per folder)."""
    counts: Counter[tuple[str, int]] = Counter()
    edges = {doc_id: (folder_of(doc_id), keys) for doc_id, keys in known.items()}
    sites: dict[int, set[str]] = {}
    for doc_id, keys in known.items():
        counts.update((folder_of(doc_id), key) for key in keys)
    for task, scanned in zip(scans, results, strict=True):
        for result in scanned:
            if isinstance(result, FileFailure):
                continue  # pass 2 reads it again and reports it once
            doc_id, site, found_keys = result
            sites.setdefault(task.number, set()).add(site)
            edges[doc_id] = (site, sorted(found_keys))
            counts.update((site, key) for key in found_keys)
    frequent = frequent_keys(counts, minimum)
    return FrequentLines(frequent, edges, {n: frozenset(s) for n, s in sites.items()}, counts)
