r"""Decide, from a document's signals, whether a run that asked for filters keeps it.

Pure: :class:`~cleaner.clean.signals.Signals` and a :class:`FilterConfig` in,
``None`` (kept) or a :class:`Rejection` naming the signal, its value and the
threshold out. Every filter is off by default: cleaning alone never drops a
document for what it is. A filter switched on without a value takes the default
of ``FILTERS`` (each default's source is in ``docs/config.md``).

>>> from cleaner.clean.signals import measure_signals
>>> config = parse_filters(["min_cjk_share", "lang=zh"])
>>> config.min_cjk_share, config.lang
(0.3, ('zh',))
>>> check_signals(measure_signals("The market is open today."), config)
Rejection(signal='language', value='en', threshold='zh', rule='lang')
>>> check_signals(measure_signals("全市参保714.9万人，同比增长3.2%。"), config) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from difflib import get_close_matches
from typing import Any, Literal

from .signals import Signals

Bound = Literal["min", "max"]
FINEWEB = "FineWeb-2 cmn_Hani"
CONTROLS = "clean controls"
LANGUAGE_RE = re.compile("^[a-z]{2,3}$")


@dataclass(frozen=True, slots=True)
class Filter:
    """One filter: the signal it reads, which side of the threshold keeps, its default.

    ``source`` says where the default comes from (``docs/config.md`` cites each).
    """

    name: str
    signal: str
    bound: Bound
    default: float
    source: str


# A new filter is one row here and one field of FilterConfig. Repetition defaults:
# the published value where it keeps the clean controls with a quarter to spare,
# else a quarter above the most repetitive control (benchmarks/bench_filter_defaults.py,
# docs/config.md): FineWeb-2 counts n-grams of words, these are of characters.
FILTERS: tuple[Filter, ...] = (
    Filter("min_cjk_share", "cjk_share", "min", 0.3, "ChineseWebText"),
    Filter("min_chars", "chars", "min", 200, "ChineseWebText"),
    Filter("min_mean_line_chars", "mean_line_chars", "min", 10, "ChineseWebText"),
    Filter("max_duplicate_line_share", "duplicate_line_share", "max", 0.287, FINEWEB),
    Filter("max_duplicate_line_char_share", "duplicate_line_char_share", "max", 0.2, "Gopher"),
    Filter("max_top_2gram_share", "top_2gram_share", "max", 0.256, FINEWEB),
    Filter("max_top_3gram_share", "top_3gram_share", "max", 0.201, FINEWEB),
    Filter("max_top_4gram_share", "top_4gram_share", "max", 0.24, CONTROLS),
    Filter("max_duplicate_5gram_share", "duplicate_5gram_share", "max", 0.5, CONTROLS),
    Filter("max_duplicate_6gram_share", "duplicate_6gram_share", "max", 0.32, CONTROLS),
    Filter("max_duplicate_7gram_share", "duplicate_7gram_share", "max", 0.25, CONTROLS),
    Filter("max_duplicate_8gram_share", "duplicate_8gram_share", "max", 0.2, CONTROLS),
    Filter("max_duplicate_9gram_share", "duplicate_9gram_share", "max", 0.17, CONTROLS),
    Filter("max_duplicate_10gram_share", "duplicate_10gram_share", "max", 0.14, CONTROLS),
)
BY_NAME = {f.name: f for f in FILTERS}
LANG = "lang"
DEFAULT_LANGUAGES = ("zh",)
# Names that switch on a group of filters at their defaults.
GROUPS: dict[str, tuple[str, ...]] = {
    "repetition": tuple(f.name for f in FILTERS if f.bound == "max"),
}
NAMES = (*BY_NAME, LANG, *GROUPS)


@dataclass(frozen=True, slots=True)
class FilterConfig:
    """Which documents a run drops for what they are; every filter off (None) by default.

    Attributes:
        lang: keep only documents whose language is one of these codes (``zh``, ``en``).
        min_cjk_share, min_chars, min_mean_line_chars: drop documents below.
        max_*: drop documents above (the repetition signals).

    """

    lang: tuple[str, ...] = ()
    min_cjk_share: float | None = None
    min_chars: float | None = None
    min_mean_line_chars: float | None = None
    max_duplicate_line_share: float | None = None
    max_duplicate_line_char_share: float | None = None
    max_top_2gram_share: float | None = None
    max_top_3gram_share: float | None = None
    max_top_4gram_share: float | None = None
    max_duplicate_5gram_share: float | None = None
    max_duplicate_6gram_share: float | None = None
    max_duplicate_7gram_share: float | None = None
    max_duplicate_8gram_share: float | None = None
    max_duplicate_9gram_share: float | None = None
    max_duplicate_10gram_share: float | None = None

    def __post_init__(self) -> None:
        for code in self.lang:
            if not LANGUAGE_RE.match(code):
                raise ValueError(
                    f"filter lang: {code!r} is not a language code; use ISO 639-1 codes "
                    "such as zh, en, ja, separated by commas"
                )
        for spec in FILTERS:
            value = getattr(self, spec.name)
            if value is not None and value < 0:
                raise ValueError(f"filter {spec.name} must be >= 0, not {value}")

    @property
    def enabled(self) -> bool:
        """Tell whether any filter is on."""
        return bool(self.lang) or any(getattr(self, f.name) is not None for f in FILTERS)

    def active(self) -> dict[str, Any]:
        """Return the filters that are on, by name, with their thresholds."""
        values: dict[str, Any] = {LANG: list(self.lang)} if self.lang else {}
        values.update(
            {f.name: getattr(self, f.name) for f in FILTERS if getattr(self, f.name) is not None}
        )
        return values


assert {f.name for f in fields(FilterConfig)} == {*BY_NAME, LANG}, "one field per filter row"


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a document was filtered: the signal, its value and the threshold it crossed."""

    signal: str
    value: float | str
    threshold: float | str
    rule: str


def check_signals(signals: Signals, config: FilterConfig) -> Rejection | None:
    """Return the first filter a document fails (in ``FILTERS`` order, language first), or None.

    >>> from cleaner.clean.signals import measure_signals
    >>> check_signals(measure_signals("好好学习。" * 50), FilterConfig(max_top_2gram_share=0.256))
    Rejection(signal='top_2gram_share', value=0.4, threshold=0.256, rule='max_top_2gram_share')
    """
    if config.lang and signals.language not in config.lang:
        return Rejection("language", signals.language, ",".join(config.lang), LANG)
    for spec in FILTERS:
        threshold = getattr(config, spec.name)
        if threshold is None:
            continue
        value = getattr(signals, spec.signal)
        failed = value < threshold if spec.bound == "min" else value > threshold
        if failed:
            return Rejection(spec.signal, value, threshold, spec.name)
    return None


def parse_filters(entries: Iterable[str], base: FilterConfig = FilterConfig()) -> FilterConfig:
    """Turn ``--filter`` entries (``name`` or ``name=value``) into a configuration over ``base``.

    Raises:
        ValueError: an unknown name (with the closest known one) or a bad value.

    >>> parse_filters(["repetition"]).max_top_2gram_share
    0.256
    >>> parse_filters(["lang=zh,ja", "min_chars=500"]).active()
    {'lang': ['zh', 'ja'], 'min_chars': 500.0}

    """
    values: dict[str, Any] = {}
    for entry in entries:
        name, has_value, text = entry.partition("=")
        name = name.strip().replace("-", "_")
        values.update(_entry_values(name, text.strip() if has_value else None))
    return replace(base, **values)


def filters_from_table(table: Mapping[str, Any], source: str) -> FilterConfig:
    """Read the ``[filters]`` table of a settings file (``min_cjk_share = 0.3``, ``lang = ["zh"]``).

    ``true`` switches a filter on at its default, ``false`` leaves it off.

    Raises:
        ValueError: the message names the file and the key.

    >>> table = {"lang": ["zh"], "repetition": True, "min_chars": 300}
    >>> filters_from_table(table, "f.toml").min_chars
    300.0

    """
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        try:
            if value is False:
                continue
            if value is True:
                values.update(_entry_values(name, None))
            elif name == LANG and isinstance(value, list):
                values.update(_entry_values(name, ",".join(str(v) for v in value)))
            elif isinstance(value, (int, float, str)) and not isinstance(value, bool):
                values.update(_entry_values(name, str(value)))
            else:
                raise ValueError(f"filter {key} must be true, a number or a list of languages")
        except ValueError as error:
            raise ValueError(f"{source} [filters]: {error}") from error
    return FilterConfig(**values)


def _entry_values(name: str, text: str | None) -> dict[str, Any]:
    """Return the configuration fields one entry sets."""
    if name in GROUPS:
        if text is not None:
            raise ValueError(
                f"filter {name} takes no value; it switches on {', '.join(GROUPS[name])}"
            )
        return {member: BY_NAME[member].default for member in GROUPS[name]}
    if name == LANG:
        codes = DEFAULT_LANGUAGES if text is None else tuple(c.strip() for c in text.split(","))
        return {LANG: tuple(code for code in codes if code)}
    if name not in BY_NAME:
        close = get_close_matches(name, NAMES, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"unknown filter {name!r}{hint}; the filters are: {', '.join(NAMES)}")
    if text is None:
        return {name: float(BY_NAME[name].default)}
    try:
        return {name: float(text)}
    except ValueError:
        raise ValueError(f"filter {name} needs a number, not {text!r} (e.g. {name}=0.3)") from None
