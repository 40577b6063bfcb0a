"""Building blocks of the HTML report: escaping, side-by-side diffs and SVG bar charts.

Pure functions that return HTML fragments; ``page.py`` puts them on a page.
Everything is inline (no fonts, images or scripts from elsewhere) so the page
works offline and from a CI artifact.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from html import escape

# Identical lines shown around a difference; longer identical runs are folded.
DIFF_CONTEXT_LINES = 1
# Lines shown at the top of two texts that are identical throughout.
DIFF_PREVIEW_LINES = 3
# A side-by-side view stops after this many rows (the JSON report has the rest).
DIFF_MAX_ROWS = 300
# Past this many characters a line pair is not compared character by character.
DIFF_MAX_LINE_CHARS = 2000
CHART_WIDTH = 560
CHART_LABEL_WIDTH = 150
CHART_BAR_HEIGHT = 20
CHART_GAP = 6

Numbered = Sequence[tuple[int, str]]


def esc(text: object) -> str:
    """Escape text for HTML content and attribute values.

    >>> esc('<a href="x">&</a>')
    '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'
    """
    return escape(str(text), quote=True)


def highlight_pair(left: str, right: str) -> tuple[str, str]:
    """Return both lines as HTML with the characters that differ wrapped in ``<mark>``.

    >>> highlight_pair("收入12亿元", "收入15亿元")
    ('收入1<mark class="del">2</mark>亿元', '收入1<mark class="ins">5</mark>亿元')
    """
    if len(left) + len(right) > DIFF_MAX_LINE_CHARS:
        return f'<mark class="del">{esc(left)}</mark>', f'<mark class="ins">{esc(right)}</mark>'
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    out_left: list[str] = []
    out_right: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out_left.append(esc(left[i1:i2]))
            out_right.append(esc(right[j1:j2]))
            continue
        if i2 > i1:
            out_left.append(f'<mark class="del">{esc(left[i1:i2])}</mark>')
        if j2 > j1:
            out_right.append(f'<mark class="ins">{esc(right[j1:j2])}</mark>')
    return "".join(out_left), "".join(out_right)


def _row(left: tuple[int, str] | None, right: tuple[int, str] | None, kind: str) -> str:
    cells = []
    for side in (left, right):
        if side is None:
            cells.append('<td class="ln"></td><td class="tx empty"></td>')
        else:
            cells.append(f'<td class="ln">{side[0]}</td><td class="tx">{side[1]}</td>')
    return f'<tr class="{kind}">{"".join(cells)}</tr>'


def _changed_rows(left: Numbered, right: Numbered) -> list[str]:
    """Rows for a replaced run: lines paired in order, the surplus on one side."""
    rows = []
    for index in range(max(len(left), len(right))):
        a = left[index] if index < len(left) else None
        b = right[index] if index < len(right) else None
        if a is not None and b is not None:
            html_a, html_b = highlight_pair(a[1], b[1])
            rows.append(_row((a[0], html_a), (b[0], html_b), "chg"))
        elif a is not None:
            rows.append(_row((a[0], f'<mark class="del">{esc(a[1])}</mark>'), None, "del"))
        elif b is not None:
            rows.append(_row(None, (b[0], f'<mark class="ins">{esc(b[1])}</mark>'), "ins"))
    return rows


def _equal_rows(left: Numbered, right: Numbered, first: bool, last: bool) -> list[str]:
    """Rows for an identical run, folded to its context lines."""
    pairs = list(zip(left, right, strict=True))
    # Context goes next to a difference; identical texts show their first lines.
    keep_head = DIFF_PREVIEW_LINES if first and last else 0 if first else DIFF_CONTEXT_LINES
    keep_tail = 0 if last else DIFF_CONTEXT_LINES
    if len(pairs) <= keep_head + keep_tail + 1:
        return [_row((a[0], esc(a[1])), (b[0], esc(b[1])), "eq") for a, b in pairs]
    head, tail = pairs[:keep_head], pairs[len(pairs) - keep_tail :]
    folded = len(pairs) - keep_head - keep_tail
    rows = [_row((a[0], esc(a[1])), (b[0], esc(b[1])), "eq") for a, b in head]
    rows.append(
        f'<tr class="fold"><td colspan="4">\u2026 {folded} identical line(s) \u2026</td></tr>'
    )
    rows += [_row((a[0], esc(a[1])), (b[0], esc(b[1])), "eq") for a, b in tail]
    return rows


def side_by_side(left: Numbered, right: Numbered, titles: tuple[str, str]) -> str:
    """Return an HTML table showing two numbered texts side by side, differences marked."""
    matcher = SequenceMatcher(None, [t for _, t in left], [t for _, t in right], autojunk=False)
    opcodes = matcher.get_opcodes()
    rows: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            first, last = index == 0, index == len(opcodes) - 1
            rows += _equal_rows(left[i1:i2], right[j1:j2], first, last)
        else:
            rows += _changed_rows(left[i1:i2], right[j1:j2])
    if len(rows) > DIFF_MAX_ROWS:
        hidden = len(rows) - DIFF_MAX_ROWS
        rows = rows[:DIFF_MAX_ROWS]
        rows.append(
            f'<tr class="fold"><td colspan="4">\u2026 {hidden} more row(s) \u2026</td></tr>'
        )
    head = f'<tr><th colspan="2">{esc(titles[0])}</th><th colspan="2">{esc(titles[1])}</th></tr>'
    body = "".join(rows)
    return f'<table class="diff" lang="zh-Hans"><thead>{head}</thead><tbody>{body}</tbody></table>'


def bar_chart(title: str, bars: Sequence[tuple[str, int, str]], chart_id: str) -> str:
    """Return an inline SVG horizontal bar chart of (label, value, colour) bars."""
    if not bars:
        return f'<figure id="{chart_id}"><figcaption>{esc(title)}</figcaption><p>None.</p></figure>'
    top = max(value for _, value, _ in bars) or 1
    room = CHART_WIDTH - CHART_LABEL_WIDTH - 50
    height = len(bars) * (CHART_BAR_HEIGHT + CHART_GAP) + CHART_GAP
    parts = []
    for index, (label, value, colour) in enumerate(bars):
        y = CHART_GAP + index * (CHART_BAR_HEIGHT + CHART_GAP)
        width = max(1, round(room * value / top))
        middle = y + CHART_BAR_HEIGHT / 2
        parts.append(
            f'<g class="bar" data-label="{esc(label)}" data-value="{value}">'
            f"<title>{esc(label)}: {value}</title>"
            f'<text x="{CHART_LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="middle">{esc(label)}</text>'
            f'<rect x="{CHART_LABEL_WIDTH}" y="{y}" width="{width}" '
            f'height="{CHART_BAR_HEIGHT}" fill="{colour}" rx="3"></rect>'
            f'<text x="{CHART_LABEL_WIDTH + width + 6}" y="{middle}" '
            f'dominant-baseline="middle">{value}</text></g>'
        )
    svg = (
        f'<svg role="img" aria-label="{esc(title)}" '
        f'width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}">'
        + "".join(parts)
        + "</svg>"
    )
    return f'<figure id="{chart_id}"><figcaption>{esc(title)}</figcaption>{svg}</figure>'
