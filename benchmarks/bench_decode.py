"""Decode speed and accuracy on the shared corpora.

Run by hand: python benchmarks/bench_decode.py [repeats]

Speed: medians (the machines are noisy) and ratios against the baseline
"chardet.detect on the whole file, then decode", measured in the same run.

Accuracy: the real texts (seeds, provincial reports, the hand-cleaned zh-web
texts) encoded as GB18030, Big5 and BOM-less UTF-16, whole and cut to 400, 60 and
20 characters, with 0, 1 and 3 invalid bytes inserted between characters (0xFF,
0x80, or a lead byte cut off before an ASCII character, as real pages have them);
each decoding counted right (the encoding it was made in), skipped or wrong. And
the real HTML pages of zh-web-content-extraction: the codec each was read with.
The same inputs every run (a fixed random seed).
"""

from __future__ import annotations

import collections
import csv
import random
import statistics
import sys
import time
from pathlib import Path

import chardet

from cleaner.read.decode import decode_bytes
from cleaner.read.html import decode_html

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPORA = ROOT.parent / "shared" / "corpora"
PROVINCIAL = CORPORA / "cn-gov-reports" / "provincial-2026-raw"
ZH_WEB = CORPORA / "zh-web-content-extraction"
ACCURACY_CODECS = ("gb18030", "big5hkscs", "utf-16-le", "utf-16-be")
LENGTHS = (None, 400, 60, 20)
INVALID_COUNTS = (0, 1, 3)
# What each codec cannot read: a byte no character starts with (GB18030, Big5), a
# lone surrogate (UTF-16); and a lead byte cut off before an ASCII space or punctuation
# mark under 0x30 (the broken characters of a real zh-web page are before "&"; digits
# would go on a four-byte GB18030 character).
INVALID = {
    "gb18030": (b"\xff", b"\x80"),
    "big5hkscs": (b"\xff", b"\x80"),
    "utf-16-le": ("\ud800".encode("utf-16-le", "surrogatepass"),),
    "utf-16-be": ("\ud800".encode("utf-16-be", "surrogatepass"),),
}
CUT_LEAD_BYTE = b"\xb0"


def provincial_texts() -> list[str]:
    """The scraped page text of the 31 provincial reports (column full_text)."""
    csv.field_size_limit(sys.maxsize)
    texts = []
    for path in sorted(PROVINCIAL.glob("2026_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            texts += [row["full_text"] for row in csv.DictReader(stream)]
    return texts


def median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def baseline(data: bytes) -> str:
    encoding = chardet.detect(data)["encoding"] or "utf-8"
    return data.decode(encoding, errors="replace")


def with_invalid_bytes(text: str, codec: str, count: int, rng: random.Random) -> bytes:
    """Encode ``text`` and insert ``count`` invalid bytes, each between two characters."""
    cuts = sorted(rng.randrange(len(text) + 1) for _ in range(count))
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(text[start:cut].encode(codec, errors="replace"))
        cut_off = cut < len(text) and text[cut] < "\x30" and not codec.startswith("utf")
        pieces.append(CUT_LEAD_BYTE if cut_off else rng.choice(INVALID[codec]))
        start = cut
    pieces.append(text[start:].encode(codec, errors="replace"))
    return b"".join(pieces)


def accuracy(corpora: dict[str, list[str]]) -> None:
    """Print right/skipped/wrong decodings per codec, length and number of invalid bytes."""
    rng = random.Random(16)
    counts: collections.Counter[tuple[str, int | None, int, str]] = collections.Counter()
    for texts in corpora.values():
        for codec in ACCURACY_CODECS:
            for text in texts:
                for length in LENGTHS:
                    piece = text if length is None else text[:length]
                    for invalid in INVALID_COUNTS:
                        data = with_invalid_bytes(piece, codec, invalid, rng)
                        result = decode_bytes(data)
                        verdict = (
                            "skipped"
                            if isinstance(result, str)
                            else "right"
                            if result[1].encoding == codec
                            else "wrong"
                        )
                        counts[codec, length, invalid, verdict] += 1
    print("\naccuracy (right / skipped / wrong) by invalid bytes inserted")
    print(f"{'codec':<10} {'chars':>5} " + " ".join(f"{n:>14}" for n in INVALID_COUNTS))
    for codec in ACCURACY_CODECS:
        for length in LENGTHS:
            cells = [
                "/".join(str(counts[codec, length, n, v]) for v in ("right", "skipped", "wrong"))
                for n in INVALID_COUNTS
            ]
            print(f"{codec:<10} {length or 'all':>5} " + " ".join(f"{c:>14}" for c in cells))


def real_pages() -> None:
    """Print the codecs the real zh-web pages are read with (declared: gb2312 33, gbk 5)."""
    found: collections.Counter[str] = collections.Counter()
    for path in sorted((ZH_WEB / "original").glob("*.html")):
        result = decode_html(path.read_bytes())
        found[result if isinstance(result, str) else result[1].encoding] += 1
    print("\nzh-web pages:", ", ".join(f"{name} {n}" for name, n in sorted(found.items())))


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    corpora = {"seeds": [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]}
    if PROVINCIAL.is_dir():
        corpora["provincial"] = provincial_texts()
    if (ZH_WEB / "cleaned").is_dir():
        cleaned = sorted((ZH_WEB / "cleaned").glob("*.txt"))
        corpora["zh-web"] = [p.read_text(encoding="utf-8") for p in cleaned]
    header = f"{'corpus':<11} {'encoding':<10} {'MB':>6} {'ours ms':>9} {'chardet-all ms':>15}"
    print(header + f" {'speed-up':>9}")
    for name, texts in corpora.items():
        for encoding in ("utf-8", "gb18030", "big5hkscs", "utf-16", "utf-16-le"):
            blobs = [t.encode(encoding, errors="replace") for t in texts]
            size = sum(len(b) for b in blobs) / 1e6
            ours = median_seconds(lambda blobs=blobs: [decode_bytes(b) for b in blobs], repeats)
            theirs = median_seconds(lambda blobs=blobs: [baseline(b) for b in blobs], repeats)
            print(
                f"{name:<11} {encoding:<10} {size:6.3f} {ours * 1e3:9.2f} "
                f"{theirs * 1e3:15.2f} {theirs / ours:8.1f}x"
            )
    accuracy(corpora)
    if (ZH_WEB / "original").is_dir():
        real_pages()


if __name__ == "__main__":
    main()
