"""Normalize's ``punctuation-width`` rule: ASCII ``, ; : ? ! ( )`` to full width near CJK.

The rule, as SPEC.md states it: each convertible mark (a bracket pair counts as
one) is a node; a node converts when the nearest character on either side of
it that is not a space or a quote is CJK (a letter or full-width punctuation),
or when that neighbour is a mark of a node that converts. A pair also converts
when it holds a CJK letter; a bracket without a partner converts only when its
outer neighbour is Han. ``,`` and ``:`` directly between two digits (``1,000``,
``10:33``) are never nodes.

Most lines need none of the graph. Pass 1 judges every node on its own over the
whole text (``widen_punctuation``: regular expressions for the marks, a stack over
``str.find`` for the brackets). A conversion spreads only to a node beside a
converted one, so only the lines where a mark still ASCII stands beside CJK
context, or a bracket beside a converted bracket, are widened again as a graph
(``widen_line``). The compiled rules (``_widen.c``) build the graph of every line.
"""

from __future__ import annotations

import re

from .chars import CJK_CONTEXT, HAN, HANGUL, KANA, SKIP

CONTEXT_SKIP = frozenset(SKIP)
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
FULLWIDTH = tuple(TO_FULLWIDTH.values())
CONVERTIBLE_RE = re.compile("[,;:?!()]")
CJK_CONTEXT_RE = re.compile(f"[{CJK_CONTEXT}]")
CJK_LETTER_RE = re.compile(f"[{HAN}{KANA}{HANGUL}]")
HAN_RE = re.compile(f"[{HAN}]")

# --------------------------------------------------------------------------- whole texts

# The spaces and quotes a mark's left context may hide behind on the fast path:
# a lookbehind has a fixed width, so each width is one lookbehind.
FAST_SKIP = 3
MARKS = ",;:?!"


def _behind(mark: str, context: str, negate: bool = False) -> str:
    """Lookbehinds, one per skip width, for ``context`` before ``mark`` (matched just before)."""
    sign = "!" if negate else "="
    looks = [f"(?<{sign}[{context}][{SKIP}]{{{w}}}{mark})" for w in range(FAST_SKIP + 1)]
    return "".join(looks) if negate else "|".join(looks)


def _kept_pattern(mark: str) -> re.Pattern[str]:
    """Match ``mark`` where neither nearest non-skipped neighbour is CJK: it stays ASCII."""
    escaped = re.escape(mark)
    # The mark comes first so the regex engine can jump from mark to mark, and the
    # look to the right next: in CJK text it fails at once.
    return re.compile(
        f"{escaped}(?![{SKIP}]*[{CJK_CONTEXT}]){_behind(escaped, CJK_CONTEXT, negate=True)}"
    )


# Pass 1 judges each node on its own: in CJK text nearly every mark converts, so all
# of them are turned at once (``str.replace``; a substitution per mark is slow) into
# a stand-in, and the few without CJK context are turned back. The stand-ins are
# Unicode noncharacters (U+FDD0 on, reserved for such internal use): no CJK
# context, as the ASCII marks were not.
STAND_INS = {mark: chr(0xFDD0 + index) for index, mark in enumerate(MARKS)}
KEPT_RES = {mark: _kept_pattern(STAND_INS[mark]) for mark in MARKS}
# After pass 1 a line is widened again as a graph when a conversion may spread
# further: a mark still ASCII beside CJK context (a mark or bracket converted in
# pass 1, or CJK behind more spaces and quotes than pass 1 looks through), or a
# bracket still ASCII beside a full-width bracket (pairs converted in one step do
# not see each other). A lone bracket still ASCII beside CJK is no reason: it
# converts only on its own Han neighbour, which pass 1 looked at.
_MARK_CLASS = f"[{re.escape(MARKS)}]"
_BRACKETS = "\uff08\uff09"
GRAPH_LINE_RE = re.compile(
    # One class first, so the regex engine can jump from mark to mark.
    f"[{re.escape(MARKS)}()]"
    f"(?:(?<={_MARK_CLASS})(?:[{SKIP}]*[{CJK_CONTEXT}]|{_behind(_MARK_CLASS, CJK_CONTEXT)})"
    f"|(?<=[()])(?:[{SKIP}]*[{_BRACKETS}]|{_behind('[()]', _BRACKETS)})"
    f"|(?<=[{SKIP}]{{{FAST_SKIP + 1}}}.))"
)


def widen_punctuation(text: str) -> tuple[str, int]:
    r"""Turn ASCII ``, ; : ? ! ( )`` into full-width ones where the context is CJK.

    Works on a whole text (each line on its own) and returns it with the number
    of marks converted.

    >>> widen_punctuation("全市,(其中48.1万人)\nsaid, (twice) 10:33, 1,000")
    ('全市\uff0c\uff08其中48.1万人\uff09\nsaid, (twice) 10:33, 1,000', 3)
    """
    widened, changes, found = text, 0, False
    for mark in MARKS:
        if mark in text:
            widened, converted = _widen_mark(widened, mark)
            changes, found = changes + converted, True
    if "(" in text or ")" in text:
        widened, converted = _widen_brackets(widened)
        changes, found = changes + converted, True
    if found and GRAPH_LINE_RE.search(widened):
        widened, changes = _with_graph_lines(text, widened, changes)
    return widened, changes


def _widen_mark(text: str, mark: str) -> tuple[str, int]:
    """Convert every ``mark`` that has a CJK neighbour, judging each on its own."""
    stand_in = STAND_INS[mark]
    if stand_in in text:  # not this way: the graph pass widens the lines of these marks
        return text, 0
    count = text.count(mark)
    text, kept = KEPT_RES[mark].subn(mark, text.replace(mark, stand_in))
    return text.replace(stand_in, TO_FULLWIDTH[mark]), count - kept


def _widen_brackets(text: str) -> tuple[str, int]:
    """Convert the brackets of ``text`` that convert on their own: pairs and lone ones."""
    converted = _brackets_converting(text)
    if not converted:
        return text, 0
    parts, done = [], 0
    for position in sorted(converted):
        parts += [text[done:position], TO_FULLWIDTH[text[position]]]
        done = position + 1
    parts.append(text[done:])
    return "".join(parts), len(converted)


def _brackets_converting(text: str) -> list[int]:
    """Return the positions of the brackets that convert, each judged on its own.

    Brackets pair up line by line as a stack pairs them (the innermost first); a
    pair converts on a CJK letter inside or CJK context outside, a lone bracket
    on a Han neighbour outside.
    """
    opening, closing = text.find("("), text.find(")")
    converted: list[int] = []
    stack: list[int] = []
    line_end = -1  # the line break closing the current line (its stack's line)
    while opening != -1 or closing != -1:
        position = opening if closing == -1 or (opening != -1 and opening < closing) else closing
        if position > line_end:  # a new line: brackets still open there are lone
            converted += [p for p in stack if _neighbour_is(HAN_RE, text, p - 1, -1)]
            stack = []
            line_end = text.find("\n", position)
            line_end = len(text) if line_end == -1 else line_end
        if position == opening:
            stack.append(position)
            opening = text.find("(", position + 1)
            continue
        closing = text.find(")", position + 1)
        if not stack:
            if _neighbour_is(HAN_RE, text, position + 1, 1):
                converted.append(position)
            continue
        start = stack.pop()
        if (
            CJK_LETTER_RE.search(text, start + 1, position)
            or _neighbour_is(CJK_CONTEXT_RE, text, start - 1, -1)
            or _neighbour_is(CJK_CONTEXT_RE, text, position + 1, 1)
        ):
            converted += (start, position)
    return converted + [p for p in stack if _neighbour_is(HAN_RE, text, p - 1, -1)]


def _neighbour_is(pattern: re.Pattern[str], text: str, index: int, step: int) -> bool:
    """Tell whether the nearest character from ``index`` on that is not skipped matches."""
    while 0 <= index < len(text) and text[index] in CONTEXT_SKIP:
        index += step
    return 0 <= index < len(text) and pattern.match(text, index) is not None


def _with_graph_lines(text: str, widened: str, changes: int) -> tuple[str, int]:
    """Redo the lines of ``text`` that need the graph with ``widen_line``; fix the count.

    Widening maps characters one for one, so a line has the same span in both texts.
    """
    parts: list[str] = []
    done = 0
    for match in GRAPH_LINE_RE.finditer(widened):
        start = text.rfind("\n", 0, match.start()) + 1
        if start < done:
            continue  # a line already redone
        end = text.find("\n", match.end())
        end = len(text) if end == -1 else end
        line, count = widen_line(text[start:end])
        fast = widened[start:end]
        changes += count - sum(fast.count(m) - text.count(m, start, end) for m in FULLWIDTH)
        parts += [widened[done:start], line]
        done = end
    parts.append(widened[done:])
    return "".join(parts), changes


# --------------------------------------------------------------------------- one line, as a graph

# (member positions, context positions, converts on its own, converts through context)
PunctNode = tuple[tuple[int, ...], tuple[int, ...], bool, bool]


def widen_line(line: str) -> tuple[str, int]:
    """Widen one line by building its graph of marks: exact for every line, and slow.

    Each convertible mark (a bracket pair counts as one) is a node; a node converts
    when a context character is CJK, or when its context is another node that
    converts. Spreading conversions through the graph in one go is what makes
    the rule reach its fixed point in a single call.
    """
    if not CONVERTIBLE_RE.search(line):
        return line, 0
    nodes = _punct_nodes(line)
    converted = [intrinsic for _, _, intrinsic, _ in nodes]
    if not any(converted):  # nothing to spread from: no mark converts
        return line, 0
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
    """Build the nodes of ``widen_line``: marks, bracket pairs, lone brackets."""
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
