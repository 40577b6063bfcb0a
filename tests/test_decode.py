"""Decoding real text: seeds re-encoded, Big5 news, binary files, broken UTF-8, fuzzing."""

from __future__ import annotations

import bz2
import gzip
import io
import struct
import zipfile
import zlib
from pathlib import Path

import chardet
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.data import Decoding, Document, FileFailure, RawFile
from cleaner.read.decode import decode_bytes, decode_file

SEEDS_DIR = Path(__file__).parent.parent / "seeds"
SEED_PATHS = sorted(SEEDS_DIR.glob("*.txt"))
SEED_TEXTS = {path.name: path.read_text(encoding="utf-8") for path in SEED_PATHS}
CHARDET_MAJOR = int(chardet.__version__.split(".")[0])

# Traditional-Chinese news in Big5. Full-width punctuation (U+FF0C, U+3002) is part of
# the test: it is checked below so that an editor cannot silently turn it into ASCII.
BIG5_NEWS = (
    "全民健康保險自民國八十四年三月開辦以來，已邁入第三十個年頭。根據衛生福利部中央健康保險署公布的統計，"
    "截至去年底，全國參加保險的人數超過二千三百七十萬人，納保率高達百分之九十九點九。"
    "健保署表示，為因應人口快速老化及新興醫療科技所帶來的財務壓力，將持續推動分級醫療，"
    "鼓勵民眾小病先到住家附近的診所就醫，大醫院則專注於急重症照護。"
    "此外，政府今年起擴大癌症篩檢的補助範圍，並調整部分藥品的給付價格，以減輕民眾的就醫負擔。"
    "專家指出，健保費率多年未調整，安全準備金逐年下降，若不及早研議開源節流的方案，"
    "未來恐將面臨收支失衡的困境。立法委員也呼籲主管機關應增加政府負擔的比例，"
    "並加強查核醫療院所的申報，避免資源浪費。"
)
BIG5_TYPHOON = (
    "中央氣象署今天上午發布海上颱風警報，颱風中心目前位於鵝鑾鼻東南方約四百公里的海面上，"
    "以每小時十八公里的速度向西北西移動。氣象署預估，颱風外圍環流將為東部及南部地區帶來豪雨，"
    "山區累積雨量可能超過五百毫米，提醒民眾嚴防坍方、落石及土石流，並避免前往海邊及河川從事活動。"
    "交通部也表示，部分離島航班及臺鐵列車可能停駛，旅客出發前應先查詢最新資訊。"
)
BIG5_HOUSING = (
    "臺北市政府昨天舉行記者會，宣布明年起將擴大公共住宅的興建計畫，預計在四年內新增一萬戶社會住宅，"
    "優先提供給青年、弱勢家庭及高齡長者承租。市長指出，房價高漲讓許多年輕人難以負擔，"
    "政府有責任提供合理租金的居住選擇。都市發展局並說明，新建住宅將導入綠建築及無障礙設計，"
    "社區內也會設置托育中心與長照服務據點，讓居民在生活圈內就能獲得照顧。"
)
BIG5_TEXTS = (BIG5_NEWS, BIG5_TYPHOON, BIG5_HOUSING)
# Shortest Big5 text that decodes correctly: every 16-character window of the texts
# above does, with chardet 5.2 and 7.7. With chardet 7.7 alone every 9-character
# window does; at 8 and below chardet sometimes answers EUC-JP, which the GB/Big5
# check does not second-guess.
SHORT_BIG5_CHARS = 16


def decode_ok(data: bytes) -> Document:
    result = decode_file(RawFile("doc.txt", data))
    assert isinstance(result, Document), result
    return result


def decode_fails(data: bytes) -> str:
    result = decode_file(RawFile("doc.txt", data))
    assert isinstance(result, FileFailure), result
    assert result.rel_path == "doc.txt"
    return result.reason


def representable(encoding: str) -> list[str]:
    names = []
    for name, text in SEED_TEXTS.items():
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            continue  # e.g. seed 004 has U+2002, which GBK lacks
        names.append(name)
    return names


def test_seeds_are_present_and_plain() -> None:
    assert len(SEED_TEXTS) == 5
    for text in SEED_TEXTS.values():
        assert "\r" not in text and "\ufeff" not in text and "\ufffd" not in text


def test_big5_fixtures_kept_full_width_punctuation() -> None:
    for text in BIG5_TEXTS:
        assert "\uff0c" in text and "\u3002" in text  # ，and 。
        assert "," not in text and "." not in text
        assert len(text) > 150
        text.encode("big5")  # every character is in plain Big5


# --------------------------------------------------------------------------- seeds re-encoded


@pytest.mark.parametrize("name", SEED_TEXTS)
def test_utf8_seed_is_fast_path(name: str) -> None:
    doc = decode_file(RawFile(name, SEED_TEXTS[name].encode("utf-8")))
    assert isinstance(doc, Document)
    assert doc.doc_id == doc.source == name
    assert doc.text == SEED_TEXTS[name]
    assert (doc.decoding.encoding, doc.decoding.decided_by) == ("utf-8", "utf-8")
    assert doc.decoding.confidence == 1.0 and doc.decoding.replacements == 0


@pytest.mark.parametrize("name", SEED_TEXTS)
def test_valid_utf8_never_calls_chardet(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []

    def forbidden(data: bytes) -> dict[str, object]:
        calls.append(data)
        raise AssertionError("chardet must not run on valid UTF-8")

    monkeypatch.setattr(chardet, "detect", forbidden)
    text = SEED_TEXTS[name]
    for data in (text.encode("utf-8"), text.replace("\n", "\r\n").encode("utf-8")):
        assert decode_ok(data).decoding.decided_by == "utf-8"
    assert calls == []


@pytest.mark.parametrize("name", SEED_TEXTS)
def test_gb18030_seed(name: str) -> None:
    doc = decode_ok(SEED_TEXTS[name].encode("gb18030"))
    assert doc.text == SEED_TEXTS[name]
    assert doc.decoding.encoding == "gb18030"
    # A whole GB18030 file is not "UTF-8 with a few bad bytes".
    assert doc.decoding.decided_by in ("chardet", "chardet+check")
    assert doc.decoding.replacements == 0


@pytest.mark.parametrize("encoding", ["gbk", "gb2312"])
def test_gbk_and_gb2312_seeds_decode_as_gb18030(encoding: str) -> None:
    names = representable(encoding)
    assert len(names) >= 3
    for name in names:
        doc = decode_ok(SEED_TEXTS[name].encode(encoding))
        assert doc.text == SEED_TEXTS[name]
        assert doc.decoding.encoding == "gb18030"


def test_gb18030_four_byte_sequences() -> None:
    # U+20000 and U+00E9 need GB18030's four-byte form: GBK has neither.
    text = SEED_TEXTS[SEED_PATHS[0].name] + "\n\U00020000 caf\u00e9\n"
    assert len("\U00020000".encode("gb18030")) == 4
    doc = decode_ok(text.encode("gb18030"))
    assert doc.text == text and doc.decoding.encoding == "gb18030"


@pytest.mark.parametrize(
    ("codec", "bom", "expected"),
    [
        ("utf-8", b"\xef\xbb\xbf", "utf-8"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "utf-32-le"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "utf-32-be"),
    ],
)
@pytest.mark.parametrize("name", SEED_TEXTS)
def test_bom_seed(name: str, codec: str, bom: bytes, expected: str) -> None:
    doc = decode_ok(bom + SEED_TEXTS[name].encode(codec))
    assert doc.text == SEED_TEXTS[name]  # the BOM is gone
    assert doc.decoding.encoding == expected
    assert (doc.decoding.decided_by, doc.decoding.confidence) == ("bom", 1.0)


def test_python_utf16_codec_output_uses_bom() -> None:
    text = SEED_TEXTS[SEED_PATHS[1].name]
    assert decode_ok(text.encode("utf-16")).text == text
    assert decode_ok(text.encode("utf-8-sig")).text == text


def test_bom_with_broken_tail_counts_replacements() -> None:
    data = b"\xff\xfe" + "医保基金".encode("utf-16-le") + b"\x00\xd8" + "结余".encode("utf-16-le")
    doc = decode_ok(data)  # \x00\xd8 is a lone high surrogate
    assert doc.text == "医保基金\ufffd结余"
    assert doc.decoding.replacements == 1


@pytest.mark.skipif(CHARDET_MAJOR < 6, reason="chardet 5 does not detect BOM-less UTF-16")
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_is_not_binary(codec: str) -> None:
    text = SEED_TEXTS[SEED_PATHS[2].name]
    doc = decode_ok(text.encode(codec))
    assert doc.text == text
    assert doc.decoding.encoding == codec


# --------------------------------------------------------------------------- Big5


@pytest.mark.parametrize("text", BIG5_TEXTS, ids=["news", "typhoon", "housing"])
def test_big5_document(text: str) -> None:
    data = text.encode("big5")
    # The trap: Big5 bytes are often valid GB18030 too, and read as nonsense.
    assert data.decode("gb18030", errors="replace") != text
    doc = decode_ok(data)
    assert doc.text == text
    assert doc.decoding.encoding == "big5hkscs"


def test_big5_multiline_with_crlf() -> None:
    text = "\n\n".join(BIG5_TEXTS) + "\n"
    doc = decode_ok(text.replace("\n", "\r\n").encode("big5"))
    assert doc.text == text
    assert doc.decoding.encoding == "big5hkscs"


def test_short_big5_texts() -> None:
    wrong = []
    for text in BIG5_TEXTS:
        for start in range(len(text) - SHORT_BIG5_CHARS + 1):
            piece = text[start : start + SHORT_BIG5_CHARS]
            result = decode_bytes(piece.encode("big5"))
            if isinstance(result, str) or result[0] != piece:
                wrong.append(piece)
            else:
                assert result[1].encoding == "big5hkscs"
    assert wrong == []


def fake_chardet(monkeypatch: pytest.MonkeyPatch, encoding: str | None) -> None:
    def detect(data: bytes) -> dict[str, object]:
        return {"encoding": encoding, "confidence": 0.99, "language": "zh"}

    monkeypatch.setattr(chardet, "detect", detect)


@pytest.mark.parametrize("claimed", ["GB2312", "GB18030", "gbk"])
def test_check_overrules_gb_answer_for_big5(claimed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_chardet(monkeypatch, claimed)
    doc = decode_ok(BIG5_NEWS.encode("big5"))
    assert doc.text == BIG5_NEWS
    assert (doc.decoding.encoding, doc.decoding.decided_by) == ("big5hkscs", "chardet+check")


def test_check_overrules_big5_answer_for_gb(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_chardet(monkeypatch, "Big5")
    for name in representable("gbk"):
        doc = decode_ok(SEED_TEXTS[name].encode("gbk"))
        assert doc.text == SEED_TEXTS[name]
        assert (doc.decoding.encoding, doc.decoding.decided_by) == ("gb18030", "chardet+check")


def test_check_confirms_right_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_chardet(monkeypatch, "Big5")
    doc = decode_ok(BIG5_TYPHOON.encode("big5"))
    assert (doc.decoding.decided_by, doc.decoding.confidence) == ("chardet", 0.99)


# --------------------------------------------------------------------------- failures


def test_empty_file() -> None:
    assert decode_fails(b"") == "empty file"


@pytest.mark.parametrize(
    "data",
    [b" \n\t\r\n", "\u3000\u3000\n".encode(), b"\xef\xbb\xbf", b"\xff\xfe \x00\n\x00"],
)
def test_only_white_space(data: bytes) -> None:
    assert decode_fails(data) == "no text (only white space)"


def png_bytes() -> bytes:
    """Build a real 1x1 grey PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:t>医疗保障</w:t>")
    return buffer.getvalue()


def test_png_renamed_txt() -> None:
    result = decode_file(RawFile("photos/logo.txt", png_bytes()))
    assert result == FileFailure("photos/logo.txt", "binary file (PNG image)")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG image"),
        (b"GIF89a\x01\x00\x01\x00", "GIF image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (zip_bytes(), "ZIP archive or Office document"),
        (gzip.compress("医疗保障".encode()), "gzip archive"),
        (bz2.compress("医疗保障".encode()), "bzip2 archive"),
        (bz2.compress(b""), "bzip2 archive"),
        (b"\x7fELF\x02\x01\x01" + bytes(9), "ELF executable"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP image"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "7z archive"),
    ],
)
def test_binary_signatures(data: bytes, kind: str) -> None:
    assert decode_fails(data) == f"binary file ({kind})"


def test_nul_bytes_are_binary() -> None:
    data = struct.pack("<256I", *range(256))  # little-endian integers: NUL-heavy
    assert decode_fails(data) == "binary file (contains NUL bytes)"
    text_with_nul = "医疗保障局\x00\x00\x00\x01".encode() * 50
    assert decode_fails(text_with_nul) == "binary file (contains NUL bytes)"


def test_chardet_without_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_chardet(monkeypatch, None)
    assert decode_fails("医疗".encode("gb18030")) == "binary or unknown encoding"


def test_chardet_crash_is_a_failure_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: bytes) -> dict[str, object]:
        raise RuntimeError("detector bug")

    monkeypatch.setattr(chardet, "detect", broken)
    assert decode_fails("医疗".encode("gb18030")) == "binary or unknown encoding"


def test_unknown_codec_name(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_chardet(monkeypatch, "x-no-such-charset")
    assert "unknown encoding" in decode_fails("医疗".encode("gb18030"))


# --------------------------------------------------------------------------- broken UTF-8


def test_utf8_with_a_few_bad_bytes() -> None:
    text = SEED_TEXTS[SEED_PATHS[0].name]
    middle = len(text) // 2
    cut = max(i for i, ch in enumerate(text) if not ch.isascii())  # last Chinese char
    truncated = text[cut].encode()[:-1]
    assert len(truncated) == 2
    # A stray 0xFF in the middle, and the file cut inside its last Chinese character.
    data = text[:middle].encode() + b"\xff" + text[middle:cut].encode() + truncated
    doc = decode_ok(data)
    assert doc.decoding == Decoding("utf-8", "utf-8-replaced", 1.0, replacements=2)
    assert doc.text == text[:middle] + "\ufffd" + text[middle:cut] + "\ufffd"


def test_existing_replacement_characters_are_not_counted() -> None:
    text = "\ufffd已有的替换字符\ufffd" + "医疗保障局认真贯彻" * 5
    doc = decode_ok(text.encode() + b"\xe5\x8c")  # a truncated 3-byte sequence
    assert doc.text == text + "\ufffd"
    assert doc.decoding.decided_by == "utf-8-replaced"
    assert doc.decoding.replacements == 1


def test_too_many_bad_bytes_is_not_mostly_utf8() -> None:
    # One bad byte per five Chinese characters: not "a few", so chardet decides.
    data = ("医疗保障局".encode() + b"\xff") * 40
    result = decode_bytes(data)
    assert isinstance(result, str) or result[1].decided_by != "utf-8-replaced"


@pytest.mark.parametrize("name", SEED_TEXTS)
def test_whole_gb18030_file_is_not_mostly_utf8(name: str) -> None:
    data = SEED_TEXTS[name].encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = decode_ok(data)
    assert doc.decoding.decided_by != "utf-8-replaced"
    assert doc.decoding.encoding == "gb18030" and doc.text == SEED_TEXTS[name]


# --------------------------------------------------------------------------- line ends


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "utf-16"])
@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_ends_become_lf(codec: str, newline: str) -> None:
    text = SEED_TEXTS[SEED_PATHS[3].name]
    doc = decode_ok(text.replace("\n", newline).encode(codec))
    assert doc.text == text
    assert "\r" not in doc.text


def test_mixed_line_ends() -> None:
    assert decode_ok("一\r\n二\r三\n四\r\n".encode()).text == "一\n二\n三\n四\n"


def test_ascii_header_longer_than_sample() -> None:
    # Detection looks at the first non-ASCII bytes, not at a pure-ASCII header.
    text = "x" * 70000 + "\n" + SEED_TEXTS[SEED_PATHS[1].name]
    doc = decode_ok(text.encode("gb18030"))
    assert doc.decoding.encoding == "gb18030"
    assert doc.text == text


# --------------------------------------------------------------------------- properties


def check_never_raises(data: bytes) -> None:
    result = decode_bytes(data, sample_bytes=4096)
    if isinstance(result, str):
        assert result
        return
    text, decoding = result
    assert "\r" not in text
    assert text.strip()
    assert not text.startswith("\ufeff")
    assert decoding.replacements >= 0
    assert 0.0 <= decoding.confidence <= 1.0


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes(data: bytes) -> None:
    check_never_raises(data)


BOMS_AND_MAGIC = [
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff\xfe\x00\x00",
    b"\x00\x00\xfe\xff",
    b"RIFF",
    b"PK\x03\x04",
]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(BOMS_AND_MAGIC), st.binary(max_size=500))
def test_any_bytes_after_a_bom_or_signature(prefix: bytes, data: bytes) -> None:
    check_never_raises(prefix + data)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(SEED_TEXTS)),
    st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-16-le", "utf-32"]),
    st.integers(min_value=0, max_value=6000),
    st.integers(min_value=1, max_value=400),
)
def test_truncated_multibyte_sequences(name: str, codec: str, start: int, length: int) -> None:
    data = SEED_TEXTS[name].encode(codec)
    check_never_raises(data[start : start + length])
    check_never_raises(data[: start + length])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=20),  # no surrogates: those come from the next strategy
            st.integers(min_value=0xD800, max_value=0xDFFF).map(chr),
        ),
        max_size=20,
    ),
    st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"]),
)
def test_utf16_with_lone_surrogates(pieces: list[str], codec: str) -> None:
    data = "".join(pieces).encode(codec, errors="surrogatepass")
    check_never_raises(data)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["\r\n", "\r", "\n"]))
def test_utf8_text_round_trips(text: str, newline: str) -> None:
    body = "正文" + text.replace("\r", "")
    result = decode_bytes(body.replace("\n", newline).encode("utf-8", errors="surrogatepass"))
    if "\x00" in body or any(0xD800 <= ord(ch) <= 0xDFFF for ch in body):
        return  # NUL means binary; surrogates are not UTF-8: covered by test_any_bytes
    assert not isinstance(result, str)
    assert result[0] == body.lstrip("\ufeff")
    assert result[1].decided_by == "utf-8"


# --------------------------------------------------------------------------- issue 16


def with_byte_at(text: str, codec: str, at: int, invalid: bytes) -> bytes:
    """Encode ``text`` with ``invalid`` inserted before character ``at``."""
    return text[:at].encode(codec) + invalid + text[at:].encode(codec)


@pytest.mark.parametrize("invalid", [b"\xff", b"\x80"])
def test_gb18030_with_one_invalid_byte_stays_gb18030(invalid: bytes) -> None:
    # The reproduction: chardet answered KOI8-U or CP737 at 0.02-0.05 and that was used.
    for name in representable("gb18030"):
        text = SEED_TEXTS[name]
        for at in (5, len(text) // 2, len(text) - 1):
            doc = decode_ok(with_byte_at(text, "gb18030", at, invalid))
            assert (doc.decoding.encoding, doc.decoding.replacements) == ("gb18030", 1)
            assert doc.text == text[:at] + "\ufffd" + text[at:]


@pytest.mark.parametrize("text", BIG5_TEXTS, ids=["news", "typhoon", "housing"])
def test_big5_with_one_invalid_byte_stays_big5(text: str) -> None:
    for at in (3, len(text) // 2, len(text) - 2):
        doc = decode_ok(with_byte_at(text, "big5", at, b"\xff"))
        assert (doc.decoding.encoding, doc.decoding.replacements) == ("big5hkscs", 1)
        assert doc.text == text[:at] + "\ufffd" + text[at:]


def test_gb18030_with_a_character_cut_off_before_ascii() -> None:
    # As in a real page: the lead byte of a character, then "&quot;".
    text = SEED_TEXTS[representable("gb18030")[0]]
    data = text[:40].encode("gb18030") + b"\xb0&quot;" + text[40:].encode("gb18030")
    doc = decode_ok(data)
    assert doc.decoding.encoding == "gb18030"
    assert doc.text == text[:40] + "\ufffd&quot;" + text[40:]


def test_unconfident_chardet_answer_read_as_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    def unsure(data: bytes) -> dict[str, object]:
        return {"encoding": "KOI8-U", "confidence": 0.04}

    monkeypatch.setattr(chardet, "detect", unsure)
    doc = decode_ok(BIG5_HOUSING.encode("big5"))
    assert doc.text == BIG5_HOUSING
    assert (doc.decoding.encoding, doc.decoding.decided_by) == ("big5hkscs", "cjk-check")
    assert 0.5 <= doc.decoding.confidence <= 1.0


def test_unconfident_guess_of_no_chinese_text_is_a_skip_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unsure(data: bytes) -> dict[str, object]:
        return {"encoding": "KOI8-U", "confidence": 0.04}

    monkeypatch.setattr(chardet, "detect", unsure)
    cyrillic = "\u041e\u0442\u0447\u0451\u0442 \u043c\u044d\u0440\u0438\u0438 \u0437\u0430 \u0433\u043e\u0434"
    reason = decode_fails(cyrillic.encode("koi8-r"))
    assert reason == (
        "encoding not recognised: chardet guessed KOI8-U with confidence 0.04, "
        "and it does not read as GB18030 or Big5 text"
    )


def test_nearly_ascii_text_keeps_an_unsure_guess_with_its_confidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A French page in Windows-1252: a guess can change only its few accented letters.
    page = (
        "Le gouvernement de la ville a publi\u00e9 son rapport d\u2019activit\u00e9 pour "
        "l\u2019ann\u00e9e \u00e9coul\u00e9e. Le document \u00e9voque la croissance "
        "\u00e9conomique et la construction de nouvelles \u00e9coles.\n"
    )

    def unsure(data: bytes) -> dict[str, object]:
        return {"encoding": "Windows-1252", "confidence": 0.12}

    monkeypatch.setattr(chardet, "detect", unsure)
    doc = decode_ok(page.encode("cp1252"))
    assert doc.text == page
    assert (doc.decoding.encoding, doc.decoding.decided_by) == ("cp1252", "chardet")
    assert doc.decoding.confidence == 0.12  # stated in the report


def test_random_bytes_are_skipped_not_written_as_mojibake() -> None:
    import random

    rng = random.Random(16)
    for size in (200, 2000, 20000):
        data = bytes(rng.randrange(0x80, 0x100) for _ in range(size))
        result = decode_bytes(data)
        assert isinstance(result, str), result[1]


def test_too_many_invalid_bytes_for_the_chosen_codec_is_a_skip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_chardet(monkeypatch, "GB18030")  # confident, and wrong: half the bytes are bad
    text = SEED_TEXTS[representable("gb18030")[0]][:200]
    data = b"\xff".join(text[i : i + 4].encode("gb18030") for i in range(0, len(text), 4))
    assert decode_fails(data).startswith("too many invalid bytes for gb18030 (")


def test_short_chinese_with_an_invalid_byte_is_right_or_skipped_never_wrong() -> None:
    wrong = []
    for text in (*BIG5_TEXTS, *(SEED_TEXTS[n] for n in representable("gb18030"))):
        codec = "big5" if text in BIG5_TEXTS else "gb18030"
        for start in range(0, len(text) - 40, 37):
            for size in (8, 12, 20, 40):  # 4 characters and fewer: anyone's guess
                piece = text[start : start + size]
                if sum(not ch.isascii() for ch in piece) < size // 2:
                    continue  # not Chinese text: any reading of one stray byte will do
                result = decode_bytes(with_byte_at(piece, codec, size // 2, b"\xff"))
                if not isinstance(result, str) and not result[1].encoding.startswith(codec[:2]):
                    wrong.append((piece, result[1]))
    assert wrong == []


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_with_a_lone_surrogate_stays_utf16(codec: str) -> None:
    text = SEED_TEXTS[SEED_PATHS[2].name]
    lone = "\ud800".encode(codec, "surrogatepass")
    doc = decode_ok(with_byte_at(text, codec, len(text) // 2, lone))
    assert (doc.decoding.encoding, doc.decoding.replacements) == (codec, 1)
    assert doc.decoding.decided_by == "wide-check"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_cut_in_the_middle_of_a_character(codec: str) -> None:
    text = SEED_TEXTS[SEED_PATHS[2].name]
    doc = decode_ok(text.encode(codec)[:-1])
    assert doc.decoding.encoding == codec
    assert doc.text == text[:-1] + "\ufffd"


def test_ff_fe_before_chinese_text_is_not_taken_for_a_byte_order_mark() -> None:
    # A bad 0xFF, then a character whose lead byte is 0xFE: the bytes of a UTF-16 mark.
    for name in representable("gb18030"):
        result = decode_bytes(b"\xff\xfe" + SEED_TEXTS[name].encode("gb18030"))
        assert isinstance(result, str) or not result[1].encoding.startswith("utf-16"), result[1]
    genuine = decode_ok(b"\xff\xfe" + SEED_TEXTS[name].encode("utf-16-le"))
    assert (genuine.decoding.encoding, genuine.decoding.decided_by) == ("utf-16-le", "bom")


def test_an_invalid_byte_before_digits_at_the_end_loses_no_digit() -> None:
    # Python's GB18030 decoder replaced "\xff" and the 3 bytes or fewer after it, at the
    # end of a file, with one U+FFFD, taking them for a cut-off four-byte character.
    text = SEED_TEXTS[representable("gb18030")[0]].rstrip("\n")
    doc = decode_ok(text.encode("gb18030") + b"\xff2%")
    assert doc.text == text + "\ufffd2%"
    assert doc.decoding.replacements == 1
