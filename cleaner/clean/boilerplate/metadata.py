"""Read a document's metadata from the lines boilerplate stripping removed.

Dates become ISO 8601, "来源：" gives the source, the text before the first field
of a site line gives the site name and domain, bylines give the author and photo
captions the photographer. Pure:
removed lines in, :class:`~cleaner.data.Metadata` out.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...data import Metadata, Removal
from . import rules as R

# The rule name of a label-like line removed beside page furniture; a metadata
# label with no value takes its value from such a line right below it.
BESIDE_RULE = "label-beside-boilerplate"
SITE_BESIDE_RULE = "site-name-beside-boilerplate"
VALUE_RULES = frozenset({BESIDE_RULE, SITE_BESIDE_RULE})
# Brackets and marks around a field ("（来源：青海日报）"): never a site name.
FIELD_PUNCTUATION = "()\uff08\uff09[]\u3010\u3011|\uff5c"


def byline_names(text: str) -> list[str] | None:
    """Return the reporters' names of a byline line, or None if it is not one.

    >>> byline_names("\u5927\u4f17\u7f51\u8bb0\u8005 \u5f20\u949f\u96ef \u67a3\u5e84\u62a5\u9053")
    ['\u5f20\u949f\u96ef']
    """
    # ``SENTENCE_END_RE.search(text)`` without trying every position ("$" may
    # stand before a final newline).
    if len(text) > R.BYLINE_MAX_CHARS or text.removesuffix("\n")[-1:] in R.SENTENCE_END_CHARS:
        return None
    short = R.SHORT_BYLINE_RE.match(text)
    if short:
        return short.group("names").split()
    tokens = text.strip("()\uff08\uff09").split()
    if len(tokens) < 2 or not R.BYLINE_ROLE_RE.match(tokens[0]):
        return None
    names = tokens[1:]
    report = R.BYLINE_REPORT_RE.match(names[-1])
    if report:
        names = names[:-1]
        if report.group("name") and not names:
            names = [report.group("name")]
    if not names or not all(R.PERSON_NAME_RE.match(name) for name in names):
        return None
    return names


def caption_credit(text: str) -> list[str] | None:
    """Return the photographer's names of a photo caption, or None if it is not one.

    Names spaced out as print layouts do ("林 君") are one name.

    >>> caption_credit("\u4f5c\u62a5\u544a\u3002\u672c\u62a5\u8bb0\u8005 \u6797 \u541b\u6444")
    ['\u6797\u541b']
    >>> caption_credit("\u4f1a\u8bae\u53ec\u5f00\u3002\u8bb0\u8005\u4e86\u89e3\u5230") is None
    True
    """
    if len(text) > R.CAPTION_MAX_CHARS or not R.CREDIT_END_RE.match(text.rstrip()[-1:]):
        return None
    match = R.CAPTION_CREDIT_RE.search(text)
    if not match:
        return None
    credit = R.CREDIT_PREFIX_RE.sub("", match.group("credit"), count=1)
    names = credit.rstrip("\uff09) ").removesuffix("\u6444").split()
    if names and all(len(name) == 1 for name in names):
        names = ["".join(names)]
    return names or None


def read_metadata(
    removed: Sequence[Removal], title: str | None, raw_lines: Sequence[str] | None = None
) -> Metadata:
    """Read date, source, site, domain, author and URL from removed lines.

    The first value found wins, in line order, so the page header's values are
    preferred over a repeated footer's.
    """
    fields: dict[str, str] = {}
    by_line = {r.line_no: r for r in removed if not r.partial}
    for removal in removed:
        text = removal.text.strip()
        if raw_lines is not None and not removal.partial:
            text = " ".join(raw_lines[removal.line_no - 1].split())
        if removal.category == "metadata":
            value_line = by_line.get(removal.line_no + 1)
            if text[-1:] in ":\uff1a" and value_line and value_line.rule in VALUE_RULES:
                # "来源：" / "四川日报": the value was scraped onto the next line.
                text = f"{text}{value_line.text.strip()}"
            for key, value in _metadata_fields(text).items():
                fields.setdefault(key, value)
        elif removal.category == "byline":
            names = byline_names(text)
            if names:
                fields.setdefault("author", " ".join(names))
            for key, value in _metadata_fields(text).items():  # "编辑：何继红"
                fields.setdefault(key, value)
        elif removal.category == "caption":
            names = caption_credit(text)
            if names:
                fields.setdefault("photographer", " ".join(names))
        url = R.URL_RE.search(text)
        if url and removal.category != "duplicate":
            fields.setdefault("url", url.group(0))
    return Metadata(
        title=title,
        date=fields.get("date"),
        source=fields.get("source"),
        site=fields.get("site"),
        domain=fields.get("domain"),
        author=fields.get("author"),
        url=fields.get("url"),
        photographer=fields.get("photographer"),
    )


def _metadata_fields(text: str) -> dict[str, str]:
    """Parse the labelled fields of one metadata line."""
    fields: dict[str, str] = {}
    date = iso_date(text)
    if date:
        fields["date"] = date
    matches = list(R.META_LABEL_RE.finditer(text))
    for position, match in enumerate(matches):
        end = matches[position + 1].start() if position + 1 < len(matches) else len(text)
        value = _unbracket(text[match.end() : end].strip(" |\uff5c\u3000"))
        label = match.group(1)
        if not value:
            continue
        if label.endswith("\u6765\u6e90"):  # 来源
            fields.setdefault("source", value)
        elif label in ("\u4f5c\u8005", "\u7f16\u8f91", "\u8d23\u4efb\u7f16\u8f91"):
            fields.setdefault("author", value)
    if matches and matches[0].start() > 0:
        for token in text[: matches[0].start()].split():
            token = token.strip(FIELD_PUNCTUATION)
            if not token:
                continue
            if R.DOMAIN_RE.match(token.lower()):
                fields.setdefault("domain", token.lower())
            elif not R.URL_RE.match(token):
                fields.setdefault("site", token)
    return fields


def _unbracket(value: str) -> str:
    """Drop a closing bracket left from a bracketed field ("（来源：青海日报）").

    >>> _unbracket("\u9752\u6d77\u65e5\u62a5\uff09")
    '\u9752\u6d77\u65e5\u62a5'
    >>> _unbracket("\u4eba\u6c11\u7f51\uff08\u5317\u4eac\uff09")
    '\u4eba\u6c11\u7f51\uff08\u5317\u4eac\uff09'
    """
    if value[-1:] in ")\uff09\u3011]" and not any(ch in value for ch in "(\uff08\u3010["):
        return value[:-1].rstrip()
    return value


def iso_date(text: str) -> str | None:
    """Return the first date (and time) of a text in ISO 8601, or None.

    >>> iso_date("发布时间：2023-01-20 10:33")
    '2023-01-20T10:33'
    >>> iso_date("时间：2022年6月28日")
    '2022-06-28'
    """
    for match in R.DATE_RE.finditer(text):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        date = f"{year:04d}-{month:02d}-{day:02d}"
        if match["hour"] is not None:
            hour, minute = int(match["hour"]), int(match["minute"])
            if hour <= 23 and minute <= 59:
                date += f"T{hour:02d}:{minute:02d}"
                if match["second"] is not None:
                    date += f":{int(match['second']):02d}"
        return date
    return None
