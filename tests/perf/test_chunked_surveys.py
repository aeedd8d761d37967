"""Surveys stream in chunks whether their columns are stated, partly stated or guessed, in .csv or
.xlsx, and the chunked output still equals ingest_corpus's frame by frame: the same ids, columns,
notes and rejections; no answer at a chunk edge is lost or doubled. Surveys the whole-file reader
rejects are still read whole, so their rejection is exactly its own."""
from __future__ import annotations

import csv
import datetime as dt
import pickle
import shutil
from pathlib import Path

import openpyxl
import pytest

import qualmine.corpus.survey_stream as survey_stream
from chunked_reference import assert_same, chunked, reference, survey_chunks
from qualmine.coding.codebook import load_codebook
from qualmine.corpus.surveys import read_table
from qualmine.corpus import EXAMPLE_CORPUS
from qualmine.codebooks import EXAMPLE_CODEBOOK

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SURVEY = EXAMPLE_CORPUS / "survey_2023.csv"
SURVEY_ROWS = 168                 # data rows of the example survey


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(EXAMPLE_CODEBOOK)


def check_streamed(folder: Path, codebook, rel: str, rows: int, data_rows: int):
    """Chunked == whole-corpus, and `rel` really went in chunks of `rows` rows (not one whole file)."""
    got = chunked(folder, codebook, rows=rows, files=3)
    assert_same(got, reference(folder, codebook))
    chunks = survey_chunks(folder, rel, rows)
    assert len(chunks) == -(-data_rows // rows)
    numbers = [n for c in chunks for n, _, _ in c.rows]
    assert numbers == sorted(set(numbers)) and len(numbers) == data_rows   # every row once, in order
    assert got.segments["segment_id"].is_unique
    return got


def example_copy(tmp_path: Path, manifest: str | None = None) -> Path:
    """The example corpus without its manifest.yaml (or with `manifest` instead)."""
    folder = tmp_path / "corpus"
    shutil.copytree(EXAMPLE_CORPUS, folder, ignore=shutil.ignore_patterns("manifest.yaml", "README.md"))
    if manifest is not None:
        (folder / "manifest.yaml").write_text(manifest, encoding="utf-8")
    return folder


@pytest.mark.parametrize("rows", [1, 7, 50, 100_000])
def test_example_corpus_without_manifest_streams_its_survey(tmp_path, codebook, rows):
    got = check_streamed(example_copy(tmp_path), codebook, "survey_2023.csv", rows, SURVEY_ROWS)
    assert ("survey_2023.csv: guessed id column 'respondent_id'; open questions: q_dissatisfied, q_needs, "
            "q_suggestions; attributes: role, age_group, years_of_residence, hukou, district") in got.notes


ENTRY = "files:\n  - path: survey_2023.csv\n"
PARTIAL = {
    "kind only": "    kind: survey\n",
    "id only": "    id_column: respondent_id\n",
    "open only": "    open_columns: [q_needs, q_suggestions]\n",
    "attributes only": "    attribute_columns: [role, district]\n",
    "id and open": "    id_column: respondent_id\n    open_columns: [q_dissatisfied]\n",
    "id and attributes": "    id_column: respondent_id\n    attribute_columns: [role, hukou]\n",
    "open and attributes": "    open_columns: [q_needs]\n    attribute_columns: [age_group]\n",
    "id from the attributes": "    id_column: district\n    attribute_columns: [role]\n",
}


@pytest.mark.parametrize("fields", list(PARTIAL.values()), ids=list(PARTIAL))
def test_partial_manifest_entries_stream(tmp_path, codebook, fields):
    check_streamed(example_copy(tmp_path, ENTRY + fields), codebook, "survey_2023.csv", 13, SURVEY_ROWS)


def test_survey_left_out_of_the_manifest_streams_with_its_note(tmp_path, codebook):
    manifest = "files:\n  - path: interview_01_resident.txt\n    respondent_id: I01\n"
    got = check_streamed(example_copy(tmp_path, manifest), codebook, "survey_2023.csv", 40, SURVEY_ROWS)
    assert "survey_2023.csv: not listed in manifest.yaml; read as survey from its extension" in got.notes


def _example_rows() -> tuple[list[str], list[list[str]]]:
    header, rows, _, _ = read_table(EXAMPLE_SURVEY)
    return header, [cells for _, cells in rows]


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def _ambiguous(case: str) -> list[list[str]]:
    """The example survey with its ids made ambiguous (respondent_id ranks before 编号)."""
    header, rows = _example_rows()
    if case == "no id column":
        return [header[1:], *(cells[1:] for cells in rows)]
    table = [["respondent_id", "编号", *header[1:]]]
    for i, cells in enumerate(rows):
        number = "" if case == "no unique id" and i % 9 == 0 else cells[0]
        table.append([f"P{i % 40}", number, *cells[1:]])
    return table


@pytest.mark.parametrize("case", ["next ranked is unique", "no unique id", "no id column"])
def test_ambiguous_id_columns(tmp_path, codebook, case):
    _write_csv(tmp_path / "s" / "survey.csv", _ambiguous(case))
    got = check_streamed(tmp_path / "s", codebook, "survey.csv", 17, SURVEY_ROWS)
    guessed = next(n for n in got.notes if "id column" in n)
    rejected = got.report[got.report["status"] == "rejected"]
    if case == "next ranked is unique":          # respondent_id repeats a value: 编号 (unique) is the id
        assert "guessed id column '编号'" in guessed and rejected.empty
    elif case == "no unique id":                 # 编号 misses values too: the first ranked, duplicates rejected
        assert "guessed id column 'respondent_id'" in guessed
        assert len(rejected) == SURVEY_ROWS - 40 and rejected["reason"].str.startswith("duplicate respondent id").all()
    else:                                        # nothing named like an id: respondents numbered by row
        assert "no id column found, respondents numbered by row" in guessed
        assert got.respondents["respondent_id"].iloc[:2].tolist() == ["row2", "row3"]


def tricky_rows() -> list[list[str]]:
    """Example answers with blank rows, extra cells, an empty id, a repeated id and empty answers."""
    header, rows = _example_rows()
    rows = [list(r) for r in rows[:60]]
    rows[4][-1] = ""                              # an empty answer: a 'skipped' record
    rows[9][0] = ""                               # an empty id: a rejected row
    rows[14][0] = rows[2][0]                      # a repeated id: a rejected row
    rows[20] = rows[20] + ["", "an extra cell"]   # more cells than the header: noted, cut
    rows[33] = rows[33][:5]                       # fewer cells: padded (answers empty)
    rows.insert(25, [""] * len(header))           # a blank row inside the data: noted, left out
    rows.insert(40, [])
    return [header, *rows]


@pytest.mark.parametrize("rows", [1, 4, 11])
def test_rejected_blank_and_extra_cell_rows_reported_alike(tmp_path, codebook, rows):
    _write_csv(tmp_path / "t" / "survey.csv", tricky_rows())
    got = check_streamed(tmp_path / "t", codebook, "survey.csv", rows, 60)
    assert got.report["status"].value_counts().to_dict()["rejected"] == 2
    assert any("2 blank row(s) ignored" in n for n in got.notes)
    assert any("1 row(s) have more cells than the header" in n for n in got.notes)


def _write_xlsx(path: Path, rows: list[list], sheet: str | None = None) -> None:
    """Rows as a workbook, with typed cells where text looks like a number (and a date, a bool)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    if sheet:
        ws.title = sheet
    for i, cells in enumerate(rows):
        ws.append(cells)
    wb.save(path)


def _typed(rows: list[list[str]]) -> list[list]:
    """Cells as Excel holds them: numbers, floats like 60.0, dates, booleans and empty cells."""
    out = [rows[0] + ["score", "visited", "when"]]
    for i, cells in enumerate(rows[1:]):
        typed = [float(i % 5), i % 2 == 0, dt.datetime(2023, 5, 1 + i % 28) if i % 3 else dt.date(2023, 6, 1)]
        out.append([None if c == "" else c for c in cells] + (typed if any(cells) else []))   # blank rows stay blank
    return out


@pytest.mark.parametrize("manifest", [None, "full", "partial"])
def test_xlsx_surveys_stream(tmp_path, codebook, manifest):
    folder = tmp_path / "x"
    _write_xlsx(folder / "survey.xlsx", _typed(tricky_rows()), sheet="答卷")
    entries = {
        "full": "    sheet: 答卷\n    id_column: respondent_id\n    open_columns: [q_dissatisfied, q_needs, q_suggestions]\n"
                "    attribute_columns: [role, district, score, when]\n",
        "partial": "    open_columns: [q_needs]\n",
    }
    if manifest is not None:
        (folder / "manifest.yaml").write_text("files:\n  - path: survey.xlsx\n" + entries[manifest], encoding="utf-8")
    got = check_streamed(folder, codebook, "survey.xlsx", 9, 60)
    attrs = got.respondents.columns
    assert "score" in attrs and got.respondents["score"].iloc[0] == "0"    # 0.0 read as '0', as a person reads it
    if manifest is None:
        assert got.respondents["when"].iloc[0] == "2023-06-01" and got.respondents["visited"].iloc[0] == "TRUE"
    assert got.report.loc[got.report["row"].isna(), "encoding"].isna().all()      # no text encoding for .xlsx


def test_example_survey_as_xlsx_equals_its_csv_reading(tmp_path, codebook):
    header, rows = _example_rows()
    _write_xlsx(tmp_path / "x" / "survey_2023.xlsx", [header, *rows])
    _write_csv(tmp_path / "c" / "survey_2023.csv", [header, *rows])
    got_x = check_streamed(tmp_path / "x", codebook, "survey_2023.xlsx", 25, SURVEY_ROWS)
    got_c = check_streamed(tmp_path / "c", codebook, "survey_2023.csv", 25, SURVEY_ROWS)
    assert got_x.segments["text"].tolist() == got_c.segments["text"].tolist()
    assert got_x.respondents.equals(got_c.respondents)


def test_real_answers_without_manifest(tmp_path, codebook, shared_answers):
    zh, en = shared_answers
    rows = [["respondent_id", "街道", "年龄段", "意见", "comments"]]
    for i, (a, b) in enumerate(zip(zh, en)):
        rows.append([f"R{i:05d}", f"第{i % 8}街道", ("18-29", "30-44", "60+")[i % 3], a if i % 11 else "", b])
    _write_csv(tmp_path / "csv" / "survey.csv", rows)
    got = check_streamed(tmp_path / "csv", codebook, "survey.csv", 400, len(rows) - 1)
    assert "survey.csv: guessed id column 'respondent_id'; open questions: 意见, comments; attributes: 街道, 年龄段" in got.notes
    _write_xlsx(tmp_path / "xlsx" / "survey.xlsx", rows[:600])
    check_streamed(tmp_path / "xlsx", codebook, "survey.xlsx", 128, 599)


def test_surveys_rejected_whole_stay_whole(tmp_path, codebook):
    folder = tmp_path / "r"
    _write_csv(folder / "short.csv", [["id", "score"], *([str(i), str(i % 3)] for i in range(30))])   # nothing open
    _write_xlsx(folder / "sheet.xlsx", [["id", "answer"], ["1", "一个足够长的回答，说明问题在哪里"]])
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (folder / "empty.csv").write_text("id,answer\n", encoding="utf-8")
    (folder / "manifest.yaml").write_text("files:\n  - path: sheet.xlsx\n    sheet: Nope\n", encoding="utf-8")
    got = chunked(folder, codebook, rows=2, files=1)
    assert_same(got, reference(folder, codebook))
    reasons = dict(zip(got.report["source_file"], got.report["reason"]))
    assert reasons["short.csv"].startswith("survey with no open-question columns")
    assert reasons["sheet.xlsx"].startswith("sheet 'Nope' not found")
    assert reasons["broken.xlsx"].startswith("corrupt xlsx file")
    assert all(survey_chunks(folder, rel, 2) == [] for rel in ("short.csv", "sheet.xlsx", "broken.xlsx", "empty.csv"))


def test_streamed_chunks_travel_to_worker_processes(tmp_path):
    _write_csv(tmp_path / "s" / "survey.csv", [["answer", "意见"], ["an answer long enough", "一个足够长的回答"]])
    (chunk,) = survey_chunks(tmp_path / "s", "survey.csv", 5)
    assert chunk.survey.id_col is None
    again = pickle.loads(pickle.dumps(chunk))
    assert again.survey == chunk.survey and again.survey.respondent_id(2, again.rows[0][1]) == "row2"


def test_xlsx_is_parsed_once_and_saving_it_again_mid_run_changes_nothing(tmp_path, monkeypatch):
    header, rows = _example_rows()
    path = tmp_path / "x" / "survey.xlsx"
    _write_xlsx(path, [header, *rows])
    real, calls = survey_stream.xlsx_rows, []
    monkeypatch.setattr(survey_stream, "xlsx_rows", lambda p, sheet, *more: calls.append(p) or real(p, sheet, *more))
    source = survey_stream.scan_survey(path, "survey.xlsx", None)
    shutil.copyfile(path, tmp_path / "original.xlsx")
    _write_xlsx(path, [header, *rows[:-3]])          # the researcher saves the workbook again
    first = list(source.data_rows())
    assert len(calls) == 1 and len(first) == source.rows == 168
    assert first == list(survey_stream.TableRows().rows(real(tmp_path / "original.xlsx", None)))
    assert list(source.data_rows()) == first        # the copy can be read again
    source.close()
    assert source.spill.closed