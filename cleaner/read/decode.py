"""Turn the bytes of one input file into text, recording how the encoding was chosen.

The order of the checks is the contract of SPEC section 1:

1. an empty file is a failure;
2. a byte-order mark decides the codec (UTF-32, UTF-8, UTF-16), unless what follows
   a UTF-16/32 mark does not read as text in it (``FF FE`` can begin GB18030 too);
3. a known binary signature (PNG, PDF, ZIP ...) makes the file binary; NUL bytes
   make it BOM-less UTF-16/32 if they sit where those put them (``wide``), else binary;
4. strict UTF-8, the fast path: valid UTF-8 never reaches the detector;
5. UTF-8 with a few invalid bytes is decoded with replacement characters;
6. otherwise chardet guesses from a bounded sample. A confident answer is used (when
   it names a Chinese double-byte encoding a plausibility check chooses between
   GB18030 and Big5); an unconfident one (under ``MIN_CONFIDENCE``) gives way to the
   sample's reading as Chinese text in GB18030 or Big5 (``read_as_chinese``), which
   chardet's probers fail to see when a file holds one invalid byte. Failing that, it
   is used only on nearly-ASCII text (it can change a few characters, and its
   confidence is stated); else the file is skipped, the guess and its confidence
   named.

"A few invalid bytes" is one rule everywhere: at most one invalid sequence per 20
valid non-ASCII characters (``VALID_PER_ERROR``). A decoding past it is a skip.

Everything here is pure: bytes in, ``Document`` or ``FileFailure`` out, and no byte
string makes it raise.
"""

from __future__ import annotations

import codecs

import chardet

from ..data import Decoding, Document, FileFailure, RawFile
from .chinese import CHINESE_CODECS, check_chinese, read_as_chinese
from .replace import VALID_PER_ERROR, decode_counting
from .wide import NUL_SCAN_BYTES, decode_wide, follows_a_mark

DEFAULT_SAMPLE_BYTES = 16384

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE mark.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# (offset, signature, name). Only signatures that no plausible text file starts with:
# short ones such as "MZ" or "BM" are left to the NUL-byte check.
MAGIC_NUMBERS: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xff\xd8\xff", "JPEG image"),
    (0, b"GIF87a", "GIF image"),
    (0, b"GIF89a", "GIF image"),
    (0, b"%PDF-", "PDF document"),
    (0, b"PK\x03\x04", "ZIP archive or Office document"),
    (0, b"PK\x05\x06", "ZIP archive"),
    (0, b"PK\x07\x08", "ZIP archive"),
    (0, b"\x1f\x8b\x08", "gzip archive"),
    (0, b"\xfd7zXZ\x00", "xz archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (0, b"Rar!\x1a\x07", "RAR archive"),
    (0, b"\x28\xb5\x2f\xfd", "zstd archive"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (0, b"\x7fELF", "ELF executable"),
    (0, b"\xca\xfe\xba\xbe", "Java class or Mach-O file"),
    (0, b"\x00asm", "WebAssembly module"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"OggS", "Ogg media"),
    (0, b"fLaC", "FLAC audio"),
    (0, b"II*\x00", "TIFF image"),
    (0, b"MM\x00*", "TIFF image"),
    (4, b"ftyp", "MP4/QuickTime media"),
)
RIFF_KINDS = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}
# bzip2: "BZh", a block-size digit, then the magic of a first block or of an empty stream.
BZIP2_BLOCK_MAGIC = (b"1AY&SY", b"\x17rE8P\x90")

# chardet answers under this confidence are guesses: 99% of its wrong answers on
# GB18030 and Big5 texts (KOI8-U, CP737 ... when one byte is invalid) were under 0.1.
# It names real GB18030 and Big5 text of 400 characters at 0.2 or more; under 0.2 are
# short texts (half of those of 20 characters), which then read as Chinese
# (benchmarks/README.md, decoding).
MIN_CONFIDENCE = 0.2
BINARY_NUL = "binary file (contains NUL bytes)"
# The reasons a file is skipped for its encoding alone (not empty, not binary).
ENCODING_FAILURES = (
    "binary or unknown encoding",
    "unknown encoding",
    "encoding not recognised",
    "too many invalid bytes",
    "cannot decode as",
)
GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "euc-cn", "x-euc-cn", "ms936"})
BIG5_FAMILY = frozenset({"big5", "big5-hkscs", "big5hkscs", "cp950", "x-big5", "ms950"})


def decode_file(raw: RawFile, sample_bytes: int = DEFAULT_SAMPLE_BYTES) -> Document | FileFailure:
    """Decode one file's bytes into a document, or say why it was skipped."""
    result = decode_bytes(raw.data, sample_bytes)
    if isinstance(result, str):
        return FileFailure(rel_path=raw.rel_path, reason=result)
    text, decoding = result
    return Document(raw.rel_path, text, raw.rel_path, decoding, size=len(raw.data))


def is_encoding_failure(reason: str) -> bool:
    """Say whether a skip reason is about the encoding (a hint such as a declared charset may help).

    >>> is_encoding_failure("binary or unknown encoding"), is_encoding_failure("empty file")
    (True, False)
    """
    return reason.startswith(ENCODING_FAILURES)


def decode_bytes(
    data: bytes, sample_bytes: int = DEFAULT_SAMPLE_BYTES
) -> tuple[str, Decoding] | str:
    r"""Decode bytes to LF-terminated text; return ``(text, decoding)`` or a failure reason.

    ``sample_bytes`` bounds how much chardet reads, so detection time does not grow
    with the file.

    >>> decode_bytes("第一行\r\n第二行".encode("gb18030"))[0]
    '第一行\n第二行'
    >>> decode_bytes(b"")
    'empty file'
    """
    if not data:
        return "empty file"
    decoded = _decode_unchecked(data, max(1, sample_bytes))
    if isinstance(decoded, str):
        return decoded
    text, decoding = decoded
    # Line ends are unified here so that no later stage ever sees "\r".
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text or text.isspace():
        return "no text (only white space)"
    return text, decoding


def _decode_unchecked(data: bytes, sample_bytes: int) -> tuple[str, Decoding] | str:
    """Run the checks of the module docstring in order, without post-processing."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            text, replacements = decode_counting(data[len(bom) :], codec)
            if codec == "utf-8" or follows_a_mark(text):
                return text, Decoding(codec, "bom", 1.0, replacements)
            break  # FF FE by chance (a bad byte, then a GB or Big5 character): read on

    kind = _binary_kind(data)
    if kind is not None:
        return f"binary file ({kind})"

    if data.find(b"\x00", 0, NUL_SCAN_BYTES) != -1:
        return decode_wide(data) or BINARY_NUL

    try:
        # The fast path: one C-speed pass, no detector, for the common case.
        return data.decode("utf-8"), Decoding("utf-8", "utf-8", 1.0)
    except UnicodeDecodeError:
        pass

    mostly = _decode_mostly_utf8(data)
    if mostly is not None:
        return mostly
    return _decode_detected(data, sample_bytes)


# One ``startswith`` per offset instead of one per signature: every text file runs this.
_MAGIC_BY_OFFSET = tuple(
    (offset, tuple(sig for at, sig, _ in MAGIC_NUMBERS if at == offset))
    for offset in sorted({at for at, _, _ in MAGIC_NUMBERS})
)


def _binary_kind(data: bytes) -> str | None:
    r"""Name the binary format whose signature ``data`` starts with, if any.

    >>> _binary_kind(b"\x89PNG\r\n\x1a\n....")
    'PNG image'
    >>> _binary_kind(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    'WebP image'
    >>> _binary_kind("普通文本".encode()) is None
    True
    """
    if any(data.startswith(signatures, offset) for offset, signatures in _MAGIC_BY_OFFSET):
        for offset, signature, name in MAGIC_NUMBERS:  # which one: only for binary files
            if data.startswith(signature, offset):
                return name
    if data.startswith(b"RIFF") and len(data) >= 12:
        return RIFF_KINDS.get(data[8:12], "RIFF media")
    if data.startswith(b"BZh") and data[3:4].isdigit() and data[4:10] in BZIP2_BLOCK_MAGIC:
        return "bzip2 archive"
    return None


def _decode_mostly_utf8(data: bytes) -> tuple[str, Decoding] | None:
    r"""Decode UTF-8 with a few broken sequences, or return None if it is not UTF-8.

    The rule: there must be at least ``VALID_PER_ERROR`` (20) valid multi-byte
    sequences per invalid one. A truncated tail or a stray byte in UTF-8 Chinese text
    passes; GB18030 or Big5 text does not, because read as UTF-8 nearly every one of
    its characters is an error and only a few byte pairs happen to be valid UTF-8.

    >>> _decode_mostly_utf8("医疗保障".encode("gb18030")) is None
    True
    >>> text, decoding = _decode_mostly_utf8("医疗保障局".encode() * 5 + b"\xff")
    >>> decoding.decided_by, decoding.replacements
    ('utf-8-replaced', 1)
    """
    replaced = data.decode("utf-8", errors="replace")
    ignored = data.decode("utf-8", errors="ignore")
    errors = replaced.count("\ufffd") - ignored.count("\ufffd")
    valid_multibyte = len(ignored) - len(ignored.encode("ascii", errors="ignore"))
    if errors <= 0 or valid_multibyte < VALID_PER_ERROR * errors:
        return None
    return replaced, Decoding("utf-8", "utf-8-replaced", 1.0, errors)


def _detect(sample: bytes) -> tuple[str, float] | None:
    """Ask chardet for an encoding name and its confidence; None if it has no answer."""
    try:
        result = chardet.detect(sample)
    except Exception:  # noqa: BLE001 - third-party code on arbitrary bytes must not end the run
        return None
    name = result.get("encoding")
    if not isinstance(name, str) or not name:
        return None
    confidence = result.get("confidence")
    if not isinstance(confidence, (int, float)):
        return name, 0.0
    return name, max(0.0, min(1.0, float(confidence)))


def _codec_name(detected: str) -> str | None:
    """Map a detector's encoding name to a Python codec name, preferring supersets.

    GB2312 and GBK are subsets of GB18030; Big5 and CP950 are read as Big5-HKSCS,
    which also holds the Hong Kong characters that plain Big5 lacks.

    >>> _codec_name("GB2312"), _codec_name("Big5"), _codec_name("Windows-1252")
    ('gb18030', 'big5hkscs', 'cp1252')
    >>> _codec_name("no-such-codec") is None
    True
    """
    key = detected.strip().lower().replace("_", "-")
    if key in GB_FAMILY:
        return "gb18030"
    if key in BIG5_FAMILY:
        return "big5hkscs"
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def _detection_sample(data: bytes, sample_bytes: int) -> bytes:
    r"""Return the bytes chardet should see: the first ``sample_bytes`` with non-ASCII.

    A file that opens with a long ASCII header would otherwise be judged "ascii" on
    its header alone; the sample then starts at the first non-ASCII byte, which in
    every supported encoding is the start of a character.

    >>> _detection_sample(b"abc" * 10 + "中".encode("gb18030"), 4)
    b'\xd6\xd0'
    """
    sample = data[:sample_bytes]
    if not sample.isascii():
        return sample
    start = len(sample)
    while start < len(data) and data[start] < 0x80:
        start += 1
    return data[start : start + sample_bytes]


CHECK_BYTES = 8192


def _decode_detected(data: bytes, sample_bytes: int) -> tuple[str, Decoding] | str:
    """Decode with chardet's answer if it is confident, else as Chinese if it reads as such."""
    sample = _detection_sample(data, sample_bytes)
    guess = _detect(sample)
    codec = _codec_name(guess[0]) if guess is not None else None
    if guess is None or codec is None or not _is_confident(guess[1], codec):
        return _decode_unconfident(data, sample, guess, codec)
    confidence, decided_by = guess[1], "chardet"
    if codec in CHINESE_CODECS:
        # The first few KiB decide as well as the whole sample, at a fraction of the cost.
        chosen, score = check_chinese(sample[:CHECK_BYTES], codec)
        if chosen != codec:
            codec, decided_by, confidence = chosen, "chardet+check", max(0.0, min(1.0, score))
    return _decode_checked(data, codec, decided_by, confidence)


def _is_confident(confidence: float, codec: str) -> bool:
    """Say whether a chardet answer can be used as it is.

    UTF-16/32 without NUL bytes is one line of text without a single ASCII
    character; chardet names it for a few bytes of anything (at confidence 1.0).
    """
    return confidence >= MIN_CONFIDENCE and not codec.startswith(("utf-16", "utf-32"))


def _decode_unconfident(
    data: bytes, sample: bytes, guess: tuple[str, float] | None, codec: str | None
) -> tuple[str, Decoding] | str:
    """Decode as GB18030 or Big5 when the sample reads as Chinese text; else say why not.

    Text that is nearly all ASCII (at most one byte in ``ASCII_BYTES_PER_OTHER`` above
    it: an English, French or German page in Windows-1252) is decoded with chardet's
    guess, its low confidence stated: the guess can change no more than those few
    characters. Chinese, Cyrillic or Greek text is over half bytes above ASCII.
    """
    reading = read_as_chinese(sample[:CHECK_BYTES])
    if reading is not None:
        confidence = max(0.0, min(1.0, reading.score))
        return _decode_checked(data, reading.codec, "cjk-check", confidence)
    if guess is None:
        return "binary or unknown encoding"
    name, confidence = guess
    if codec is None:
        return f"unknown encoding {name!r} (named by chardet)"
    if _is_nearly_ascii(data) and not codec.startswith(("utf-16", "utf-32")):
        return _decode_checked(data, codec, "chardet", confidence)
    return (
        f"encoding not recognised: chardet guessed {name} with confidence {confidence:.2f}, "
        "and it does not read as GB18030 or Big5 text"
    )


ASCII_BYTES = bytes(range(0x80))
# French prose has 3 to 7 accented letters in 100, German and Spanish fewer.
ASCII_BYTES_PER_OTHER = 8


def _is_nearly_ascii(data: bytes) -> bool:
    r"""Say whether at most one byte in ``ASCII_BYTES_PER_OTHER`` is above ASCII.

    >>> _is_nearly_ascii("Le rapport d'activit\xe9 de la ville".encode("cp1252"))
    True
    >>> _is_nearly_ascii("\u533b\u7597\u4fdd\u969c".encode("gb18030"))
    False
    """
    return len(data.translate(None, ASCII_BYTES)) * ASCII_BYTES_PER_OTHER <= len(data)


def _decode_checked(
    data: bytes, codec: str, decided_by: str, confidence: float
) -> tuple[str, Decoding] | str:
    """Decode the whole file with ``codec``; more than a few invalid bytes make it a skip."""
    try:
        text, replacements = decode_counting(data, codec)
    except (LookupError, ValueError):
        # e.g. a bytes-to-bytes codec name, which str decoding refuses.
        return f"cannot decode as {codec}"
    if replacements:
        valid = len(text) - len(text.encode("ascii", errors="ignore")) - replacements
        if replacements * VALID_PER_ERROR > valid:
            return (
                f"too many invalid bytes for {codec} "
                f"({replacements} in {valid + replacements} non-ASCII characters)"
            )
    return text, Decoding(codec, decided_by, confidence, replacements)
