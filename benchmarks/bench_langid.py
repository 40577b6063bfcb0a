"""Compare language identifiers on the labelled pages of magic-html-bench.

Run (each candidate installed where it can be; the comparison is not a dependency):
    python benchmarks/bench_langid.py [--text content|cleaned] [--repeats 3]

Each page's label is ``lang_guess`` of ``page_index.tsv`` (zh: more than 30% Han
characters in the annotated main text, ja: kana present, other). A guess agrees
with ``zh`` when it is Chinese (any script), with ``ja`` when it is Japanese, and
with ``other`` when it is neither Chinese nor Japanese ("not zh" is the looser
reading; both are printed). ``--text content`` (default) judges the annotated
main text of ``base.json``; ``--text cleaned`` the text `clean` writes for the
page (needs cleaner with the html extra). Times are the median over the pages of
the median of ``--repeats`` calls, in microseconds per page; determinism is a
second full pass giving the same guesses.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "magic-html-bench"
CHINESE = ("zh", "zh-Hant", "zh-Hans", "zh-hant", "zh-hans", "cmn", "chinese")


def pages(kind: str) -> list[tuple[str, str, str]]:
    """Return (id, label, text) of every labelled page."""
    with (CORPUS / "page_index.tsv").open(encoding="utf-8", newline="") as stream:
        labels = {row["id"]: row for row in csv.DictReader(stream, delimiter="\t")}
    found = []
    for folder in ("article", "forum"):
        base = json.loads((CORPUS / folder / "base.json").read_text("utf-8"))
        for key in sorted(base):
            if key not in labels:
                continue
            if kind == "content":
                text = base[key]["content"]
            else:
                from cleaner.clean.document import clean_text
                from cleaner.read.html import extract_main_text

                html = (CORPUS / folder / "htmls" / f"{key}.html").read_text("utf-8", "replace")
                text = clean_text(extract_main_text(html).text).text
            found.append((key, labels[key]["lang_guess"], text))
    return found


def candidates() -> dict[str, Callable[[str], str]]:
    """Return the identifiers that import here, each as text -> language code."""
    found: dict[str, Callable[[str], str]] = {}
    try:
        import py3langid

        found["py3langid"] = lambda text: py3langid.classify(text)[0]
    except ImportError:
        pass
    try:
        from lingua import LanguageDetectorBuilder

        detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

        def lingua(text: str) -> str:
            language = detector.detect_language_of(text)
            return "un" if language is None else language.iso_code_639_1.name.lower()

        found["lingua (high accuracy)"] = lingua
    except ImportError:
        pass
    try:
        from langdetect import DetectorFactory, detect
        from langdetect.lang_detect_exception import LangDetectException

        DetectorFactory.seed = 0  # langdetect samples at random: a fixed seed makes it repeatable

        def langdetect(text: str) -> str:
            try:
                return detect(text).split("-")[0]
            except LangDetectException:
                return "un"

        found["langdetect (seed 0)"] = langdetect
    except ImportError:
        pass
    try:
        import pycld2

        def cld2(text: str) -> str:
            printable = "".join(c for c in text if c.isprintable() or c == "\n")
            try:
                return str(pycld2.detect(printable)[2][0][1])
            except pycld2.error:
                return "un"

        found["pycld2"] = cld2
    except ImportError:
        pass
    try:
        from cleaner.clean.signals import guess_language

        found["cleaner (script, then py3langid)"] = guess_language
    except ImportError:
        pass
    return found


def agrees(label: str, guess: str, strict: bool) -> bool:
    """Tell whether a guess agrees with a page's label."""
    chinese = guess in CHINESE
    if label == "zh":
        return chinese
    if label == "ja":
        return guess == "ja"
    return not chinese and (guess != "ja" or not strict)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--text", choices=("content", "cleaned"), default="content")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    found = pages(args.text)
    print(f"{len(found)} pages ({args.text}):")
    print("| identifier | agree (other = not zh, not ja) | agree (other = not zh) | µs a page | deterministic |")
    print("|---|---|---|---|---|")
    for name, identify in candidates().items():
        guesses, times = [], []
        for _, _, text in found:
            spent = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                guess = identify(text)
                spent.append(time.perf_counter() - started)
            guesses.append(guess)
            times.append(statistics.median(spent))
        again = [identify(text) for _, _, text in found]
        strict = sum(agrees(label, g, True) for (_, label, _), g in zip(found, guesses, strict=True))
        loose = sum(agrees(label, g, False) for (_, label, _), g in zip(found, guesses, strict=True))
        wrong = [
            (key[:8], label, g)
            for (key, label, _), g in zip(found, guesses, strict=True)
            if not agrees(label, g, True)
        ]
        print(
            f"| {name} | {strict / len(found):.4f} ({strict}/{len(found)}) | "
            f"{loose / len(found):.4f} | {statistics.median(times) * 1e6:.0f} | "
            f"{'yes' if again == guesses else 'no'} |"
        )
        if wrong:
            print(f"    disagreements: {wrong}")


if __name__ == "__main__":
    main()
