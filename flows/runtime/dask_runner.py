"""Running the pipeline's batch tasks on Dask through prefect-dask's `DaskTaskRunner`.

`--dask-address tcp://HOST:PORT` uses an existing cluster (its scheduler's address);
`--dask-local N` starts a `distributed.LocalCluster` of N single-threaded worker processes
(dashboard on 127.0.0.1, a free port: the default binds 0.0.0.0:8787).

Task runs on Dask workers report to the Prefect API. Without `PREFECT_API_URL` every worker
would start its own temporary Prefect server (~25 s each, and SQLite "database is locked"), so:
a local cluster gets one temporary API server started here, shared by the flow and its
workers; a remote cluster needs a Prefect server the workers can reach, named by
`PREFECT_API_URL` (`prefect server start`, then export the URL on the client and workers).
"""
from __future__ import annotations

from qualmine import QualmineError
import qualmine.flows.runtime.env  # noqa: F401  (must precede the prefect import)

import socket
from contextlib import ExitStack, contextmanager
from typing import Iterator

from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings


class DaskSetupError(QualmineError, RuntimeError):
    """The Dask path cannot run as asked (no reachable Prefect API, bad address)."""


def local_cluster_kwargs(n_workers: int) -> dict:
    """LocalCluster arguments: worker processes (the GIL-bound stages need them), one thread each."""
    return {"n_workers": n_workers, "processes": True, "threads_per_worker": 1,
            "dashboard_address": "127.0.0.1:0"}


@contextmanager
def dask_task_runner(address: str | None = None, local_workers: int = 0) -> Iterator[object]:
    """A `DaskTaskRunner` for `flow.with_options(task_runner=...)`, with a Prefect API workers can reach."""
    from prefect_dask import DaskTaskRunner

    if not address and local_workers < 1:
        raise DaskSetupError("give a scheduler address (--dask-address tcp://HOST:PORT) or --dask-local N with N >= 1")
    with ExitStack() as stack:
        if not PREFECT_API_URL.value():
            if address:
                raise DaskSetupError(
                    "running on a remote Dask cluster needs a Prefect server its workers can reach: start one "
                    "(`prefect server start --host 0.0.0.0`) and set PREFECT_API_URL=http://SERVER:4200/api "
                    "on this machine and on the Dask workers")
            stack.enter_context(_temporary_api_server())
        if address:
            yield DaskTaskRunner(address=address)
        else:
            yield DaskTaskRunner(cluster_class="distributed.LocalCluster",
                                 cluster_kwargs=local_cluster_kwargs(local_workers))


@contextmanager
def _temporary_api_server() -> Iterator[str]:
    """One local Prefect API server for this run (what ephemeral mode starts, but with a URL to share)."""
    from prefect.server.api.server import SubprocessASGIServer

    with socket.socket() as sock:   # a free port now; the server binds it a moment later
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = SubprocessASGIServer(port=port)
    server.start(timeout=PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        server.stop()
