"""Issue #17: a run killed with SIGKILL must not leave its temporary Prefect API server running
(it lived on with ppid 1, ~220 MB). The server is launched by a real child process, which is then
killed; the server must go within seconds, whatever it was doing (here: still starting up)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and ppid are POSIX")

PARENT = """
import os, sys, time
from qualmine.flows.runtime.launch import launch
server = launch(os.environ)
print(server.process.pid, flush=True)
time.sleep(120)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"   # a zombie has exited
    except FileNotFoundError:
        return False


def test_the_temporary_server_dies_with_a_parent_killed_by_sigkill(tmp_path):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    parent = subprocess.Popen([sys.executable, "-c", PARENT], env=env, stdout=subprocess.PIPE, text=True)
    server_pid = int(parent.stdout.readline())
    try:
        time.sleep(0.5)
        assert alive(server_pid)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 15
        while alive(server_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(server_pid), "the server outlived its killed parent"
    finally:
        if alive(server_pid):
            os.kill(server_pid, signal.SIGKILL)
