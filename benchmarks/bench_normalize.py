"""MB/s of the normalize stage: the reference (f07e8a3) against today's, paired, both corpus forms.

Run by hand:
    python benchmarks/gen_corpus.py /tmp/clean --docs 20000 --dups 2000 --seed 1
    python benchmarks/gen_corpus.py /tmp/scraped --docs 20000 --dups 2000 --seed 1 --form scraped
    python benchmarks/bench_normalize.py /tmp/clean /tmp/scraped [--docs 4000] [--rounds 7]

Each corpus's first ``--docs`` documents (sorted by name) are read into memory
once. A round normalizes all of them with each implementation, in turns (the
order alternates between rounds), and takes each one's CPU time
(``time.process_time``: the machine is shared, so waiting for a core does not
count). Per implementation the table gives the median MB/s (MB of UTF-8 input)
and, per round, the ratio to the reference in that same round; the median ratio
is the figure to compare. The implementations:

- ``reference``: ``tests/reference_normalize.py``, normalization before issue 17;
- ``python``: today's rules as regular expressions over whole texts;
- ``compiled``: today's rules in C (``cleaner.clean._normalize``), when it was built.

The last column counts the documents whose output differs from the reference's
(the fixes of issues 16 and 14 change a few on purpose; ``tests/test_normalize_reference.py``
checks that only those change).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import reference_normalize  # noqa: E402

from cleaner.clean import normalize  # noqa: E402
from cleaner.data import NormalizeConfig, Normalized  # noqa: E402

Normalizer = Callable[[str, NormalizeConfig], Normalized]


def implementations() -> dict[str, Normalizer]:
    """Return the implementations to time, the reference first."""
    found: dict[str, Normalizer] = {"reference": reference_normalize.normalize_text}
    found["python"] = normalize.normalize_text_python
    if normalize.compiled_available():
        found["compiled"] = normalize.normalize_text
    return found


def read_corpus(folder: Path, documents: int) -> list[str]:
    """Return the texts of the first ``documents`` files of a generated corpus."""
    paths = sorted((folder / "docs").rglob("*.txt"))[:documents]
    if not paths:
        raise SystemExit(f"{folder}: no docs/**/*.txt (make it with benchmarks/gen_corpus.py)")
    return [path.read_text("utf-8") for path in paths]


def cpu_seconds(function: Normalizer, texts: list[str], config: NormalizeConfig) -> float:
    started = time.process_time()
    for text in texts:
        function(text, config)
    return time.process_time() - started


def bench(texts: list[str], rounds: int, config: NormalizeConfig) -> list[tuple[str, float, float]]:
    """Return (implementation, median MB/s, median ratio to the reference) rows."""
    functions = implementations()
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    seconds: dict[str, list[float]] = {name: [] for name in functions}
    for round_index in range(rounds):
        order = list(functions) if round_index % 2 == 0 else list(reversed(functions))
        for name in order:
            seconds[name].append(cpu_seconds(functions[name], texts, config))
    rows = []
    for name, times in seconds.items():
        ratios = [old / new for old, new in zip(seconds["reference"], times, strict=True)]
        rows.append((name, megabytes / statistics.median(times), statistics.median(ratios)))
    return rows


def differing(texts: list[str], config: NormalizeConfig) -> int:
    """Count the documents today's normalizer writes otherwise than the reference."""
    return sum(
        normalize.normalize_text(text, config).text
        != reference_normalize.normalize_text(text, config).text
        for text in texts
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", type=Path, nargs="+", help="folders made by gen_corpus.py")
    parser.add_argument("--docs", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    config = NormalizeConfig()
    print(
        "| corpus | docs | MB | implementation | MB/s (median) | x reference (median of rounds) | docs differing |"
    )
    print("|---|---|---|---|---|---|---|")
    for folder in args.corpora:
        texts = read_corpus(folder, args.docs)
        megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
        changed = differing(texts, config)
        for name, speed, ratio in bench(texts, args.rounds, config):
            shown = "-" if name == "reference" else str(changed)
            print(
                f"| {folder.name} | {len(texts)} | {megabytes:.1f} | {name} | {speed:.1f} | {ratio:.2f} | {shown} |"
            )


if __name__ == "__main__":
    main()
