"""datatrove's four-stage MinHash dedup against ``clean`` end to end, timed in one run.

Run by hand with the python of a separate virtual environment that has datatrove
(never a dependency of this project; ``xxhash<4`` as datatrove's ``processing``
extra asks, since xxhash 4 refuses ``str`` and datatrove hashes joined strings):

    python3 -m venv /tmp/dtv
    /tmp/dtv/bin/pip install 'datatrove==0.10.1' 'xxhash<4' regex tokenizers orjson
    python benchmarks/gen_corpus.py /tmp/corpus --docs 20000 --dups 2000 --seed 1
    /tmp/dtv/bin/python benchmarks/bench_datatrove.py /tmp/corpus \
        --clean-python /tmp/dev/bin/python [--repeats 3] [--input tree|jsonl]

This script does not import ``cleaner``: ``clean`` runs as ``python -m cleaner``
with the project's python, from the checkout that holds this script. Both tools
read the same input and run on 2 processes: the ``docs/`` tree (``--input
tree``), or the same documents as JSON Lines shards, ``{"id", "text"}``, made
once beside it in ``jsonl/`` (``--input jsonl``: datatrove's ``JsonlReader``,
``clean --glob '*.jsonl'``).
datatrove gets character tokens (a ``WordTokenizer`` that returns the characters
of its simplified text, spaces left out), 5-grams and 16 buckets x 8 hashes, so
both tools do the same job; its four stages are signatures, buckets, clusters
and the filter that writes the kept documents. Each tool runs in a child
process, so its wall time includes interpreter start-up and its peak memory is
that of its largest process (``wait4``). The rounds take the tools in turn, and
the figures are medians.

A duplicate pair from ``truth.json`` counts as found when the output keeps at
most one of its two documents; a false drop is a dropped document that is in
no duplicate pair.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TASKS = 2
CLEAN_JOBS = "2"


JSONL_SHARDS = 4  # both tools spread their work over files: two per process


def jsonl_shards(docs: Path, folder: Path) -> Path:
    """Write the documents of ``docs`` as JSON Lines shards (once); return the folder."""
    paths = sorted(docs.rglob("*.txt"))
    if folder.is_dir() and len(list(folder.glob("*.jsonl"))) == JSONL_SHARDS:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    per_shard = -(-len(paths) // JSONL_SHARDS)
    for number in range(JSONL_SHARDS):
        rows = paths[number * per_shard : (number + 1) * per_shard]
        with (folder / f"part-{number:05d}.jsonl").open("w", encoding="utf-8") as stream:
            for path in rows:
                row = {
                    "id": path.relative_to(docs).as_posix(),
                    "text": path.read_text(encoding="utf-8"),
                }
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    return folder


def run_datatrove(docs: Path, work: Path) -> None:
    """Run the four stages on ``docs``; print the seconds of each and the dropped ids as JSON."""
    import datatrove.pipeline.dedup.minhash as minhash_module
    from datatrove.executor.local import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.readers.base import BaseDiskReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter
    from datatrove.utils.word_tokenizers import WordTokenizer

    class CharacterTokenizer(WordTokenizer):
        """Characters as tokens: Chinese has no spaces, and ``clean`` shingles characters."""

        def word_tokenize(self, text: str, language: str | None = None) -> list[str]:
            return [char for char in text if not char.isspace()]

        def sent_tokenize(self, text: str) -> list[str]:
            return [text]

        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            return [(0, len(text))]

    class TextFileReader(BaseDiskReader):
        """One document per UTF-8 ``.txt`` file, its id the path under ``docs``."""

        name = "text files"

        def read_file(self, filepath: str):  # noqa: ANN201 - datatrove's generator type
            with self.data_folder.open(filepath, "r", encoding="utf-8") as stream:
                text = stream.read()
            with self.track_time():
                document = self.get_document_from_dict({"text": text, "id": filepath}, filepath, 0)
            if document:
                yield document

    # The signature step picks its tokenizer by language when it is built.
    minhash_module.load_word_tokenizer = lambda language: CharacterTokenizer()
    config = MinhashConfig(n_grams=5, num_buckets=16, hashes_per_bucket=8, seed=1)

    def reader() -> BaseDiskReader:
        if docs.name == "jsonl":
            return JsonlReader(str(docs), glob_pattern="*.jsonl")
        return TextFileReader(str(docs), glob_pattern="**/*.txt")

    stages = {
        "signatures": (
            [reader(), MinhashDedupSignature(output_folder=f"{work}/sigs", config=config)],
            TASKS,
        ),
        "buckets": (
            [
                MinhashDedupBuckets(
                    input_folder=f"{work}/sigs", output_folder=f"{work}/buckets", config=config
                )
            ],
            config.num_buckets,
        ),
        "cluster": (
            [
                MinhashDedupCluster(
                    input_folder=f"{work}/buckets", output_folder=f"{work}/remove", config=config
                )
            ],
            1,
        ),
        "filter": (
            [
                reader(),
                MinhashDedupFilter(
                    input_folder=f"{work}/remove",
                    exclusion_writer=JsonlWriter(f"{work}/removed", compression=None),
                ),
                JsonlWriter(f"{work}/kept", compression=None),
            ],
            TASKS,
        ),
    }
    seconds = {}
    for name, (pipeline, tasks) in stages.items():
        started = time.perf_counter()
        LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            workers=TASKS,
            logging_dir=f"{work}/logs/{name}",
        ).run()
        seconds[name] = time.perf_counter() - started
    dropped = [
        json.loads(line)["id"]
        for path in sorted((work / "removed").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    print(json.dumps({"stages": seconds, "dropped": dropped}))


def timed_child(command: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Run a command; return its wall seconds, peak RSS in MB (largest process) and stdout."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as captured:
        child = subprocess.Popen(command, stdout=captured, stderr=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        captured.seek(0)
        output = captured.read().decode("utf-8")
    if child.returncode != 0:
        raise SystemExit(f"{command[:4]} exited {child.returncode}")
    return seconds, usage.ru_maxrss / 1024, output


def score(dropped: set[str], truth: dict) -> tuple[float, int]:
    """Return the recall of duplicate pairs and the number of documents dropped by mistake."""
    pairs = truth["duplicates"]
    found = sum(1 for pair in pairs if pair["copy"] in dropped or pair["original"] in dropped)
    involved = {pair["copy"] for pair in pairs} | {pair["original"] for pair in pairs}
    return found / len(pairs), len(dropped - involved)


def datatrove_round(docs: Path, truth: dict, temp: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-datatrove-", dir=temp) as work:
        command = [sys.executable, __file__, "--datatrove-once", str(docs), work]
        seconds, peak, output = timed_child(command)
    result = json.loads(output.strip().splitlines()[-1])
    recall, false_drops = score(set(result["dropped"]), truth)
    return {"seconds": seconds, "peak": peak, "recall": recall, "false": false_drops, **result}


def clean_round(docs: Path, truth: dict, python: str, form: str, temp: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-clean-", dir=temp) as out:
        command = [python, "-m", "cleaner", str(docs), out, "--jobs", CLEAN_JOBS, "--no-progress"]
        command += ["--format", form]
        if docs.name == "jsonl":
            command += ["--glob", "*.jsonl"]
        seconds, peak, _ = timed_child(command, cwd=Path(__file__).resolve().parents[1])
        report = json.loads((Path(out) / "_report.json").read_text(encoding="utf-8"))
    dropped = {member["doc_id"] for c in report["clusters"] for member in c["dropped"]}
    recall, false_drops = score(dropped, truth)
    return {"seconds": seconds, "peak": peak, "recall": recall, "false": false_drops}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path, help="a folder made by gen_corpus.py")
    parser.add_argument("--clean-python", default="/tmp/dev/bin/python")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--formats",
        default="text,jsonl",
        help="clean's output formats to time: text (a file per document) and/or jsonl",
    )
    parser.add_argument(
        "--temp",
        default=None,
        help="where both tools write (default: the system's temporary folder); "
        "/dev/shm leaves out the cost of creating files on disk",
    )
    parser.add_argument(
        "--input",
        choices=("tree", "jsonl"),
        default="tree",
        help="what both tools read: the docs/ tree of text files, or JSON Lines shards of it",
    )
    args = parser.parse_args()
    docs = args.corpus / "docs"
    truth = json.loads((args.corpus / "truth.json").read_text(encoding="utf-8"))
    size = sum(path.stat().st_size for path in docs.rglob("*.txt")) / 1e6
    if args.input == "jsonl":
        docs = jsonl_shards(docs, args.corpus / "jsonl")
    print(f"corpus {docs}: {size:.1f} MB; load average before {os.getloadavg()}")
    forms = args.formats.split(",")
    rounds: dict[str, list[dict]] = {"datatrove": [], **{f"clean {form}": [] for form in forms}}
    for number in range(args.repeats):
        for name in rounds:
            if name == "datatrove":
                result = datatrove_round(docs, truth, args.temp)
            else:
                form = name.split()[1]
                result = clean_round(docs, truth, args.clean_python, form, args.temp)
            rounds[name].append(result)
            print(
                f"round {number + 1} {name}: {result['seconds']:.2f} s, "
                f"{size / result['seconds']:.2f} MB/s, recall {result['recall']:.4f}, "
                f"false drops {result['false']}, peak {result['peak']:.0f} MB",
                flush=True,
            )
    print(f"load average after {os.getloadavg()}\n")
    print("| tool | median s | MB/s | recall | false drops | peak MB (largest process) |")
    print("|---|---|---|---|---|---|")
    medians = {}
    for name, results in rounds.items():
        medians[name] = statistics.median(r["seconds"] for r in results)
        recall = statistics.median(r["recall"] for r in results)
        false = max(r["false"] for r in results)
        peak = max(r["peak"] for r in results)
        print(
            f"| {name} | {medians[name]:.2f} | {size / medians[name]:.2f} | {recall:.4f} "
            f"| {false} | {peak:.0f} |"
        )
    stage_names = rounds["datatrove"][0]["stages"]
    stages = ", ".join(
        f"{stage} {statistics.median(r['stages'][stage] for r in rounds['datatrove']):.2f} s"
        for stage in stage_names
    )
    print(f"\ndatatrove stages (median): {stages}")
    for form in forms:
        ratio = statistics.median(
            d["seconds"] / c["seconds"]
            for d, c in zip(rounds["datatrove"], rounds[f"clean {form}"], strict=True)
        )
        print(f"clean --format {form} / datatrove speed (median of per-round ratios): {ratio:.2f}x")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--datatrove-once":
        run_datatrove(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
