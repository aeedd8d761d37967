"""Issue #17: every command that writes a file refuses to overwrite without --force. `agreement`
and `report` regenerate the files qualmine itself wrote there (and say so); a file they did not
write, or one edited since, needs --force (outputs/written_files.py)."""
from __future__ import annotations

import csv

from typer.testing import CliRunner

from qualmine.flows.cli.app import app
from qualmine.outputs.written_files import OverwriteRefused, check_replace, record_written

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, terminal_width=200)


def test_check_replace_tells_qualmines_own_files_from_others(tmp_path):
    (tmp_path / "agreement.csv").write_text("a\n1\n", encoding="utf-8")
    try:
        check_replace(tmp_path, ["agreement.csv", "absent.csv"], force=False)
        raise AssertionError("a file qualmine did not write was replaced without --force")
    except OverwriteRefused as exc:
        assert "agreement.csv (not written by qualmine here)" in str(exc) and "--force" in str(exc)
    assert check_replace(tmp_path, ["agreement.csv"], force=True) == [tmp_path / "agreement.csv"]
    record_written(tmp_path, [tmp_path / "agreement.csv"])
    assert check_replace(tmp_path, ["agreement.csv"], force=False) == [tmp_path / "agreement.csv"]
    (tmp_path / "agreement.csv").write_text("a\n2\n", encoding="utf-8")     # edited by hand
    try:
        check_replace(tmp_path, ["agreement.csv"], force=False)
        raise AssertionError("an edited file was replaced without --force")
    except OverwriteRefused as exc:
        assert "changed since qualmine wrote it" in str(exc)


def test_agreement_regenerates_its_own_tables_but_not_an_edited_one(one_segment_store, tmp_path):
    queue = tmp_path / "alice.csv"
    done = invoke("review", "export", "--coder", "alice", "--out", queue, "--store", one_segment_store)
    assert done.exit_code == 0, done.output
    with open(queue, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("decision")] = "accept"
    with open(queue, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert invoke("review", "import", queue, "--coder", "alice", "--store", one_segment_store).exit_code == 0
    out = tmp_path / "agreement"
    first = invoke("agreement", "--store", one_segment_store, "--out", out)
    assert first.exit_code == 0, first.output
    again = invoke("agreement", "--store", one_segment_store, "--out", out)
    # agreement, disagreements, agreement_by_respondent and source_trust, each as CSV and Parquet
    assert again.exit_code == 0 and "replaced 8 file(s) qualmine wrote" in again.output
    with open(out / "agreement.csv", "a", encoding="utf-8") as handle:
        handle.write("my notes\n")
    refused = invoke("agreement", "--store", one_segment_store, "--out", out)
    assert refused.exit_code == 2 and "agreement.csv (changed since qualmine wrote it)" in refused.output
    assert (out / "agreement.csv").read_text(encoding="utf-8-sig").endswith("my notes\n")   # kept
    forced = invoke("agreement", "--store", one_segment_store, "--out", out, "--force")
    assert forced.exit_code == 0 and "my notes" not in (out / "agreement.csv").read_text(encoding="utf-8-sig")
