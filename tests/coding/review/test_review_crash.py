"""A kill in the middle of an import (a separate process) leaves the store exactly as it was."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualmine.coding.review.importing import import_review_file
from qualmine.coding.store.database import FAULT_ENV
from review_helpers import export, fill_xlsx

REPO = Path(__file__).resolve().parents[3]
IMPORT = ("import sys; from qualmine.coding.store.database import ProjectStore; from qualmine.coding.review.importing import import_review_file; "
          "import_review_file(ProjectStore(sys.argv[1]), sys.argv[2], 'alice')")


def _snapshot(store) -> tuple:
    status = store.status()
    return (status.counts["decisions"], status.counts["import_batches"],
            store.decisions().drop(columns=["decided_at"]).to_csv(index=False))


@pytest.mark.parametrize("how", ["exit", "kill"])
def test_killed_import_leaves_store_unchanged(store, tmp_path, how):
    first = tmp_path / "first.xlsx"
    export(store, "alice", first, limit=10, order="document")
    fill_xlsx(first, {2: {"decision": "accept"}})
    import_review_file(store, first, "alice")          # the store already holds a decision
    before = _snapshot(store)
    second = tmp_path / "second.xlsx"
    export(store, "alice", second, limit=30, order="code")
    fill_xlsx(second, {row: {"decision": "reject" if row % 2 else "accept", "note": f"row {row}"}
                       for row in range(2, 20)})
    marker = tmp_path / "inside-transaction"
    action = "exit" if how == "exit" else f"sleep:{marker}"
    env = {**os.environ, FAULT_ENV: f"import.decisions:{action}", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", IMPORT, str(store.url.removeprefix("sqlite:///")), str(second)],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if how == "kill":
        deadline = time.monotonic() + 120
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), proc.stderr.read().decode() if proc.poll() is not None else "no marker"
        # Mid-transaction: the uncommitted rows are invisible to a reader, and the reader is not blocked.
        assert _snapshot(store) == before
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=120)
    assert proc.returncode == (70 if how == "exit" else -signal.SIGKILL), proc.stderr.read().decode()
    assert _snapshot(store) == before
    # The store is not left locked or damaged: the same file imports cleanly afterwards.
    result = import_review_file(store, second, "alice")
    assert result.appended == 18 and store.status().counts["decisions"] == before[0] + 18
