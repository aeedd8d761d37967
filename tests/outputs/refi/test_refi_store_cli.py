"""The CLI words (`qualmine export|import qdc|qdpx`), the store round trip of a coder's
decisions, and the example corpus run exported and re-imported."""
from __future__ import annotations

import zipfile

import pandas as pd
from typer.testing import CliRunner

from qualmine.coding.codebook import load_codebook
from qualmine.flows.cli.app import app
from qualmine.outputs.refi.project_export import export_qdpx
from qualmine.outputs.refi.project_import import read_qdpx, write_imported_run
from qualmine.outputs.writers import read_table, write_table
from refi_inputs import EXAMPLE_CODEBOOK, FOREIGN_TEXT, foreign_qde, write_qdpx, codebook, small_run  # noqa: F401 (fixtures)

runner = CliRunner()


def test_cli_codebook_round_trip(tmp_path, codebook):
    qdc, yaml_out = tmp_path / "book.qdc", tmp_path / "book.yaml"
    result = runner.invoke(app, ["export", "qdc", "--codebook", str(EXAMPLE_CODEBOOK), "--out", str(qdc)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["import", "qdc", str(qdc), "--out", str(yaml_out)])
    assert result.exit_code == 0, result.output
    assert f"{len(codebook.codes)} codes" in result.output
    assert load_codebook(yaml_out) == codebook


def test_cli_project_export_and_import(tmp_path, small_run):
    out = tmp_path / "p.qdpx"
    result = runner.invoke(app, ["export", "qdpx", "--run", str(small_run), "--out", str(out),
                                 "--codebook", str(EXAMPLE_CODEBOOK)])
    assert result.exit_code == 0, result.output
    assert "2 sources, 4 coded selections" in result.output
    imported = tmp_path / "imported"
    result = runner.invoke(app, ["import", "qdpx", str(out), "--coder", "alice", "--out", str(imported)])
    assert result.exit_code == 0, result.output
    assert read_table(imported, "documents")["text"].tolist() == read_table(small_run, "documents")["text"].tolist()
    assert (imported / "codebook.yaml").is_file() and (imported / "code_frequency.csv").is_file()


def test_cli_reports_a_malformed_file_clearly(tmp_path):
    bad = tmp_path / "bad.qdc"
    bad.write_bytes(b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>")
    result = runner.invoke(app, ["import", "qdc", str(bad), "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert f"{bad}:1: not well-formed XML" in result.output.replace("\n", "")
    assert not (tmp_path / "x.yaml").exists()


def test_coder_decisions_go_into_the_store_once_and_come_back_out(tmp_path):
    from qualmine.coding.store.database import ProjectStore
    from qualmine.outputs.refi.store_bridge import record_imported_decisions, store_review_decisions

    store = tmp_path / "store.sqlite"
    project = read_qdpx(write_qdpx(tmp_path / "nvivo.qdpx", foreign_qde()), coder="jane")
    first = record_imported_decisions(project, store)
    assert (first.appended, first.already_imported, first.unknown_segments) == (3, False, 3)
    again = record_imported_decisions(project, store)
    assert (again.appended, again.already_imported) == (0, True)
    with ProjectStore(store) as opened:
        stored = opened.decisions(latest=True)
    assert sorted(zip(stored["segment_id"], stored["code_id"])) == sorted(zip(project.decisions["segment_id"],
                                                                              project.decisions["code_id"]))
    assert set(stored["coder"]) == {"jane"} and set(stored["decision"]) == {"add"}

    # The stored decisions keep the selections' spans (the queue selection covers two sentence
    # segments; the staff one is a whole segment, so no span is stored for it)...
    spanned = stored[stored["start"].notna()]
    queue = (FOREIGN_TEXT.index("排队"), FOREIGN_TEXT.index("The staff"))
    assert set(zip(spanned["start"].astype(int), spanned["end"].astype(int))) == {queue} and len(spanned) == 2
    assert stored["start"].isna().sum() == 1
    # ...and are exported as the coder's codings on exactly those spans (a whole-segment decision: its segment).
    run = tmp_path / "run"
    write_imported_run(project, run)
    apps = read_table(run, "code_applications")
    write_table(apps[apps["source"] != "coder"], run, "code_applications")   # only the store's decisions remain
    decisions, segments = store_review_decisions(store)
    result = export_qdpx(run, tmp_path / "out.qdpx", decisions=decisions, store_segments=segments)
    assert result.users == ("jane", "qualmine-rules") and (result.codings, result.selections) == (2, 2)
    back = read_qdpx(result.path, coder="jane").code_applications
    assert sorted(back["evidence"].unique()) == ["The staff were rude.", "排队太久了。等了一个小时。"]


def test_example_corpus_run_exports_and_reimports_without_loss(tmp_path, prefect_harness):
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    run = run_pipeline(RunSettings(out_dir=tmp_path / "run")).out_dir
    first = export_qdpx(run, tmp_path / "1.qdpx", codebook=EXAMPLE_CODEBOOK, name="example")
    apps = read_table(run, "code_applications")
    assert first.codings == len(apps.drop_duplicates(["segment_id", "code_id", "start", "end"]))
    assert first.sources == len(read_table(run, "documents"))
    project = read_qdpx(first.path, coder="bob")
    # Cut again on import, the documents give the very segment ids of the run.
    assert set(project.segments["segment_id"]) == set(read_table(run, "segments")["segment_id"])
    key = ["segment_id", "code_id", "start", "end"]
    assert (set(map(tuple, project.code_applications[key].to_numpy().tolist()))
            == set(map(tuple, apps[key].to_numpy().tolist())))
    write_imported_run(project, tmp_path / "imported")
    second = export_qdpx(tmp_path / "imported", tmp_path / "2.qdpx", name="example")
    with zipfile.ZipFile(first.path) as a, zipfile.ZipFile(second.path) as b:
        assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}
    people = read_table(run, "respondents").sort_values("respondent_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(project.respondents.sort_values("respondent_id").reset_index(drop=True), people,
                                  check_dtype=False)
