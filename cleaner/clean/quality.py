"""Spot signs of damaged text that cleaning cannot repair, for the report.

Pure: the kept lines of a document in, warnings out. The tool never edits what it
cannot know; it says where a person should look.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from ..data import Line, QualityWarning

# A unit of quantity written straight after a word, its figure gone: "收入亿元",
# "降幅%", "达到 万人" (the scraper dropped numbers rendered as images or spans).
# A bare 亿 counts only before punctuation: "辽化亿方" is a company's name.
UNITS = (
    "\u4ebf\u5143",
    "\u4e07\u5143",
    "\u4e07\u4eba\u6b21",
    "\u4e07\u4eba",
    "\u4e07\u6237",
    "\u4ebf(?![\u4e00-\u9fff])",
    "%",
)
MISSING_FIGURE_RE = re.compile("(?P<before>[\u4e00-\u9fff]) ?(?P<unit>" + "|".join(UNITS) + ")")
# The characters a unit starts with: a match of MISSING_FIGURE_RE starts one or two
# characters before one of them.
UNIT_START_RE = re.compile("[\u4ebf\u4e07%]")
# Characters that legitimately stand before a unit: numerals and words of amount
# ("数万人", "上亿元", "近亿元", "20余万元" is caught by the digit itself).
AMOUNT_WORDS = frozenset(
    "\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u5343\u4e07\u4ebf"
    "\u4e24\u96f6\u3007\u51e0\u591a\u4f59\u6570\u4e0a\u8fd1\u8d85\u903e\u7ea6\u8fc7\u767e\u5206"
)
# The words before the unit are kept in the warning: enough to find the spot.
CONTEXT_CHARS = 6
# Degenerate input (issue 18): a line this long is a page without line breaks
# or generated junk; a person should look before it goes into a corpus.
ENORMOUS_LINE_CHARS = 100_000
# A line at least this long that is mostly one sentence, repeated at least
# REPEATED_SENTENCE_MIN_COUNT times, is one sentence repeated.
REPEATED_SENTENCE_MIN_LINE_CHARS = 1_000
REPEATED_SENTENCE_MIN_COUNT = 10
REPEATED_SENTENCE_MIN_SHARE = 0.5
SENTENCE_END_RE = re.compile("(?<=[\u3002\uff01\uff1f!?.])")
SHOWN_CHARS = 40


def find_quality_warnings(lines: Sequence[Line]) -> tuple[QualityWarning, ...]:
    """Return a warning for each unit that has lost its figure.

    >>> found = find_quality_warnings([Line(3, "职工医保基金收入亿元、支出亿元")])
    >>> [(w.line_no, w.text[-4:]) for w in found]
    [(3, '\u6536\u5165\u4ebf\u5143'), (3, '\u652f\u51fa\u4ebf\u5143')]
    >>> find_quality_warnings([Line(1, "结余5亿元，上亿元投入")])
    ()
    """
    warnings = []
    for line in lines:
        text = line.text
        if len(text) >= REPEATED_SENTENCE_MIN_LINE_CHARS:
            warnings += _degenerate_line(line)
        # Most lines have none of the characters a unit starts with: three fast
        # scans skip them (the characters of ``UNIT_START_RE``).
        if "\u4ebf" not in text and "\u4e07" not in text and "%" not in text:
            continue
        for match in _missing_figures(text):
            if match.group("before") in AMOUNT_WORDS:
                continue
            start = max(0, match.start("unit") - CONTEXT_CHARS)
            warnings.append(
                QualityWarning(line.line_no, "unit-without-figure", text[start : match.end()])
            )
    return tuple(warnings)


def _degenerate_line(line: Line) -> list[QualityWarning]:
    r"""Flag a line that is enormous, or one sentence repeated.

    >>> [(w.kind, w.text) for w in _degenerate_line(Line(1, "\u597d\u3002" * 600))]
    [('repeated-sentence', '\u597d\u3002 (600 times)')]
    """
    text, found = line.text, []
    if len(text) > ENORMOUS_LINE_CHARS:
        shown = f"{text[:SHOWN_CHARS]}\u2026 ({len(text)} characters)"
        found.append(QualityWarning(line.line_no, "enormous-line", shown))
    sentences = Counter(s for s in SENTENCE_END_RE.split(text) if s)
    if not sentences:
        return found
    sentence, count = sentences.most_common(1)[0]
    share = count * len(sentence) / len(text)
    if count >= REPEATED_SENTENCE_MIN_COUNT and share >= REPEATED_SENTENCE_MIN_SHARE:
        shown = f"{sentence[:SHOWN_CHARS]} ({count} times)"
        found.append(QualityWarning(line.line_no, "repeated-sentence", shown))
    return found


def _missing_figures(text: str) -> Iterator[re.Match[str]]:
    """Yield the matches of ``MISSING_FIGURE_RE.finditer(text)``, found from the units.

    The pattern opens with a Han character, so ``finditer`` tries a match at
    nearly every character; trying only one and two characters before each
    unit start, in order and never inside the previous match, finds the same
    matches much faster.

    >>> text = "\u6536\u5165\u4ebf\u5143\uff0c\u5341\u4e07 \u4e07\u4eba"
    >>> [m.span() for m in _missing_figures(text)] == [
    ...     m.span() for m in MISSING_FIGURE_RE.finditer(text)]
    True
    """
    end = 0
    for unit in UNIT_START_RE.finditer(text):
        for start in (unit.start() - 2, unit.start() - 1):
            if start < end:
                continue
            match = MISSING_FIGURE_RE.match(text, start)
            if match:
                end = match.end()
                yield match
                break
