"""Building a coder's queue: merging sources, orders, limits, code filter, double coding, assignment."""
from __future__ import annotations

import pandas as pd
import pytest

from qualmine.coding.review.queue import QueueOptions, build_queue, double_coded

SEGMENTS = pd.DataFrame({
    "segment_id": ["s1", "s2", "s3", "s4"], "doc_id": ["d1", "d1", "d2", "d2"], "respondent_id": ["r1", "r1", "r2", "r2"],
    "lang": ["zh", "zh", "en", "en"], "start": [0, 10, 0, 20], "position": [0, 1, 0, 1],
    "text": ["排队太久了", "工作人员态度很好", "The queue was long", "Staff were kind"],
})
CODES = pd.DataFrame({"code_id": ["A", "B"], "label_zh": ["排队", "态度"], "label_en": ["Queue", "Attitude"],
                      "definition_zh": ["等候", ""], "definition_en": ["Waiting", "Staff attitude"]})
SUGGESTIONS = pd.DataFrame({
    "segment_id": ["s1", "s1", "s2", "s3", "s4", "s4", "s4"],
    "code_id": ["A", "A", "B", "A", "B", "A", "Z"],
    "source": ["rule", "model", "rule", "rule", "model", "rule", "rule"],
    "score": [0.9, 0.55, 0.8, 0.6, 0.51, 0.95, 0.9],
    "evidence": ["排队", None, "态度很好", "queue", None, "Staff", "x"],
    "start": [0, None, 14, 4, None, 20, 0], "end": [2, None, 18, 9, None, 25, 1],
})
NO_DECISIONS = pd.DataFrame(columns=["segment_id", "code_id", "coder", "decision"])
NO_EXPORTS = pd.DataFrame(columns=["segment_id", "coder"])


def queue(coder="ann", decisions=NO_DECISIONS, assignments=NO_EXPORTS, uncertainty=None, **options):
    return build_queue(QueueOptions(coder=coder, **options), suggestions=SUGGESTIONS, segments=SEGMENTS, codes=CODES,
                       decisions=decisions, assignments=assignments, uncertainty=uncertainty)


def test_one_row_per_segment_and_code_with_sources_merged():
    q = queue(order="document")
    assert list(zip(q["segment_id"], q["code_id"])) == [("s1", "A"), ("s2", "B"), ("s3", "A"), ("s4", "A"), ("s4", "B")]
    first = q.iloc[0]
    assert (first["source"], first["score"], first["evidence"]) == ("model,rule", 0.9, "排队")
    assert first["evidence_spans"] == [(0, 2)]                     # document offsets made segment-local
    assert q.iloc[1]["evidence_spans"] == [(4, 8)] and q.iloc[1]["text"][4:8] == "态度很好"
    assert list(q["item"]) == [1, 2, 3, 4, 5]
    # Labels and definitions in the segment's language, falling back to the other one.
    assert list(q["code_label"]) == ["排队", "态度", "Queue", "Queue", "Attitude"]
    assert q.iloc[1]["code_definition"] == "Staff attitude"


def test_orders():
    assert list(queue(order="code")["code_id"]) == ["A", "A", "A", "B", "B"]
    by_score = queue(order="uncertainty")        # no model: scores nearest 0.5 first, per segment
    assert list(by_score["segment_id"].drop_duplicates()) == ["s4", "s3", "s2", "s1"]
    by_model = queue(order="uncertainty", uncertainty=pd.Series({"s2": 0.9, "s1": 0.1, "s3": 0.5, "s4": 0.2}))
    assert list(by_model["segment_id"].drop_duplicates()) == ["s2", "s3", "s4", "s1"]


def test_limit_keeps_segments_whole_and_code_filter():
    assert list(queue(order="document", limit=4)["segment_id"]) == ["s1", "s2", "s3"]
    assert list(queue(order="document", limit=5)["segment_id"]) == ["s1", "s2", "s3", "s4", "s4"]
    assert list(queue(order="code", limit=4)["code_id"]) == ["A", "A", "A", "B"]
    assert list(queue(order="document", limit=1)["segment_id"]) == ["s1"]
    assert set(queue(codes=("B",))["code_id"]) == {"B"}


def test_decided_rows_and_other_coders_segments_are_left_out():
    decided = pd.DataFrame({"segment_id": ["s1", "s4"], "code_id": ["A", "A"], "coder": ["ann", "bob"],
                            "decision": ["accept", "reject"]})
    exported = pd.DataFrame({"segment_id": ["s2", "s3"], "coder": ["cat", "ann"]})
    q = queue(decisions=decided, assignments=exported, order="document")
    # s1/A decided by ann; s2 went to cat; s4 was decided by bob; s3 was ann's own export.
    assert list(zip(q["segment_id"], q["code_id"])) == [("s3", "A")]


def test_double_coded_share_is_deterministic_nested_and_sent_to_everyone():
    ids = pd.Series([f"seg_{i:04d}" for i in range(2000)])
    tenth, fifth = double_coded(ids, 0.1, seed=1), double_coded(ids, 0.2, seed=1)
    assert 150 < tenth.sum() < 250 and 330 < fifth.sum() < 470
    assert not (tenth & ~fifth).any()                                 # the 10% share is inside the 20% share
    assert double_coded(ids, 0.1, seed=1).equals(tenth) and not double_coded(ids, 0.1, seed=2).equals(tenth)
    shared = [s for s in SEGMENTS["segment_id"] if double_coded(pd.Series([s]), 0.5, seed=3).item()]
    assert 0 < len(shared) < 4
    taken = pd.DataFrame({"segment_id": list(SEGMENTS["segment_id"]), "coder": "bob"})
    q = queue(assignments=taken, double_code=0.5, seed=3)
    assert set(q["segment_id"]) == set(shared)


@pytest.mark.parametrize("bad, message", [
    ({"order": "random"}, "The 'order' parameter of the review queue must be one of uncertainty, document, code. "
                          "Got 'random' instead."),
    ({"limit": 0}, "The 'limit' parameter of the review queue must be an int >= 1. Got 0 instead."),
    ({"double_code": 1.5}, "must be a float in the range [0, 1]. Got 1.5 instead."),
    ({"coder": "model:x"}, "names starting with 'model:' are reserved"),
])
def test_option_errors(bad, message):
    with pytest.raises(ValueError) as info:
        QueueOptions(**{"coder": "ann", **bad})
    assert message in str(info.value)
