"""Start Prefect's temporary API server in the background while the process does its own set-up.

Without `PREFECT_API_URL`, the first flow call starts a local API server subprocess
(`prefect.server.api.server.SubprocessASGIServer`, one per process) and blocks until it answers
`/health`: ~5 s on an idle 2-core machine (most of it the subprocess importing `prefect.server`),
~8-12 s when it started from a process that imports `prefect.server` first. A command
that is going to run a flow anyway can start that server first and spend the wait on work it
needs regardless (its own imports, loading the codebook, warming the segmenter):

    boot = boot_in_background()     # as early as possible
    ...                             # imports, validation, warm-up
    boot.wait()                     # BEFORE the first flow call
    my_flow()

`wait()` must come before any flow runs: a flow started mid-boot would not wait for the server
(`SubprocessASGIServer.start()` marks it running *before* it is healthy; an early launch's URL is
set before it answers) and would fail to connect.
`wait()` re-raises a failed start as `PrefectBootError` (with what to do about it).

Two ways to start it. Before `prefect` is imported (a fresh `qualmine` command), the server
command is launched directly and `PREFECT_API_URL` exported for Prefect to read when it is imported
(flows/runtime/launch.py): the process never imports Prefect's server code and the start-up runs
alongside all of the command's imports. Once Prefect is imported (a library call, a benchmark, the
tests) or a Prefect config file could name a server, Prefect's own `SubprocessASGIServer` is
started instead. When `PREFECT_API_URL` is set (a started server, the test harness) there is
nothing to boot and every call is a no-op; so it is when `qualmine server start` left a resident
server running (flows/runtime/resident.py), whose URL is then exported. The `--dask-*` paths
start their own shared server (flows/runtime/dask_runner.py) and do not boot here.
`boot_in_background()` is idempotent: a second call (the CLI booted, then `run_pipeline` asks
again) returns the boot in progress or the finished one while its server still runs. The flow's client then finds the same server (the exported URL, or Prefect's
singleton): no second server.
"""
from __future__ import annotations

from qualmine import QualmineError
import qualmine.flows.runtime.env  # noqa: F401  (must precede the prefect import)

import atexit
import contextvars
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from qualmine.flows.runtime.launch import LaunchedServer, launch, launch_blocker, startup_timeout, wait_healthy
from qualmine.flows.runtime.resident import find_resident

_lock = threading.Lock()
_current: "Boot | None" = None
_closing = threading.Event()     # set at interpreter exit: a boot not yet started must not start
_atexit_registered = False
_exported_url: str | None = None   # the PREFECT_API_URL this process exported for its own launched server


class PrefectBootError(QualmineError, RuntimeError):
    """The temporary Prefect API server could not be started."""


@dataclass
class Boot:
    """One background start of the temporary API server (or a no-op when an API URL is set).

    `mode` is "ephemeral" (this process starts a local server), "resident" (the server
    `qualmine server start` left running is used: nothing to do) or "api-url" (a configured server
    is used: nothing to do). Times are `time.perf_counter()` values: `started_at` when
    `boot_in_background()` was called, `launched_at` when the thread launching the subprocess
    started (after the parent-side imports), `ready_at` when `/health` answered. `waited_s` is how
    long the `wait()` calls blocked: the part of the start-up the caller's own work did not hide.
    """

    mode: str
    api_url: str | None = None
    launched_early: bool = False     # started before prefect was imported (flows/runtime/launch.py)
    started_at: float = field(default_factory=time.perf_counter)
    launched_at: float | None = None
    ready_at: float | None = None
    waited_s: float = 0.0
    error: BaseException | None = None
    _server: object | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def ready(self) -> bool:
        """True once the server answers (or when there is nothing to boot)."""
        return self._done.is_set() and self.error is None

    @property
    def in_progress(self) -> bool:
        return not self._done.is_set()

    @property
    def server_pid(self) -> int | None:
        """The API server subprocess's pid (None when none was launched)."""
        if isinstance(self._server, LaunchedServer):
            return self._server.process.pid
        process = getattr(self._server, "server_process", None)
        return None if process is None else process.pid

    @property
    def startup_s(self) -> float | None:
        """How long the server took from `boot_in_background()` to healthy (None until then)."""
        return None if self.ready_at is None else self.ready_at - self.started_at

    @property
    def hidden_s(self) -> float | None:
        """Seconds of the subprocess start-up spent on the caller's own work instead of waiting.

        Launch -> healthy, minus the time `wait()` blocked. The parent-side import before the
        launch is not counted as hidden: the caller is blocked on it (it is needed anyway).
        """
        if self.ready_at is None or self.launched_at is None:
            return None
        return max(0.0, self.ready_at - self.launched_at - self.waited_s)

    def wait(self) -> str | None:
        """Block until the server answers; its API URL (None when a configured URL is used).

        Raises `PrefectBootError` if the start failed or timed out.
        """
        begin = time.perf_counter()
        if self._thread is not None:
            self._thread.join()
        self._done.wait()
        self.waited_s += time.perf_counter() - begin
        if self.error is not None:
            raise PrefectBootError(_explain(self.error)) from self.error
        return self.api_url

    def _usable(self) -> bool:
        """Can a later `boot_in_background()` return this boot instead of starting another?"""
        if self.mode != "ephemeral":
            return False                       # cheap to re-check: the configured URL may have changed
        if self.in_progress:
            return True
        if self.error is not None:
            return False                       # a failed start may be retried
        if isinstance(self._server, LaunchedServer):
            return self._server.running
        from prefect.server.api.server import SubprocessASGIServer

        # The server is stopped (and its singleton dropped) at exit or by a test harness.
        return SubprocessASGIServer._instances.get(None) is self._server and bool(getattr(self._server, "running", False))


def boot_in_background() -> Boot:
    """Start the temporary Prefect API server in a daemon thread if flows will need one.

    Returns at once when `PREFECT_API_URL` is set (nothing to do) or a boot is already under way or
    done. Otherwise it imports the server module here, in the calling thread (the process needs it
    anyway: Prefect's client imports it; importing it first lets the subprocess start as early as
    possible instead of sharing the GIL with the caller's other imports), then starts the
    subprocess and waits for its health check in a daemon thread. Call `wait()` before any flow.
    """
    global _current
    with _lock:
        if _current is not None and _current._usable():
            return _current
        _current = _start()
        return _current


def current_boot() -> Boot | None:
    """The last boot of this process, if any (for benchmarks and tests)."""
    return _current


def _start() -> Boot:
    global _exported_url
    started = time.perf_counter()
    imported = "prefect" in sys.modules
    if _exported_url is not None and os.environ.get("PREFECT_API_URL") == _exported_url:
        # Our own launched server failed (a usable one was returned above).
        if imported:
            # Prefect has read that URL and keeps it: no new server can be swapped in.
            return _failed(started, _current.error if _current is not None else None)
        del os.environ["PREFECT_API_URL"]
        _exported_url = None
    if os.environ.get("PREFECT_API_URL"):
        return _no_op(os.environ["PREFECT_API_URL"])
    if launch_blocker(os.environ, Path.cwd(), imported) is None:
        resident = find_resident(os.environ)      # `qualmine server start`: no launch at all
        if resident is not None:
            os.environ["PREFECT_API_URL"] = resident.api_url
            return _no_op(resident.api_url, mode="resident")
        return _launch_early(started)
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    # Profiles, pyproject and temporary_settings() (the test harness) can set the URL too.
    configured = PREFECT_API_URL.value()
    if configured or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        # Ephemeral mode disabled and no URL: the flow raises Prefect's own error; we add nothing.
        return _no_op(configured)
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()     # the per-process singleton the flow's client will ask for
    if not server.running and server.server_process is not None:
        # A failed start (timeout) leaves its process running; a new start would lose track of it.
        server.stop()
        server = SubprocessASGIServer()
    boot = Boot(mode="ephemeral", started_at=started, _server=server)
    _register_exit_guard()
    # The thread sees the caller's Prefect settings context (contextvars are not inherited otherwise).
    context = contextvars.copy_context()
    boot._thread = threading.Thread(target=context.run, args=(_run, boot, server), name="prefect-boot", daemon=True)
    boot.launched_at = time.perf_counter()
    boot._thread.start()
    return boot


def _launch_early(started: float) -> Boot:
    """Launch the server command ourselves and export its URL for Prefect to read at import."""
    global _exported_url
    server = launch(os.environ)
    os.environ["PREFECT_API_URL"] = _exported_url = server.api_url
    boot = Boot(mode="ephemeral", api_url=server.api_url, launched_early=True, started_at=started, _server=server)
    boot.launched_at = time.perf_counter()
    boot._thread = threading.Thread(target=_await_launched, args=(boot, server), name="prefect-boot", daemon=True)
    boot._thread.start()
    return boot


def _await_launched(boot: Boot, server: LaunchedServer) -> None:
    try:
        wait_healthy(server, startup_timeout(os.environ))
        boot.ready_at = time.perf_counter()
    except BaseException as exc:   # wait() re-raises it
        boot.error = exc
        server.stop()              # a half-started server must not outlive a failed boot
    finally:
        boot._done.set()


def _failed(started: float, error: BaseException | None) -> Boot:
    boot = Boot(mode="ephemeral", started_at=started, launched_early=True)
    why = f"its start failed: {error}" if error is not None else "it stopped"
    boot.error = PrefectBootError(f"the temporary Prefect API server this process launched is not running ({why}), and "
                                  "Prefect, already imported, keeps its address: start a new process to retry")
    boot._done.set()
    return boot


def _no_op(url: str | None, mode: str = "api-url") -> Boot:
    boot = Boot(mode=mode, api_url=url)
    boot.ready_at = boot.started_at
    boot._done.set()
    return boot


def _run(boot: Boot, server) -> None:
    """The thread: start the server (blocks until /health answers or the timeout)."""
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    try:
        if _closing.is_set():
            raise PrefectBootError("the process is exiting: the Prefect API server was not started")
        server.start(timeout=PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
        boot.api_url = server.api_url
        boot.ready_at = time.perf_counter()
    except BaseException as exc:   # a daemon thread must not die with a traceback: wait() re-raises it
        boot.error = exc
    finally:
        boot._done.set()


def _register_exit_guard() -> None:
    """At exit, stop a server whose start was still in progress (Prefect's own atexit may miss it).

    Prefect registers `server.stop` right after launching the subprocess; if the process exits
    in the instant between the two (e.g. a validation error right after `boot_in_background()`),
    this guard, registered earlier and so run later, stops it instead, and `_closing` keeps a
    thread that has not launched it yet from doing so.
    """
    global _atexit_registered
    if _atexit_registered:
        return
    _atexit_registered = True

    def guard() -> None:
        _closing.set()
        boot = _current
        if boot is None or boot.mode != "ephemeral" or boot._server is None:
            return
        if boot._thread is not None and boot._thread.is_alive():
            boot._thread.join(timeout=0.2)     # let a Popen in flight return, so there is a process to stop
        server = boot._server
        if getattr(server, "server_process", None) is not None:
            try:
                server.stop()
            except Exception:
                pass

    atexit.register(guard)


def _explain(exc: BaseException) -> str:
    if isinstance(exc, PrefectBootError):
        return str(exc)
    if "prefect" in sys.modules:
        from prefect.settings import PREFECT_HOME, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

        home, timeout = PREFECT_HOME.value(), PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
    else:   # the early launch: the environment is all there is (flows/runtime/launch.py)
        home, timeout = os.environ.get("PREFECT_HOME"), f"{startup_timeout(os.environ):g}"
    unwritable = ""
    if home and not os.access(Path(home).expanduser(), os.W_OK):
        unwritable = (f" The folder PREFECT_HOME={home} does not exist or cannot be written: set PREFECT_HOME "
                      "(or QUALMINE_CACHE_DIR) to a writable folder.")
    return (f"the temporary Prefect API server did not start: {type(exc).__name__}: {exc} "
            f"(PREFECT_HOME={home}, start-up timeout {timeout} s).{unwritable} Raise "
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS on a busy machine, or start a server "
            "(`prefect server start`) and set PREFECT_API_URL to use it.")
