"""`qualmine review serve`: loopback by default; any other address gets a token, printed at start-up."""
from __future__ import annotations

import re

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from qualmine.flows.cli.app import app as cli_app
from qualmine.flows.cli.serve import is_loopback


@pytest.fixture()
def captured(monkeypatch):
    """Run `review serve` up to the point it would serve: keep the app and the bound socket."""
    seen = {}

    def fake_run(server, sockets=None):
        seen["app"], seen["port"] = server.config.app, sockets[0].getsockname()[1]
        for sock in sockets:
            sock.close()

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    return seen


def _serve(*args):
    return CliRunner().invoke(cli_app, ["review", "serve", *args], env={"COLUMNS": "200"})


@pytest.mark.parametrize("host, expected", [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True),
                                            ("::1", True), ("[::1]", True), ("0.0.0.0", False),
                                            ("192.168.1.20", False), ("example.org", False)])
def test_is_loopback(host, expected):
    assert is_loopback(host) is expected


def test_default_is_loopback_without_a_token(store_path, captured):
    result = _serve("--store", str(store_path), "--port", "0")
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{captured['port']}/" in result.output and "token" not in result.output
    with TestClient(captured["app"], base_url="http://127.0.0.1") as web:
        assert web.get("/").status_code == 200


def test_another_host_requires_the_token_printed_at_start_up(store_path, captured):
    result = _serve("--store", str(store_path), "--port", "0", "--host", "0.0.0.0")
    assert result.exit_code == 0, result.output
    token = re.search(r"\?token=([\w-]+)", result.output).group(1)
    assert len(token) >= 20
    with TestClient(captured["app"], base_url="http://192.0.2.7") as web:
        assert web.get("/").status_code == 401
        assert web.get(f"/?token={token}").status_code == 200


def test_a_store_without_a_run_is_refused_before_serving(tmp_path, captured):
    result = _serve("--store", str(tmp_path / "empty.sqlite"), "--port", "0")
    assert result.exit_code == 2 and "has no run yet" in result.output
    assert "app" not in captured
