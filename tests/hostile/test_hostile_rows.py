"""Issue #17: one bad row of a survey is rejected alone, with its row number; the file's other rows
are read, by the whole-file reader and by the chunked reader alike."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qualmine.coding.codebook import load_codebook
from qualmine.codebooks import EXAMPLE_CODEBOOK
from qualmine.corpus import ingest_corpus

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "perf"))
from chunked_reference import assert_same, chunked, reference  # noqa: E402

ANSWER = "排队时间太长了，希望多开几个窗口"


def survey_lines(n: int) -> list[str]:
    return ["id,意见"] + [f"R{i},{ANSWER}{i}" for i in range(1, n + 1)]


def by_row(corpus, rel: str) -> dict[int, object]:
    return {r.row: r for r in corpus.report if r.source_file == rel and r.row is not None and r.status != "skipped"}


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(EXAMPLE_CODEBOOK)


def test_an_unclosed_quote_rejects_its_row_alone_not_the_rows_after_it(tmp_path, codebook):
    # A stray opening quote used to swallow every later row into one answer, silently.
    lines = survey_lines(6)
    lines[3] = 'R3,"这个答案的引号没有关上'
    (tmp_path / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = ingest_corpus(tmp_path)
    rows = by_row(corpus, "survey.csv")
    assert rows[4].status == "rejected" and "row 4" in rows[4].reason and "line 4" in rows[4].reason
    assert "quote" in rows[4].reason
    assert [rows[n].status for n in (2, 3, 5, 6, 7)] == ["ingested"] * 5
    assert {d.respondent_id for d in corpus.documents} == {"R1", "R2", "R4", "R5", "R6"}
    file_row = next(r for r in corpus.report if r.source_file == "survey.csv" and r.row is None)
    assert file_row.reason == "5 of 6 rows ingested"
    assert_same(chunked(tmp_path, codebook, rows=2, files=1), reference(tmp_path, codebook))


def test_a_badly_quoted_row_in_the_middle_is_rejected_with_its_row_and_line(tmp_path, codebook):
    # Row 3 spans two lines (a quoted answer with a line break); row 4's quoting is broken.
    lines = survey_lines(5)
    lines[2] = 'R2,"第一行\n第二行"'
    lines[3] = 'R3,"他说"很好"，但是"'
    (tmp_path / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = ingest_corpus(tmp_path)
    rows = by_row(corpus, "survey.csv")
    assert rows[4].status == "rejected" and "row 4 (line 5)" in rows[4].reason
    assert [rows[n].status for n in (2, 3, 5, 6)] == ["ingested"] * 4
    assert any(d.text == "第一行\n第二行" for d in corpus.documents)
    assert_same(chunked(tmp_path, codebook, rows=3, files=1), reference(tmp_path, codebook))


def test_a_malformed_header_row_rejects_the_file_naming_the_row(tmp_path):
    (tmp_path / "survey.csv").write_text('"id"x,意见\nR1,' + ANSWER + "\n", encoding="utf-8")
    corpus = ingest_corpus(tmp_path)
    (record,) = [r for r in corpus.report if r.source_file == "survey.csv"]
    assert record.status == "rejected" and "header" in record.reason and "row 1" in record.reason


def test_without_an_id_column_the_bad_row_is_named_the_same_way_by_both_readers(tmp_path, codebook):
    lines = ["意见,备注"] + [f"{ANSWER}{i},无" for i in range(1, 5)]
    lines[2] = '"引号没有关上,无'
    (tmp_path / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = ingest_corpus(tmp_path)
    rejected = [r for r in corpus.report if r.status == "rejected"]
    assert [(r.row, r.respondent_id) for r in rejected] == [(3, "row3")]
    assert_same(chunked(tmp_path, codebook, rows=1, files=1), reference(tmp_path, codebook))


def formula_workbook(path: Path, rows: int = 6) -> None:
    """A survey whose answer in row 3 is a formula saved without a cached value (as a script writes it)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "答卷"
    ws.append(["id", "意见"])
    for i in range(1, rows):
        ws.append([f"R{i}", f"{ANSWER}{i}" if i != 2 else '=CONCAT("排队","太久")'])
    wb.save(path)     # openpyxl writes formulas without cached values


def test_a_formula_without_a_cached_value_is_named_not_called_an_empty_answer(tmp_path, codebook):
    formula_workbook(tmp_path / "survey.xlsx")
    corpus = ingest_corpus(tmp_path)
    (record,) = [r for r in corpus.report if r.source_file == "survey.xlsx" and r.row == 3 and r.status == "skipped"]
    assert "formula without a cached value" in record.reason and "empty answer" not in record.reason
    assert "sheet '答卷'" in record.reason and "row 3" in record.reason and "column '意见'" in record.reason
    assert "survey.xlsx" in record.reason
    assert_same(chunked(tmp_path, codebook, rows=2, files=1), reference(tmp_path, codebook))


def three_sheet_workbook(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    for index, name in enumerate(("2023", "2024", "说明")):
        ws = wb.active if index == 0 else wb.create_sheet(name)
        ws.title = name
        if name == "说明":
            ws.append(["这是说明页"])
            continue
        ws.append(["id", "意见"])
        ws.append(["R1", f"{name}年：{ANSWER}"])
        ws.append(["R2", f"{name}年：人手紧张"])
    wb.save(path)


@pytest.mark.parametrize("sheets", ["[2023, '2024']", "all"])
def test_a_manifest_can_name_several_sheets_and_each_is_read(tmp_path, codebook, sheets):
    three_sheet_workbook(tmp_path / "survey.xlsx")
    (tmp_path / "manifest.yaml").write_text(
        f"files:\n  - path: survey.xlsx\n    sheets: {sheets}\n    id_column: id\n    open_columns: [意见]\n",
        encoding="utf-8")
    corpus = ingest_corpus(tmp_path)
    files = {r.source_file: r for r in corpus.report if r.row is None}
    assert files["survey.xlsx!2023"].status == "ingested" and files["survey.xlsx!2024"].status == "ingested"
    texts = {(d.source_file, d.respondent_id): d.text for d in corpus.documents}
    assert texts[("survey.xlsx!2024", "R2")] == "2024年：人手紧张" and len(texts) == 4
    assert len({d.doc_id for d in corpus.documents}) == 4            # the same respondent id on two sheets
    if sheets == "all":   # the notes page has no open-question column: rejected with its reason, named
        assert files["survey.xlsx!说明"].status == "rejected"
    else:                 # not named: reported, not read
        assert files["survey.xlsx!说明"].status == "skipped" and "not read" in files["survey.xlsx!说明"].reason
    assert_same(chunked(tmp_path, codebook, rows=1, files=1), reference(tmp_path, codebook))


def test_sheet_and_sheets_together_and_a_missing_sheet_are_named(tmp_path):
    from qualmine.corpus.errors import CorpusError

    three_sheet_workbook(tmp_path / "survey.xlsx")
    (tmp_path / "manifest.yaml").write_text("files:\n  - path: survey.xlsx\n    sheet: '2023'\n    sheets: all\n",
                                            encoding="utf-8")
    with pytest.raises(CorpusError, match=r"line 4: field files\[0\]\.sheets: expected either sheet: .* or sheets: .*not both"):
        ingest_corpus(tmp_path)
    (tmp_path / "manifest.yaml").write_text("files:\n  - path: survey.xlsx\n    sheets: ['2023', '2025']\n",
                                            encoding="utf-8")
    files = {r.source_file: r for r in ingest_corpus(tmp_path).report if r.row is None}
    assert files["survey.xlsx!2023"].status == "ingested"
    assert files["survey.xlsx!2025"].status == "rejected" and "not found" in files["survey.xlsx!2025"].reason
