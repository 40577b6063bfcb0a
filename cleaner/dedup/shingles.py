"""Character n-gram shingles and their exact Jaccard similarity.

Chinese has no spaces between words, so characters are the natural unit; white
space is removed before shingling, so line breaks and spacing never matter.
"""

from __future__ import annotations


def shingle_set(text: str, size: int) -> set[str]:
    """Return the character n-grams of a text, white space removed.

    A text shorter than ``size`` is its own single shingle, so short lines still
    compare equal to themselves.

    >>> sorted(shingle_set("医保惠民", 3))
    ['保惠民', '医保惠']
    >>> shingle_set("医保", 3)
    {'医保'}
    """
    compact = "".join(text.split())
    if len(compact) <= size:
        return {compact} if compact else set()
    return {compact[i : i + size] for i in range(len(compact) - size + 1)}


def document_shingles(text: str, size: int) -> set[str]:
    r"""Return a document's shingles: those of each line (paragraph), together.

    Shingles do not span paragraphs, so a document's signature is the minimum of
    its paragraphs' (``document_signature``).

    >>> sorted(document_shingles("医保惠民\n工程", 3))
    ['保惠民', '医保惠', '工程']
    """
    shingles: set[str] = set()
    for line in text.split("\n"):
        shingles |= shingle_set(line, size)
    return shingles


def jaccard(first: set[str], second: set[str]) -> float:
    """Return the exact Jaccard similarity of two shingle sets.

    >>> jaccard({"a", "b"}, {"b", "c"})
    0.3333333333333333
    """
    if not first and not second:
        return 1.0
    shared = len(first & second)  # the union's size follows; building it cost as much again
    return shared / (len(first) + len(second) - shared)
