"""Measuring a benchmark phase: wall time, peak RSS (this process and its children), the machine."""
from __future__ import annotations

import gc
import os
import platform
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

class RssSampler:
    """Peak resident memory of this process plus its children (pool and Dask workers), sampled."""

    def __init__(self, interval: float = 0.1, pid: int | None = None):
        import psutil

        # pid: sample that process tree instead of this one (a fresh command run by the benchmark)
        self.proc, self.interval, self.peak = psutil.Process(pid), interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> int:
        total = 0
        try:
            tree = [self.proc, *self.proc.children(recursive=True)]
        except Exception:   # a sampled command that has exited
            return 0
        for p in tree:
            try:
                total += p.memory_info().rss
            except Exception:   # a worker that just exited
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self.peak = self._total()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._total())

    @property
    def peak_mb(self) -> float:
        return round(self.peak / 2**20, 1)


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        gc.collect()
        with RssSampler() as rss:
            start = time.perf_counter()
            yield
            self.seconds[name] = round(time.perf_counter() - start, 3)
        self.peak_mb[name] = rss.peak_mb


def machine() -> dict[str, str]:
    def run(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:
            return ""

    cpu = next((line.split(":", 1)[1].strip() for line in run(["lscpu"]).splitlines()
                if line.startswith("Model name")), platform.processor())
    return {"nproc": run(["nproc"]), "cpu": cpu, "memory": run(["free", "-h"]).splitlines()[1:2][0].split()[1]
            if run(["free", "-h"]) else "", "python": platform.python_version(),
            "load_average_at_start": " ".join(f"{x:.1f}" for x in os.getloadavg())}


