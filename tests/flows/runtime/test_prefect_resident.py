"""`qualmine server start|status|stop` (flows/runtime/resident.py): one API server kept up between commands.

Real processes: the resident server is detached from the command that starts it, and a later
`qualmine run` in a fresh process must use it instead of launching a server of its own.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request

import psutil
import pytest

from qualmine.flows.runtime.resident import STATE_FILE, find_resident, stop_resident
from qualmine.flows.settings import EXAMPLE_CODEBOOK, REPO_ROOT

SMALL_CORPUS = "id,role,answer\n1,居民,开放时间太短，下班后去不了\n2,工作人员,人手不够，排队太久\n"


@pytest.fixture
def home_env(tmp_path, prefect_home):
    """A fresh-process environment: no API URL, its own PREFECT_HOME; the resident is stopped afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_HOME": str(prefect_home), "PYTHONPATH": str(REPO_ROOT),
                "QUALMINE_STORE": str(tmp_path / "store.sqlite")})
    yield env
    stop_resident(env)


def qualmine(env, *args, cwd, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from qualmine.flows.cli.app import main; main()", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_a_started_server_serves_later_commands_until_stopped(home_env, tmp_path):
    started = qualmine(home_env, "server", "start", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    server = find_resident(home_env)
    assert server is not None and f"started at {server.api_url}" in started.stdout
    assert psutil.pid_exists(server.pid)
    again = qualmine(home_env, "server", "start", cwd=tmp_path)
    assert f"already running at {server.api_url}" in again.stdout and find_resident(home_env) == server

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "survey.csv").write_text(SMALL_CORPUS, encoding="utf-8")
    # A start-up timeout no server can meet: the run only succeeds if it launches none.
    impatient = {**home_env, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "0"}
    run = qualmine(impatient, "run", "--corpus", str(corpus), "--codebook", str(EXAMPLE_CODEBOOK),
                   "--out", str(tmp_path / "run"), "--no-topics", "--store", "none", cwd=tmp_path)
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr[-3000:]}"
    assert f"the resident API server at {server.api_url}" in run.stderr
    manifest = json.loads((tmp_path / "run" / "run_manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["respondents"] == 2
    # Prefect's UI is served with the API (from the wheel's own files), and the summary links the run there.
    assert server.ui_url == f"http://127.0.0.1:{server.port}/" and f"Prefect UI (flow runs" in started.stdout
    ui_page = _get(server.ui_url, accept="text/html")
    assert "<title>Prefect Server</title>" in ui_page
    assert json.loads(_get(f"{server.ui_url}ui-settings"))["api_url"] == server.api_url
    link = re.search(r"flow run in Prefect's UI: (http://127\.0\.0\.1:\d+/runs/flow-run/([0-9a-f-]{36}))", run.stdout)
    assert link and link.group(1) == server.flow_run_url(link.group(2)), run.stdout
    assert "<title>Prefect Server</title>" in _get(link.group(1), accept="text/html")
    flow_run = json.loads(_get(f"{server.api_url}/flow_runs/{link.group(2)}"))
    assert flow_run["state_type"] == "COMPLETED"
    assert psutil.pid_exists(server.pid)          # the command left the resident server running

    status = qualmine(home_env, "server", "status", cwd=tmp_path)
    assert status.returncode == 0 and server.api_url in status.stdout and "warning" not in status.stderr
    # A shell whose Prefect settings name another server does not use the resident one, and is told so.
    elsewhere = qualmine({**home_env, "PREFECT_API_URL": "http://prefect.example:4200/api"}, "server", "status",
                         cwd=tmp_path)
    assert "will not use it: PREFECT_API_URL is set" in elsewhere.stderr
    stopped = qualmine(home_env, "server", "stop", cwd=tmp_path)
    assert stopped.returncode == 0 and f"pid {server.pid}" in stopped.stdout
    assert not psutil.pid_exists(server.pid) or psutil.Process(server.pid).status() == psutil.STATUS_ZOMBIE
    assert not (tmp_path / "prefect-home" / STATE_FILE).exists()
    assert qualmine(home_env, "server", "status", cwd=tmp_path).returncode == 1


def _get(url: str, accept: str = "application/json") -> str:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as answer:   # follows the UI's redirect to its default version
        return answer.read().decode("utf-8")


def test_a_stale_or_broken_state_file_is_dropped(home_env, tmp_path):
    home = tmp_path / "prefect-home"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (home / STATE_FILE).write_text(json.dumps({"pid": dead.pid, "port": 9, "api_url": "http://127.0.0.1:9/api",
                                               "started_at": "", "log": ""}), encoding="utf-8")
    assert find_resident(home_env) is None and not (home / STATE_FILE).exists()
    (home / STATE_FILE).write_text("{not json", encoding="utf-8")
    assert find_resident(home_env) is None and not (home / STATE_FILE).exists()
    # Our own live process, but not an API server (a reused pid): not taken for the server.
    (home / STATE_FILE).write_text(json.dumps({"pid": os.getpid(), "port": 9, "api_url": "http://127.0.0.1:9/api",
                                               "started_at": "", "log": ""}), encoding="utf-8")
    assert find_resident(home_env) is None
    assert stop_resident(home_env) is None        # and nothing is signalled
