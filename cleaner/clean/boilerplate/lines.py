"""What one line of a page is on its own: the per-line classifiers of ``boilerplate``.

``classify_line`` gives a line's class and rule from its text and its place
(``Position``); the rules come from the user's config, then ``rules.py``, then
the shapes checked here (decoration, page tools, metadata fields, menus, ...).
``boilerplate`` adds what lines are by their neighbours.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from ...config import LineRule
from ...data import BoilerplateConfig
from . import rules as R
from .metadata import byline_names, caption_credit
from .neighbours import is_sentence

# Where a line stands: how many non-blank lines come before and after it
# ``(from_top, from_bottom)``. A plain pair, not a named tuple: a page makes one
# per line, and ``zip`` makes them at C speed.
Position = tuple[int, int]
# Where nothing is known of a line's place, zone rules do not apply.
NOWHERE: Position = (1 << 30, 1 << 30)
DECORATION = ("decoration", "symbols-only")
CAPTION = ("caption", "photo-credit")


def line_key(line: str) -> int:
    """Return a stable 64-bit key of a line for corpus-level counting.

    Python's ``hash`` is salted per process; this is not, so counts from
    different runs and processes agree.

    >>> line_key("网站地图") == line_key("网站地图")
    True
    """
    return bytes_key(line.encode("utf-8"))


def bytes_key(data: bytes) -> int:
    """Return ``line_key`` of the text whose UTF-8 encoding is ``data``.

    >>> bytes_key("网站地图".encode("utf-8")) == line_key("网站地图")
    True
    """
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def corpus_candidate(line: str, config: BoilerplateConfig) -> bool:
    """Tell whether a line may count as a corpus-frequent template line."""
    text = line.strip()
    return (
        0 < len(text) <= config.corpus_max_line_chars
        and not is_sentence(text)
        and not any(map(str.isdigit, text))
        and not R.HEADING_RE.match(text)
        and text[-1] not in ":\uff1a"  # "各位代表：" opens the speech it belongs to
        and not text.endswith(R.OFFICE_TITLES)  # "国务院总理": the speaker of a report
    )


def classify_line(
    line: str,
    frequent_keys: frozenset[int],
    config: BoilerplateConfig,
    position: Position = NOWHERE,
) -> tuple[str, str] | None:
    """Return ``(class, rule)`` when a line on its own is boilerplate, else None.

    The user's rules come first, so what they name a line is what is reported.
    """
    text = line.strip()
    if not text:
        return None
    sentence = text[-1] in R.SENTENCE_END_CHARS  # ``is_sentence`` of a stripped line
    if config.rules:
        verdict = _first_rule(_rule_table(tuple(config.rules), sentence), text, position)
        if verdict:
            return verdict
    # A line that starts with a letter or digit is no decoration: most are done in one test.
    if not text[0].isalnum() and _is_decoration(text):
        return DECORATION
    if len(text) <= SHAPES_MAX_CHARS and (SENTENCE_SHAPES or not sentence):
        verdict = _shape_verdict(text, sentence, position)
        if verdict:
            return verdict
    # A sentence is never a candidate (``corpus_candidate`` says so): no call for most lines.
    frequent = frequent_keys and not sentence and corpus_candidate(text, config)
    if frequent and line_key(text) in frequent_keys:
        return ("corpus-frequent", "recurs-across-documents")
    return None


def _shape_verdict(text: str, sentence: bool, position: Position) -> tuple[str, str] | None:
    """Return what the built-in rules and line shapes make of a line, in their order."""
    if sentence:
        verdict = _first_rule(BUILTIN_SENTENCE_TABLE, text, position)
    else:
        verdict = _first_rule(BUILTIN_TABLE, text, position) if BUILTIN_SCREEN(text) else None
    if verdict:
        return verdict
    # Page tools and metadata fields never end like a sentence; bylines refuse one too.
    if not sentence:
        if _is_page_tools(text):
            return ("page-tools", "tool-words")
        if _is_metadata_line(text):
            return ("metadata", "labelled-fields")
        if byline_names(text) is not None:
            return ("byline", "reporter")
    if caption_credit(text) is not None:
        return CAPTION
    if not sentence and _is_menu_line(text, position):
        return ("navigation", "menu-line")
    if not sentence and _is_accessibility_blurb(text):
        return ("accessibility", "elder-mode-blurb")
    return None


def _in_zone(rule: LineRule, position: Position) -> bool:
    """Tell whether a line stands in the head or tail zone a rule of place looks at."""
    from_top, from_bottom = position
    head = from_top < rule.zone_lines and rule.where in ("head", "edges")
    tail = from_bottom < rule.zone_lines and rule.where in ("tail", "edges")
    return head or tail


# A rule with its compiled search, ready for ``_first_rule``.
RuleEntry = tuple[LineRule, Callable[[str], "re.Match[str] | None"]]


@lru_cache(maxsize=64)
def _rule_table(rules: tuple[LineRule, ...], sentence: bool) -> tuple[RuleEntry, ...]:
    """Return the rules that may remove a line (ending like a sentence or not), compiled.

    Made once per rule set, so judging a line costs no pattern lookups and skips
    the rules that never take sentences.
    """
    return tuple(
        (rule, compiled(rule.pattern).search) for rule in rules if rule.sentences or not sentence
    )


def _first_rule(
    table: tuple[RuleEntry, ...], text: str, position: Position
) -> tuple[str, str] | None:
    """Return ``(class, rule)`` of the first rule of ``table`` that removes the line."""
    for rule, search in table:
        if len(text) > rule.max_chars or (rule.where != "line" and not _in_zone(rule, position)):
            continue
        if search(text) is not None:
            return (rule.category, rule.rule)
    return None


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> re.Pattern[str]:
    """Compile a rule's pattern once per process (rules are kept as text)."""
    return re.compile(pattern)


def _screen(rules: tuple[LineRule, ...]) -> Callable[[str], object]:
    """Return a test that every line one of ``rules`` removes passes: two searches, not ten.

    The patterns that open with "^" (and have no "|" outside a group: the tests
    check) are tried together at the start of the line, the others together.
    Most lines fail both, and skip the loop over the rules.
    """
    anchored = [rule.pattern[1:] for rule in rules if rule.pattern.startswith("^")]
    floating = [rule.pattern for rule in rules if not rule.pattern.startswith("^")]
    head = re.compile("^(?:" + "|".join(f"(?:{pattern})" for pattern in anchored) + ")")
    rest = re.compile("|".join(f"(?:{pattern})" for pattern in floating) or "(?!)")
    return lambda text: head.match(text) or rest.search(text)


BUILTIN_TABLE = _rule_table(R.LINE_RULES, False)
BUILTIN_SENTENCE_TABLE = _rule_table(R.LINE_RULES, True)
BUILTIN_SCREEN = _screen(R.LINE_RULES)
# A caption credit ends in a name, "\u6444" or a bracket, never like a sentence, and no
# built-in rule takes sentences: then a sentence has no shape, and is not looked at.
SENTENCE_SHAPES = bool(BUILTIN_SENTENCE_TABLE) or any(
    R.CREDIT_END_RE.match(end) for end in R.SENTENCE_END_CHARS
)
# No built-in rule or line shape looks at a longer line: see each one's limit.
SHAPES_MAX_CHARS = max(
    *(rule.max_chars for rule in R.LINE_RULES),
    R.PAGE_TOOLS_MAX_CHARS,
    R.META_MAX_CHARS,
    R.BYLINE_MAX_CHARS,
    R.CAPTION_MAX_CHARS,
    R.MENU_MAX_CHARS,
    R.ACCESSIBILITY_MAX_CHARS,
)


def _is_menu_line(text: str, position: Position) -> bool:
    """Tell whether a line is a menu: many short words between bars, or spaces at an edge.

    >>> menu = "\u9996\u9875 | \u65b0\u95fb | \u653f\u52a1\u516c\u5f00 | \u529e\u4e8b\u670d\u52a1"
    >>> names = "\u5f20\u4e09 \u674e\u56db \u738b\u4e94 \u8d75\u516d \u5b59\u4e03"
    >>> _is_menu_line(menu, NOWHERE), _is_menu_line(names, NOWHERE)
    (True, False)
    """
    if len(text) > R.MENU_MAX_CHARS or R.TEXT_PUNCTUATION_RE.search(text):
        return False
    edge = min(position) < R.EDGE_ZONE_LINES
    tokens = [token for token in R.MENU_BAR_RE.split(text) if token]
    if len(tokens) >= 2:
        # Between bars each item is one word: "编辑 周褶褶｜排版 魏蔚" is a credit line.
        words = tokens
        needed = R.MENU_MIN_EDGE_BAR_TOKENS if edge else R.MENU_MIN_BAR_TOKENS
    elif edge:
        words = text.split()
        needed = R.MENU_MIN_EDGE_SPACE_TOKENS
    else:
        return False
    return len(words) >= needed and all(R.MENU_TOKEN_RE.match(word) for word in words)


def _is_decoration(text: str) -> bool:
    """Lines of symbols only ("··", "-----") carry no text.

    A line of Chinese sentence punctuation ("。", "》、《") is not decoration but the
    rest of a sentence that a scraper broke at a link, so it stays.

    >>> _is_decoration("\u00b7\u00b7"), _is_decoration("\u3002")
    (True, False)
    """
    if text in R.DASH_LINES:  # "——" opens a subtitle or a speaker's line: text
        return False
    # Most lines start with a letter: settle them without looping over the line.
    if text and unicodedata.category(text[0])[0] not in "PSZ":
        return False
    return all(
        unicodedata.category(ch)[0] in "PSZ" for ch in text
    ) and R.TEXT_PUNCTUATION.isdisjoint(text)


def _is_page_tools(text: str) -> bool:
    if len(text) > R.PAGE_TOOLS_MAX_CHARS:
        return False
    if not R.PAGE_TOOL_CHARS.issuperset("".join(text.split())):  # spaces are separators
        return False
    core = R.PAGE_TOOL_SEPARATORS_RE.sub("", text)
    return bool(core) and R.PAGE_TOOL_LINE_RE.fullmatch(core) is not None


def _is_metadata_line(text: str) -> bool:
    if len(text) > R.META_MAX_CHARS or (":" not in text and "\uff1a" not in text):
        return False
    labels = [m.group(1) for m in R.META_LABEL_RE.finditer(text)]
    if not labels:
        return False
    return any(label in R.STRONG_META_LABELS for label in labels) or len(labels) >= 2


def _is_accessibility_blurb(text: str) -> bool:
    # One search finds the lines with none of the words (nearly all) at once.
    if len(text) > R.ACCESSIBILITY_MAX_CHARS or not R.ACCESSIBILITY_RE.search(text):
        return False
    hits = sum(map(text.__contains__, R.ACCESSIBILITY_WORDS))
    return hits >= R.ACCESSIBILITY_MIN_WORDS
