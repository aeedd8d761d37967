"""The review commands as a user types them (typer's test runner, no Prefect flow involved)."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from qualmine.flows.cli.app import app
from review_helpers import fill_xlsx

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, terminal_width=200)


@pytest.fixture()
def store_path(store):
    return store.url.removeprefix("sqlite:///")


def test_export_import_status(store_path, tmp_path):
    out = tmp_path / "alice.xlsx"
    result = invoke("review", "export", "--coder", "alice", "--out", out, "--store", store_path, "--limit", "8",
                    "--order", "document", "--code", "N-ELDERLY", "--code", "N-CHILDCARE")
    assert result.exit_code == 0, result.output
    assert "for alice" in result.output and out.exists()
    again = invoke("review", "export", "--coder", "alice", "--out", out, "--store", store_path)
    assert again.exit_code == 2 and "exists" in again.output
    fill_xlsx(out, {2: {"decision": "accept"}, 3: {"decision": "nope"}, 4: {"add_codes": "X-1"}})
    bad = invoke("review", "import", out, "--coder", "alice", "--store", store_path)
    assert bad.exit_code == 1
    assert "alice.xlsx: row 3 [decision]: 'nope' is not one of accept, reject" in bad.output
    assert "alice.xlsx: row 4 [add_codes]: unknown code id 'X-1'" in bad.output
    assert "2 problem(s)" in bad.output and "nothing was imported" in bad.output
    fill_xlsx(out, {3: {"decision": "reject"}, 4: {"add_codes": "P-OPERATION"}})
    good = invoke("review", "import", out, "--coder", "alice", "--store", store_path)
    assert good.exit_code == 0 and "3 new for alice" in good.output
    twice = invoke("review", "import", out, "--coder", "alice", "--store", store_path)
    assert twice.exit_code == 0 and "already imported" in twice.output
    status = invoke("store", "status", "--store", store_path)
    assert status.exit_code == 0
    assert "│ decisions         │ 3" in status.output and "orphaned decisions: none" in status.output


def test_bad_options_and_missing_model(store_path, tmp_path):
    order = invoke("review", "export", "--coder", "a", "--out", tmp_path / "q.xlsx", "--store", store_path,
                   "--order", "random")
    assert order.exit_code == 2 and "The 'order' parameter of the review queue must be one of" in order.output
    code = invoke("review", "export", "--coder", "a", "--out", tmp_path / "q.xlsx", "--store", store_path,
                  "--code", "NOPE")
    assert code.exit_code == 2 and "NOPE not in the store's current codebook" in code.output
    apply = invoke("suggest", "apply", "--store", store_path)
    assert apply.exit_code == 1 and "no trained model" in apply.output
    train = invoke("suggest", "train", "--store", store_path)
    assert train.exit_code == 1 and "reviewed segment(s)" in train.output
    agreement = invoke("agreement", "--store", store_path)
    assert agreement.exit_code == 1 and "no decisions" in agreement.output


def test_export_from_an_empty_store(tmp_path):
    result = invoke("review", "export", "--coder", "a", "--out", tmp_path / "q.csv", "--store", tmp_path / "new.sqlite")
    assert result.exit_code == 2 and "has no run yet" in result.output
