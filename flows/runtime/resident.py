"""A local Prefect API server that stays up between commands (`qualmine server start|status|stop`).

Every fresh `qualmine` command otherwise launches its own temporary API server
(flows/runtime/launch.py): ~5 s of CPU on a second core, only partly hidden behind the command's
imports, plus its shutdown at exit. A researcher running many commands in a row (review
import/export rounds, reports, repeated runs) can start the same server once instead. It is the
very server command a command launches, detached into its own session, with its address in a
state file under `$PREFECT_HOME` (`qualmine-server.json`, output in `qualmine-server.log`). A
command that would launch a server first looks there (`find_resident`): a live server's URL is
exported as `PREFECT_API_URL` and nothing is launched. A state file whose server is gone is
removed. Same PREFECT_HOME, same database: the runs show up in `prefect` tooling either way.
It serves Prefect's UI at its root too (as `prefect server start` does; `--no-ui` leaves it out),
so the flow runs, task timings and the report's artifacts can be looked at in a browser.
"""
from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Mapping

from qualmine.flows.runtime.launch import (
    SERVER_APP, LaunchedServer, answers_health, free_port, prefect_home, server_process, startup_timeout, wait_healthy,
)

STATE_FILE = "qualmine-server.json"
LOG_FILE = "qualmine-server.log"


@dataclass(frozen=True)
class ResidentServer:
    """A started resident server, as its state file records it."""

    pid: int
    port: int
    api_url: str
    started_at: str          # ISO time, for `status`
    log: str                 # its output file
    ui_url: str = ""         # Prefect's UI on the same server ("" when started without it)

    def flow_run_url(self, flow_run_id: str) -> str | None:
        """The page of one flow run in Prefect's UI (None without the UI)."""
        return f"{self.ui_url}runs/flow-run/{flow_run_id}" if self.ui_url else None


def find_resident(environ: Mapping[str, str]) -> ResidentServer | None:
    """The resident server of this PREFECT_HOME if it answers; a stale state file is removed."""
    path = prefect_home(environ) / STATE_FILE
    try:
        server = ResidentServer(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError):
        _remove(path)            # unreadable or from another version: a start will write a new one
        return None
    if _is_server(server.pid) and answers_health(server.api_url):
        return server
    _remove(path)
    return None


def start_resident(environ: Mapping[str, str], ui: bool = True) -> tuple[ResidentServer, bool]:
    """Start the resident server (or find the running one); (server, started_now).

    `ui`: serve Prefect's UI at its root as well (`ResidentServer.ui_url`), as `prefect server start` does.

    Raises RuntimeError (with the server's output) if it does not answer within the start-up timeout.
    """
    running = find_resident(environ)
    if running is not None:
        return running, False
    home = prefect_home(environ)
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / LOG_FILE
    port = free_port()
    with open(log_path, "w+b") as log:
        process = server_process(environ, port, log, detached=True, ui=ui)
        try:
            wait_healthy(LaunchedServer(process, port, log), startup_timeout(environ))
        except RuntimeError:
            if process.poll() is None:
                process.kill()
            raise
    server = ResidentServer(process.pid, port, f"http://127.0.0.1:{port}/api",
                            time.strftime("%Y-%m-%dT%H:%M:%S%z"), str(log_path),
                            f"http://127.0.0.1:{port}/" if ui else "")
    tmp = home / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(asdict(server), indent=2), encoding="utf-8")
    os.replace(tmp, home / STATE_FILE)
    return server, True


def stop_resident(environ: Mapping[str, str], timeout_s: float = 10.0) -> ResidentServer | None:
    """Stop the resident server (SIGTERM, then SIGKILL after `timeout_s`); the one stopped, or None."""
    server = find_resident(environ)
    if server is None:
        return None
    os.kill(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while _alive(server.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(server.pid):
        os.kill(server.pid, signal.SIGKILL)
    _remove(prefect_home(environ) / STATE_FILE)
    return server


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)   # our own child (started by this process): reap it
        if waited == pid:
            return False
    except ChildProcessError:
        pass                                       # not our child: the usual case
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_server(pid: int) -> bool:
    """Is `pid` alive and (where /proc tells) the API server command, not a reused pid?"""
    if not _alive(pid):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return True              # no /proc (macOS): the health check decides
    try:
        return SERVER_APP in cmdline.read_bytes().decode("utf-8", "replace")
    except OSError:
        return False


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
