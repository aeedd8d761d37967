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
from review_helpers import export, fill_xlsx

REPO = Path(__file__).resolve().parents[3]
# The importer in its own process, crashed from a SQLAlchemy event while its transaction is open
# (right after the first INSERT into decisions): "exit" dies there, "sleep:<marker>" writes the
# marker and waits to be killed from outside. The crash lives in the test, not in the store.
IMPORT = """
import os, sys, time
from pathlib import Path
from sqlalchemy import event
from qualmine.coding.store.database import ProjectStore
from qualmine.coding.review.importing import import_review_file

store, action = ProjectStore(sys.argv[1]), sys.argv[3]

@event.listens_for(store.writer, "after_cursor_execute")
def crash(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith("INSERT INTO DECISIONS"):
        if action == "exit":
            os._exit(70)
        Path(action[len("sleep:"):]).write_text("inside transaction", encoding="utf-8")
        time.sleep(600)

import_review_file(store, sys.argv[2], "alice")
"""


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
    proc = subprocess.Popen([sys.executable, "-c", IMPORT, str(store.url.removeprefix("sqlite:///")), str(second),
                             action], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
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
