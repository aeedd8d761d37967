"""The browser queue's pure parts: statuses, filters, wrap-around, highlighting, context."""
from __future__ import annotations

import pandas as pd
import pytest

from qualmine.coding.review.queue import QueueOptions, build_queue
from qualmine.coding.review.web_queue import (
    QueueFilter, all_rows, coder_rows, context_segments, highlight_parts, pick_item, progress, split_item_key, with_status,
)

CODES = pd.DataFrame({"code_id": ["A", "B"], "label_zh": ["甲", "乙"], "label_en": ["a", "b"],
                      "definition_zh": ["甲的定义", "乙的定义"], "definition_en": ["def a", "def b"]})
SEGMENTS = pd.DataFrame({
    "segment_id": ["s1", "s2", "s3", "s4"], "doc_id": ["d1", "d1", "d1", "d2"], "respondent_id": ["R1"] * 3 + ["R2"],
    "lang": ["zh"] * 4, "start": [0, 10, 20, 0], "position": [0, 1, 2, 0],
    "text": ["第一句话。", "排队太久了", "第三句", "another answer"],
})
SUGGESTIONS = pd.DataFrame({
    "segment_id": ["s1", "s2", "s2", "s4"], "code_id": ["A", "A", "B", "B"], "source": ["rule", "rule", "model", "rule"],
    "score": [0.9, 0.8, 0.55, 0.7], "evidence": ["第一", "排队", None, "answer"],
    "start": [0, 10, None, 8], "end": [2, 12, None, 14],
})
NO_ASSIGNMENTS = pd.DataFrame(columns=["segment_id", "coder"])


def _decisions(*rows):
    return pd.DataFrame(list(rows), columns=["segment_id", "code_id", "coder", "decision", "note"])


def _rows(queue_filter, decisions=None, assignments=NO_ASSIGNMENTS, **options):
    rows = all_rows(queue_filter, suggestions=SUGGESTIONS, segments=SEGMENTS, codes=CODES)
    return coder_rows(queue_filter, rows, decisions=decisions if decisions is not None else _decisions(),
                      assignments=assignments, **options)


def test_statuses_progress_and_the_status_filter():
    decisions = _decisions(("s1", "A", "alice", "accept", "ok"), ("s2", "B", "alice", "reject", ""),
                           ("s2", "A", "bob", "accept", ""))
    rows = _rows(QueueFilter(coder="alice"), decisions)
    status = dict(zip(rows["key"], rows["status"]))
    # bob decided on s2, so s2's *undecided* rows are not offered to alice (the spreadsheet rule) ...
    assert status == {"s1~A": "accepted", "s2~B": "rejected", "s4~B": "pending"}
    assert rows.loc[rows["key"] == "s1~A", "note"].item() == "ok"
    assert progress(rows).done == 2 and progress(rows).remaining == 1
    assert list(with_status(rows, "pending")["key"]) == ["s4~B"]
    assert list(with_status(rows, "decided")["key"]) == ["s1~A", "s2~B"]
    assert len(with_status(rows, "all")) == 3


def test_code_and_source_filters():
    assert list(_rows(QueueFilter(coder="c", code="B"))["key"]) == ["s2~B", "s4~B"]
    assert list(_rows(QueueFilter(coder="c", source="model"))["key"]) == ["s2~B"]
    assert list(_rows(QueueFilter(coder="c", source="rule"))["key"]) == ["s1~A", "s2~A", "s4~B"]


@pytest.mark.parametrize("double_code", [0.0, 0.5, 1.0])
def test_pending_rows_are_what_a_spreadsheet_export_would_offer(double_code):
    # Same assignment rule as build_queue: other coders' exports and decisions, the shared share.
    decisions = _decisions(("s1", "A", "bob", "accept", ""), ("s4", "B", "alice", "reject", ""))
    assignments = pd.DataFrame({"segment_id": ["s2"], "coder": ["carol"]})
    for coder in ("alice", "bob", "dora"):
        mine = _rows(QueueFilter(coder=coder), decisions, assignments, double_code=double_code, seed=3)
        expected = build_queue(QueueOptions(coder=coder, double_code=double_code, seed=3), suggestions=SUGGESTIONS,
                               segments=SEGMENTS, codes=CODES, decisions=decisions, assignments=assignments)
        pending = with_status(mine, "pending")
        assert list(zip(pending["segment_id"], pending["code_id"])) == \
            list(zip(expected["segment_id"], expected["code_id"])), coder


@pytest.mark.parametrize("kwargs, words", [
    ({"status": "done"}, "'status' parameter of the review page must be one of pending"),
    ({"source": "human"}, "'source' parameter of the review page must be one of rule, semantic, model, topic"),
    ({"order": "random"}, "'order' parameter of the review page must be one of uncertainty"),
])
def test_filter_errors_name_the_parameter(kwargs, words):
    with pytest.raises(ValueError, match=words):
        QueueFilter(coder="alice", **kwargs)


def test_pick_item_moves_on_and_wraps_round_to_skipped_rows():
    rows = _rows(QueueFilter(coder="c"))
    keys = list(rows["key"])
    assert pick_item(rows, None)["key"] == keys[0]
    assert pick_item(rows, None, after=keys[0])["key"] == keys[1]
    assert pick_item(rows, None, after=keys[-1])["key"] == keys[0]           # wrap: skipped come back
    # The row just decided left the pending set: the next one after its place is still found.
    rest = rows[rows["key"] != keys[1]]
    assert pick_item(rest, None, after=keys[1], everything=rows)["key"] == keys[2]
    assert pick_item(rows, "s4~B")["key"] == "s4~B"
    assert pick_item(rows, None, near="s2~A")["key"] == "s2~A"                # near: that row when shown ...
    assert pick_item(rest, None, near=keys[1], everything=rows)["key"] == keys[2]   # ... else the next one
    assert pick_item(rows, "s3~A") is None
    assert pick_item(rows.iloc[0:0], None) is None


def test_split_item_key_rejects_malformed_keys():
    assert split_item_key("seg_1~P-X") == ("seg_1", "P-X")
    with pytest.raises(ValueError, match="<segment_id>~<code_id>"):
        split_item_key("seg_1")


def test_highlight_parts_cover_the_text_exactly_once():
    text = "中心周末只有一个人值班，很多业务办不了。"
    parts = highlight_parts(text, [(4, 10), (6, 8), (15, 99)])
    assert "".join(p for p, _ in parts) == text
    assert [p for p, hit in parts if hit] == ["只有一个人值", "务办不了。"]
    assert highlight_parts("abc", []) == [("abc", False)]


def test_context_is_the_nearby_turns_or_the_respondents_other_answers():
    segments = pd.DataFrame({
        "segment_id": [f"t{i}" for i in range(8)] + ["q1", "q2", "q3"],
        "doc_id": ["interview.txt"] * 8 + ["s.csv#R9/q1", "s.csv#R9/q2", "s.csv#R8/q1"],
        "source_file": ["interview.txt"] * 8 + ["s.csv"] * 3,
        "respondent_id": ["I1"] * 8 + ["R9", "R9", "R8"],
        "position": list(range(8)) + [0, 0, 0],
        "text": [f"turn {i}" for i in range(8)] + ["a1", "a2", "other person"],
    })
    documents = pd.DataFrame({"doc_id": ["interview.txt", "s.csv#R9/q1", "s.csv#R9/q2", "s.csv#R8/q1"],
                              "kind": ["transcript", "survey", "survey", "survey"],
                              "source_file": ["interview.txt", "s.csv", "s.csv", "s.csv"]})
    kind, rows = context_segments(segments, documents, "t5", window=2)
    assert kind == "transcript" and list(rows["segment_id"]) == ["t3", "t4", "t5", "t6", "t7"]
    assert list(rows["current"]) == [False, False, True, False, False]
    kind, rows = context_segments(segments, documents, "q2")
    assert kind == "survey" and list(rows["segment_id"]) == ["q1", "q2"]
    with pytest.raises(KeyError):
        context_segments(segments, documents, "nope")


def test_an_uncoded_rows_key_names_no_code():
    assert split_item_key("seg_1~") == ("seg_1", "")
    with pytest.raises(ValueError, match="<segment_id>~ for a segment without a suggestion"):
        split_item_key("~P-X")
