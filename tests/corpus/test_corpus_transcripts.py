"""Transcripts end to end: .txt, .md, .docx, interviewer flags, rejections, ids."""
import docx

from qualmine.corpus import ingest_corpus, ingest_files, make_segment_id, segments_frame


def ingest_one(make_corpus, name, content, check_offsets):
    corpus = ingest_corpus(make_corpus({name: content}))
    check_offsets(corpus)
    return corpus


def test_chinese_txt(data_dir, check_offsets):
    corpus = ingest_files([data_dir / "interview_zh.txt"], data_dir)
    check_offsets(corpus)
    (doc,) = corpus.documents
    assert doc.doc_id == doc.source_file == "interview_zh.txt" and doc.respondent_id == "interview_zh"
    assert doc.text == (data_dir / "interview_zh.txt").read_text(encoding="utf-8")
    got = [(s.speaker, s.is_interviewer, s.turn, s.text) for s in corpus.segments]
    assert got == [
        ("问", True, 0, "您好，请先介绍一下您自己。"),
        ("答", False, 1, "我姓王，今年六十八岁了。"),
        ("答", False, 1, "在这个小区住了三十年！"),
        ("答", False, 1, "以前在纺织厂上班；"),
        ("答", False, 1, "退休十几年了。"),
        ("问", True, 2, "您觉得社区服务怎么样？"),
        ("答", False, 3, "还行吧。"),
        ("答", False, 3, "就是看病不方便，要坐三站公交车。"),
        ("答", False, 3, "对。"),
        ("问", True, 4, "还有别的吗？"),
        ("答", False, 5, "对。"),
    ]
    assert [s.position for s in corpus.segments] == list(range(11))
    assert {s.lang for s in corpus.segments} == {"zh"}
    # the preamble (title, date) is in the text but in no segment
    assert not any("日期" in s.text or "访谈记录" in s.text for s in corpus.segments)
    # "对。" twice: distinct ids, built from the occurrence number
    dui = [s for s in corpus.segments if s.text == "对。"]
    assert [s.segment_id for s in dui] == [make_segment_id(doc.doc_id, "对。", i) for i in (0, 1)]
    assert any("speakers: 问 (interviewer, 3 turns), 答 (3 turns)" in n for n in corpus.notes)


def test_english_markdown(data_dir, check_offsets):
    corpus = ingest_files([data_dir / "interview_en.md"], data_dir)
    check_offsets(corpus)
    got = [(s.speaker, s.is_interviewer, s.text) for s in corpus.segments]
    assert got == [
        ("Interviewer", True, "Thanks for joining."),
        ("Interviewer", True, "How long have you lived here?"),
        ("Respondent", False, "About 3.5 years."),
        ("Respondent", False, "Mr. Li from the committee helped us, e.g. with the residence permit."),
        ("Respondent", False, "Honestly the paperwork was hard!"),
        ("Respondent", False, "Is there an English hotline?"),
        ("Respondent", False, "No."),
        ("Interviewer", True, "Anything else?"),
        ("Respondent", False, "No, that's all."),
    ]
    assert {s.lang for s in corpus.segments} == {"en"}


def test_docx(tmp_path, make_corpus, check_offsets):
    root = make_corpus({})
    d = docx.Document()
    for line in ["访谈标题", "问：您好。", "答：电梯经常坏。物业不管！", "继续说。"]:
        d.add_paragraph(line)
    d.add_table(rows=1, cols=2)
    d.save(root / "iv.docx")
    corpus = ingest_corpus(root)
    check_offsets(corpus)
    (doc,) = corpus.documents
    assert doc.text == "访谈标题\n问：您好。\n答：电梯经常坏。物业不管！\n继续说。"
    assert [s.text for s in corpus.segments] == ["您好。", "电梯经常坏。", "物业不管！", "继续说。"]
    assert corpus.report[0].encoding is None and corpus.report[0].status == "ingested"
    assert any("table(s) in the .docx were not read" in n for n in corpus.notes)


def test_rejections(make_corpus):
    root = make_corpus({
        "no_markers.txt": "Just a monologue without any speaker labels.",
        "only_iv.txt": "问：有人吗？\n问：没人回答。",
        "empty.txt": "",
        "broken.docx": b"PK\x03\x04 this is not really a zip",
        "text.docx": "plain text pretending to be docx",
        "notes.pdf": b"%PDF-1.4",
        "no_ext": "问：x\n答：y",
    })
    d = docx.Document()
    d.save(root / "blank.docx")
    reasons = {r.source_file: r.reason for r in ingest_corpus(root).report}
    assert reasons["no_markers.txt"].startswith("transcript with no respondent text: no speaker markers")
    assert reasons["only_iv.txt"] == "transcript with no respondent text: only interviewer turns (问)"
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.docx"] == "empty file"
    assert reasons["broken.docx"].startswith("corrupt docx file")
    assert reasons["text.docx"].startswith("corrupt docx file")
    assert reasons["notes.pdf"] == "unsupported file type '.pdf' (expected .txt, .md, .docx, .csv, .xlsx)"
    assert reasons["no_ext"].startswith("unsupported file type 'no_ext'")


def test_long_turn_capped_and_frame(make_corpus, check_offsets):
    long_answer = "我觉得" + "，".join(["社区服务需要改进"] * 50) + "。"
    corpus = ingest_one(make_corpus, "long.txt", f"问：怎么看？\n答：{long_answer}\n", check_offsets)
    answer = [s for s in corpus.segments if not s.is_interviewer]
    assert len(answer) > 1 and all(len(s.text) <= 300 for s in answer)
    assert "".join(s.text for s in answer) == long_answer
    frame = segments_frame(corpus)
    assert frame["text"].tolist() == [s.text for s in corpus.segments]
    assert frame["turn"].tolist() == [0] + [1] * len(answer)
