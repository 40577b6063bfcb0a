"""Documents in the formats corpus pipelines exchange: JSON Lines, Parquet, WARC and WET.

Files are written by the tools users have (datatrove's writer, Hugging Face
``datasets``, pyarrow, warcio) from real text (the seeds and the HTML pages of
``../shared/corpora``), cleaned, and what comes out is read back by those tools.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS, SHARED

from cleaner import CleanConfig, clean_corpus
from cleaner.cli import cli
from cleaner.data import Document
from cleaner.pipeline import clean_documents

SEED_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
PAGES = SHARED / "corpora" / "zh-web-content-extraction" / "original"


def records(count: int = 5) -> list[dict[str, Any]]:
    """Records of seed texts, each with an id, a URL and a field of its own."""
    return [
        {
            "id": f"doc-{number}",
            "text": SEED_TEXTS[number % len(SEED_TEXTS)],
            "url": f"https://www.site{number % 2}.gov.cn/a/{number}.html",
            "crawl": {"dump": "CC-MAIN-2024-10", "rank": number},
        }
        for number in range(count)
    ]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(lines.encode("utf-8")))
    else:
        path.write_text(lines, encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    elif path.suffix == ".zst":
        zstandard = pytest.importorskip("zstandard")
        data = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_written_by_datatrove_comes_out_as_datatrove_reads_it(tmp_path):
    pytest.importorskip("orjson", reason="datatrove's JsonlWriter needs orjson")
    writers = pytest.importorskip("datatrove.pipeline.writers.jsonl")
    from datatrove.data import Document as DatatroveDocument
    from datatrove.pipeline.readers import JsonlReader

    shards = tmp_path / "shards"
    with writers.JsonlWriter(str(shards), "${rank}.jsonl.gz", compression="gzip") as writer:
        for row in records(6):
            metadata = {"url": row["url"], "dump": "CC-MAIN-2024-10"}
            writer.write(DatatroveDocument(text=row["text"], id=row["id"], metadata=metadata), 0)
    config = CleanConfig(input_format="jsonl", output_format="jsonl", compression="gzip")
    report = clean_corpus(shards, tmp_path / "out", config, jobs=2)
    assert not report.failures
    read = list(JsonlReader(str(tmp_path / "out"), glob_pattern="corpus.jsonl.gz").run())
    kept = {doc.id: doc for doc in read}
    assert set(kept) == {f"doc-{n}" for n in range(5)}  # doc-5 is seed 000 again: a duplicate
    first = kept["doc-0"]
    assert first.metadata["url"] == "https://www.site0.gov.cn/a/0.html"
    assert first.metadata["dump"] == "CC-MAIN-2024-10"  # the input's own metadata stays
    assert first.metadata["source_path"] == "00000.jsonl.gz:1"
    assert "\u3002" in first.text and "2 0 2 1" not in first.text


def test_jsonl_from_datasets_to_json_is_read_and_written_back(tmp_path):
    datasets = pytest.importorskip("datasets")
    source = tmp_path / "in" / "train.jsonl"
    source.parent.mkdir()
    datasets.Dataset.from_list(records(4)).to_json(str(source), force_ascii=False)
    out = tmp_path / "out"
    report = clean_corpus(source, out, CleanConfig(output_format="jsonl"), jobs=1)
    assert report.files_written == 4 and not report.failures
    back = datasets.Dataset.from_json(str(out / "corpus.jsonl"))
    assert back["id"] == [f"doc-{n}" for n in range(4)]
    assert back[2]["metadata"]["crawl"] == {"dump": "CC-MAIN-2024-10", "rank": 2}


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_malformed_records_are_reported_with_file_and_line_and_the_rest_is_kept(tmp_path, suffix):
    if suffix == ".jsonl.zst":
        zstandard = pytest.importorskip("zstandard")
    lines = [
        json.dumps(records(1)[0], ensure_ascii=False),
        "{not json",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "list", "text": ["\u6b63\u6587"]}),
        "[1, 2]",
        "",
        json.dumps({"id": "last", "text": SEED_TEXTS[3]}, ensure_ascii=False),
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path = tmp_path / "in" / f"shard{suffix}"
    path.parent.mkdir()
    if suffix == ".jsonl.gz":
        data = gzip.compress(data)
    elif suffix == ".jsonl.zst":
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    report = clean_corpus(path.parent, tmp_path / "out", CleanConfig(glob="*.jsonl*"), jobs=1)
    name = f"shard{suffix}"
    assert [(f.rel_path, f.reason.split(" (")[0]) for f in report.failures] == [
        (f"{name}:2", "not valid JSON"),
        (f"{name}:3", "no 'text' field"),
        (f"{name}:4", "the 'text' field is a list, not a string"),
        (f"{name}:5", "a JSON list, not an object"),
    ]
    assert [f.doc_id for f in report.files] == ["doc-0", "last"]


def test_a_truncated_gzip_keeps_what_came_before_and_says_where_it_stopped(tmp_path):
    whole = gzip.compress(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in records(5)).encode()
    )
    path = tmp_path / "in" / "cut.jsonl.gz"
    path.parent.mkdir()
    path.write_bytes(whole[: len(whole) * 3 // 4])
    report = clean_corpus(path, tmp_path / "out", CleanConfig(output_format="jsonl"), jobs=1)
    (failure,) = report.failures
    assert failure.rel_path.startswith("cut.jsonl.gz:") and "cannot read further" in failure.reason
    assert 1 <= report.files_written < 5
    assert len(read_jsonl(tmp_path / "out" / "corpus.jsonl")) == report.files_written


def test_a_large_plain_file_is_read_in_ranges_with_its_line_numbers(tmp_path, monkeypatch):
    import cleaner.read.jsonl as jsonl

    monkeypatch.setattr(jsonl, "SPLIT_BYTES", 20_000)  # the seeds are 3 to 40 KB each
    rows = records(12)
    rows[7] = {"id": "broken", "txt": "no text"}
    path = write_jsonl(tmp_path / "in" / "big.jsonl", rows)
    assert len(jsonl.JsonLines().tasks(str(path.parent), path.name)) > 2
    split = clean_corpus(path, tmp_path / "split", CleanConfig(output_format="jsonl"), jobs=2)
    assert [f.rel_path for f in split.failures] == ["big.jsonl:8"]
    monkeypatch.setattr(jsonl, "SPLIT_BYTES", 1 << 30)
    whole = clean_corpus(path, tmp_path / "whole", CleanConfig(output_format="jsonl"), jobs=1)
    assert split.files == whole.files
    assert (tmp_path / "split" / "corpus.jsonl").read_bytes() == (
        tmp_path / "whole" / "corpus.jsonl"
    ).read_bytes()


def test_jsonl_shards_of_a_size_are_the_same_records_whatever_the_jobs(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    path = write_jsonl(tmp_path / "in" / "a.jsonl", records(5))
    one = CleanConfig(output_format="jsonl", compression="zstd")
    clean_corpus(path, tmp_path / "one", one, jobs=1)
    sharded = CleanConfig(output_format="jsonl", compression="zstd", shard_bytes=30_000)
    clean_corpus(path, tmp_path / "two", sharded, jobs=2)
    shards = sorted((tmp_path / "two").glob("corpus-*.jsonl.zst"))
    assert len(shards) >= 2
    assert [r for s in shards for r in read_jsonl(s)] == read_jsonl(
        tmp_path / "one" / "corpus.jsonl.zst"
    )
    assert zstandard.ZstdDecompressor().stream_reader(io.BytesIO(shards[0].read_bytes())).read()


# --------------------------------------------------------------------------- Parquet


def test_parquet_in_and_out_read_by_pyarrow_and_datasets(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    datasets = pytest.importorskip("datasets")
    rows = records(5)
    source = tmp_path / "in" / "part-0.parquet"
    source.parent.mkdir()
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, source, row_group_size=2)
    report = clean_corpus(source, tmp_path / "out", CleanConfig(output_format="parquet"), jobs=2)
    assert report.files_written == 5 and not report.failures
    written = pq.read_table(tmp_path / "out" / "corpus.parquet")
    assert written.column_names == ["id", "text", "metadata"]
    assert written["id"].to_pylist() == [row["id"] for row in rows]
    metadata = json.loads(written["metadata"][1].as_py())
    assert metadata["source_path"] == "part-0.parquet:2"
    assert metadata["crawl"] == {"dump": "CC-MAIN-2024-10", "rank": 1}
    back = datasets.Dataset.from_parquet(str(tmp_path / "out" / "corpus.parquet"))
    assert back["text"] == written["text"].to_pylist()


def test_parquet_from_datasets_without_the_text_column_says_which_option(tmp_path):
    datasets = pytest.importorskip("datasets")
    source = tmp_path / "in" / "train.parquet"
    source.parent.mkdir()
    rows = [{"id": row["id"], "content": row["text"]} for row in records(3)]
    datasets.Dataset.from_list(rows).to_parquet(str(source))
    report = clean_corpus(source, tmp_path / "out", CleanConfig(), jobs=1)
    assert [(f.rel_path, f.reason) for f in report.failures] == [
        ("train.parquet", "no 'text' column (choose it with --text-key)")
    ]
    report = clean_corpus(source, tmp_path / "out2", CleanConfig(text_key="content"), jobs=1)
    assert report.files_written == 3


# --------------------------------------------------------------------------- WARC and WET


def _warc(path: Path, pages: list[tuple[str, bytes]], kind: str) -> None:
    """Write a gzipped archive of ``pages`` with warcio: responses, or WET conversions.

    Each length is given: without it warcio buffers the payload in a temporary
    file it never closes.
    """
    warcio = pytest.importorskip("warcio")
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for url, payload in pages:
            headers = {"WARC-Date": "2024-03-01T10:00:00Z"}
            if kind == "response":
                http = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=gb2312")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    url, "response", payload=io.BytesIO(payload), length=len(payload),
                    http_headers=http, warc_headers_dict=headers,
                )  # fmt: skip
            else:
                record = writer.create_warc_record(
                    url, "conversion", payload=io.BytesIO(payload), length=len(payload),
                    warc_content_type="text/plain", warc_headers_dict=headers,
                )  # fmt: skip
            writer.write_record(record)
    assert warcio


def test_wet_conversions_are_page_texts_with_their_url_and_date(tmp_path):
    pages = [
        (f"http://www.site{n % 2}.gov.cn/{n}.html", text.encode())
        for n, text in enumerate(SEED_TEXTS)
    ]
    path = tmp_path / "in" / "crawl.warc.wet.gz"
    path.parent.mkdir()
    _warc(path, pages, "conversion")
    report = clean_corpus(path, tmp_path / "out", CleanConfig(output_format="jsonl"), jobs=1)
    assert report.files_written == 5 and not report.failures
    written = read_jsonl(tmp_path / "out" / "corpus.jsonl")
    assert [r["metadata"]["url"] for r in written] == [url for url, _ in pages]
    assert all(r["id"].startswith("urn:uuid:") for r in written)
    assert written[0]["metadata"]["domain"] == "site0.gov.cn"


def test_warc_html_responses_go_through_main_text_extraction(tmp_path):
    pytest.importorskip("trafilatura", reason="HTML needs the html extra")
    if not PAGES.is_dir():
        pytest.skip("../shared/corpora is not there")
    names = sorted(PAGES.glob("*.html"))[:4]
    pages = [(f"http://news.example.cn/{p.stem}.html", p.read_bytes()) for p in names]
    path = tmp_path / "in" / "crawl.warc.gz"
    path.parent.mkdir()
    _warc(path, pages, "response")
    report = clean_corpus(path, tmp_path / "out", CleanConfig(output_format="jsonl"), jobs=2)
    assert report.files_written + len(report.failures) == 4
    assert report.files_written >= 3
    for record in read_jsonl(tmp_path / "out" / "corpus.jsonl"):
        assert record["metadata"]["url"].startswith("http://news.example.cn/")
        assert "<" not in record["text"][:200] and len(record["text"]) > 50


# --------------------------------------------------------------------------- output choices


def test_dropped_documents_are_written_on_request_with_the_reason(tmp_path):
    rows = records(5)
    rows.append({"id": "copy-of-0", "text": rows[0]["text"], "url": "https://mirror.cn/0"})
    path = write_jsonl(tmp_path / "in" / "a.jsonl", rows)
    config = CleanConfig(output_format="jsonl", write_dropped=True)
    report = clean_corpus(path, tmp_path / "out", config, jobs=1)
    assert report.files_written == 5
    (dropped,) = read_jsonl(tmp_path / "out" / "_dropped" / "corpus.jsonl")
    assert dropped["id"] == "copy-of-0"
    assert dropped["metadata"]["dropped"] == {
        "reason": "near-duplicate",
        "kept": "doc-0",
        "similarity": 1.0,
    }
    tree = clean_corpus(path, tmp_path / "tree", CleanConfig(write_dropped=True), jobs=1)
    assert tree.files_written == 5
    assert [p.name for p in (tmp_path / "tree" / "_dropped").rglob("*.txt")] == ["000006.txt"]


def test_records_in_a_text_tree_are_files_named_by_their_line(tmp_path):
    path = write_jsonl(tmp_path / "in" / "shard.jsonl", records(3))
    clean_corpus(path.parent, tmp_path / "out", CleanConfig(glob="*.jsonl"), jobs=1)
    names = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.txt"))
    assert names == [f"shard.jsonl.d/00000{n}.txt" for n in (1, 2, 3)]


def test_the_python_api_takes_dicts_and_documents(tmp_path):
    from cleaner.data import Decoding

    given = [*records(3), Document("mine", SEED_TEXTS[4], "x", Decoding("utf-8", "given", 1.0))]
    with clean_documents(given, jobs=1) as cleaned:
        out = list(cleaned)
        assert cleaned.report.files_written == 4
    assert [d["id"] for d in out] == ["doc-0", "doc-1", "doc-2", "mine"]
    assert out[1]["metadata"]["url"] == "https://www.site1.gov.cn/a/1.html"


# --------------------------------------------------------------------------- the command line


def test_jsonl_shards_found_by_a_glob_are_read_as_records_not_pages(runner, tmp_path):
    """The issue's first complaint: --glob '*.jsonl' cleaned each shard as one page."""
    write_jsonl(tmp_path / "shards" / "0.jsonl", records(3))
    out = tmp_path / "out"
    result = runner.invoke(cli, [str(tmp_path / "shards"), str(out), "--glob", "*.jsonl",
                                 "--format", "jsonl", "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl(out / "corpus.jsonl")] == ["doc-0", "doc-1", "doc-2"]


def test_stdin_jsonl_to_stdout_jsonl(runner):
    rows = records(2)
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "{oops\n"
    result = runner.invoke(cli, ["-", "--input-format", "jsonl", "-q"], input=data)
    assert result.exit_code == 1  # a record was skipped
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["doc-0", "doc-1"]
    assert "skipped -:3: not valid JSON" in result.stderr


def test_stdin_text_as_a_jsonl_record(runner):
    result = runner.invoke(cli, ["-", "--format", "jsonl", "-q"], input=SEED_TEXTS[1])
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["id"] == "-"
