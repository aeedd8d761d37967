"""Issue #17: a store URL with a password must not reach Prefect's database as a flow parameter
(the temporary server keeps every flow run's parameters in SQLite under PREFECT_HOME)."""
from __future__ import annotations

import pytest

from qualmine.flows.secret_params import hide_secrets, reveal_secrets

URL = "postgresql+psycopg://coder:s3cret-pw@db.example.org/project_a"


def test_hidden_url_has_no_password_and_is_revealed_in_this_process():
    hidden = hide_secrets(URL)
    assert "s3cret-pw" not in hidden and "coder" in hidden and "project_a" in hidden
    assert reveal_secrets(hidden) == URL
    assert hide_secrets("qualmine-runs/qualmine.sqlite") == "qualmine-runs/qualmine.sqlite"
    assert hide_secrets(None) is None


def test_the_flow_gets_the_password_but_prefect_records_none(prefect_harness, tmp_path, monkeypatch):
    from prefect import get_client

    import qualmine.flows.report as report
    from qualmine.flows.report import run_report

    seen = []
    monkeypatch.setattr(report, "report_task", lambda run_dir, mode, store, codebook: seen.append(store))
    state = report.report_flow(tmp_path, "suggestions", hide_secrets(URL), None, return_state=True)
    assert seen == [URL]                                     # the flow body works with the real URL
    with get_client(sync_client=True) as client:
        recorded = client.read_flow_run(state.state_details.flow_run_id).parameters
    assert "s3cret-pw" not in repr(recorded) and "coder" in recorded["store"]
    seen.clear()
    run_report(tmp_path, "suggestions", URL)                # the runner hides it itself
    assert seen == [URL]
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs()
    assert runs and not any("s3cret-pw" in repr(r.parameters) for r in runs)
