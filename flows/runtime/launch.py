"""Launch Prefect's temporary API server before `prefect` is imported (the fast path of a boot).

Prefect's own ephemeral server (`prefect.server.api.server.SubprocessASGIServer`) is started by a
process that has imported `prefect.server`: ~2.7 s of CPU in the parent before the subprocess
even exists, on top of the subprocess's own ~5 s. A command that has not imported Prefect yet
can run the same server command itself (`uvicorn --factory prefect.server.api.server:create_app`
with Prefect's ephemeral-server variables) and export `PREFECT_API_URL` before Prefect reads its
settings. The process then never imports the server code, and the subprocess starts while the
command imports pandas, spaCy and Prefect's client: two cores, two processes, little waiting.

Only when the environment alone decides Prefect's settings (`launch_blocker` says why not
otherwise): a Prefect profile, `prefect.toml`, `.env` or `[tool.prefect]` could point at a real
server, and only Prefect can read those; then the boot takes Prefect's own path.
"""
from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

# What SubprocessASGIServer adds to the server's environment (prefect/server/api/server.py).
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
PORT_IN_USE_EXIT = 3          # uvicorn's exit status when it cannot bind the port
_FALSE = {"0", "false", "no", "off"}


def launch_blocker(environ: Mapping[str, str], cwd: Path, imported: bool) -> str | None:
    """Why the server cannot be launched before Prefect is imported; None when it can.

    `imported`: Prefect has read its settings already (a later `PREFECT_API_URL` would be ignored).
    """
    if imported:
        return "prefect is already imported"
    if environ.get("PREFECT_API_URL"):
        return "PREFECT_API_URL is set"
    if environ.get("PREFECT_SERVER_EPHEMERAL_ENABLED", "").strip().lower() in _FALSE:
        return "PREFECT_SERVER_EPHEMERAL_ENABLED is off"
    if environ.get("PREFECT_PROFILE") or environ.get("PREFECT_PROFILES_PATH"):
        return "a Prefect profile is selected"
    home = prefect_home(environ)
    if _mentions(home / "profiles.toml", "PREFECT_"):
        return f"{home / 'profiles.toml'} may set Prefect's API"
    for name, marker in (("prefect.toml", ""), (".env", "PREFECT_"), ("pyproject.toml", "tool.prefect")):
        if _mentions(cwd / name, marker):
            return f"{cwd / name} may set Prefect's API"
    return None


def _mentions(path: Path, marker: str) -> bool:
    try:
        return marker in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


@dataclass
class LaunchedServer:
    """A Prefect API server subprocess this process launched (and stops at exit).

    Its output goes to `log` (a temporary file), not the user's terminal: the server logs
    cancelled database calls as tracebacks when it is stopped at exit. A failed start quotes it.
    """

    process: subprocess.Popen
    port: int
    log: object = None

    def log_tail(self, lines: int = 20) -> str:
        """The last lines the server printed (for error messages)."""
        if self.log is None:
            return ""
        self.log.flush()
        self.log.seek(0)
        text = self.log.read().decode("utf-8", errors="replace")
        return "\n".join(text.strip().splitlines()[-lines:])

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Terminate the server (killed if it has not gone after 5 s)."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


SERVER_APP = "prefect.server.api.server:create_app"


def ui_env(environ: Mapping[str, str], port: int) -> dict[str, str]:
    """What the server needs to serve Prefect's UI too (as `prefect server start` does), on loopback.

    The UI's files ship in the prefect wheel (prefect/server/ui, ui-v2); the server copies them
    once into `$PREFECT_HOME/ui-static` (not into site-packages). Nothing is downloaded, and the
    server's usage telemetry stays off.
    """
    return {"PREFECT_UI_ENABLED": "1", "PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api",
            "PREFECT_UI_STATIC_DIRECTORY": str(prefect_home(environ) / "ui-static"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "0"}


def server_process(environ: Mapping[str, str], port: int, log, detached: bool = False,
                   ui: bool = False) -> subprocess.Popen:
    """Popen the API server command Prefect's SubprocessASGIServer runs, on 127.0.0.1:`port`.

    `detached`: in a session of its own, so it outlives this process and a Ctrl-C in its terminal.
    Otherwise the server stops by itself when this process is gone, even killed with SIGKILL.
    `ui`: serve Prefect's UI at `/` too; the server is then not marked ephemeral (Prefect serves
    its UI only from a non-ephemeral server, which also runs Prefect's background services).
    """
    spec = importlib.util.find_spec("prefect")      # where prefect lives, without importing it
    if spec is None or spec.origin is None:
        raise RuntimeError("prefect is not installed in this environment")
    env = {**environ, **SERVER_ENV}
    if ui:
        env.pop("PREFECT__SERVER_EPHEMERAL")
        env.update(ui_env(environ, port))
    env.pop("PREFECT_API_URL", None)
    # A detached server must outlive this process; any other dies with it, even after a SIGKILL
    # (flows/runtime/server_child.py watches the parent from inside the server process).
    runner = ["-m"] if detached else [str(Path(__file__).with_name("server_child.py")), str(os.getpid())]
    return subprocess.Popen(
        [sys.executable, *runner, "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent),
         "--factory", SERVER_APP, "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on"],
        env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=detached)


def launch(environ: Mapping[str, str]) -> LaunchedServer:
    """Start the server subprocess on a free local port (returns at once; see `wait_healthy`)."""
    port = free_port()
    log = tempfile.TemporaryFile(prefix="qualmine-prefect-server-")
    server = LaunchedServer(server_process(environ, port, log), port, log)
    atexit.register(server.stop)
    return server


def wait_healthy(server: LaunchedServer, timeout_s: float) -> None:
    """Block until the server answers `/health`; RuntimeError if it exits or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = server.process.poll()
        if status is not None:
            reason = ("its port was taken" if status == PORT_IN_USE_EXIT else f"it exited with status {status}")
            tail = server.log_tail()
            raise RuntimeError(f"the API server process on port {server.port} stopped during start-up: {reason}"
                               + (f"; it printed:\n{tail}" if tail else ""))
        if answers_health(server.api_url):
            return
        if time.monotonic() >= deadline:
            tail = server.log_tail()
            raise RuntimeError(f"Timed out after {timeout_s:g} s waiting for the API server on port {server.port}"
                               + (f"; it printed:\n{tail}" if tail else ""))
        time.sleep(0.1)


def answers_health(api_url: str) -> bool:
    """Does the API server at `api_url` answer `/health` with 200 (within 2 s)?"""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def prefect_home(environ: Mapping[str, str]) -> Path:
    """Where Prefect keeps its settings and database (flows/runtime/env.py sets PREFECT_HOME for qualmine)."""
    return Path(environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def startup_timeout(environ: Mapping[str, str]) -> float:
    """Prefect's ephemeral start-up timeout, read from the environment (flows/runtime/env.py sets it)."""
    raw = environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS={raw!r}: expected a number of seconds")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
