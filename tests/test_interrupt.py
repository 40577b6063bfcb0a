"""A run killed with SIGKILL at any moment leaves no partial file, and a rerun finishes the job."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS

WORK_DIR = ".cleaner-work"
# A killed run leaves its lock file (the kernel has let the lock go); the next run removes it.
LOCK_FILE = ".cleaner-lock"


def make_corpus(root: Path, copies: int) -> Path:
    source = root / "in"
    seeds = sorted(SEEDS.glob("*.txt"))
    for index in range(copies):
        path = seeds[index % len(seeds)]
        text = path.read_text(encoding="utf-8")
        # Distinct documents: a different figure in each copy's first long line.
        folder = source / f"batch{index // 40}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{index:03d}.txt").write_text(
            text.replace("2021", str(1900 + index), 1), encoding="utf-8"
        )
    return source


def outputs(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and WORK_DIR not in p.parts and p.name != LOCK_FILE
    }


def _orphans(out: Path) -> list[int]:
    """Processes still working for a run into ``out`` (workers whose parent was killed)."""
    deadline = time.monotonic() + 5
    while True:
        found = []
        for status in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if str(out).encode() in status.read_bytes():
                    found.append(int(status.parent.name))
            except OSError:
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def run_clean(source: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cleaner", str(source), str(out), "-q", "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_leaves_only_complete_files_and_a_rerun_finishes(tmp_path):
    source = make_corpus(tmp_path, 60)
    reference_dir = tmp_path / "reference"
    assert run_clean(source, reference_dir).wait(timeout=300) == 0
    reference = outputs(reference_dir)
    started = time.perf_counter()
    run_clean(source, tmp_path / "timing").wait(timeout=300)
    duration = time.perf_counter() - started
    rng = random.Random(11)
    for trial in range(3):
        out = tmp_path / f"out{trial}"
        process = run_clean(source, out)
        time.sleep(rng.uniform(0.05, duration))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        assert not _orphans(out), "workers outlived the killed run"
        for name, data in outputs(out).items():
            # Whatever is there is complete: byte for byte what a full run writes.
            assert reference.get(name) == data, f"partial or foreign file {name} after kill {trial}"
        assert run_clean(source, out).wait(timeout=300) == 0
        assert outputs(out) == reference
        assert not (out / WORK_DIR).exists()
        assert not (out / LOCK_FILE).exists()
        assert not [p for p in out.rglob(".*.tmp")], "temporary files left"
