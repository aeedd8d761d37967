"""Import of review files: every rejection reason, all-or-nothing, idempotence, the audit trail."""
from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from qualmine.coding.review.importing import ReviewImportError, import_review_file
from qualmine.coding.store.database import ProjectStore
from qualmine.coding.store.sync import sync_run
from review_helpers import export, fill_xlsx, read_csv_rows, write_csv_rows


def _rejected(store, path, coder="alice") -> list[str]:
    """Import must fail, list problems as strings, and leave the store without decisions."""
    before = len(store.decisions())
    with pytest.raises(ReviewImportError) as info:
        import_review_file(store, path, coder)
    assert len(store.decisions()) == before
    assert str(path.name) in str(info.value) and "nothing imported" in str(info.value)
    return [str(p) for p in info.value.problems]


@pytest.fixture()
def xlsx(store, tmp_path):
    path = tmp_path / "alice.xlsx"
    export(store, "alice", path, limit=12, order="document")
    return path


@pytest.fixture()
def csv_file(store, tmp_path):
    path = tmp_path / "alice.csv"
    export(store, "alice", path, limit=12, order="document")
    return path


def test_valid_xlsx_imports_accept_reject_and_add(store, xlsx):
    fill_xlsx(xlsx, {2: {"decision": "accept", "note": "clear case"}, 3: {"decision": "Reject "},
                     4: {"add_codes": "P-OPERATION; S-SATISFIED"}})
    result = import_review_file(store, xlsx, "alice")
    decisions = store.decisions()
    assert result.appended == 4 == len(decisions)
    assert sorted(decisions["decision"]) == ["accept", "add", "add", "reject"]
    assert decisions.loc[decisions["decision"] == "accept", "note"].item() == "clear case"
    assert set(decisions["coder"]) == {"alice"} and decisions["import_batch"].nunique() == 1


def test_every_bad_row_is_reported_with_its_row_number(store, xlsx):
    fill_xlsx(xlsx, {2: {"decision": "acept"}, 5: {"add_codes": "NOT-A-CODE"}, 7: {"decision": "maybe"}})
    problems = _rejected(store, xlsx)
    assert problems == [
        "row 2 [decision]: 'acept' is not one of accept, reject (or empty)",
        "row 5 [add_codes]: unknown code id 'NOT-A-CODE' (use the ids of the codebook sheet)",
        "row 7 [decision]: 'maybe' is not one of accept, reject (or empty)",
    ]


def test_good_rows_are_not_applied_when_one_row_is_bad(store, xlsx):
    fill_xlsx(xlsx, {2: {"decision": "accept"}, 3: {"decision": "accept"}, 4: {"decision": "yes"}})
    assert _rejected(store, xlsx) == ["row 4 [decision]: 'yes' is not one of accept, reject (or empty)"]
    assert store.decisions().empty


def test_unknown_segment_id(store, xlsx):
    fill_xlsx(xlsx, {3: {"segment_id": "seg_0000000000000000", "decision": "accept"}})
    assert _rejected(store, xlsx) == ["row 3 [segment_id]: unknown segment id 'seg_0000000000000000'"]


def test_changed_segment_id(store, xlsx):
    ws = load_workbook(xlsx)["queue"]
    other = next(ws.cell(row=r, column=2).value for r in range(3, ws.max_row + 1)
                 if ws.cell(row=r, column=2).value != ws["B2"].value)
    fill_xlsx(xlsx, {2: {"segment_id": other}})
    problems = _rejected(store, xlsx)
    assert len(problems) == 1 and problems[0].startswith("row 2 [segment_id]: changed: item 1 was exported with segment")


def test_unknown_code_id(store, xlsx):
    fill_xlsx(xlsx, {4: {"code_id": "P-NOPE"}})
    assert _rejected(store, xlsx) == ["row 4 [code_id]: unknown code id 'P-NOPE' (not in the codebook version 1 this "
                                      "file was exported with)"]


def test_changed_code_id(store, xlsx):
    ws = load_workbook(xlsx)["queue"]
    code = ws["G2"].value
    replacement = "S-SATISFIED" if code != "S-SATISFIED" else "P-OPERATION"
    fill_xlsx(xlsx, {2: {"code_id": replacement}})
    assert _rejected(store, xlsx) == [f"row 2 [code_id]: changed: item 1 was exported with code {code!r}, "
                                      f"the file says {replacement!r}"]


def test_added_row_and_edited_item_number(store, xlsx):
    ws = load_workbook(xlsx)["queue"]
    last = ws.max_row
    copy = {ws.cell(row=1, column=c).value: ws.cell(row=2, column=c).value for c in range(1, ws.max_column + 1)}
    fill_xlsx(xlsx, {last + 1: {**{k: str(v) for k, v in copy.items() if v is not None}, "item": 99},
                     3: {"item": "two"}})
    assert _rejected(store, xlsx) == [
        "row 3 [item]: 'two' is not an item of export " f"{store.exports()['export_id'].item()} (a row added or its "
        "item number edited)",
        f"row {last + 1} [item]: '99' is not an item of export {store.exports()['export_id'].item()} (a row added or "
        "its item number edited)",
    ]


def test_duplicated_row(store, xlsx):
    ws = load_workbook(xlsx)["queue"]
    copy = {ws.cell(row=1, column=c).value: ws.cell(row=2, column=c).value for c in range(1, ws.max_column + 1)}
    fill_xlsx(xlsx, {ws.max_row + 1: {k: str(v) for k, v in copy.items() if v is not None}})
    assert _rejected(store, xlsx) == [f"row {ws.max_row + 1} [item]: item 1 appears twice (also row 2)"]


def test_missing_and_duplicated_columns(store, xlsx):
    wb = load_workbook(xlsx)
    ws = wb["queue"]
    ws.delete_cols(12)              # decision
    ws.cell(row=1, column=12).value = "note"   # add_codes renamed to a second 'note'
    wb.save(xlsx)
    problems = _rejected(store, xlsx)
    assert problems == ["row 1 [decision]: column missing from the header (renamed or deleted?)",
                        "row 1 [add_codes]: column missing from the header (renamed or deleted?)",
                        "row 1 [note]: column appears more than once"]


def test_row_shifted_out_of_shape(store, csv_file):
    rows = read_csv_rows(csv_file)
    rows[3] = [""] + rows[3]        # a cell inserted at the start of row 4: everything moved right
    write_csv_rows(csv_file, rows)
    problems = _rejected(store, csv_file)
    assert any(p.startswith("row 4: values beyond the last column") for p in problems)


def test_workbook_from_another_store(store, xlsx, tmp_path, example_run):
    codebook, documents, segments, applications = example_run
    with ProjectStore(tmp_path / "other.sqlite") as other:
        sync_run(other, run_id="run-1", codebook=codebook, documents=documents, segments=segments,
                 applications=applications)
        fill_xlsx(xlsx, {2: {"decision": "accept"}})
        problems = _rejected(other, xlsx)
    assert problems == [f"file: the workbook was exported from another store (store id {store.store_id}); "
                        f"this store is {other.store_id} ({other.url})"]


def test_csv_from_another_store(store, csv_file, tmp_path, example_run):
    codebook, documents, segments, applications = example_run
    with ProjectStore(tmp_path / "other.sqlite") as other:
        sync_run(other, run_id="run-1", codebook=codebook, documents=documents, segments=segments,
                 applications=applications)
        problems = _rejected(other, csv_file)
    assert problems == [f"file: the file was exported from another store (store id {store.store_id}); "
                        f"this store is {other.store_id} ({other.url})"]


def test_export_id_mixed_from_two_files(store, csv_file, tmp_path):
    second = tmp_path / "second.csv"
    export(store, "alice", second, limit=12, order="document")
    rows, others = read_csv_rows(csv_file), read_csv_rows(second)
    rows[5] = others[5]
    write_csv_rows(csv_file, rows)
    problems = _rejected(store, csv_file)
    assert len(problems) == 1 and problems[0].startswith("row 6 [export_id]:") and "rows pasted from another file" in problems[0]


def test_file_for_another_coder(store, xlsx):
    fill_xlsx(xlsx, {2: {"decision": "accept"}})
    assert _rejected(store, xlsx, coder="bob") == [
        "file: the file was exported for coder 'alice', not 'bob' (import it with --coder alice)"]


def test_conflicting_decisions_in_one_file(store, xlsx):
    ws = load_workbook(xlsx)["queue"]
    code = ws["G2"].value
    fill_xlsx(xlsx, {2: {"decision": "reject", "add_codes": code}})
    problems = _rejected(store, xlsx)
    assert len(problems) == 1 and "is both rejected and accepted/added (rows 2, 2)" in problems[0]


def test_not_a_review_file(store, tmp_path, xlsx):
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    assert _rejected(store, text) == ["file: notes.txt: expected a .xlsx or .csv review file, got '.txt'"]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    assert _rejected(store, broken)[0].startswith("file: broken.xlsx: not a readable .xlsx workbook")
    wb = load_workbook(xlsx)
    wb["queue"].title = "Sheet1"
    wb.save(xlsx)
    assert _rejected(store, xlsx) == ["file: alice.xlsx: no 'queue' sheet (was it exported by `qualmine review export`?)"]


def test_same_file_twice_changes_nothing(store, xlsx, tmp_path):
    fill_xlsx(xlsx, {2: {"decision": "accept"}, 3: {"decision": "reject", "note": "irony"}})
    first = import_review_file(store, xlsx, "alice")
    trail = store.decisions()
    again = import_review_file(store, xlsx, "alice")
    assert (first.appended, again.appended, again.already_imported) == (2, 0, True)
    assert store.decisions().equals(trail) and len(store.status().counts) and store.status().counts["import_batches"] == 1
    # The same content saved again (other bytes, same decisions) appends nothing either.
    resaved = tmp_path / "resaved.xlsx"
    shutil.copy(xlsx, resaved)
    fill_xlsx(resaved, {20: {}})
    assert import_review_file(store, resaved, "alice").appended == 0
    assert len(store.decisions()) == 2 and store.status().counts["import_batches"] == 1


def test_later_decision_supersedes_but_never_deletes(store, xlsx, tmp_path):
    fill_xlsx(xlsx, {2: {"decision": "accept"}})
    import_review_file(store, xlsx, "alice")
    fill_xlsx(xlsx, {2: {"decision": "reject", "note": "changed my mind"}})
    result = import_review_file(store, xlsx, "alice")
    trail = store.decisions()
    latest = store.decisions(latest=True)
    assert result.appended == 1
    assert list(trail["decision"]) == ["accept", "reject"] and trail["decided_at"].is_monotonic_increasing
    assert list(latest["decision"]) == ["reject"] and latest["note"].item() == "changed my mind"
    assert trail["import_batch"].nunique() == 2


def test_note_without_decision_is_a_warning_not_a_decision(store, xlsx):
    fill_xlsx(xlsx, {2: {"note": "not sure"}, 3: {"decision": "accept"}})
    result = import_review_file(store, xlsx, "alice")
    assert result.appended == 1
    assert result.warnings == ["row 2: a note without a decision is not recorded (choose accept or reject)"]
