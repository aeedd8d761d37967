"""training_set: latest decision wins, majority of a segment's coders, closed world."""
from __future__ import annotations

import pandas as pd
import pytest

from qualmine.coding.suggest.model import training_set

SEGMENTS = pd.DataFrame({
    "segment_id": ["s1", "s2", "s3", "s4"],
    "text": ["waited hours", "kind nurse", "排队太久", "never reviewed"],
    "lang": ["en", "en", "zh", "en"],
})


def _decisions(rows):
    return pd.DataFrame(rows, columns=["segment_id", "code_id", "coder", "decision", "decided_at"])


def _codes(frame):
    return dict(zip(frame["segment_id"], frame["codes"]))


def test_latest_decision_per_coder_wins_regardless_of_row_order():
    frame = training_set(_decisions([
        ("s1", "wait", "ana", "accept", "2024-05-02T10:00:00"),
        ("s1", "wait", "ana", "reject", "2024-05-01T10:00:00"),   # earlier, listed later
        ("s2", "staff", "ana", "accept", "2024-05-01T10:00:00"),
        ("s2", "staff", "ana", "reject", "2024-05-03T10:00:00"),
    ]), SEGMENTS)
    assert _codes(frame) == {"s1": frozenset({"wait"}), "s2": frozenset()}


def test_same_time_later_row_wins():
    frame = training_set(_decisions([
        ("s1", "wait", "ana", "reject", "2024-05-01T10:00:00"),
        ("s1", "wait", "ana", "accept", "2024-05-01T10:00:00"),
    ]), SEGMENTS)
    assert _codes(frame)["s1"] == frozenset({"wait"})


def test_majority_of_the_segments_coders():
    t = "2024-05-01T10:00:00"
    frame = training_set(_decisions([
        # s1: three coders; two say wait (accept, add), one rejects -> present
        ("s1", "wait", "ana", "accept", t), ("s1", "wait", "bo", "add", t), ("s1", "wait", "cy", "reject", t),
        # s1 staff: only cy adds it; ana and bo reviewed s1 and did not -> 1 of 3 -> absent
        ("s1", "staff", "cy", "add", t),
        # s2: two coders disagree -> tie -> absent
        ("s2", "staff", "ana", "accept", t), ("s2", "staff", "bo", "reject", t),
        # s3: a single coder decides alone
        ("s3", "排队", "bo", "add", t),
    ]), SEGMENTS)
    assert _codes(frame) == {"s1": frozenset({"wait"}), "s2": frozenset(), "s3": frozenset({"排队"})}


def test_columns_order_and_closed_world_over_reviewed_segments_only():
    frame = training_set(_decisions([("s2", "staff", "ana", "reject", "2024-05-01"),
                                     ("s1", "wait", "ana", "accept", "2024-05-01")]), SEGMENTS)
    assert list(frame.columns) == ["segment_id", "text", "lang", "codes"]
    assert list(frame["segment_id"]) == ["s1", "s2"]          # segment order; s3, s4 not reviewed
    assert frame.loc[1, "codes"] == frozenset() and frame.loc[0, "text"] == "waited hours"


def test_code_ids_filter_and_unknown_segments():
    rows = _decisions([("s1", "wait", "ana", "accept", "2024-05-01"), ("s1", "gone", "ana", "accept", "2024-05-01"),
                       ("s9", "wait", "ana", "accept", "2024-05-01")])
    with pytest.raises(ValueError, match=r"1 segment_id\(s\) not among the segments, e.g. \['s9'\]"):
        training_set(rows, SEGMENTS)
    frame = training_set(rows, SEGMENTS, code_ids=["wait"], unknown_segments="drop")
    assert _codes(frame) == {"s1": frozenset({"wait"})}


def test_invalid_decisions_are_all_listed_with_rows():
    rows = _decisions([("s1", "wait", "ana", "maybe", "2024-05-01"), ("s2", "staff", "", "accept", "2024-05-01"),
                       ("s2", "staff", "bo", "Accept", "2024-05-01")])
    with pytest.raises(ValueError) as info:
        training_set(rows, SEGMENTS)
    message = str(info.value)
    assert "3 invalid row(s)" in message
    assert "row 0: field 'decision' must be one of ['accept', 'reject', 'add', 'retract']; got 'maybe'" in message
    assert "row 1: field 'coder' is empty" in message and "got 'Accept'" in message
    with pytest.raises(ValueError, match=r"missing column\(s\) \['coder'\]"):
        training_set(rows.drop(columns="coder"), SEGMENTS)
