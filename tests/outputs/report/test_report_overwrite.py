"""`qualmine report` regenerates the report it wrote for a run (and says so); a report file it did not
write there, or one edited since, is replaced only with --force (issue #17, outputs/written_files.py)."""
from __future__ import annotations

from typer.testing import CliRunner

from qualmine.flows.cli.app import app

runner = CliRunner()


def report(run, tmp_path, *extra):
    return runner.invoke(app, ["report", "--run", str(run), "--store", str(tmp_path / "none.sqlite"), *extra],
                         terminal_width=200)


def test_report_regenerates_its_own_files_and_refuses_edited_or_foreign_ones(run_copy, tmp_path):
    # The run's ledger (copied with its tables) says what `qualmine run` wrote as report.md: not this.
    assert (run_copy / ".qualmine-written.json").is_file()
    (run_copy / "report.md").write_text("# my own notes\n", encoding="utf-8")
    foreign = report(run_copy, tmp_path)
    assert foreign.exit_code == 2 and "report.md (changed since qualmine wrote it)" in foreign.output
    assert (run_copy / "report.md").read_text(encoding="utf-8") == "# my own notes\n"
    assert not (run_copy / "report.html").exists()            # nothing written when refused
    forced = report(run_copy, tmp_path, "--force")
    assert forced.exit_code == 0, forced.output
    again = report(run_copy, tmp_path)
    assert again.exit_code == 0 and "replaced (regenerated)" in again.output
    (run_copy / "report.html").write_text("<p>edited</p>", encoding="utf-8")
    edited = report(run_copy, tmp_path)
    assert edited.exit_code == 2 and "report.html (changed since qualmine wrote it)" in edited.output
