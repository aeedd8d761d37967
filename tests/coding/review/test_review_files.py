"""Review files: formula neutralisation, the workbook a coder sees, the CSV round trip."""
from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock

from qualmine.coding.review.formats import FILE_COLUMNS, neutralise, restore
from qualmine.coding.review.importing import import_review_file
from qualmine.coding.store.sync import sync_run
from review_helpers import export, read_csv_rows, write_csv_rows

HOSTILE = ["=HYPERLINK(\"http://evil\",\"click\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "'=already quoted",
           "''@twice", "'plain apostrophe", "plain", "", "中文=不是公式"]


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_is_safe_and_reversible(value):
    shown = neutralise(value)
    assert not str(shown).startswith(("=", "+", "-", "@", "\t"))
    assert restore(shown) == value


def _hostile_store(store, example_run):
    """Re-record the example run with a respondent answer that is a formula, suggested by a rule."""
    codebook, documents, segments, applications = example_run
    segments = segments.copy()
    target = applications.iloc[0]
    row = segments.index[segments["segment_id"] == target["segment_id"]][0]
    evil = '=HYPERLINK("http://evil.example","' + segments.at[row, "text"] + '")'
    shift = len('=HYPERLINK("http://evil.example","')
    segments.at[row, "text"] = evil
    apps = applications.copy()
    apps.loc[apps.index[0], ["start", "end"]] = [target["start"] + shift, target["end"] + shift]
    sync_run(store, run_id="run-2", codebook=codebook, documents=documents, segments=segments, applications=apps)
    return target["segment_id"], evil, target["evidence"]


def test_workbook_neutralises_formulas_and_highlights_evidence(store, tmp_path, example_run):
    segment_id, evil, evidence = _hostile_store(store, example_run)
    path = tmp_path / "q.xlsx"
    export(store, "alice", path, order="document")
    wb = load_workbook(path, rich_text=True)
    ws = wb["queue"]
    header = [c.value for c in ws[1]]
    assert header == FILE_COLUMNS
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == segment_id)
    text = ws.cell(row, header.index("text") + 1).value
    assert isinstance(text, CellRichText) and str(text) == "'" + evil
    bold = [part for part in text if isinstance(part, TextBlock)]
    assert [b.text for b in bold] == [evidence] and bold[0].font.b and bold[0].font.color.rgb.endswith("C00000")
    # Drop-downs: decision from a fixed list, add_codes from the codebook sheet.
    validations = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert validations['"accept,reject"'] == f"L2:L{ws.max_row}"
    codebook_sheet = wb["codebook"]
    assert validations[f"=codebook!$A$2:$A${codebook_sheet.max_row}"] == f"M2:M{ws.max_row}"
    assert [c.value for c in codebook_sheet["A"][1:]] == list(store.codes()["code_id"])
    # Protected header and read-only ids; the coder's three columns are open.
    assert ws.protection.sheet and ws["A1"].protection.locked and ws.cell(2, 2).protection.locked
    assert not any(ws.cell(2, header.index(c) + 1).protection.locked for c in ("decision", "add_codes", "note"))
    meta = dict(wb["meta"].iter_rows(values_only=True))
    assert wb["meta"].sheet_state == "hidden" and meta["store_id"] == store.store_id
    assert meta["export_id"] == store.exports()["export_id"].item() and meta["coder"] == "alice"


def test_csv_neutralises_and_round_trips(store, tmp_path, example_run):
    segment_id, evil, _ = _hostile_store(store, example_run)
    path = tmp_path / "q.csv"
    export(store, "alice", path, order="document")
    rows = read_csv_rows(path)
    assert rows[0] == FILE_COLUMNS
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    col = {name: i for i, name in enumerate(rows[0])}
    hostile = next(r for r in rows[1:] if r[col["segment_id"]] == segment_id)
    assert hostile[col["text"]] == "'" + evil and restore(hostile[col["text"]]) == evil
    assert {r[col["store_id"]] for r in rows[1:]} == {store.store_id}
    # A coder fills it in (a note that looks like a formula is neutralised back on import).
    hostile[col["decision"]] = "accept"
    hostile[col["note"]] = "'=not a formula"
    rows[2][col["decision"]] = "reject"
    rows[3][col["add_codes"]] = "P-OPERATION，S-SATISFIED"     # a Chinese comma separates codes too
    write_csv_rows(path, rows)
    result = import_review_file(store, path, "alice")
    decisions = store.decisions()
    assert result.appended == 4
    accepted = decisions[decisions["segment_id"] == segment_id]
    assert list(accepted["decision"]) == ["accept"] and accepted["note"].item() == "=not a formula"
    added = decisions[decisions["decision"] == "add"]
    assert sorted(added["code_id"]) == ["P-OPERATION", "S-SATISFIED"]
    assert set(added["segment_id"]) == {rows[3][col["segment_id"]]}


def test_csv_and_xlsx_carry_the_same_rows(store, tmp_path):
    export(store, "alice", tmp_path / "q.xlsx", order="code", limit=25)
    export(store, "alice", tmp_path / "q.csv", order="code", limit=25)
    sheet = pd.DataFrame(list(load_workbook(tmp_path / "q.xlsx")["queue"].iter_rows(min_row=2, values_only=True)),
                         columns=FILE_COLUMNS)
    rows = read_csv_rows(tmp_path / "q.csv")
    table = pd.DataFrame(rows[1:], columns=rows[0])
    for column in ("item", "segment_id", "code_id", "code_label", "source"):
        assert [str(v) for v in sheet[column]] == list(table[column])
    assert [float(v) for v in table["score"]] == list(sheet["score"])
