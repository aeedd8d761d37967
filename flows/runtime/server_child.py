"""Run a command's Python module (uvicorn) as a child that dies with the process that launched it.

    python server_child.py <parent pid> <module> [args...]

Issue #17: after `kill -9` of `qualmine run`, its temporary Prefect API server lived on with
ppid 1 (~220 MB, its SQLite database open). A SIGKILLed parent runs no cleanup, so the child
watches: a daemon thread checks every `POLL_S` whether its parent is still the process that
launched it, and if not it asks itself to stop (SIGTERM: uvicorn shuts down cleanly), then
exits hard after `GRACE_S`. Portable to every POSIX system (unlike Linux's PR_SET_PDEATHSIG,
which also fires when the launching *thread* ends). Run by file path, not `-m`, so it imports
nothing of qualmine: the server's start-up pays for no extra import.
"""
from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time

POLL_S = 0.5
GRACE_S = 5.0


def watch_parent(parent: int) -> None:
    """Block until the parent `parent` is gone (this process re-parented), then stop this process."""
    while os.getppid() == parent:
        time.sleep(POLL_S)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_S)
    os._exit(1)     # the clean shutdown hung: leave anyway


def main(argv: list[str]) -> None:
    parent, module, args = int(argv[1]), argv[2], argv[3:]
    if os.getppid() != parent:      # the parent died before this line: nobody is there to serve
        sys.exit(1)
    threading.Thread(target=watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    del sys.path[0]    # this file's folder (flows/runtime) must not shadow modules the server imports
    main(sys.argv)
