"""The scraped form of a generated corpus: its texts as crawlers dump them.

``gen_corpus.py --form scraped`` passes every document through ``scrape`` after
the corpus is built (the clean form and its truth stay what they were):

- ``\uff0c \uff1b \uff1a \uff1f \uff01 \uff08 \uff09`` written half-width, as seeds 000, 001 and 004
  write every one of them between Chinese characters;
- some numbers with their digits spaced out (``2 0 2 1``, ``7 . 9 5``), some
  with a space before the Han character that follows (``48.1 万人``) or after
  the one before, some lines indented with spaces and some ending in odd
  blanks (U+2002 and spaces);
- each document in one of ``--sites`` site folders, between that site's
  template lines: a breadcrumb and page tools above, a date and source line
  (the date is the document's own), a copyright and licence footer below,
  separated by no-break spaces as page text often is.

Every rate is measured from seeds 000, 001 and 004 when the corpus is generated
(``measure_rates``), so the form follows the seeds rather than constants.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

SCRAPED_SEEDS = ("000_", "001_", "004_")
FULL_TO_HALF = str.maketrans("\uff0c\uff1b\uff1a\uff1f\uff01\uff08\uff09", ",;:?!()")
HALF_PUNCT = ",;:?!()"
HAN = "\u4e00-\u9fff"
NUMBER_RE = re.compile("(?<![0-9.])[0-9]+(?:\\.[0-9]+)?(?![0-9])")
SPACED_NUMBER_RE = re.compile("(?<![0-9.])[0-9](?: [0-9.])+(?![0-9])")
HALF_IN_CJK_RE = re.compile(f"(?<=[{HAN}])[,;:?!()]|[,;:?!()](?=[{HAN}])")
FULL_PUNCT_RE = re.compile("[\uff0c\uff1b\uff1a\uff1f\uff01\uff08\uff09]")
TRAILING_BLANKS = "\u2002 \u2002\u2002"  # as 004 ends two of its lines
INDENT = "  "  # as 001 indents its paragraphs

PLACES = "安阳 驻马店 呼和浩特 枣庄 南阳 洛阳 包头 临沂 开封 赤峰 济宁 信阳 许昌 鄂尔多斯 泰安 周口 乌海 聊城 新乡 通辽".split()
OFFICES = "医疗保障局 人民政府 统计局 教育局 发展和改革委员会 卫生健康委员会 财政局 人力资源和社会保障局".split()
CHANNELS = "新闻中心 政务公开 信息公开 工作动态 通知公告 政策解读 部门动态 政务要闻".split()


@dataclass(frozen=True)
class ScrapeRates:
    """How often the seeds write each scraped feature (shares between 0 and 1)."""

    half_width_punct: float  # of ，；：？！（） and their ASCII twins next to Han
    spaced_number: float  # of numbers
    space_before_han: float  # of numbers followed by a Han character
    space_after_han: float  # of numbers preceded by a Han character
    indented_line: float  # of non-blank lines
    trailing_blanks: float  # of non-blank lines


@dataclass(frozen=True)
class Site:
    """One site's template lines; ``{date}`` is filled per document."""

    folder: str
    header: tuple[str, ...]
    footer: tuple[str, ...]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def measure_rates(seeds: Path) -> ScrapeRates:
    """Measure the scraped features of seeds 000, 001 and 004."""
    texts = [
        path.read_text("utf-8")
        for path in sorted(seeds.glob("*.txt"))
        if path.name.startswith(SCRAPED_SEEDS)
    ]
    text = "\n".join(texts)
    lines = [line for line in text.split("\n") if line.strip()]
    half, full = len(HALF_IN_CJK_RE.findall(text)), len(FULL_PUNCT_RE.findall(text))
    compact = re.sub("(?<=[0-9.]) (?=[0-9.])", "", text)  # spaced numbers read whole
    numbers = len(NUMBER_RE.findall(compact))
    before_han = len(re.findall(f"[0-9] ?[{HAN}]", compact))
    after_han = len(re.findall(f"[{HAN}] ?[0-9]", compact))
    return ScrapeRates(
        half_width_punct=_share(half, half + full),
        spaced_number=_share(len(SPACED_NUMBER_RE.findall(text)), numbers),
        space_before_han=_share(len(re.findall(f"[0-9] [{HAN}]", compact)), before_han),
        space_after_han=_share(len(re.findall(f"[{HAN}] [0-9]", compact)), after_han),
        indented_line=_share(sum(line[0] in " \u3000\t" for line in lines), len(lines)),
        trailing_blanks=_share(sum(line[-1] in " \u2002\u00a0" for line in lines), len(lines)),
    )


def make_sites(count: int, rng: random.Random) -> list[Site]:
    """Return ``count`` sites, each with its own template lines."""
    sites = []
    for index in range(count):
        name = f"{PLACES[index % len(PLACES)]}市{rng.choice(OFFICES)}"
        channel, sub = rng.sample(CHANNELS, 2)
        nbsp = "\u00a0"
        header = (
            f"当前位置:首页{nbsp}>{nbsp}{channel}{nbsp}>{nbsp}{sub}",
            rng.choice(["【打印】【关闭】", "【字体:大 中 小】", "朗读"]),
            f"发布时间:{{date}}{nbsp}|{nbsp}来源:{name}",
        )
        footer = (
            f"版权所有:{name} 地址:{PLACES[index % len(PLACES)]}市{rng.randint(1, 99)}号",
            f"备案号:ICP备{rng.randint(10_000_000, 99_999_999)}号-{rng.randint(1, 3)}",
        )
        sites.append(Site(f"site-{index:02d}", header, footer))
    return sites


def _scrape_number(match: re.Match[str], rates: ScrapeRates, rng: random.Random) -> str:
    number = match.group()
    if len(number) > 1 and rng.random() < rates.spaced_number:
        number = " ".join(number)
    line, start, end = match.string, match.start(), match.end()
    if end < len(line) and "\u4e00" <= line[end] <= "\u9fff":
        number += " " if rng.random() < rates.space_before_han else ""
    if start and "\u4e00" <= line[start - 1] <= "\u9fff":
        number = (" " if rng.random() < rates.space_after_han else "") + number
    return number


def scrape_line(line: str, rates: ScrapeRates, rng: random.Random) -> str:
    """Return one paragraph as a scraped page writes it."""
    if rates.half_width_punct >= 1.0:
        line = line.translate(FULL_TO_HALF)
    else:
        line = FULL_PUNCT_RE.sub(
            lambda m: (
                m.group().translate(FULL_TO_HALF)
                if rng.random() < rates.half_width_punct
                else m.group()
            ),
            line,
        )
    line = NUMBER_RE.sub(lambda m: _scrape_number(m, rates, rng), line)
    if rng.random() < rates.indented_line:
        line = INDENT + line
    if rng.random() < rates.trailing_blanks:
        line += TRAILING_BLANKS
    return line


def scrape(text: str, site: Site, rates: ScrapeRates, rng: random.Random) -> str:
    """Return a document as a scraped page of ``site`` holds it."""
    date = f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(7, 19)}:{rng.randint(0, 59):02d}"
    header = [line.replace("{date}", date) for line in site.header]
    body = [scrape_line(line, rates, rng) for line in text.rstrip("\n").split("\n")]
    return "\n".join([*header, *body, *site.footer]) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Print the rates measured from the seeds and one paragraph in scraped form."""
    import argparse

    parser = argparse.ArgumentParser(description="Show the scraped form's rates and a sample.")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    rates = measure_rates(root / "seeds")
    for name, value in vars(rates).items():
        print(f"{name:18s} {value:.4f}")
    rng = random.Random(args.seed)
    sample = "2021年\uff0c全市参保人数达到714.9万人\uff08其中职工48.1万人\uff09\uff1a增长3.5%\u3002"
    print(scrape(sample, make_sites(1, rng)[0], rates, rng))


if __name__ == "__main__":
    main()
