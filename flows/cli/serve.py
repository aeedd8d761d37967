"""`qualmine review serve`: the browser review page on this machine (loopback unless told otherwise)."""
from __future__ import annotations

import ipaddress
import secrets
from typing import Optional

import typer

from qualmine import SEED
from qualmine.flows.cli.common import console, fail
STORE_HELP = "Project store: a SQLite file path or a SQLAlchemy URL (default qualmine-runs/qualmine.sqlite, or $QUALMINE_STORE)."


def register(app: typer.Typer) -> None:
    """Add `serve` to the `qualmine review` command group (flows/cli/review.py)."""
    from qualmine.flows.cli.review import review_app

    review_app.command("serve")(serve)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost': addresses no other machine can reach."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    store: Optional[str] = typer.Option(None, "--store", help=STORE_HELP),
    port: int = typer.Option(8765, "--port", help="Port to listen on (0: any free port)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. Anything but loopback "
                             "requires an access token, printed at start-up."),
    token: Optional[str] = typer.Option(None, "--token", envvar="QUALMINE_REVIEW_TOKEN",
                                        help="Access token (default: a random one when --host is not loopback)."),
    double_code: float = typer.Option(0.0, "--double-code", help="Share of segments (0..1) offered to every coder, "
                                      "for agreement (as in `review export`)."),
    seed: int = typer.Option(SEED, "--seed", help="Seed choosing the double-coded share."),
    uncoded: str = typer.Option("auto", "--uncoded", help="Offer segments with no suggestion, to add codes to: auto "
                                "(when suggestions cover fewer than half of the segments), always, never "
                                "(as in `review export`)."),
) -> None:
    """Serve the review page: work through suggestions in the browser, one key per decision."""
    import socket

    import uvicorn

    from qualmine.coding.store.database import ProjectStore, redact_url
    from qualmine.flows.web.server import create_app

    from qualmine.coding.review.queue import UNCODED_CHOICES

    if not 0.0 <= double_code <= 1.0:
        fail(f"--double-code must be in [0, 1], got {double_code}")
    if uncoded not in UNCODED_CHOICES:
        fail(f"--uncoded must be one of {', '.join(UNCODED_CHOICES)}, got {uncoded!r}")
    if not is_loopback(host) and not token:
        token = secrets.token_urlsafe(18)
    try:
        with ProjectStore(store) as opened:   # fail now, with the store's name, not on the first page
            url, has_codebook = opened.url, opened.current_codebook() is not None
    except Exception as exc:
        fail(f"cannot open the store {redact_url(store) if store else '(default)'}: {exc}")
    if not has_codebook:
        fail(f"the store {redact_url(url)} has no run yet: run `qualmine run --store ...` first")
    sock = socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
    address = f"http://{shown}:{bound}/" + (f"?token={token}" if token else "")
    console.print(f"review page for {redact_url(url)}: [bold]{address}[/]", highlight=False, soft_wrap=True)
    if token:
        console.print("anyone with this address (token included) can record decisions; stop with Ctrl+C",
                      highlight=False)
    else:
        console.print("loopback only: this machine alone can open it; stop with Ctrl+C", highlight=False)
    app = create_app(url, token=token, double_code=double_code, seed=seed, uncoded=uncoded)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


