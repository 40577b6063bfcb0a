r"""Settings files: the options of ``clean`` as TOML keys, checked, merged and printed.

A settings file holds the long option names of ``clean IN OUT`` as keys
(``threshold = 0.85``, ``corpus-min-docs = 0``, ``block-dedup = false``) and the
user's boilerplate rules as ``[[rules]]`` tables (see ``clean/boilerplate/user_rules.py``), either
at the top level of its own file (``clean --config FILE``) or in a
``[tool.cleaner]`` table of ``pyproject.toml``. A flag given on the command line
beats the file, and the file beats the built-in default.

Pure: TOML text in, checked values out; values in, TOML text out. The CLI reads
the file and knows which flags were given.

>>> specs = settings_from_options([(("--threshold",), {"type": float, "default": 0.8})])
>>> parse_settings("threshold = 0.85", "recipe.toml", specs, required=True).values
{'threshold': 0.85}
>>> print(render_settings(specs, {"threshold": 0.85}, {}), end="")
# The effective settings of clean: use them with `clean --config FILE`,
# or put them under [tool.cleaner] in pyproject.toml.
threshold = 0.85
"""

from __future__ import annotations

import math
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

import click

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - tomllib is in the standard library from 3.11
    import tomli as tomllib

from .clean.boilerplate.user_rules import parse_rules
from .clean.filters import FilterConfig, filters_from_table
from .config import LineRule
from .errors import UsageProblem

PYPROJECT = "pyproject.toml"
HEADER = (
    "# The effective settings of clean: use them with `clean --config FILE`,\n"
    "# or put them under [tool.cleaner] in pyproject.toml.\n"
)
# The key of the user's boilerplate rules: an array of tables, not an option.
RULES_KEY = "rules"
# The key of the document filters (issue 18): a table, ``[filters]``, not an option.
FILTERS_KEY = "filters"
# The TOML basic-string escapes that have a short form.
SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


@dataclass(frozen=True, slots=True)
class Setting:
    """One option a settings file may set.

    Attributes:
        key: the key in the file: the long option name without its dashes
            (``corpus-min-docs``; ``boilerplate`` for ``--boilerplate/--no-boilerplate``).
        name: the command's parameter it sets (``corpus_min_docs``).
        kind: the Python type the TOML value must have: ``bool``, ``int``, ``float``
            (an integer is accepted) or ``str``.
        choices: the allowed strings, when the option takes one of a few.
        default: the built-in default; ``None`` when the option is unset by default.

    """

    key: str
    name: str
    kind: type
    choices: tuple[str, ...] = ()
    default: Any = None


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    """The checked values of a settings file, by parameter name, and where they came from."""

    source: str
    values: dict[str, Any]
    rules: tuple[LineRule, ...] = ()
    filters: FilterConfig | None = None


def settings_from_options(
    options: Iterable[tuple[tuple[str, ...], Mapping[str, Any]]],
) -> tuple[Setting, ...]:
    """Describe the settings that click options given as ``(flags, keyword arguments)`` make.

    >>> settings_from_options([(("--format", "output_format"), {"default": "text"})])
    (Setting(key='format', name='output_format', kind=<class 'str'>, choices=(), default='text'),)
    >>> settings_from_options([(("--block-dedup/--no-block-dedup",), {"default": True})])[0].kind
    <class 'bool'>
    """
    settings = []
    for flags, arguments in options:
        long_flag = next(flag for flag in flags if flag.startswith("--"))
        key = long_flag.split("/")[0][2:]
        name = next((flag for flag in flags if flag.isidentifier()), key.replace("-", "_"))
        option_type = arguments.get("type", bool if "/" in long_flag else str)
        choices: tuple[str, ...] = ()
        if isinstance(option_type, click.Choice):
            kind: type = str
            choices = tuple(str(choice) for choice in option_type.choices)
        elif option_type in (bool, int, float):
            kind = option_type
        else:  # a path, a glob, an index location: text
            kind = str
        settings.append(Setting(key, name, kind, choices, arguments.get("default")))
    return tuple(settings)


def parse_settings(
    text: str, path: str, settings: Sequence[Setting], required: bool
) -> LoadedSettings | None:
    r"""Read and check the settings of a TOML document.

    A document with a ``[tool]`` table (a ``pyproject.toml``) holds its settings
    in ``[tool.cleaner]``; any other document holds them at its top level. When
    ``required`` is false (the ``pyproject.toml`` found in the working directory),
    a document without settings gives ``None``; when it is true (``--config``),
    a ``pyproject.toml`` without ``[tool.cleaner]`` is an error.

    Raises:
        UsageProblem: the TOML is broken, a key is unknown or a value has the
            wrong type; the message names the file and the key.

    >>> specs = (Setting("seed", "seed", int, (), 1),)
    >>> parse_settings("[tool.cleaner]\nseed = 7", "pyproject.toml", specs, False).values
    {'seed': 7}
    >>> parse_settings("[project]\nname = 'x'", "pyproject.toml", specs, False) is None
    True
    >>> parse_settings("sed = 7", "recipe.toml", specs, True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cleaner.errors.UsageProblem: recipe.toml: unknown setting 'sed' (did you mean 'seed'?); ...

    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageProblem(f"{path}: not valid TOML: {error}") from error
    tool = document.get("tool")
    if isinstance(tool, dict):
        table = tool.get("cleaner")
        source = f"{path} [tool.cleaner]"
        if table is None:
            if required:
                raise UsageProblem(
                    f"{path} has no [tool.cleaner] table: put the settings under "
                    "[tool.cleaner], or at the top level of a file of their own"
                )
            return None
        if not isinstance(table, dict):
            raise UsageProblem(f"{path}: tool.cleaner must be a table ([tool.cleaner])")
    elif required:
        table, source = document, path
    else:
        return None
    by_key = {setting.key: setting for setting in settings}
    values = {}
    rules: tuple[LineRule, ...] = ()
    filters = None
    for key, value in table.items():
        if key == RULES_KEY:
            rules = parse_rules(value, source)
            continue
        if key == FILTERS_KEY:
            filters = _parse_filters(value, source)
            continue
        setting = by_key.get(key)
        if setting is None:
            raise UsageProblem(_unknown_key_message(source, key, by_key))
        values[setting.name] = check_value(setting, value, source)
    return LoadedSettings(source, values, rules, filters)


def _parse_filters(table: Any, source: str) -> FilterConfig:
    """Read the ``[filters]`` table, or raise a UsageProblem naming the file and the key."""
    if not isinstance(table, dict):
        raise UsageProblem(f"{source}: filters must be a table ([filters])")
    try:
        return filters_from_table(table, source)
    except ValueError as error:
        raise UsageProblem(str(error)) from error


def render_filters(filters: FilterConfig, origin: str | None = None) -> str:
    """Render the filters that are on as a ``[filters]`` table (nothing when none is).

    >>> print(render_filters(FilterConfig(lang=("zh",), min_cjk_share=0.3)), end="")
    <BLANKLINE>
    [filters]
    lang = ["zh"]
    min_cjk_share = 0.3
    """
    active = filters.active()
    if not active:
        return ""
    text = f"\n[{FILTERS_KEY}]{f'  # {origin}' if origin else ''}\n"
    for name, value in active.items():
        if isinstance(value, list):
            rendered = "[" + ", ".join(render_value(v) for v in value) + "]"
        else:
            rendered = render_value(value)
        text += f"{name} = {rendered}\n"
    return text


def check_value(setting: Setting, value: Any, source: str) -> Any:
    """Return ``value`` as the setting's type, or raise a UsageProblem naming the key.

    >>> check_value(Setting("threshold", "threshold", float), 1, "f.toml")
    1.0
    >>> check_value(Setting("keep", "keep", str, ("first", "longest")), "last", "f.toml")
    Traceback (most recent call last):
    ...
    cleaner.errors.UsageProblem: f.toml: keep must be one of "first", "longest", not "last"
    """
    kind = setting.kind
    if kind is bool:
        fits = isinstance(value, bool)
        wanted = "true or false"
    elif kind is int:
        fits = isinstance(value, int) and not isinstance(value, bool)
        wanted = "a whole number"
    elif kind is float:
        fits = isinstance(value, (int, float)) and not isinstance(value, bool)
        wanted = "a number"
        value = float(value) if fits else value
    else:
        fits = isinstance(value, str)
        wanted = "a string in quotes"
    if fits and setting.choices and value not in setting.choices:
        fits = False
        wanted = "one of " + ", ".join(render_value(choice) for choice in setting.choices)
    if not fits:
        raise UsageProblem(f"{source}: {setting.key} must be {wanted}, not {_describe(value)}")
    return value


def merge_settings(
    options: Mapping[str, Any], loaded: LoadedSettings | None, is_explicit: Callable[[str], bool]
) -> dict[str, Any]:
    """Put the file's values under the options, except those given on the command line.

    >>> loaded = LoadedSettings("f.toml", {"seed": 7, "threshold": 0.9})
    >>> merge_settings({"seed": 3, "threshold": 0.8}, loaded, lambda name: name == "seed")
    {'seed': 3, 'threshold': 0.9}
    """
    merged = dict(options)
    if loaded is not None:
        for name, value in loaded.values.items():
            if not is_explicit(name):
                merged[name] = value
    return merged


def render_settings(
    settings: Sequence[Setting], values: Mapping[str, Any], origins: Mapping[str, str]
) -> str:
    """Render the settings as a TOML document that ``--config`` reads back.

    A value that is not the built-in default says in a comment where it came from
    (``origins``, by parameter name); an unset option is listed as a comment.

    >>> specs = (Setting("seed", "seed", int, (), 1), Setting("index", "index_path", str))
    >>> print(render_settings(specs, {"seed": 7, "index_path": None}, {"seed": "f.toml"}))
    ... # doctest: +NORMALIZE_WHITESPACE
    # The effective settings of clean: use them with `clean --config FILE`,
    # or put them under [tool.cleaner] in pyproject.toml.
    seed = 7  # f.toml
    # index: not set
    """
    lines = []
    for setting in settings:
        value = values.get(setting.name)
        if value is None:
            lines.append(f"# {setting.key}: not set")
            continue
        line = f"{setting.key} = {render_value(value)}"
        if setting.name in origins:
            line += f"  # {origins[setting.name]}"
        lines.append(line)
    return HEADER + "".join(line + "\n" for line in lines)


def render_value(value: Any) -> str:
    r"""Render a bool, number or string as a TOML value.

    >>> render_value(True), render_value(0.85), render_value(5), render_value('**/*.htm*')
    ('true', '0.85', '5', '"**/*.htm*"')
    >>> print(render_value('a"b\\c\n\x7f'))
    "a\"b\\c\n\u007F"
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return '"' + "".join(_escape(char) for char in str(value)) + '"'


def _escape(char: str) -> str:
    """Escape one character for a TOML basic string (control characters are not allowed)."""
    if char in SHORT_ESCAPES:
        return SHORT_ESCAPES[char]
    if unicodedata.category(char) == "Cc":
        return f"\\u{ord(char):04X}"
    return char


def _describe(value: Any) -> str:
    """Say what a wrong value is, in TOML terms."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, (bool, int, float, str)):
        return render_value(value)
    return f"a date or time ({value})"


def _unknown_key_message(source: str, key: str, by_key: Mapping[str, Setting]) -> str:
    """Name the unknown key, the closest known one and the keys there are."""
    spelled = key.replace("_", "-")
    if spelled.startswith("no-") and spelled[3:] in by_key:
        hint = f" (did you mean '{spelled[3:]} = false'?)"
    else:
        close = get_close_matches(spelled, list(by_key), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
    return (
        f"{source}: unknown setting {key!r}{hint}; the keys are the long option names "
        f"of `clean`: {', '.join(by_key)}; a [{FILTERS_KEY}] table and [[{RULES_KEY}]] tables"
    )
