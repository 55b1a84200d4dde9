"""Shared helpers for the benchmark scripts (not tests): corpora, process-tree RSS, machine facts."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(os.environ.get("BUDGETKG_BENCH_DIR", "/tmp/budgetkg-bench"))


def corpus(units: int, seed: int = 0) -> Path:
    """A synthetic corpus of `units` documents, generated once and cached under BENCH_DIR."""
    import synth

    folder = BENCH_DIR / f"syn-{units}-s{seed}"
    done = folder / ".done"
    if not done.exists():
        started = time.perf_counter()
        synth.generate(folder, units, seed)
        done.write_text(f"{time.perf_counter() - started:.1f}")
    return folder


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        p = queue.pop()
        pids.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                queue.extend(int(c) for c in Path(f"/proc/{p}/task/{tid}/children").read_text().split())
        except OSError:
            pass
    return pids


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class PeakRss:
    """Samples the RSS of a process tree every `interval` seconds; `.peak` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    import pyoxigraph
    import rdflib

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem / 2**20, 1), "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__, "load_average": os.getloadavg()}


def run_child(argv: list[str], timeout: float) -> tuple[dict[str, Any], int, float]:
    """Run a child that prints one JSON object on its last stdout line; return it, peak RSS and wall time."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = PeakRss(process.pid)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        sampler.stop()
        raise
    peak = sampler.stop()
    if process.returncode != 0:
        raise RuntimeError(f"{argv} failed ({process.returncode}): {err[-2000:]}")
    return json.loads(out.strip().splitlines()[-1]), peak, time.perf_counter() - started


def append_result(path: Path | None, record: dict[str, Any]) -> None:
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
