"""flows/runtime/boot.py: the temporary API server booted in the background, then reused by the flow.

The session's test harness sets PREFECT_API_URL, so the real ephemeral paths run in a fresh
Python process with the URL removed and its own PREFECT_HOME (a server start takes ~5-15 s):
the early launch (before prefect is imported, flows/runtime/launch.py) and Prefect's own
`SubprocessASGIServer` (taken when a Prefect config file is present).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from qualmine.flows.settings import EXAMPLE_CODEBOOK, REPO_ROOT

SERVER_MARK = "prefect.server.api.server:create_app"   # the uvicorn factory in the server's command line


def run_script(script: str, tmp_path, timeout: int = 300, cwd=None, **env_updates: str) -> subprocess.CompletedProcess:
    """Run `script` in a fresh interpreter on the ephemeral path (no API URL, its own PREFECT_HOME)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_HOME": str(tmp_path / "prefect-home"), "PYTHONPATH": str(REPO_ROOT),
                "QUALMINE_STORE": str(tmp_path / "store.sqlite"), **env_updates})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=cwd or tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)


def last_json(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


SHARE_ONE_SERVER = """
    import json, sys, psutil
    import qualmine.flows.runtime.env
    from qualmine.flows.runtime.boot import boot_in_background, current_boot

    def servers():
        return sorted(p.pid for p in psutil.Process().children(recursive=True)
                      if {mark!r} in " ".join(p.cmdline()))

    boot = boot_in_background()                 # what `qualmine run` does first
    again = boot_in_background()                # idempotent while booting

    from prefect import flow
    from prefect.client.orchestration import get_client
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    result = run_pipeline(RunSettings(corpus_dir={corpus!r}, codebook_path={codebook!r},
                                      out_dir={out!r}, topics=False, store=None))
    after_pipeline = servers()

    @flow
    def tiny(x: int) -> int:
        return x + 1

    value = tiny(1)
    with get_client(sync_client=True) as client:
        client_url = str(client.api_url)
        runs = sorted(r.name for r in client.read_flow_runs())
    server_imported = "prefect.server.api.server" in sys.modules
    singleton = None
    if server_imported:
        from prefect.server.api.server import SubprocessASGIServer
        singleton = SubprocessASGIServer._instances.get(None) is boot._server
    print(json.dumps({{
        "mode": boot.mode, "early": boot.launched_early, "same": again is boot and current_boot() is boot,
        "ready": boot.ready, "boot_url": boot.api_url, "client_url": client_url, "pid": boot.server_pid,
        "server_imported": server_imported, "singleton": singleton,
        "after_pipeline": after_pipeline, "after_flow": servers(), "value": value,
        "flow_runs": len(runs), "segments": result.counts.get("segments")}}))
"""


def _share_one_server(tmp_path, cwd) -> dict:
    pytest.importorskip("psutil")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "survey.csv").write_text("id,role,意见\n1,居民,排队时间太长，要等一个多小时。\n2,居民,开放时间没有问题。\n",
                                       encoding="utf-8")
    script = SHARE_ONE_SERVER.format(mark=SERVER_MARK, corpus=str(corpus), codebook=str(EXAMPLE_CODEBOOK),
                                     out=str(tmp_path / "out"))
    out = last_json(run_script(script, tmp_path, cwd=cwd))
    assert out["mode"] == "ephemeral" and out["same"] and out["ready"]
    assert out["segments"] == 2 and out["value"] == 2
    assert out["after_pipeline"] == [out["pid"]], out      # one server subprocess for the whole process
    assert out["after_flow"] == out["after_pipeline"]      # the later flow reused it: no second server
    assert out["client_url"].rstrip("/") == out["boot_url"].rstrip("/")
    assert out["flow_runs"] == 2                            # both flows were recorded by that server
    return out


def test_early_launch_serves_every_flow_and_never_imports_the_server_code(tmp_path, prefect_home):
    out = _share_one_server(tmp_path, cwd=tmp_path)
    assert out["early"], out
    assert not out["server_imported"], "the parent imported prefect.server: the early launch saved nothing"


def test_with_a_prefect_config_file_the_boot_takes_prefects_own_path(tmp_path, prefect_home):
    project = tmp_path / "project"
    project.mkdir()
    (project / "prefect.toml").write_text("[logging]\nlevel = 'WARNING'\n", encoding="utf-8")
    out = _share_one_server(tmp_path, cwd=project)
    assert not out["early"] and out["server_imported"] and out["singleton"], out


@pytest.mark.parametrize("environ, files, imported, reason", [
    ({}, {}, False, None),
    ({}, {}, True, "already imported"),
    ({"PREFECT_API_URL": "http://127.0.0.1:4200/api"}, {}, False, "PREFECT_API_URL"),
    ({"PREFECT_SERVER_EPHEMERAL_ENABLED": "false"}, {}, False, "EPHEMERAL_ENABLED"),
    ({"PREFECT_PROFILE": "work"}, {}, False, "profile"),
    ({}, {"home/profiles.toml": "[profiles.work]\nPREFECT_API_URL = 'http://x/api'\n"}, False, "profiles.toml"),
    ({}, {"home/profiles.toml": "active = 'ephemeral'\n"}, False, None),
    ({}, {"cwd/prefect.toml": ""}, False, "prefect.toml"),
    ({}, {"cwd/.env": "PREFECT_API_URL=http://x/api\n"}, False, ".env"),
    ({}, {"cwd/.env": "OTHER=1\n"}, False, None),
    ({}, {"cwd/pyproject.toml": "[tool.prefect]\n"}, False, "pyproject.toml"),
    ({}, {"cwd/pyproject.toml": "[project]\nname = 'x'\n"}, False, None),
])
def test_launch_blocker_leaves_any_configured_server_to_prefect(tmp_path, environ, files, imported, reason):
    from qualmine.flows.runtime.launch import launch_blocker

    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "cwd").mkdir(exist_ok=True)
    blocker = launch_blocker({"PREFECT_HOME": str(tmp_path / "home"), **environ}, tmp_path / "cwd", imported)
    if reason is None:
        assert blocker is None
    else:
        assert blocker is not None and reason in blocker


def test_boot_is_a_no_op_with_an_api_url(prefect_harness):
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL

    from qualmine.flows.cli.app import boot_unless_dask
    from qualmine.flows.runtime.boot import boot_in_background, current_boot

    harness_server = SubprocessASGIServer._instances.get(None)
    boot = boot_in_background()
    assert boot.mode == "api-url" and boot.ready and boot._thread is None
    assert boot.wait() == PREFECT_API_URL.value()
    assert SubprocessASGIServer._instances.get(None) is harness_server   # the harness's server, untouched
    boot_unless_dask(dask_local=2)                                        # the Dask paths never boot here
    assert current_boot() is boot


@pytest.mark.parametrize("prefects_own_path", [False, True], ids=["early-launch", "prefect-subprocess-server"])
def test_wait_reports_a_failed_start_and_the_server_is_stopped_at_exit(tmp_path, prefects_own_path):
    pytest.importorskip("psutil")
    # A start-up timeout of 0 s: the server is launched, then the boot gives up at once (a real failure).
    if prefects_own_path:
        (tmp_path / "prefect.toml").write_text("", encoding="utf-8")
    script = """
        import json
        from qualmine.flows.runtime.boot import PrefectBootError, boot_in_background

        boot = boot_in_background()
        try:
            boot.wait()
            outcome = {"raised": False}
        except PrefectBootError as exc:
            outcome = {"raised": True, "message": str(exc), "cause": type(exc.__cause__).__name__}
        first_pid = boot.server_pid
        retry = boot_in_background()                  # a failed boot is not reused: a new attempt
        outcome["retry_is_new"] = retry is not boot
        try:
            retry.wait()
        except PrefectBootError:
            pass
        outcome["pids"] = [first_pid, retry.server_pid]
        import prefect                                # settings read: an early launch can no longer retry
        try:
            boot_in_background().wait()
        except PrefectBootError as exc:
            outcome["after_import"] = str(exc)
        print(json.dumps(outcome))
    """
    out = last_json(run_script(script, tmp_path, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="0"))
    assert out["raised"], out
    assert "did not start" in out["message"] and "Timed out" in out["message"], out["message"]
    assert "PREFECT_API_URL" in out["message"] and "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in out["message"]
    assert out["cause"] == "RuntimeError" and out["retry_is_new"]
    expected = "Timed out" if prefects_own_path else "start a new process to retry"
    assert expected in out["after_import"], out["after_import"]
    import psutil

    for pid in out["pids"]:   # neither launched server outlived the process (the retry stopped the first)
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, pid


def test_a_server_that_dies_during_start_up_is_quoted_in_the_error(tmp_path):
    # An unusable database URL: the launched server exits while starting; its own words reach the user.
    script = """
        import json
        from qualmine.flows.runtime.boot import PrefectBootError, boot_in_background

        boot = boot_in_background()
        try:
            boot.wait()
            print(json.dumps({"raised": False}))
        except PrefectBootError as exc:
            print(json.dumps({"raised": True, "early": boot.launched_early, "message": str(exc)}))
    """
    out = last_json(run_script(script, tmp_path, PREFECT_API_DATABASE_CONNECTION_URL="nonsense://nowhere"))
    assert out["raised"] and out["early"], out
    assert "stopped during start-up" in out["message"] and "it printed" in out["message"], out["message"]
    assert "nonsense" in out["message"], out["message"]
