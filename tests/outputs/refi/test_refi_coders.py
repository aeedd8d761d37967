"""Coders and qualmine's own decisions across a .qdpx: a team project's users become coders whose
agreement can be measured; reject decisions, notes, timestamps and machine scores survive a
qualmine -> qualmine trip; NVivo's position convention on export."""
from __future__ import annotations

import zipfile

import pandas as pd
from lxml import etree
from typer.testing import CliRunner

from qualmine.flows.cli.app import app
from qualmine.outputs.refi.common import PROJECT_NS
from qualmine.outputs.refi.project_export import export_qdpx
from qualmine.outputs.refi.project_import import read_qdpx, write_imported_run
from qualmine.outputs.refi.project_sources import neutral_source_names
from qualmine.outputs.refi.store_bridge import record_imported_decisions
from qualmine.outputs.writers import read_table
from refi_inputs import foreign_qde, write_qdpx, codebook, small_run  # noqa: F401 (fixtures)
from refi_tools import Source, Writer, project, utf16_units

runner = CliRunner()
TEAM_TEXT = "I waited two hours 😡 and nobody answered the phone. The staff were kind though.\n"
TEAM_CODINGS = [("waited two hours", "Waiting", "Ann"), ("waited two hours", "Waiting", "Bo"),
                ("nobody answered the phone", "Staffing", "Bo"), ("The staff were kind", "Service", "Ann")]


def _team(tmp_path):
    return project(tmp_path / "team.qdpx", Writer("MAXQDA 2024"), [Source("R2", TEAM_TEXT, TEAM_CODINGS)],
                   {"Problems": ["Waiting", "Staffing"], "Service": []}, ["Ann", "Bo"])


def test_team_project_import_feeds_agreement(tmp_path):
    from qualmine.coding.review.agreement import agreement_tables
    from qualmine.coding.store.database import ProjectStore
    from qualmine.coding.suggest.learning import agreement_decisions

    imported = read_qdpx(_team(tmp_path))
    store = tmp_path / "store.sqlite"
    result = record_imported_decisions(imported, store)
    assert result.coders == ("Ann", "Bo") and result.appended == len(imported.decisions) == 4
    assert record_imported_decisions(imported, store).already_imported
    with ProjectStore(store) as opened:
        stored = opened.decisions(latest=True)
        table = agreement_tables(agreement_decisions(opened)).agreement
    assert sorted(set(stored["coder"])) == ["Ann", "Bo"]
    overall = table[(table["comparison"] == "coders") & (table["code_id"] == "(overall)")].iloc[0]
    assert overall["coders"] == "Ann, Bo" and overall["units"] >= 2
    waiting = table[(table["comparison"] == "coders") & (table["code_id"] == "Waiting")].iloc[0]
    assert waiting["percent_agreement"] == 1.0          # both coded "waited two hours"


def test_qualmine_trip_keeps_rejects_notes_times_and_scores(tmp_path, small_run, codebook):
    first = read_qdpx(export_qdpx(small_run, tmp_path / "scores.qdpx", codebook=codebook).path)
    original = read_table(small_run, "code_applications")
    key = ["code_id", "start", "end"]
    assert (first.code_applications.drop_duplicates(key).set_index(key)[["score", "matched"]].sort_index()
            .equals(original.set_index(key)[["score", "matched"]].astype({"score": float}).sort_index()))

    base = read_qdpx(write_qdpx(tmp_path / "nvivo.qdpx", foreign_qde()), "jane")
    run = tmp_path / "run"
    write_imported_run(base, run)
    segs = read_table(run, "segments").set_index("text")["segment_id"]
    queue = next(c.id for c in base.codebook.codes if c.label.zh == "排队等候")
    staff = next(c.id for c in base.codebook.codes if c.label.en == "Staff attitude")
    decisions = pd.DataFrame([
        (segs["排队太久了。"], queue, "jane", "accept", "clear case", "2026-11-30T10:00:00+00:00"),
        (segs["The staff were rude."], queue, "jane", "reject", "no queue here", "2026-11-30T10:05:00+00:00"),
        (segs["The staff were rude."], staff, "lee", "add", "", "2026-11-30T11:00:00+00:00")],
        columns=["segment_id", "code_id", "coder", "decision", "note", "decided_at"])
    # The store may hold another corpus: its segments and decisions stay out of this project.
    elsewhere = pd.DataFrame({"segment_id": ["other"], "doc_id": ["elsewhere.txt"], "start": [0], "end": [5]})
    with_other = pd.concat([decisions, pd.DataFrame([("other", queue, "jane", "add", "", "")],
                                                    columns=decisions.columns)], ignore_index=True)
    out = export_qdpx(run, tmp_path / "trip.qdpx", decisions=with_other, store_segments=elsewhere)
    assert any("unknown to this run" in n for n in out.notes)
    back = read_qdpx(out.path).decisions.set_index(["segment_id", "code_id", "coder"])
    assert "other" not in back.index.get_level_values("segment_id")
    for row in decisions.itertuples(index=False):
        got = back.loc[(row.segment_id, row.code_id, row.coder)]
        assert (got["decision"], got["note"], pd.Timestamp(got["decided_at"])) == (
            row.decision, row.note, pd.Timestamp(row.decided_at))

    from qualmine.coding.store.database import ProjectStore
    store = tmp_path / "store.sqlite"
    record_imported_decisions(read_qdpx(out.path), store)
    with ProjectStore(store) as opened:
        stored = opened.decisions(latest=True).set_index(["segment_id", "code_id", "coder"])
    reject = stored.loc[(segs["The staff were rude."], queue, "jane")]
    assert (reject["decision"], reject["note"]) == ("reject", "no queue here")
    assert reject["decided_at"] == pd.Timestamp("2026-11-30T10:05:00+00:00")


def test_export_in_nvivo_positions_and_back(tmp_path):
    imported = read_qdpx(_team(tmp_path))
    run = tmp_path / "run"
    write_imported_run(imported, run)
    out = export_qdpx(run, tmp_path / "nvivo.qdpx", positions="utf16")
    with zipfile.ZipFile(out.path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    ns = {"p": PROJECT_NS}
    spans = {(int(s.get("startPosition")), int(s.get("endPosition")))
             for s in root.iterfind(".//p:PlainTextSelection", ns)}
    want = {(utf16_units(TEAM_TEXT, TEAM_TEXT.index(t)), utf16_units(TEAM_TEXT, TEAM_TEXT.index(t) + len(t)))
            for t, _, _ in TEAM_CODINGS}
    assert spans == want and max(e for _, e in spans) > TEAM_TEXT.index("The staff were kind") + 19
    again = read_qdpx(out.path)
    assert again.positions.rule == "utf16" and "declared" in again.positions.reason
    assert set(again.code_applications["evidence"]) == {t for t, _, _ in TEAM_CODINGS}


def test_neutral_source_names_are_unique_and_file_safe():
    names = neutral_source_names(["survey_2023.csv#S001/q1", "survey_2023.xlsx#S001/q1", "int/a.docx", "int\\a.txt"])
    assert names == {"survey_2023.csv#S001/q1": "survey_2023 - S001 - q1",
                     "survey_2023.xlsx#S001/q1": "survey_2023 - S001 - q1 (2)",
                     "int/a.docx": "int - a", "int\\a.txt": "int - a (2)"}


def test_cli_import_maps_coders_and_export_writes_nvivo_positions(tmp_path):
    out = tmp_path / "imported"
    result = runner.invoke(app, ["import", "qdpx", str(_team(tmp_path)), "--coder", "Ann=ann", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "positions read as" in result.output.replace("\n", " ")
    assert set(read_table(out, "code_applications")["coder"]) == {"ann", "Bo"}
    result = runner.invoke(app, ["import", "qdpx", str(_team(tmp_path)), "--coder", "a", "--coder", "b",
                                 "--out", str(out)])
    assert result.exit_code == 2 and "two plain names" in result.output
    result = runner.invoke(app, ["export", "qdpx", "--run", str(out), "--out", str(tmp_path / "n.qdpx"),
                                 "--positions", "nvivo"])
    assert result.exit_code == 0, result.output
    assert read_qdpx(tmp_path / "n.qdpx").positions.rule == "utf16"
    result = runner.invoke(app, ["export", "qdpx", "--run", str(out), "--out", str(tmp_path / "x.qdpx"),
                                 "--positions", "atlas"])
    assert result.exit_code == 2 and "--positions must be one of" in result.output


def test_codebook_name_and_description_survive_a_tool_that_drops_sets(tmp_path, small_run, codebook):
    import re

    path = export_qdpx(small_run, tmp_path / "p.qdpx", codebook=codebook).path
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    qde = files["project.qde"].decode("utf-8")
    files["project.qde"] = re.sub(r"<Sets>.*</Sets>", "", qde, flags=re.S).encode("utf-8")
    assert b"<Sets>" not in files["project.qde"]
    with zipfile.ZipFile(tmp_path / "nosets.qdpx", "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    book = read_qdpx(tmp_path / "nosets.qdpx").codebook
    assert (book.name, book.version, book.description) == (codebook.name, codebook.version, codebook.description)
    assert book == codebook


def test_carried_decisions_follow_the_coder_a_one_user_file_is_imported_as(tmp_path):
    base = read_qdpx(write_qdpx(tmp_path / "nvivo.qdpx", foreign_qde()), "jane")
    run = tmp_path / "run"
    write_imported_run(base, run)
    segs = read_table(run, "segments").set_index("text")["segment_id"]
    queue = next(c.id for c in base.codebook.codes if c.label.zh == "排队等候")
    decisions = pd.DataFrame([(segs["The staff were rude."], queue, "jane", "reject", "no queue", "2026-11-30T10:05:00Z")],
                             columns=["segment_id", "code_id", "coder", "decision", "note", "decided_at"])
    out = export_qdpx(run, tmp_path / "trip.qdpx", decisions=decisions)
    back = read_qdpx(out.path, "janet").decisions        # jane's file, imported as janet's
    assert set(back["coder"]) == {"janet"}
    assert back.set_index(["segment_id", "code_id"]).loc[(segs["The staff were rude."], queue), "decision"] == "reject"
