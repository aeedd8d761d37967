"""`qualmine server start|status|stop`: keep Prefect's local API server up between commands."""
from __future__ import annotations

import qualmine.flows.runtime.env  # noqa: F401  (sets PREFECT_HOME and the start-up timeout the server uses)

import os
from pathlib import Path

import typer

server_app = typer.Typer(
    help="Keep a local Prefect API server running between commands, so each command skips its start-up "
         "(~5 s of CPU on a small machine). Optional: without it every command starts a temporary server.",
    no_args_is_help=True)
from qualmine.flows.cli.common import console, err_console, fail  # noqa: F401


@server_app.command("start")
def start(ui: bool = typer.Option(True, "--ui/--no-ui", help="Serve Prefect's UI too (flow runs, task timings, "
                                  "artifacts), as `prefect server start` does.")) -> None:
    """Start the resident server (or report the one already running)."""
    from qualmine.flows.runtime.resident import start_resident

    try:
        server, started = start_resident(os.environ, ui=ui)
    except RuntimeError as exc:
        err_console.print(f"[bold red]error:[/] the Prefect API server did not start: {exc}", highlight=False,
                          soft_wrap=True)
        raise typer.Exit(2)
    verb = "started" if started else "already running"
    console.print(f"Prefect API server {verb} at {server.api_url} (pid {server.pid}; output in {server.log}).",
                  highlight=False, soft_wrap=True)
    if server.ui_url:
        console.print(f"Prefect UI (flow runs, task timings, artifacts): {server.ui_url}", highlight=False,
                      soft_wrap=True)
    console.print("qualmine commands run with this PREFECT_HOME use it; `qualmine server stop` stops it.",
                  highlight=False, soft_wrap=True)
    _warn_if_unused()


def _warn_if_unused() -> None:
    """Say so when this shell's commands would not use the resident server (and why)."""
    from qualmine.flows.runtime.launch import launch_blocker

    why = launch_blocker(os.environ, Path.cwd(), imported=False)
    if why is not None:
        err_console.print(f"[yellow]warning:[/] commands started here will not use it: {why} (Prefect's own "
                          "settings decide which server they use).", highlight=False, soft_wrap=True)


@server_app.command("status")
def status() -> None:
    """Say whether a resident server is running, and where (exit 1 when none is)."""
    from qualmine.flows.runtime.launch import prefect_home
    from qualmine.flows.runtime.resident import find_resident

    server = find_resident(os.environ)
    if server is None:
        console.print(f"No resident Prefect API server for PREFECT_HOME={prefect_home(os.environ)}: each command "
                      "starts a temporary one.", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    console.print(f"Running at {server.api_url} (pid {server.pid}, since {server.started_at}; output in "
                  f"{server.log}).", highlight=False, soft_wrap=True)
    if server.ui_url:
        console.print(f"Prefect UI: {server.ui_url}", highlight=False, soft_wrap=True)
    _warn_if_unused()


@server_app.command("stop")
def stop() -> None:
    """Stop the resident server (a flow still using it fails)."""
    from qualmine.flows.runtime.resident import stop_resident

    server = stop_resident(os.environ)
    if server is None:
        console.print("No resident Prefect API server was running.", highlight=False)
        return
    console.print(f"Stopped the Prefect API server at {server.api_url} (pid {server.pid}).", highlight=False)


def flow_run_line(flow_run_id: str | None) -> str | None:
    """Where a finished flow run can be looked at: its page in the resident server's UI, when one runs."""
    from qualmine.flows.runtime.resident import find_resident

    server = find_resident(os.environ) if flow_run_id else None
    if server is None or not server.ui_url:
        return None
    return f"flow run in Prefect's UI: {server.flow_run_url(flow_run_id)}"
