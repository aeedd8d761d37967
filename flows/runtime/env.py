"""Prefect defaults that keep flows offline, quiet and patient on small machines.

Must run before `prefect` is first imported (settings are read at import); every flows module
imports this first. Values a user already set in the environment win.
"""
from __future__ import annotations

import os
from pathlib import Path

from qualmine import cache_dir

DEFAULTS = {
    # The ephemeral API server needs 5-15 s to start on 2 busy cores; the 20 s default is too tight.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # No outbound telemetry: nothing may reach the network at run time.
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    "DASK_LOGGING__DISTRIBUTED": "warning",
}


def configure() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if "PREFECT_HOME" not in os.environ:
        # Importing prefect creates PREFECT_HOME; keep it out of the user's ~/.prefect by default.
        os.environ["PREFECT_HOME"] = str(cache_dir() / "prefect")
    # Prefect creates PREFECT_HOME but not its parents: on a brand-new machine (no ~/.cache) its
    # API server then dies with "unable to open database file". A folder that cannot be made is
    # named by the start-up error (flows/runtime/boot.py), which says how to choose another.
    try:
        Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
    except OSError:
        pass


configure()
