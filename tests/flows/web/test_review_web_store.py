"""Browser decisions in the store: one appended row each, undo appends too, nothing is deleted."""
from __future__ import annotations

import uuid

import pandas as pd
import pytest

from qualmine.coding.review.web_store import (
    RETRACT, ReviewInputError, ReviewNotFound, current_decisions, record_decision, undo_last_decision,
)
from qualmine.coding.store.database import DECISION_COLUMNS, ProjectStore


@pytest.fixture()
def store(store_path):
    with ProjectStore(store_path) as project:
        yield project


def _pair(store, n=0):
    rows = store.suggestions().drop_duplicates(["segment_id", "code_id"])
    row = rows.iloc[n]
    return row["segment_id"], row["code_id"]


def test_a_browser_decision_is_a_decisions_row_like_a_spreadsheet_one(store):
    segment_id, code_id = _pair(store)
    saved = record_decision(store, segment_id=segment_id, code_id=code_id, coder=" 王老师 ", decision="accept",
                            note="  清楚的例子 ")
    trail = store.decisions()
    assert list(trail.columns) == DECISION_COLUMNS
    assert len(trail) == 1
    row = trail.iloc[0]
    assert (row["segment_id"], row["code_id"], row["coder"], row["decision"], row["note"]) == \
        (segment_id, code_id, "王老师", "accept", "清楚的例子")
    assert pd.isna(row["import_batch"]) and pd.isna(row["file_hash"])
    assert saved.appended and saved.decision_id == row["decision_id"]


def test_the_same_decision_twice_appends_once_and_a_change_supersedes(store):
    segment_id, code_id = _pair(store)
    first = record_decision(store, segment_id=segment_id, code_id=code_id, coder="alice", decision="accept")
    again = record_decision(store, segment_id=segment_id, code_id=code_id, coder="alice", decision="accept")
    assert not again.appended and again.decision_id == first.decision_id
    record_decision(store, segment_id=segment_id, code_id=code_id, coder="alice", decision="reject")
    assert list(store.decisions()["decision"]) == ["accept", "reject"]          # the trail keeps both
    assert list(store.decisions(latest=True)["decision"]) == ["reject"]        # the later one counts


@pytest.mark.parametrize("field, kwargs, error, words", [
    ("segment", {"segment_id": "seg_nope"}, ReviewNotFound, "unknown segment id 'seg_nope'"),
    ("code", {"code_id": "X-NOPE"}, ReviewNotFound, "unknown code id 'X-NOPE'"),
    ("decision", {"decision": "maybe"}, ReviewInputError, "'decision' parameter must be one of accept, reject, add"),
    ("coder", {"coder": "  "}, ReviewInputError, "non-empty name"),
    ("model coder", {"coder": "model:me"}, ReviewInputError, "reserved"),
    ("note", {"note": "x" * 4001}, ReviewInputError, "at most 4000 characters"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(store, field, kwargs, error, words):
    segment_id, code_id = _pair(store)
    args = {"segment_id": segment_id, "code_id": code_id, "coder": "alice", "decision": "accept", **kwargs}
    with pytest.raises(error, match=words.replace("(", r"\(")):
        record_decision(store, **args)
    assert store.decisions().empty


def test_undo_restores_the_earlier_decision_then_retracts_and_walks_back(store):
    (s1, c1), (s2, c2) = _pair(store, 0), _pair(store, 1)
    record_decision(store, segment_id=s1, code_id=c1, coder="alice", decision="accept", note="first")
    record_decision(store, segment_id=s1, code_id=c1, coder="alice", decision="reject")
    record_decision(store, segment_id=s2, code_id=c2, coder="alice", decision="accept")
    record_decision(store, segment_id=s2, code_id=c2, coder="bob", decision="reject")

    undo = undo_last_decision(store, "alice")            # takes back alice's s2 accept, not bob's reject
    assert (undo.undone.segment_id, undo.undone.decision) == (s2, "accept")
    assert undo.restored.decision == RETRACT
    undo = undo_last_decision(store, "alice")            # then the s1 reject: the accept comes back
    assert (undo.undone.segment_id, undo.undone.decision, undo.restored.decision) == (s1, "reject", "accept")
    assert undo.restored.note == "first"
    current = current_decisions(store.decisions())
    assert set(zip(current["coder"], current["segment_id"], current["decision"])) == \
        {("alice", s1, "accept"), ("bob", s2, "reject")}
    undo = undo_last_decision(store, "alice")            # finally the first accept
    assert undo.restored.decision == RETRACT
    assert undo_last_decision(store, "alice") is None    # nothing left; undo rows are never undone
    trail = store.decisions()
    assert len(trail) == 4 + 3                           # every press appended, nothing deleted
    assert set(current_decisions(trail)["coder"]) == {"bob"}


def test_undo_refuses_when_an_import_superseded_the_browser_decision(store):
    segment_id, code_id = _pair(store)
    record_decision(store, segment_id=segment_id, code_id=code_id, coder="alice", decision="accept")
    version = store.current_codebook().version_id
    queue = pd.DataFrame({"item": [1], "segment_id": [segment_id], "code_id": [code_id]})
    store.record_export("exp1", "alice", "csv", "q.csv", version, queue, {})
    batch = {"batch_id": uuid.uuid4().hex, "export_id": "exp1", "coder": "alice", "file_name": "q.csv",
             "file_hash": "0" * 64}
    store.append_decisions(batch, pd.DataFrame({"segment_id": [segment_id], "code_id": [code_id],
                                                "decision": ["reject"], "note": [None]}))
    with pytest.raises(ReviewInputError, match="superseded it since"):
        undo_last_decision(store, "alice")
    assert list(store.decisions(latest=True)["decision"]) == ["reject"]


def test_an_undone_decision_is_no_decision_for_agreement_training_and_queues(store):
    """An undo to nothing appends a retract: every consumer of decisions must read it as 'no decision'."""
    from qualmine.coding.review.agreement import agreement_tables
    from qualmine.coding.suggest.model import training_set

    (seg_a, code_a), (seg_b, code_b) = _pair(store, 0), _pair(store, 1)
    record_decision(store, segment_id=seg_a, code_id=code_a, coder="alice", decision="accept")
    record_decision(store, segment_id=seg_a, code_id=code_a, coder="bob", decision="accept")
    record_decision(store, segment_id=seg_b, code_id=code_b, coder="alice", decision="reject")
    undo_last_decision(store, coder="alice")                       # alice takes back her reject: a retract row
    trail = store.decisions()
    assert list(trail["decision"]) == ["accept", "accept", "reject", RETRACT]
    latest = store.decisions(latest=True)
    assert set(zip(latest.coder, latest.segment_id, latest.code_id)) == {("alice", seg_a, code_a), ("bob", seg_a, code_a)}
    pd.testing.assert_frame_equal(current_decisions(trail), latest)
    result = agreement_tables(trail)                               # validates decisions: must accept a retract
    assert result.disagreements.empty
    reviewed = training_set(trail, store.segments(), unknown_segments="drop")
    assert set(reviewed.segment_id) == {seg_a}                     # seg_b has no decision left
