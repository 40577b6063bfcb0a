"""Numbers are facts: a fuzz suite of page lines holding every kind of number (issue 16).

A line is built from segments, each drawn as one integer (so hypothesis shrinks a
failure to its fewest and simplest segments): text, a number of some kind (dates,
times, ranges, ratios and scores, fractions, signed numbers, thousands,
percentages, IDs, phone numbers, versions), or a list of them parted by white
space. Each line is written twice: *canonical*, every number compact and in
ASCII, and *scraped*, the way pages hold it: some numbers with their digits spaced
out (by spaces, tabs, odd spaces, zero-width spaces; around a point or a
full-width point), some in full-width digits, odd spaces and invisible characters
about, CJK text and punctuation around.

The truth is read from the canonical line, by this module's own rule (never the
normalizer's): a number is a run of digits with points between digits (``2021``,
``7.95``, ``1.2.3``). That is how SPEC.md reads numbers once each number's own
spaced digits are joined. Digits are never added, dropped or reordered, so the
k-th digit of the normalized line is the k-th digit of the canonical one, and we
know its number. For every config:

- no number read in the normalized line holds digits of two numbers (two numbers
  never merge);
- each number, read in the normalized line from its first digit to its last with
  white space left out, is the number written (a number's own spaced digits may
  stay spaced; nothing else comes between them, no point is lost or added);
- normalizing again changes nothing.

The scraped line is fair: it never parts two numbers by white space alone unless
the canonical line does so in a list that SPEC.md keeps apart (numbers of two
characters or more, ``714.9 48.1``; compounds, ``3:1 2:0``); it never spaces out a
number beside such a gap, nor puts a space beside the separator of one (``06-3
8:38`` written ``0 6 -3 8: 3 8`` is, character for character, the spaced-out
``06-38:38``: no reader can tell them apart). CI runs a fixed 300 examples;
``CLEANER_FUZZ_EXAMPLES=1000000`` searches afresh with that many.
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass, field

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner.clean.normalize import normalize_text
from cleaner.data import NormalizeConfig

EXAMPLES = int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "300"))
SEARCH = "CLEANER_FUZZ_EXAMPLES" in os.environ
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not SEARCH,  # CI: the same examples every run; a search: no database to grow
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CONFIGS = [
    NormalizeConfig(punctuation=punctuation, cjk_spacing=spacing)
    for punctuation in ("cjk", "ascii", "keep")
    for spacing in ("remove", "keep")
]

NUMBER_RE = re.compile("[0-9]+(?:\\.[0-9]+)*")
WHITE_RE = re.compile("\\s+")
FULL_WIDTH = str.maketrans(
    "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff0e", "0123456789."
)
TO_FULL_WIDTH = str.maketrans(
    "0123456789.", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff0e"
)

# What a page puts between spaced digits or in a list: spaces of every kind.
GAPS = [" ", " ", " ", "  ", "\t", "\u00a0", "\u3000", "\u2002", "\u200b", " \u00a0"]
# Invisible characters put between a number's own digits. Not U+200B: between two
# digits that one parts them as a space does, so it is a gap (GAPS), not an invisible.
INVISIBLE = ["\u2060", "\ufeff", "\x07", "\x9f"]
HAN = "全市医保人年月日万亿元件天岁的了是在和比分相差至到约达增长同比其中工作报告"
CJK_PUNCT = list(
    "\uff0c\u3002\u3001\uff1b\uff1a\u201c\u201d\uff08\uff09\u3010\u3011\u300a\u300b\uff01\uff1f"
)
ASCII_PUNCT = list(",;:?!()\"'|>-/")
WORDS = ["DRG", "HIS", "GDP", "a.b", "https://a.b", "CPI", "x"]
UNITS = [
    "%",
    "\u2030",
    "\uff05",
    "\u2103",
    "\u4e07\u4eba",
    "\u4ebf\u5143",
    "\u5e74",
    "\u5929",
    "\u4e2a",
    "\u2031",
]


@dataclass
class Line:
    """A line being built: canonical tokens, each ``(kind, text)``."""

    tokens: list[tuple[str, str]] = field(default_factory=list)

    def add(self, kind: str, text: str) -> None:
        self.tokens.append((kind, text))


# --------------------------------------------------------------------------- numbers


def integer(rng: random.Random, low: int = 1, high: int = 8) -> str:
    size = rng.randint(low, high)
    return str(rng.randint(10 ** (size - 1) if size > 1 else 0, 10**size - 1))


def decimal(rng: random.Random) -> str:
    return f"{integer(rng, 1, 5)}.{integer(rng, 1, 3)}"


def plain(rng: random.Random) -> str:
    return integer(rng) if rng.random() < 0.6 else decimal(rng)


def compound(line: Line, numbers: list[str], separators: list[str]) -> None:
    for index, number in enumerate(numbers):
        if index:
            line.add("sep", separators[(index - 1) % len(separators)])
        line.add("num", number)


def add_item(line: Line, rng: random.Random, listed: bool = False) -> None:
    """Add one number of some kind; in a list, only kinds SPEC.md keeps apart there."""
    kinds = ["score", "fraction", "range", "date", "thousands", "long"] if listed else KINDS
    kind = rng.choice(kinds)
    if kind == "long":  # a number of two characters or more: `714.9 48.1`
        line.add("num", rng.choice([integer(rng, 2, 6), decimal(rng)]))
    elif kind == "score":
        compound(line, [integer(rng, 1, 2), integer(rng, 1, 2)], [rng.choice(":\uff1a\u6bd4-")])
    elif kind == "ratio":
        compound(line, [decimal(rng), "1"], [":"])
    elif kind == "fraction":
        compound(line, [integer(rng, 1, 2), integer(rng, 1, 2)], ["/"])
    elif kind == "range":
        compound(
            line,
            [plain(rng), plain(rng)],
            [rng.choice(["-", "~", "\uff5e", "\u2014", "\u2013", "\u81f3", "\u5230"])],
        )
        if rng.random() < 0.5:
            line.add("text", rng.choice(UNITS))
    elif kind == "date":
        year, month, day = (
            str(rng.randint(1949, 2030)),
            f"{rng.randint(1, 12):02d}",
            str(rng.randint(1, 28)),
        )
        style = rng.randrange(5)
        if style == 0:
            compound(line, [year, month, day], ["-"])
        elif style == 1:
            compound(line, [year, month.lstrip("0"), day], ["/"])
        elif style == 2:
            line.add("num", f"{year}.{month}.{day}")
        elif style == 3:
            compound(line, [year, month.lstrip("0"), day], ["\u5e74", "\u6708"])
            line.add("text", "\u65e5")
        else:
            compound(line, [month, day], ["-"])
    elif kind == "time":
        parts = [f"{rng.randint(0, 23):02d}", f"{rng.randint(0, 59):02d}"]
        parts += [f"{rng.randint(0, 59):02d}"] if rng.random() < 0.3 else []
        if rng.random() < 0.3:
            compound(line, parts[:2], ["\u65f6"])
            line.add("text", "\u5206")
        else:
            compound(line, parts, [":"])
    elif kind == "signed":
        line.add("text", rng.choice(["-", "+", "\u2212"]))
        line.add("num", plain(rng))
    elif kind == "thousands":
        compound(
            line,
            [integer(rng, 1, 3)] + [f"{rng.randint(0, 999):03d}" for _ in range(rng.randint(1, 3))],
            [","],
        )
    elif kind == "percent":
        line.add("num", plain(rng))
        line.add("text", rng.choice(["%", "\u2030", "\uff05", "\u2031"]))
    elif kind == "id":
        line.add("text", rng.choice(["No.", "ID:", "\u4eacICP\u5907", "AB", "\u7f16\u53f7"]))
        line.add("num", integer(rng, 6, 12))
        if rng.random() < 0.5:
            line.add("text", "\u53f7")
            line.add("sep", "-")
            line.add("num", integer(rng, 1, 1))
    elif kind == "phone":
        style = rng.randrange(3)
        if style == 0:
            compound(line, ["0" + integer(rng, 2, 3), integer(rng, 7, 8)], ["-"])
        elif style == 1:
            compound(line, ["400", integer(rng, 3, 3), integer(rng, 4, 4)], ["-"])
        else:  # `138 0013 8000`: groups of several digits, kept apart
            for index, number in enumerate(
                [integer(rng, 3, 3), f"{rng.randint(0, 9999):04d}", f"{rng.randint(0, 9999):04d}"]
            ):
                if index:
                    line.add("gap", " ")
                line.add("num", number)
    elif kind == "version":
        line.add("text", rng.choice(["v", "V", "\u7248\u672c"]))
        line.add("num", ".".join(str(rng.randint(0, 12)) for _ in range(rng.randint(2, 3))))
    else:  # a number with its unit, or alone
        line.add("num", plain(rng))
        if rng.random() < 0.6:
            line.add("text", rng.choice(UNITS))


KINDS = [
    "plain",
    "score",
    "ratio",
    "fraction",
    "range",
    "date",
    "time",
    "signed",
    "thousands",
    "percent",
    "id",
    "phone",
    "version",
]


def text(rng: random.Random) -> str:
    """A stretch of page text without digits, never made of white space and points only."""
    parts = []
    for _ in range(rng.randint(1, 6)):
        draw = rng.random()
        if draw < 0.45:
            parts.append(rng.choice(HAN))
        elif draw < 0.6:
            parts.append(rng.choice(CJK_PUNCT))
        elif draw < 0.72:
            parts.append(rng.choice(ASCII_PUNCT))
        elif draw < 0.82:
            parts.append(rng.choice(WORDS))
        elif draw < 0.9:
            parts.append(rng.choice(UNITS))
        else:
            parts.append(" ")
    joined = "".join(parts)
    return joined if joined.strip(" .") else joined + rng.choice(HAN)


def build(seeds: list[int]) -> Line:
    """Build a line (or a few) from one integer per segment."""
    line = Line()
    for seed in seeds:
        rng = random.Random(seed)
        draw = rng.random()
        last = line.tokens[-1][0] if line.tokens else "text"
        if draw < 0.35 or last in ("num", "sep", "gap") and draw < 0.8:
            line.add("text", text(rng))
        elif draw < 0.8:
            add_item(line, rng)
        elif draw < 0.95:
            for index in range(rng.randint(2, 3)):
                if index:
                    line.add("gap", " ")
                add_item(line, rng, listed=True)
        else:
            line.add("text", "\n")
    return line


# --------------------------------------------------------------------------- the scraped form


def scrape(line: Line, rng: random.Random) -> tuple[str, str]:
    """Return the canonical and the scraped text of ``line``."""
    tokens = line.tokens
    canonical = "".join(token for _, token in tokens)
    out = []
    spaced = [False] * len(tokens)

    def beside_gap(index: int) -> bool:
        return any(
            0 <= near < len(tokens) and tokens[near][0] == "gap" for near in (index - 1, index + 1)
        )

    for index, (kind, token) in enumerate(tokens):
        if kind == "num" and len(token) > 1 and not beside_gap(index) and rng.random() < 0.35:
            spaced[index] = True
    for index, (kind, token) in enumerate(tokens):
        if kind == "num":
            out.append(render_number(token, spaced[index], rng))
        elif kind == "gap":
            out.append(rng.choice(GAPS))
        elif kind == "sep" and (beside_gap(index - 1) or beside_gap(index + 1)):
            # No space beside this one: `06-3 8:38` spaced as `0 6 -3 8: 3 8` reads as the
            # spaced-out compound `06-38:38`, the same characters as the lists' own.
            out.append(token)
        elif kind == "sep":
            pad = rng.random()
            before = " " if pad < 0.15 or (spaced[index - 1] and pad < 0.4) else ""
            after = " " if 0.1 < pad < 0.25 or (spaced[index + 1] and 0.3 < pad < 0.6) else ""
            out.append(before + token + after)
        else:
            out.append(
                WHITE_RE.sub(lambda _: rng.choice(GAPS[:-2]), token) if token != "\n" else token
            )
    scraped = "".join(out)
    if rng.random() < 0.3:  # indentation and trailing blanks
        scraped = (
            rng.choice(["  ", "\u3000\u3000", "\t"])
            + scraped
            + rng.choice(["", " ", "\u2002 \u2002"])
        )
    return canonical, scraped


def render_number(number: str, spaced: bool, rng: random.Random) -> str:
    """Write one number: compact, full-width, or spaced out (around a point of either width)."""
    if rng.random() < 0.12:
        number = number.translate(TO_FULL_WIDTH)
    if rng.random() < 0.1:  # an invisible character between two of its own digits
        cut = rng.randrange(1, len(number)) if len(number) > 1 else 0
        if cut:
            number = number[:cut] + rng.choice(INVISIBLE) + number[cut:]
    if not spaced:
        return number
    gap = rng.choice(GAPS)
    if number.count(".") == 1 and rng.random() < 0.5:  # `2 2 \uff0e4`: the point glued on
        whole, fraction = number.split(".")
        return gap.join(whole) + gap + "\uff0e" + gap.join(fraction)
    return gap.join(number)


# --------------------------------------------------------------------------- the check


def owners_of_digits(canonical: str) -> tuple[list[str], list[int]]:
    """Return the numbers of the canonical text and, for each of its digits, its number."""
    numbers, owners = [], []
    for index, match in enumerate(NUMBER_RE.finditer(canonical)):
        numbers.append(match.group())
        owners += [index] * sum(ch.isdigit() for ch in match.group())
    return numbers, owners


def check_numbers_kept(canonical: str, scraped: str, config: NormalizeConfig) -> None:
    out = normalize_text(scraped, config).text
    assert normalize_text(out, config).text == out, "not idempotent"
    numbers, owners = owners_of_digits(canonical)
    read = out.translate(FULL_WIDTH)
    positions = [index for index, ch in enumerate(read) if "0" <= ch <= "9"]
    assert [read[i] for i in positions] == [ch for ch in canonical if ch.isdigit()], (
        "digits changed"
    )
    owner_at = dict(zip(positions, owners, strict=True))
    for match in NUMBER_RE.finditer(read):
        merged = {owner_at[i] for i in range(*match.span()) if i in owner_at}
        assert len(merged) == 1, (
            f"numbers {sorted(numbers[o] for o in merged)} merged: {match.group()!r}"
        )
    for owner, number in enumerate(numbers):
        mine = [i for i, o in zip(positions, owners, strict=True) if o == owner]
        assert WHITE_RE.sub("", read[mine[0] : mine[-1] + 1]) == number, f"number {number} broken"


segments = st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=12)


@FUZZ
@given(segments, st.integers(0, 2**32 - 1), st.sampled_from(CONFIGS))
@example([0], 0, NormalizeConfig())
def test_numbers_survive_normalization(
    seeds: list[int], render_seed: int, config: NormalizeConfig
) -> None:
    canonical, scraped = scrape(build(seeds), random.Random(render_seed))
    check_numbers_kept(canonical, scraped, config)


# The issues' reproductions, as canonical and scraped pairs through the same check.
@FUZZ
@given(st.sampled_from(GAPS), st.sampled_from(CONFIGS))
def test_issue_16_lists_survive_with_every_gap(gap: str, config: NormalizeConfig) -> None:
    for canonical in [
        "\u6bd4\u52063:1 2:0",
        "1/2 3/4",
        "3-1 2-0",
        "\u76f8\u5dee1~2 3~4\u5929",
        "9/9 3,436,433\u4ebf\u5143",
    ]:
        check_numbers_kept(canonical, canonical.replace(" ", gap), config)


def test_the_generator_writes_every_kind_and_spaces_numbers_out() -> None:
    """The suite cannot pass by generating nothing to find."""
    rng = random.Random(7)
    kinds, spaced, fullwidth, lists = set(), 0, 0, 0
    for _ in range(3000):
        seeds = [rng.getrandbits(32) for _ in range(rng.randint(1, 12))]
        line = build(seeds)
        canonical, scraped = scrape(line, random.Random(rng.getrandbits(32)))
        spaced += bool(re.search("[0-9][ \t\u00a0\u3000\u2002\u200b]+[0-9\uff0e.]", scraped))
        fullwidth += "\uff10" <= max(scraped, default="a") or any(
            "\uff10" <= ch <= "\uff19" for ch in scraped
        )
        lists += any(kind == "gap" for kind, _ in line.tokens)
        kinds.update(token for kind, token in line.tokens if kind == "sep")
    assert spaced > 500 and fullwidth > 100 and lists > 300
    assert {":", "/", "-", "~", ",", "\u2014", "\u81f3", "\u6bd4", "\u5e74"} <= kinds
