"""The keys of the short lines at the edges of a document, for corpus-frequent lines.

Pass 1 takes them from the raw lines of a file (``edge_keys``, normalizing only
what it must); pass 2, for a speculative site, from the lines it has normalized
anyway (``zone_keys``). Both give the same keys (tests/test_pipeline.py).
"""

from __future__ import annotations

from ...data import CleanConfig
from ..normalize import TRIGGER_RES, normalize_line
from .strip import corpus_candidate, edge_zone, line_key

# The characters normalization may delete (white space, invisible and control
# characters) or change; every other character of a line is still there, one
# for one, once it is normalized (tests/test_properties.py checks this).
MAY_CHANGE_RE = TRIGGER_RES["keep"]


def edge_keys(lines: list[str], config: CleanConfig) -> frozenset[int]:
    """Return the keys of the candidate template lines in ``edge_zone`` of the normalized text.

    The same keys as normalizing the text, taking its edge zone and keeping the
    ``corpus_candidate`` lines, at a fraction of the cost: only edge lines are
    normalized, and not even those that are surely too long to be candidates.
    """
    size, limit = config.boilerplate.corpus_zone_lines, config.boilerplate.corpus_max_line_chars
    keys: set[int] = set()
    nonblank: set[int] = set()  # the lines already counted from the other end
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        taken = 0
        for index in order:
            if taken == size:
                break
            line = lines[index]
            if index in nonblank:
                taken += 1
            elif len(line) > limit and len(MAY_CHANGE_RE.sub("", line)) > limit:
                nonblank.add(index)  # too long to be a candidate, even once normalized
                taken += 1
            elif (line := normalize_line(line, config.normalize)).strip():
                nonblank.add(index)
                taken += 1
                if corpus_candidate(line, config.boilerplate):
                    keys.add(line_key(line.strip()))
    return frozenset(keys)


def zone_keys(lines: list[str], config: CleanConfig) -> frozenset[int]:
    """Return the keys of the candidate template lines in the edge zone of normalized lines.

    ``edge_keys`` of the raw lines gives the same keys (tests/test_pipeline.py).
    """
    boilerplate = config.boilerplate
    zone = edge_zone(lines, boilerplate.corpus_zone_lines)
    return frozenset(
        line_key(lines[index].strip())
        for index in zone
        if corpus_candidate(lines[index], boilerplate)
    )
