"""Run `clean` on corpora at scale and measure time, throughput and peak memory.

Run: python benchmarks/bench_scale.py WORK_DIR [--cases small,large,deep] [--jobs 1,2]
         [--small-files 100000] [--large-files 200000] [--depth 500] [--keep]

Cases, generated under WORK_DIR (reused when already there, with the same sizes):

- ``small``: many small files, 1 to 3 KB each, 1,000 per folder.
- ``large``: about 1 GB of files of about 5 KB (``--large-files`` of them).
- ``deep``: a chain of ``--depth`` nested folders, a file every 50 levels.

Texts are made of paragraphs of the seeds and ../shared/corpora (the pool of
``gen_corpus.py``), drawn at random, between a site header and footer of the
kind crawlers keep (breadcrumbs, print buttons, source and date lines); 5% of
the documents are copies of an earlier one with another date line, so the
duplicate clustering and its exact checks have work to do.

Each run is ``python -m cleaner IN OUT --no-progress --jobs N`` in its own
session. A sampler reads /proc every 0.2 s for every process of that session
(the main process and its workers) and keeps each one's VmHWM (peak resident
memory, from the kernel) and the largest sums of VmRSS and of PSS over the
session at one moment. Forked children share pages with the main process: VmRSS
counts those in each, PSS splits them, so the PSS sum is what the run really
holds. (``ru_maxrss`` from ``wait4`` is no substitute: a child forked from
this process carries this process's resident size into it.) One Markdown row per
run is printed and each run is appended to WORK_DIR/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import _source_texts, paragraph_pool  # noqa: E402

SAMPLE_SECONDS = 0.2
COPY_SHARE = 0.05
FILES_PER_FOLDER = 1000
SITES = [
    ("首页 > 新闻中心 > 政务要闻", "某某市人民政府办公室"),
    ("当前位置：首页 > 政务公开 > 政府工作报告", "某省发展和改革委员会"),
    ("首页 | 机构概况 | 政务公开 | 办事服务 | 互动交流", "某县人民政府"),
    ("您所在的位置：首页 >> 工作动态", "某市统计局"),
    ("网站首页 > 信息公开 > 通知公告", "某区教育局"),
]
FOOTERS = [
    "【打印】【关闭】",
    "【字体：大 中 小】 【打印本页】",
    "相关阅读：",
    "主办单位：某某市人民政府办公室  技术支持：某某信息中心",
    "扫一扫在手机打开当前页",
]


def compose(pool: list[str], rng: random.Random, low: int, high: int) -> str:
    """Return one page of about ``low``..``high`` bytes: header, paragraphs, footer."""
    nav, source = rng.choice(SITES)
    lines = [
        nav,
        f"发布时间：2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}  来源：{source}",
    ]
    target, size, used = rng.randint(low, high), 0, set()
    while size < target:
        paragraph = rng.choice(pool)
        if paragraph not in used:  # a paragraph said twice is another case (block dedup)
            used.add(paragraph)
            lines.append(paragraph)
            size += len(paragraph.encode("utf-8")) + 1
    lines += rng.sample(FOOTERS, 2)
    return "\n".join(lines) + "\n"


def redate(text: str, rng: random.Random) -> str:
    """Return a copy of a page with another date line (a repost)."""
    first, date, rest = text.split("\n", 2)
    return f"{first}\n发布时间：2026-{rng.randint(1, 12):02d}-01{date[15:]}\n{rest}"


def generate_flat(
    root: Path, files: int, low: int, high: int, pool: list[str], seed: int
) -> dict[str, float]:
    """Write ``files`` pages of ``low``..``high`` bytes, 1,000 per folder."""
    rng = random.Random(seed)
    written: list[str] = []
    total = 0
    for index in range(files):
        if written and rng.random() < COPY_SHARE:
            text = redate(rng.choice(written[-5000:]), rng)
        else:
            text = compose(pool, rng, low, high)
            written.append(text)
            if len(written) > 10000:
                del written[:5000]
        data = text.encode("utf-8")
        folder = root / f"{index // FILES_PER_FOLDER:04d}"
        if index % FILES_PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{index:07d}.txt").write_bytes(data)
        total += len(data)
    return {"files": files, "bytes": total}


def generate_deep(root: Path, depth: int, pool: list[str], seed: int) -> dict[str, float]:
    """Write a chain of ``depth`` folders with a page every 50 levels and at the top."""
    rng = random.Random(seed)
    path, files, total = str(root), 0, 0
    os.makedirs(path, exist_ok=True)
    for level in range(depth + 1):
        if level % 50 == 0 or level == depth:
            data = compose(pool, rng, 1000, 3000).encode("utf-8")
            with open(os.path.join(path, f"page{level}.txt"), "wb") as stream:
                stream.write(data)
            files, total = files + 1, total + len(data)
        if level < depth:
            path = os.path.join(path, "d")
            os.mkdir(path)  # os.makedirs would recurse once per level
    return {"files": files, "bytes": total}


def prepare(work: Path, case: str, args: argparse.Namespace) -> tuple[Path, dict[str, float]]:
    """Generate a case's input once; return its folder and its size."""
    source = work / f"in-{case}"
    wanted = {
        "small": {"files": args.small_files},
        "large": {"files": args.large_files},
        "deep": {"depth": args.depth},
    }[case]
    manifest = work / f"in-{case}.json"
    if manifest.exists():
        known = json.loads(manifest.read_text())
        if known["wanted"] == wanted:
            return source, known["size"]
    shutil.rmtree(source, ignore_errors=True)
    started = time.perf_counter()
    pool = paragraph_pool(_source_texts())
    if case == "small":
        size = generate_flat(source, args.small_files, 1000, 2600, pool, seed=1)
    elif case == "large":
        size = generate_flat(source, args.large_files, 4200, 5200, pool, seed=2)
    else:
        size = generate_deep(source, args.depth, pool, seed=3)
    seconds = time.perf_counter() - started
    print(
        f"generated {case}: {size['files']} files, {size['bytes'] / 1e6:.1f} MB in {seconds:.0f} s"
    )
    manifest.write_text(json.dumps({"wanted": wanted, "size": size}))
    return source, size


def _status(pid: int) -> tuple[int, int, int] | None:
    """Return (process group, VmHWM kB, VmRSS kB) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            stat = stream.read()
        group = int(stat[stat.rindex(b")") + 2 :].split()[2])
        with open(f"/proc/{pid}/status", "rb") as stream:
            fields = dict(
                line.split(b":", 1) for line in stream.read().splitlines() if b":" in line
            )
    except (OSError, ValueError):
        return None
    if b"VmHWM" not in fields:  # a zombie
        return None
    return group, int(fields[b"VmHWM"].split()[0]), int(fields[b"VmRSS"].split()[0])


def _pss(pid: int) -> int:
    """Return a process's proportional set size in kB (0 if it is gone).

    A forked child shares the main process's pages until either writes them:
    VmRSS counts them in both, PSS splits them, so the sum of PSS is the memory
    the run really holds.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as stream:
            for line in stream:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Follow the memory of every process in one process group until stopped."""

    def __init__(self, group: int) -> None:
        super().__init__(daemon=True)
        self.group = group
        self.peaks: dict[int, int] = {}  # pid -> VmHWM kB
        self.largest_sum = 0  # kB
        self.largest_pss = 0  # kB: shared pages split between the processes sharing them
        self.most_processes = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            total = count = pss = 0
            for name in os.listdir("/proc"):
                if not name.isdigit():
                    continue
                status = _status(int(name))
                if status is None or status[0] != self.group:
                    continue
                pid, (_, hwm, rss) = int(name), status
                self.peaks[pid] = max(self.peaks.get(pid, 0), hwm)
                total, count = total + rss, count + 1
                pss += _pss(pid)
            self.largest_sum = max(self.largest_sum, total)
            self.largest_pss = max(self.largest_pss, pss)
            self.most_processes = max(self.most_processes, count)
            self.done.wait(SAMPLE_SECONDS)


def _totals(report: Path) -> dict[str, object]:
    """Read the totals of a report without loading its files (300 MB of JSON here).

    Loading it all would grow this process by gigabytes, and every run forked
    from it afterwards would start with that resident size on its books.
    """
    with report.open(encoding="utf-8") as stream:
        head = stream.read(1 << 20)
    head = head[: head.index('\n  "files": [')].rstrip().rstrip(",") + "\n}"
    return json.loads(head)["totals"]  # type: ignore[no-any-return]


def measure(source: Path, out: Path, jobs: int) -> dict[str, object]:
    """Run one clean and return what was measured."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "cleaner", str(source), str(out), "--no-progress"]
    command += ["--jobs", str(jobs)]
    log = out.with_suffix(".stderr")
    with log.open("wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
        )
        sampler = Sampler(process.pid)
        sampler.start()
        _, status = os.waitpid(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        sampler.join()
    text = log.read_text(encoding="utf-8", errors="replace")
    main_peak = sampler.peaks.pop(process.pid, 0)
    result: dict[str, object] = {
        "seconds": round(seconds, 1),
        "exit": process.returncode,
        "main_peak_mb": round(main_peak / 1024),
        "worker_peak_mb": round(max(sampler.peaks.values(), default=0) / 1024),
        "workers_seen": len(sampler.peaks),
        "group_peak_mb": round(sampler.largest_sum / 1024),
        "group_pss_peak_mb": round(sampler.largest_pss / 1024),
        "traceback": "Traceback" in text or "internal error" in text,
        "stderr_tail": text.strip().splitlines()[-3:],
    }
    report = out / "_report.json"
    if report.exists():
        totals = _totals(report)
        result["totals"] = {
            key: totals[key]
            for key in (
                "files_read",
                "files_written",
                "files_skipped",
                "documents_dropped_as_duplicates",
            )
        }
        result["report_mb"] = {
            name: round((out / name).stat().st_size / 1e6, 1)
            for name in ("_report.json", "_report.md", "_report.html")
            if (out / name).exists()
        }
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work_dir", type=Path)
    parser.add_argument("--cases", default="small,deep,large")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--small-files", type=int, default=100_000)
    parser.add_argument("--large-files", type=int, default=200_000)
    parser.add_argument("--depth", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the inputs and outputs")
    args = parser.parse_args(argv)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    print(
        "| case | jobs | files | MB | exit | s | MB/s | files/s | main MB | worker MB "
        "| sum RSS MB | sum PSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case in args.cases.split(","):
        source, size = prepare(args.work_dir, case, args)
        for jobs in (int(j) for j in args.jobs.split(",")):
            out = args.work_dir / f"out-{case}-{jobs}"
            result = measure(source, out, jobs)
            result.update(case=case, jobs=jobs, input=size, when=time.strftime("%F %T"))
            with (args.work_dir / "results.jsonl").open("a", encoding="utf-8") as stream:
                stream.write(json.dumps(result, ensure_ascii=False) + "\n")
            seconds = float(result["seconds"])  # type: ignore[arg-type]
            megabytes = size["bytes"] / 1e6
            print(
                f"| {case} | {jobs} | {size['files']:,} | {megabytes:,.0f} | {result['exit']} "
                f"| {seconds:.0f} | {megabytes / seconds:.2f} | {size['files'] / seconds:,.0f} "
                f"| {result['main_peak_mb']} | {result['worker_peak_mb']} "
                f"| {result['group_peak_mb']} | {result['group_pss_peak_mb']} |",
                flush=True,
            )
            if result["traceback"] or result["exit"] not in (0, 1):
                print(f"  stderr: {result['stderr_tail']}", flush=True)
            if not args.keep:
                shutil.rmtree(out, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(source, ignore_errors=True)
            (args.work_dir / f"in-{case}.json").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
