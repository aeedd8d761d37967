"""Survey exports: CSV and XLSX, guessing, empty answers, row-level rejections and counts."""
import openpyxl
import pytest

from qualmine.corpus import ingest_corpus, make_doc_id, report_frame, segments_frame


def rows_accounted(corpus, source):
    """ingested + rejected row records == data rows of the file (the no-silent-drop rule)."""
    rows = [r for r in corpus.report if r.source_file == source and r.row is not None and r.status != "skipped"]
    assert len({r.row for r in rows}) == len(rows)      # one record per row
    return sum(r.status == "ingested" for r in rows), sum(r.status == "rejected" for r in rows)


def test_csv_guessing(data_dir, make_corpus, check_offsets):
    root = make_corpus({"survey.csv": (data_dir / "survey.csv").read_bytes()})
    corpus = ingest_corpus(root)
    check_offsets(corpus)
    assert ("survey.csv: guessed id column 'respondent_id'; open questions: q_dissatisfied, q_needs; "
            "attributes: role, age_group") in corpus.notes
    docs = {d.doc_id: d for d in corpus.documents}
    assert list(docs) == [
        make_doc_id("survey.csv", "007", "q_dissatisfied"), make_doc_id("survey.csv", "007", "q_needs"),
        make_doc_id("survey.csv", "008", "q_needs"), make_doc_id("survey.csv", "009", "q_dissatisfied"),
    ]
    doc = docs["survey.csv#007/q_dissatisfied"]
    assert doc.text == "电梯经常坏，维修要等好几天。物业也不管。" and doc.question == "q_dissatisfied"
    assert doc.attributes == {"role": "居民", "age_group": "60+"}
    segs = [s for s in corpus.segments if s.doc_id == doc.doc_id]
    # The coding unit of a survey is the answer by default; --unit sentence splits it.
    assert [s.text for s in segs] == ["电梯经常坏，维修要等好几天。物业也不管。"]
    by_sentence = ingest_corpus(root, unit="sentence")
    check_offsets(by_sentence)
    segs = [s for s in by_sentence.segments if s.doc_id == doc.doc_id]
    assert [s.text for s in segs] == ["电梯经常坏，维修要等好几天。", "物业也不管。"]
    assert [(s.position, s.turn, s.speaker, s.question, s.is_interviewer) for s in segs] == [
        (0, 0, "q_dissatisfied", "q_dissatisfied", False), (1, 0, "q_dissatisfied", "q_dissatisfied", False)]
    en = [s for s in corpus.segments if s.respondent_id == "008"]
    assert [s.lang for s in en] == ["en"]
    skipped = [r for r in corpus.report if r.status == "skipped"]
    assert [(r.row, r.respondent_id) for r in skipped] == [(3, "008"), (4, "009")]
    assert all(r.reason.startswith("empty answer") and "question" in r.reason for r in skipped)
    assert rows_accounted(corpus, "survey.csv") == (3, 0)
    assert corpus.respondents.to_dict("records") == [
        {"respondent_id": "007", "role": "居民", "age_group": "60+"},
        {"respondent_id": "008", "role": "社工", "age_group": "30-39"},
        {"respondent_id": "009", "role": "居民", "age_group": "40-49"},
    ]
    assert all(str(t) == "str" for t in corpus.respondents.dtypes)
    frame = segments_frame(corpus)
    assert list(frame.columns)[-2:] == ["role", "age_group"]
    assert frame.loc[frame.respondent_id == "008", "role"].tolist() == ["社工"]


def test_row_rejections_and_counts(make_corpus, check_offsets):
    csv_text = (
        "编号,性别,意见\n"
        "S001,男,小区的垃圾分类做得不错\n"
        ",女,没有编号的一行应该被拒绝\n"
        "S012,男,第一次出现的编号\n"
        "S003,女,   \n"
        ",,\n"                                   # a blank row: not a data row
        "S012,女,重复的编号应该被拒绝\n"
        "S012,男,第三次也被拒绝\n"
        "S005,女,NaN\n"
    )
    corpus = ingest_corpus(make_corpus({"s.csv": csv_text}))
    check_offsets(corpus)
    rejected = {r.row: r.reason for r in corpus.report if r.status == "rejected"}
    assert rejected == {
        3: "survey row with empty respondent id (column '编号')",
        7: "duplicate respondent id 'S012' (first seen on row 4)",
        8: "duplicate respondent id 'S012' (first seen on row 4)",
    }
    ingested, n_rejected = rows_accounted(corpus, "s.csv")
    assert ingested + n_rejected == 7 and ingested == 4
    # S003 and S005 are respondents with no answers: kept for denominators, answers skipped
    assert corpus.respondents["respondent_id"].tolist() == ["S001", "S012", "S003", "S005"]
    assert {r.respondent_id for r in corpus.report if r.status == "skipped"} == {"S003", "S005"}
    assert any("1 blank row(s) ignored" in n for n in corpus.notes)
    file_rec = next(r for r in corpus.report if r.source_file == "s.csv" and r.row is None)
    assert file_rec.status == "ingested" and file_rec.segments == 2


def test_ids_keep_leading_zeros_and_row_numbers_when_no_id(make_corpus):
    corpus = ingest_corpus(make_corpus({
        "a.csv": "id,answer\n007,这是一个比较长的回答内容\n0010,另外一个不一样的回答\n",
        "b.csv": "gender,answer\nF,Something I would like to say\nM,A rather different opinion here\n",
    }))
    assert [d.respondent_id for d in corpus.documents] == ["007", "0010", "row2", "row3"]
    assert any(n.startswith("b.csv: no id column found, respondents numbered by row") for n in corpus.notes)


def test_xlsx(make_corpus, check_offsets):
    root = make_corpus({})
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "说明"
    first.append(["this sheet is a cover page"])
    ws = wb.create_sheet("Sheet1")
    ws.append(["respondent_id", "age", "q_needs"])
    ws.append(["R01", 65, "希望社区多办一些健康讲座。每个月一次就好"])
    ws.append(["R02", 70.0, None])
    ws.append([None, None, None])
    ws.append([3, 41, "More evening classes, please."])
    wb.save(root / "s.xlsx")
    (root / "manifest.yaml").write_text(
        "files:\n  - path: s.xlsx\n    kind: survey\n    id_column: respondent_id\n"
        "    open_columns: [q_needs]\n    sheet: Sheet1\n", encoding="utf-8")
    assert [s.text for s in ingest_corpus(root).segments][0] == "希望社区多办一些健康讲座。每个月一次就好"   # one answer
    corpus = ingest_corpus(root, unit="sentence")
    check_offsets(corpus)
    assert [(s.respondent_id, s.text) for s in corpus.segments] == [
        ("R01", "希望社区多办一些健康讲座。"), ("R01", "每个月一次就好"), ("3", "More evening classes, please.")]
    assert corpus.respondents.to_dict("records") == [
        {"respondent_id": "R01", "age": "65"}, {"respondent_id": "R02", "age": "70"},
        {"respondent_id": "3", "age": "41"}]
    assert rows_accounted(corpus, "s.xlsx") == (3, 0)
    assert not any("guessed" in n for n in corpus.notes)


def test_xlsx_first_sheet_default_and_bad_sheet(make_corpus):
    root = make_corpus({})
    wb = openpyxl.Workbook()
    wb.active.append(["id", "q"])
    wb.active.append(["1", "第一张表里的回答内容"])
    wb.save(root / "a.xlsx")
    wb.save(root / "b.xlsx")
    (root / "manifest.yaml").write_text("files:\n  - path: b.xlsx\n    sheet: Nope\n", encoding="utf-8")
    corpus = ingest_corpus(root)
    assert [d.doc_id for d in corpus.documents] == ["a.xlsx#1/q"]
    reasons = {r.source_file: r.reason for r in corpus.report}
    assert reasons["b.xlsx"] == "sheet 'Nope' not found (sheets: Sheet)"


@pytest.mark.parametrize("files, reason", [
    ({"s.csv": "id,role\n1,a\n2,b\n"}, "survey with no open-question columns (columns: id, role)"),
    ({"s.csv": "id,q\n"}, "empty file: header row but no data rows"),
    ({"s.csv": ""}, "empty file"),
    ({"s.xlsx": b"PK\x03\x04not a workbook"}, "corrupt xlsx file"),
    ({"s.xlsx": "just text"}, "corrupt xlsx file"),
    ({"s.csv": "ID,q\n1,这是一个足够长的回答\n",
      "manifest.yaml": "files:\n  - path: s.csv\n    id_column: respondent_id\n"},
     "survey missing id column 'respondent_id' (columns: ID, q)"),
    ({"s.csv": "id,q\n1,这是一个足够长的回答\n",
      "manifest.yaml": "files:\n  - path: s.csv\n    open_columns: [q, q9]\n"},
     "open_columns not in the file: q9 (columns: id, q)"),
])
def test_file_rejections(make_corpus, files, reason):
    corpus = ingest_corpus(make_corpus(files))
    (record,) = [r for r in corpus.report if r.source_file == "s.csv" or r.source_file == "s.xlsx"]
    assert record.status == "rejected" and record.kind == "survey"
    assert record.reason.startswith(reason)
    assert corpus.documents == []


def test_manifest_columns_and_report_frame(make_corpus):
    csv_text = "uid,role,note,q1,q2\nu1,居民,x,短,不满意的地方很多\nu2,社工,y,好,\n"
    manifest = ("files:\n  - path: s.csv\n    id_column: uid\n    open_columns: [q1, q2]\n"
                "    attribute_columns: [role]\n")
    corpus = ingest_corpus(make_corpus({"s.csv": csv_text, "manifest.yaml": manifest}))
    assert [d.doc_id for d in corpus.documents] == ["s.csv#u1/q1", "s.csv#u1/q2", "s.csv#u2/q1"]
    assert list(corpus.respondents.columns) == ["respondent_id", "role"]
    assert any("ignored: note" in n for n in corpus.notes)
    frame = report_frame(corpus)
    assert list(frame.columns) == ["source_file", "status", "reason", "row", "respondent_id", "doc_id",
                                   "segments", "encoding", "kind"]
    assert frame["status"].tolist() == ["ingested", "ingested", "ingested", "skipped"]
    assert frame["row"].tolist()[1:] == [2, 3, 3]


def test_semicolon_and_multiline_cells(make_corpus, check_offsets):
    csv_bytes = 'id;q\n1;"第一行回答。\r\n第二行回答"\n'.encode("utf-8")
    corpus = ingest_corpus(make_corpus({"s.csv": csv_bytes}), unit="sentence")
    check_offsets(corpus)
    (doc,) = corpus.documents
    assert doc.text == "第一行回答。\r\n第二行回答"
    assert [s.text for s in corpus.segments] == ["第一行回答。", "第二行回答"]
