r"""A user's boilerplate rules: ``[[rules]]`` tables of a settings file, checked and printed.

Each table becomes a :class:`~cleaner.config.LineRule`, the type of the built-in
rules, so a user's rule is tried, reported and explained like a built-in one.
Pure: TOML values in, rules out; rules in, TOML text out.

>>> rules = parse_rules([{"class": "footer", "reason": "icp", "pattern": "^ICP"}], "a.toml")
>>> rules[0].category, rules[0].rule, rules[0].where
('footer', 'icp', 'line')
>>> print(render_rules(rules), end="")
<BLANKLINE>
[[rules]]
class = "footer"
reason = "icp"
pattern = '^ICP'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from difflib import get_close_matches
from typing import Any

from ...config import ZONE_CHOICES, LineRule
from ...errors import UsageProblem

# TOML key -> (LineRule field, Python type, what the value must be).
RULE_KEYS: dict[str, tuple[str, type, str]] = {
    "class": ("category", str, "a string in quotes"),
    "reason": ("rule", str, "a string in quotes"),
    "pattern": ("pattern", str, "a string in quotes (a regular expression)"),
    "where": ("where", str, "one of " + ", ".join(f'"{zone}"' for zone in ZONE_CHOICES)),
    "zone-lines": ("zone_lines", int, "a whole number"),
    "max-chars": ("max_chars", int, "a whole number"),
    "sentences": ("sentences", bool, "true or false"),
}
REQUIRED_KEYS = ("class", "reason", "pattern")
DEFAULTS = {f.name: f.default for f in fields(LineRule)}


def parse_rules(value: Any, source: str) -> tuple[LineRule, ...]:
    """Check the ``rules`` value of a settings file and build its rules, in file order.

    Raises:
        UsageProblem: naming the file, the rule (by number and reason) and the
            problem: a missing or unknown key, a wrong type, a bad pattern, or a
            class and reason that two rules share.

    >>> parse_rules([{"class": "footer", "reason": "icp"}], "a.toml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cleaner.errors.UsageProblem: a.toml: rule 1 ('icp'): pattern is missing (every rule ...)

    """
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise UsageProblem(
            f"{source}: rules must be an array of tables: write each rule as a [[rules]] "
            "table (or [[tool.cleaner.rules]] in pyproject.toml)"
        )
    rules: list[LineRule] = []
    seen: set[tuple[str, str]] = set()
    for number, table in enumerate(value, start=1):
        rule = _parse_rule(table, f"{source}: rule {number} ({table.get('reason', '?')!r})")
        if (rule.category, rule.rule) in seen:
            raise UsageProblem(
                f"{source}: rule {number}: class {rule.category!r} with reason {rule.rule!r} "
                "is already used by an earlier rule; give each rule its own reason, so a "
                "removed line can be traced to it"
            )
        seen.add((rule.category, rule.rule))
        rules.append(rule)
    return tuple(rules)


def _parse_rule(table: dict[str, Any], where: str) -> LineRule:
    """Build one rule from its table, or raise a UsageProblem prefixed with ``where``."""
    arguments: dict[str, Any] = {}
    for key, value in table.items():
        if key not in RULE_KEYS:
            close = get_close_matches(key.replace("_", "-"), list(RULE_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UsageProblem(
                f"{where}: unknown key {key!r}{hint}; a rule has {', '.join(RULE_KEYS)}"
            )
        name, kind, wanted = RULE_KEYS[key]
        fits = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
        if not fits:
            raise UsageProblem(f"{where}: {key} must be {wanted}, not {value!r}")
        arguments[name] = value
    missing = [key for key in REQUIRED_KEYS if RULE_KEYS[key][0] not in arguments]
    if missing:
        raise UsageProblem(
            f"{where}: {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing "
            f"(every rule needs {', '.join(REQUIRED_KEYS[:-1])} and {REQUIRED_KEYS[-1]})"
        )
    try:
        return LineRule(**arguments)
    except ValueError as error:
        raise UsageProblem(f"{where}: {error}") from error


def render_rules(rules: Sequence[LineRule], origin: str | None = None) -> str:
    """Render rules as ``[[rules]]`` tables (keys left at their defaults are omitted).

    Patterns are printed as TOML literal strings when they can be, so that a
    regular expression reads as it was written (no doubled backslashes).
    """
    text = ""
    for rule in rules:
        text += f"\n[[rules]]{f'  # {origin}' if origin else ''}\n"
        for key, (name, _, _) in RULE_KEYS.items():
            value = getattr(rule, name)
            if key in REQUIRED_KEYS or value != DEFAULTS[name]:
                text += f"{key} = {_render(value, literal=key == 'pattern')}\n"
    return text


def _render(value: Any, literal: bool) -> str:
    """Render a rule's value as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if literal and "'" not in text and text.isprintable():
        return f"'{text}'"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(ch if ch.isprintable() else _escape(ch) for ch in escaped) + '"'


def _escape(char: str) -> str:
    """Escape a character TOML does not allow raw in a string (a control character)."""
    code = ord(char)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"
