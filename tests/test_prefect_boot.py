"""flows/prefect_boot.py: the temporary API server booted in the background, then reused by the flow.

The session's test harness sets PREFECT_API_URL, so the real ephemeral path runs in a fresh
Python process with the URL removed and its own PREFECT_HOME (a server start takes ~10-15 s).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from flows.settings import EXAMPLE_CODEBOOK, REPO_ROOT

SERVER_MARK = "prefect.server.api.server:create_app"   # the uvicorn factory in the server's command line


def run_script(script: str, tmp_path, timeout: int = 300, **env_updates: str) -> subprocess.CompletedProcess:
    """Run `script` in a fresh interpreter on the ephemeral path (no API URL, its own PREFECT_HOME)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_HOME": str(tmp_path / "prefect-home"), "PYTHONPATH": str(REPO_ROOT),
                "QUALMINE_STORE": str(tmp_path / "store.sqlite"), **env_updates})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)


def last_json(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_boot_then_pipeline_and_flow_share_one_server(tmp_path):
    pytest.importorskip("psutil")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "survey.csv").write_text("id,role,意见\n1,居民,排队时间太长，要等一个多小时。\n2,居民,开放时间没有问题。\n",
                                       encoding="utf-8")
    script = f"""
        import json, psutil
        import flows.prefect_env
        from flows.prefect_boot import boot_in_background, current_boot

        def servers():
            return sorted(p.pid for p in psutil.Process().children(recursive=True)
                          if {SERVER_MARK!r} in " ".join(p.cmdline()))

        boot = boot_in_background()                 # what `qualmine run` does first
        again = boot_in_background()                # idempotent while booting

        from prefect import flow
        from prefect.client.orchestration import get_client
        from prefect.server.api.server import SubprocessASGIServer
        from flows.pipeline import run_pipeline
        from flows.settings import RunSettings

        result = run_pipeline(RunSettings(corpus_dir={str(corpus)!r}, codebook_path={str(EXAMPLE_CODEBOOK)!r},
                                          out_dir={str(tmp_path / "out")!r}, topics=False, store=None))
        after_pipeline = servers()

        @flow
        def tiny(x: int) -> int:
            return x + 1

        value = tiny(1)
        with get_client(sync_client=True) as client:
            client_url = str(client.api_url)
            runs = sorted(r.name for r in client.read_flow_runs())
        print(json.dumps({{
            "mode": boot.mode, "same": again is boot and current_boot() is boot, "ready": boot.ready,
            "boot_url": boot.api_url, "client_url": client_url,
            "singleton": SubprocessASGIServer._instances.get(None) is boot._server,
            "after_pipeline": after_pipeline, "after_flow": servers(), "value": value,
            "flow_runs": len(runs), "segments": result.counts.get("segments")}}))
    """
    out = last_json(run_script(script, tmp_path))
    assert out["mode"] == "ephemeral" and out["same"] and out["ready"]
    assert out["segments"] == 2 and out["value"] == 2
    assert len(out["after_pipeline"]) == 1, out            # one server subprocess for the whole process
    assert out["after_flow"] == out["after_pipeline"]      # the later flow reused it: no second server
    assert out["singleton"] and out["client_url"].rstrip("/") == out["boot_url"].rstrip("/")
    assert out["flow_runs"] == 2                            # both flows were recorded by that server


def test_boot_is_a_no_op_with_an_api_url(prefect_harness):
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL

    from flows.cli import boot_unless_dask
    from flows.prefect_boot import boot_in_background, current_boot

    harness_server = SubprocessASGIServer._instances.get(None)
    boot = boot_in_background()
    assert boot.mode == "api-url" and boot.ready and boot._thread is None
    assert boot.wait() == PREFECT_API_URL.value()
    assert SubprocessASGIServer._instances.get(None) is harness_server   # the harness's server, untouched
    boot_unless_dask(dask_local=2)                                        # the Dask paths never boot here
    assert current_boot() is boot


def test_wait_reports_a_failed_start_and_the_server_is_stopped_at_exit(tmp_path):
    pytest.importorskip("psutil")
    # A start-up timeout of 0 s: Prefect launches the server, then gives up at once (a real failure).
    script = """
        import json
        from flows.prefect_boot import PrefectBootError, boot_in_background

        boot = boot_in_background()
        try:
            boot.wait()
            outcome = {"raised": False}
        except PrefectBootError as exc:
            outcome = {"raised": True, "message": str(exc), "cause": type(exc.__cause__).__name__}
        first_pid = boot._server.server_process.pid
        retry = boot_in_background()                  # a failed boot is not reused: a new attempt
        outcome["retry_is_new"] = retry is not boot
        try:
            retry.wait()
        except PrefectBootError:
            pass
        outcome["pids"] = [first_pid, retry._server.server_process.pid]
        print(json.dumps(outcome))
    """
    out = last_json(run_script(script, tmp_path, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="0"))
    assert out["raised"], out
    assert "did not start" in out["message"] and "Timed out" in out["message"], out["message"]
    assert "PREFECT_API_URL" in out["message"] and "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in out["message"]
    assert out["cause"] == "RuntimeError" and out["retry_is_new"]
    import psutil

    for pid in out["pids"]:   # neither launched server outlived the process (the retry stopped the first)
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, pid
