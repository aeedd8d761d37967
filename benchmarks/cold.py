"""Fresh processes: `qualmine run` against the same stages as plain functions (benchmarks/direct.py).

What a researcher waits for: each command starts a new Python process that imports its modules,
and `qualmine run` also starts Prefect's temporary API server (launched before Prefect is
imported, so it boots alongside the imports: flows/runtime/launch.py). The difference of the two
wall times is everything Prefect costs one command: its imports, the server start-up the imports
did not hide, orchestration, and shutting the server down. Both runs are timed from the parent,
start to exit, with the RSS of their own process tree (command, workers, API server) sampled.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.measure import RssSampler, Timings

REPO = Path(__file__).resolve().parent.parent


def cold_env() -> dict[str, str]:
    # A user's shell has no API URL: the benchmark's own server (exported by its early boot) must not leak in.
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def _run(cmd: list[str], cwd: Path, t: Timings, phase: str) -> str:
    """Run `cmd` timed as `phase`; its peak RSS is its own process tree's (not the benchmark's)."""
    start = time.perf_counter()
    with subprocess.Popen(cmd, cwd=cwd, env=cold_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        with RssSampler(pid=proc.pid) as rss:
            out, err = proc.communicate()
    t.seconds[phase] = round(time.perf_counter() - start, 3)
    t.peak_mb[phase] = rss.peak_mb
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err[-3000:]}")
    return out


def cold_runs(corpus_dir: Path, work: Path, workers: int, batch_rows: int, t: Timings) -> dict:
    """Time both commands in fresh processes; their counts must agree. Returns the direct run's stage split."""
    qualmine = Path(sys.executable).with_name("qualmine")   # the console script a user types
    command = [str(qualmine)] if qualmine.exists() else [sys.executable, "-c", "from qualmine.flows.cli.app import main; main()"]
    flow_cmd = [*command, "run", "--corpus", str(corpus_dir), "--out", str(work / "cold_flow"), "--no-topics", "--store", "none",
                "--workers", str(workers), "--batch-size", str(batch_rows)]
    direct_cmd = [sys.executable, "-m", "benchmarks.direct", str(corpus_dir), str(work / "cold_direct"),
                  "--workers", str(workers), "--batch-rows", str(batch_rows)]
    direct = json.loads(_run(direct_cmd, work, t, "cold_direct_total").strip().splitlines()[-1])
    _run(flow_cmd, work, t, "cold_flow_total")
    manifest = json.loads((work / "cold_flow" / "run_manifest.json").read_text(encoding="utf-8"))
    if manifest.get("counts") != direct["counts"]:
        raise RuntimeError(f"the fresh flow and direct runs disagree: {manifest.get('counts')} vs {direct['counts']}")
    return direct["seconds"]
