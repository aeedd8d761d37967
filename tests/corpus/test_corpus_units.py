"""The coding unit the user chooses: whole answers (survey default), sentences, or speaker turns."""
from __future__ import annotations

import pytest

from qualmine.corpus import ingest_corpus
from qualmine.corpus.sentences import unit_spans


def test_unit_spans():
    text = "  停车太难了。晚上太吵了。 "
    assert [text[a:b] for a, b in unit_spans(text, unit="answer")] == ["停车太难了。晚上太吵了。"]
    assert [text[a:b] for a, b in unit_spans(text, unit="sentence")] == ["停车太难了。", "晚上太吵了。"]
    # Longer than max_chars: cut at sentence ends, as before.
    assert [text[a:b] for a, b in unit_spans(text, unit="answer", max_chars=10)] == ["停车太难了。", "晚上太吵了。"]
    assert unit_spans("……", unit="answer") == []
    with pytest.raises(ValueError, match="unit must be one of"):
        unit_spans(text, unit="paragraph")


def test_survey_answers_and_transcript_turns(make_corpus, check_offsets):
    files = {"s.csv": "id,q\n1,停车太难了。晚上太吵了。\n".encode("utf-8"),
             "t.txt": "问：你觉得怎么样？\n答：停车太难了。晚上太吵了。\n".encode("utf-8")}
    root = make_corpus(files)
    by_kind = lambda corpus, kind: [s.text for s in corpus.segments if s.doc_id.startswith(kind)]  # noqa: E731
    auto = ingest_corpus(root)
    check_offsets(auto)
    assert by_kind(auto, "s.csv") == ["停车太难了。晚上太吵了。"]                    # an answer is one segment
    assert by_kind(auto, "t.txt")[-2:] == ["停车太难了。", "晚上太吵了。"]          # transcripts: sentences
    turns = ingest_corpus(root, unit="turn")
    check_offsets(turns)
    assert by_kind(turns, "t.txt")[-1] == "停车太难了。晚上太吵了。"
    sentences = ingest_corpus(root, unit="sentence")
    assert by_kind(sentences, "s.csv") == ["停车太难了。", "晚上太吵了。"]
    assert {s.respondent_id for s in sentences.segments if s.doc_id.startswith("s.csv")} == {"1"}


def test_run_settings_record_the_unit():
    from qualmine.flows.settings import RunSettings

    params = RunSettings(unit="turn", store=None).parameters()
    assert params["unit"] == "turn" and params["segment_units"] == {"survey": "answer", "transcript": "turn"}
    assert RunSettings(store=None).parameters()["segment_units"] == {"survey": "answer", "transcript": "sentence"}
    with pytest.raises(ValueError, match="'unit' parameter of RunSettings"):
        RunSettings(unit="word", store=None)
