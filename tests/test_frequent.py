"""Speculative sites: pass 2 first, the files with a frequent line cleaned again.

Whatever the sample decides, the output must be byte for byte what a full pass 1
gives; these corpora are built from the seeds, with a rare shared line (a site
that is speculated) and with a footer on every page (a site that is read).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS

from cleaner.data import CleanConfig
from cleaner.engine.local import LocalEngine
from cleaner.pipeline import clean_corpus

RARE_LINE = "\u5e02\u653f\u52a1\u670d\u52a1\u4e2d\u5fc3\u5b89\u6392"  # 市政务服务中心安排
FOOTER = "\u4fbf\u6c11\u670d\u52a1\u70ed\u7ebf\u6b22\u8fce\u6765\u7535"  # 便民服务热线欢迎来电
SEED_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]


def site(root: Path, files: int, edge: str, every: int) -> Path:
    """Write ``files`` distinct pages built from the seeds; every ``every``-th ends with ``edge``."""
    source = root / "in" / "news"
    source.mkdir(parents=True)
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for number in range(files):
        # Ten lines of its own at each end (the edge zone), a seed in between: no
        # two pages are duplicates, and only ``edge`` can recur at their edges.
        head = [f"\u7b2c{number}\u53f7\u901a\u77e5\u7b2c{k}\u6761" for k in range(10)]
        tail = [f"\u9644\u4ef6{number}-{k}" for k in range(10)]
        body = seeds[number % len(seeds)].replace("2021", str(1800 + number))
        text = "\n".join([*head, body, *tail])
        if number % every == 0:
            text = f"{text}\n{edge}\n"
        (source / f"{number:04d}.txt").write_text(text, encoding="utf-8")
    return source.parent


def outputs(out: Path) -> dict[str, bytes]:
    files = sorted(path for path in out.rglob("*") if path.is_file())
    return {str(path.relative_to(out)): path.read_bytes() for path in files}


@pytest.fixture
def scanned(monkeypatch) -> list[int]:
    """The number of files each pass-1 scan of the run is given."""
    seen: list[int] = []
    real = LocalEngine.count_edges

    def counting(self, tasks, state, known):
        seen.append(sum(len(task.paths) for task in tasks))
        return real(self, tasks, state, known)

    monkeypatch.setattr(LocalEngine, "count_edges", counting)
    return seen


@pytest.mark.parametrize("output_format", ["text", "jsonl"])
def test_a_speculated_site_comes_out_as_a_fully_read_one(
    tmp_path, monkeypatch, output_format, scanned
):
    """A large site whose sample shows no template skips pass 1; the output is the same."""
    from cleaner.engine import frequent

    source = site(tmp_path, 200, RARE_LINE, every=25)  # the line in 8 files: frequent, rare
    config = CleanConfig(output_format=output_format)
    report = clean_corpus(source, tmp_path / "speculated", config, jobs=2)
    assert scanned == [frequent.SAMPLE_DOCUMENTS, 0]  # the sample; then nothing more
    frequent_removals = [r for f in report.files for r in f.removed if r.rule.startswith("recurs")]
    assert [r.text for r in frequent_removals] == [RARE_LINE] * 8  # cleaned again, with it
    monkeypatch.setattr(frequent, "SAMPLE_DOCUMENTS", 1000)  # no folder is large: read in full
    expected = clean_corpus(source, tmp_path / "read", config, jobs=1)
    assert scanned[2:] == [200]
    assert outputs(tmp_path / "speculated") == outputs(tmp_path / "read")
    assert expected.files == report.files


def test_a_site_with_a_template_is_read_in_full_after_its_sample(tmp_path, scanned):
    from cleaner.engine import frequent

    source = site(tmp_path, 200, FOOTER, every=1)  # a footer on every page
    clean_corpus(source, tmp_path / "out", jobs=2)
    assert scanned == [frequent.SAMPLE_DOCUMENTS, 200 - frequent.SAMPLE_DOCUMENTS]


def test_a_footer_on_every_page_goes_from_every_page(tmp_path):
    source = site(tmp_path, 200, FOOTER, every=1)
    clean_corpus(source, tmp_path / "out", jobs=2)
    report = json.loads((tmp_path / "out" / "_report.json").read_text(encoding="utf-8"))
    assert report["totals"]["lines_removed_by_class"]["corpus-frequent"] == 200


def test_folders_too_small_for_a_frequent_line_are_not_read_twice(tmp_path, scanned):
    source = site(tmp_path, 40, RARE_LINE, every=10)  # 4 files with the line
    small = source / "small"
    small.mkdir()
    for number in range(4):  # fewer files than corpus_min_docs (5): never scanned
        (small / f"{number}.txt").write_text(
            f"{FOOTER}\n\u6b63\u6587{number}\u3002\n", encoding="utf-8"
        )
    report = clean_corpus(source, tmp_path / "out", jobs=1)
    assert scanned == [40]
    assert not [r for f in report.files for r in f.removed if r.rule.startswith("recurs")]


def _records(domain: str, count: int, edge: str, start: int) -> list[dict[str, str]]:
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    return [
        {
            "id": f"{domain}-{number}",
            "url": f"https://www.{domain}/news/{number}.html",
            "text": f"\u7b2c{number}\u53f7\n{seeds[number % 5][: 400 + number]}\n{edge}\n",
        }
        for number in range(start, start + count)
    ]


def test_records_count_by_the_domain_of_their_url(tmp_path):
    """The site of a record is its URL's domain, across shards; other domains do not count."""
    shards = tmp_path / "in"
    shards.mkdir()
    first = _records("a.gov.cn", 3, FOOTER, 0) + _records("b.gov.cn", 3, FOOTER, 100)
    second = _records("a.gov.cn", 3, FOOTER, 3)
    for name, records in (("0.jsonl", first), ("1.jsonl", second)):
        lines = [json.dumps(record, ensure_ascii=False) for record in records]
        (shards / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = CleanConfig(glob="*.jsonl", output_format="jsonl")
    report = clean_corpus(shards, tmp_path / "out", config, jobs=2)
    removed = {
        f.doc_id: [r.rule for r in f.removed if r.rule.startswith("recurs")] for f in report.files
    }
    assert all(removed[f"a.gov.cn-{n}"] for n in range(6))  # 6 records of a.gov.cn: frequent
    assert not any(removed[f"b.gov.cn-{n}"] for n in range(100, 103))  # 3 of b.gov.cn: not


def test_records_cleaned_before_their_lines_were_counted_come_out_as_if_counted_first(
    tmp_path, monkeypatch
):
    """Records whose sample shows no template are speculative: the same output as a full pass 1."""
    import cleaner.engine.cleaned as cleaned
    from cleaner.engine import frequent

    sentences = sorted(
        {s.strip() + "\u3002" for text in SEED_TEXTS for s in text.split("\u3002") if len(s) > 12}
    )
    domains = ["a.gov.cn"] * 9 + ["b.gov.cn"] * 6 + ["c.gov.cn"] * 5  # no site holds half
    rows = [
        {
            "id": f"r{n}",
            "url": f"https://www.{domains[n % 20]}/{n}.html",
            # Lines of its own (numbered: no line with a digit is ever a template line)...
            "text": "".join(
                f"{n}.{k} {sentences[(3 * n + k) % len(sentences)]}\n" for k in range(3)
            ),
        }
        for n in range(200)
    ]
    on_a = [n for n in range(200) if domains[n % 20] == "a.gov.cn"]
    for index in (0, 20, 40, 50, 60, 70, 80):  # ...but this one, in 7 records of a.gov.cn:
        rows[on_a[index]]["text"] += RARE_LINE + "\n"  # frequent; 2 in the sample: no template
    shard = tmp_path / "in" / "a.jsonl"
    shard.parent.mkdir()
    shard.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    settled: list[int] = []
    real = cleaned.settle
    monkeypatch.setattr(cleaned, "settle", lambda *a: settled.append(len(real(*a)[1])) or real(*a))
    config = CleanConfig(output_format="jsonl")
    speculated = clean_corpus(shard, tmp_path / "speculated", config, jobs=2)
    assert settled == [7]  # counted after pass 2; the 7 cleaned again
    removed = [r.text for f in speculated.files for r in f.removed if r.rule.startswith("recurs")]
    assert removed == [RARE_LINE] * 7
    monkeypatch.setattr(frequent, "TEMPLATE_SHARE", 0.0)  # every sampled site a template
    counted = clean_corpus(shard, tmp_path / "counted", config, jobs=2)
    assert settled == [7]  # no speculation: pass 1 counted them
    assert outputs(tmp_path / "speculated") == outputs(tmp_path / "counted")
    assert speculated.files == counted.files
