"""The public API: discovery rules, frames, determinism, stable ids, batches, fatal errors."""
import shutil

import pytest

import qualmine.corpus as corpus_pkg
from qualmine.corpus import (
    CorpusError, combine, ingest_corpus, ingest_files, report_frame, segments_frame,
)

FILES = {
    "b_interview.txt": "访谈标题\n问：您好？\n答：电梯经常坏。物业也不管。\n问：还有呢？\n答：对。没有了。对。\n",
    "a_survey.csv": "id,role,q\n001,居民,停车位太少，晚上没地方停\n002,社工,Signage is only in Chinese. Hard for us.\n",
    "sub/c.md": "# Notes\n\nQ: How is it?\nA: Fine. Really fine.\n",
    "README.md": "# About this corpus\n",
    ".hidden.txt": "问：x\n答：y\n",
    ".git/config.txt": "问：x\n答：y\n",
    "~$a_survey.xlsx": b"lock",
}


def test_public_api_exports():
    for name in ["Corpus", "CorpusError", "SpeakerMarkers", "ingest_corpus", "ingest_files",
                 "segments_frame", "report_frame", "normalize"]:
        assert name in corpus_pkg.__all__ and hasattr(corpus_pkg, name)


def test_discovery_and_order(make_corpus, check_offsets):
    corpus = ingest_corpus(make_corpus(FILES))
    check_offsets(corpus)
    files = [r.source_file for r in corpus.report if r.row is None and r.status != "skipped"]
    assert files == ["a_survey.csv", "b_interview.txt", "sub/c.md"]
    # hidden files and folders are not read, but each has a row saying so (issue #17)
    assert sorted(r.source_file for r in corpus.report if r.status == "skipped") == [".git/", ".hidden.txt"]
    assert "README.md: ignored (a README in the corpus folder is documentation, not data)" in corpus.notes
    assert any(n.startswith("~$a_survey.xlsx: ignored") for n in corpus.notes)
    assert [d.doc_id for d in corpus.documents] == [
        "a_survey.csv#001/q", "a_survey.csv#002/q", "b_interview.txt", "sub/c.md"]
    # segments in document order
    order = [(s.doc_id, s.position) for s in corpus.segments]
    assert order == sorted(order, key=lambda x: ([d.doc_id for d in corpus.documents].index(x[0]), x[1]))


def test_segments_frame_columns(make_corpus):
    corpus = ingest_corpus(make_corpus(FILES))
    frame = segments_frame(corpus)
    assert list(frame.columns) == [
        "segment_id", "doc_id", "source_file", "respondent_id", "speaker", "is_interviewer", "question",
        "lang", "start", "end", "position", "turn", "text", "role"]
    assert len(frame) == len(corpus.segments)
    assert frame["segment_id"].is_unique
    assert str(frame["text"].dtype) == "str" and frame["is_interviewer"].dtype == bool
    assert frame.loc[frame.respondent_id == "001", "role"].tolist() == ["居民"]
    assert (frame.loc[frame.source_file == "sub/c.md", "role"] == "").all()   # no attributes given
    assert frame.loc[frame.source_file == "b_interview.txt", "question"].isna().all()


def test_empty_frames():
    empty = corpus_pkg.Corpus([], [], corpus_pkg.ingest.respondents_frame({}), [], [])
    assert len(segments_frame(empty)) == 0 and list(segments_frame(empty).columns)[0] == "segment_id"
    assert len(report_frame(empty)) == 0


def test_stable_ids_across_runs_and_edits(make_corpus, tmp_path):
    root = make_corpus(FILES)
    first = ingest_corpus(root)
    again = ingest_corpus(root)
    assert [s.segment_id for s in first.segments] == [s.segment_id for s in again.segments]
    assert segments_frame(first).equals(segments_frame(again))
    # copying the folder elsewhere changes nothing (ids use relative paths)
    copy = tmp_path / "elsewhere"
    shutil.copytree(root, copy)
    assert [s.segment_id for s in ingest_corpus(copy).segments] == [s.segment_id for s in first.segments]
    # an edit early in a transcript shifts offsets but keeps ids of unchanged segments
    path = root / "b_interview.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("访谈标题", "访谈标题（修订版，增加说明）"), encoding="utf-8")
    edited = {s.segment_id: s.start for s in ingest_corpus(root).segments if s.doc_id == "b_interview.txt"}
    before = {s.segment_id: s.start for s in first.segments if s.doc_id == "b_interview.txt"}
    assert edited.keys() == before.keys()
    assert all(edited[k] > before[k] for k in before)
    # "对。" twice in one answer: two different ids
    dui = [s.segment_id for s in first.segments if s.text == "对。"]
    assert len(dui) == 2 and len(set(dui)) == 2


def test_batches_equal_whole(make_corpus):
    root = make_corpus(FILES)
    whole = ingest_corpus(root)
    batch1 = ingest_files([root / "a_survey.csv"], root)
    batch2 = ingest_files(["sub/c.md", "b_interview.txt"], root)
    joined = combine([batch1, batch2])
    assert [s.segment_id for s in joined.segments] == [s.segment_id for s in whole.segments]
    assert joined.respondents.equals(whole.respondents)


def test_fatal_errors(tmp_path):
    with pytest.raises(CorpusError, match="corpus folder not found"):
        ingest_corpus(tmp_path / "nope")


def test_respondent_in_two_files(make_corpus):
    root = make_corpus({
        "manifest.yaml": "files:\n  - path: i.txt\n    respondent_id: '001'\n    attributes: {role: 社工}\n",
        "i.txt": "问：好吗？\n答：好。\n",
        "s.csv": "id,role,q\n001,居民,停车位太少，晚上没地方停\n",
    })
    corpus = ingest_corpus(root)
    assert corpus.respondents.to_dict("records") == [{"respondent_id": "001", "role": "社工"}]
    assert any("'001' appears in i.txt and s.csv" in n for n in corpus.notes)
    assert any("kept '社工'" in n for n in corpus.notes)


def test_max_segment_chars(make_corpus):
    root = make_corpus({"a.txt": "问：说说？\n答：" + "很长的一句话没有任何标点" * 10 + "\n"})
    short = ingest_corpus(root, max_segment_chars=50)
    assert all(len(s.text) <= 50 for s in short.segments)
    assert len(short.segments) > len(ingest_corpus(root).segments)
