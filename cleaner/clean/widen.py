"""Normalize's ``punctuation-width`` rule: ASCII ``, ; : ? ! ( )`` to full width near CJK.

Kept apart from the other rules because it is the one that reasons about a
line as a graph (marks, bracket pairs and their neighbours); the character
classes it reads are shared with ``normalize``.
"""

from __future__ import annotations

import re

# Character classes (bodies of [...]). U+3005, U+3007 (ling) and the Hangzhou
# numerals count as Han.
HAN = (
    "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
# Full-width punctuation whose neighbouring spaces are dropped. The full-width full
# stop U+FF0E is left out: next to a digit it may be a decimal point.
CJK_PUNCT = (
    "\u3001-\u3004\u3008-\u3011\u3014-\u301f\u3030\u303d"
    "\uff01-\uff0d\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
)
DIGIT_CHARS = "0123456789"

TO_FULLWIDTH = {
    ",": "\uff0c",
    ";": "\uff1b",
    ":": "\uff1a",
    "?": "\uff1f",
    "!": "\uff01",
    "(": "\uff08",
    ")": "\uff09",
}
CONVERTIBLE_RE = re.compile("[,;:?!()]")
# Context for punctuation width: a CJK letter or any full-width punctuation.
CJK_CONTEXT_RE = re.compile(f"[{HAN}{KANA}{HANGUL}{CJK_PUNCT}\uff0e]")
CJK_LETTER_RE = re.compile(f"[{HAN}{KANA}{HANGUL}]")
HAN_RE = re.compile(f"[{HAN}]")
# Looking for a neighbour skips spaces and quotes (ASCII and U+2018-201D): in
# `事件1:\u201c讲政治` the colon's context is 讲, and `said, \u201chi\u201d` stays English.
CONTEXT_SKIP = frozenset(" \"'\u201c\u201d\u2018\u2019")

# (member positions, context positions, converts on its own, converts through context)
PunctNode = tuple[tuple[int, ...], tuple[int, ...], bool, bool]


def widen_punctuation(line: str) -> tuple[str, int]:
    """Turn ASCII ``, ; : ? ! ( )`` into full-width ones where the context is CJK.

    Each convertible mark (a bracket pair counts as one) is a node; a node converts
    when a context character is CJK, or when its context is another node that
    converts. Spreading conversions through the graph in one go, instead of once
    per pass, is what makes the rule reach its fixed point in a single call.
    """
    if not CONVERTIBLE_RE.search(line):
        return line, 0
    nodes = _punct_nodes(line)
    converted = [intrinsic for _, _, intrinsic, _ in nodes]
    if not any(converted):  # nothing to spread from: no mark converts
        return line, 0
    if not all(converted):  # with all converted, there is nothing left to spread to
        _spread(nodes, converted)
    chars = list(line)
    changes = 0
    for (members, _, _, _), done in zip(nodes, converted, strict=True):
        if done:
            for position in members:
                chars[position] = TO_FULLWIDTH[chars[position]]
                changes += 1
    return "".join(chars), changes


def _spread(nodes: list[PunctNode], converted: list[bool]) -> None:
    """Convert (in ``converted``) every node whose context is a converted node's member."""
    waiting: dict[int, list[int]] = {}
    for index, (_, context, _, spreads) in enumerate(nodes):
        if spreads:
            for position in context:
                waiting.setdefault(position, []).append(index)
    queue = [index for index, done in enumerate(converted) if done]
    while queue:
        for position in nodes[queue.pop()][0]:
            for other in waiting.get(position, ()):
                if not converted[other]:
                    converted[other] = True
                    queue.append(other)


def _punct_nodes(line: str) -> list[PunctNode]:
    """Build the nodes of ``_widen_punctuation``: marks, bracket pairs, lone brackets."""
    nodes: list[PunctNode] = []
    stack: list[int] = []
    for match in CONVERTIBLE_RE.finditer(line):
        position = match.start()
        mark = match.group()
        if mark == "(":
            stack.append(position)
        elif mark == ")" and stack:
            nodes.append(_pair_node(line, stack.pop(), position))
        elif mark == ")":
            nodes.append(_lone_bracket_node(line, position, 1))
        elif not (mark in ",:" and _between_digits(line, position)):
            context = _context(line, position, -1) + _context(line, position, 1)
            nodes.append(((position,), context, _any_cjk(line, context), True))
    nodes.extend(_lone_bracket_node(line, position, -1) for position in stack)
    return nodes


def _pair_node(line: str, opening: int, closing: int) -> PunctNode:
    """Make a pair node: it converts on outer CJK context or CJK letters inside."""
    context = _context(line, opening, -1) + _context(line, closing, 1)
    inside = CJK_LETTER_RE.search(line, opening + 1, closing) is not None
    return (opening, closing), context, inside or _any_cjk(line, context), True


def _lone_bracket_node(line: str, position: int, step: int) -> PunctNode:
    """Make a lone-bracket node: it converts only when its outer neighbour is Han."""
    context = _context(line, position, step)
    han = any(HAN_RE.match(line, index) for index in context)
    return (position,), context, han, False


def _context(line: str, position: int, step: int) -> tuple[int, ...]:
    """Return the position of the nearest neighbour that is not a space or quote."""
    index = position + step
    while 0 <= index < len(line) and line[index] in CONTEXT_SKIP:
        index += step
    return (index,) if 0 <= index < len(line) else ()


def _any_cjk(line: str, positions: tuple[int, ...]) -> bool:
    """Tell whether any of ``positions`` holds a CJK letter or full-width punctuation."""
    return any(CJK_CONTEXT_RE.match(line, index) for index in positions)


def _between_digits(line: str, position: int) -> bool:
    """Tell whether ``position`` sits directly between two ASCII digits (``1,000``, ``10:33``)."""
    return (
        0 < position < len(line) - 1
        and line[position - 1] in DIGIT_CHARS
        and line[position + 1] in DIGIT_CHARS
    )
