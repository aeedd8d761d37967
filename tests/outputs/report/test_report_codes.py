"""Which codes a report shows: reviewed only, or suggestions less rejections plus coders' additions."""
from __future__ import annotations

import pandas as pd
import pytest

from qualmine.coding.applications import CodeApplication, applications_frame
from qualmine.outputs.report.codes import review_verdicts, select_applications, store_decisions

SEGMENTS = pd.DataFrame({"segment_id": ["s1", "s2", "s3"], "start": [0, 10, 20], "end": [9, 19, 29],
                         "text": ["排队太久了，真累", "人手不够用了啊", "希望周末开放呢"], "respondent_id": ["r1", "r1", "r2"]})
SUGGESTIONS = applications_frame([
    CodeApplication("s1", "P-OPERATION-HOURS", "rule", 0, 2, "排队", 0.9, "排队"),
    CodeApplication("s2", "P-OPERATION-STAFF", "rule", 10, 14, "人手不够", 0.9, "人手不够"),
    CodeApplication("s3", "R-GUARANTEE", "rule", 22, 24, "周末", 0.8, "周末"),
])


def decisions(rows):
    frame = pd.DataFrame(rows, columns=["decision_id", "segment_id", "code_id", "coder", "decision", "decided_at"])
    frame["decided_at"] = pd.to_datetime(frame["decided_at"], utc=True)
    return frame


LATEST = decisions([
    (1, "s1", "P-OPERATION-HOURS", "ana", "accept", "2024-01-01"),
    (2, "s1", "P-OPERATION-HOURS", "bo", "reject", "2024-01-02"),     # 1:1 tie -> bo's later reject wins
    (3, "s2", "P-OPERATION-STAFF", "ana", "accept", "2024-01-01"),
    (4, "s3", "N-ELDERLY", "ana", "add", "2024-01-01"),               # a code the machine did not suggest
])


def test_verdicts_follow_the_majority_and_break_ties_by_the_latest():
    v = review_verdicts(LATEST).set_index(["segment_id", "code_id"])
    assert v.loc[("s1", "P-OPERATION-HOURS"), "verdict"] == "reject"
    assert v.loc[("s1", "P-OPERATION-HOURS"), "coders"] == 2
    three = pd.concat([LATEST, decisions([(5, "s1", "P-OPERATION-HOURS", "cy", "accept", "2023-12-01")])])
    assert review_verdicts(three).set_index(["segment_id", "code_id"]).loc[("s1", "P-OPERATION-HOURS"), "verdict"] \
        == "accept"


def test_reviewed_mode_keeps_only_accepted_and_added_codes():
    chosen = select_applications("reviewed", SUGGESTIONS, SEGMENTS, LATEST)
    got = sorted(zip(chosen.applications.segment_id, chosen.applications.code_id, chosen.applications.source))
    assert got == [("s2", "P-OPERATION-STAFF", "rule"), ("s3", "N-ELDERLY", "coder")]
    added = chosen.applications[chosen.applications.source == "coder"].iloc[0]
    assert (added.start, added.end, added.evidence) == (20, 29, "希望周末开放呢")   # the whole segment
    assert chosen.statement.startswith("Reviewed codes only")


def test_suggestion_mode_drops_rejections_and_keeps_unreviewed():
    chosen = select_applications("suggestions", SUGGESTIONS, SEGMENTS, LATEST)
    got = sorted(zip(chosen.applications.segment_id, chosen.applications.code_id))
    assert got == [("s2", "P-OPERATION-STAFF"), ("s3", "N-ELDERLY"), ("s3", "R-GUARANTEE")]
    assert "1 suggestions that coders rejected left out" in chosen.statement


def test_without_decisions_suggestions_are_shown_as_they_are_and_reviewed_is_empty():
    plain = select_applications("suggestions", SUGGESTIONS, SEGMENTS, None)
    assert plain.applications.equals(SUGGESTIONS) and "not reviewed" in plain.statement
    other_run = decisions([(1, "zz", "P-OPERATION-HOURS", "ana", "accept", "2024-01-01")])
    reviewed = select_applications("reviewed", SUGGESTIONS, SEGMENTS, other_run)
    assert reviewed.applications.empty and "no coder has reviewed" in reviewed.statement
    with pytest.raises(ValueError, match="'mode' parameter"):
        select_applications("all", SUGGESTIONS, SEGMENTS, None)


def test_a_missing_store_is_reported_not_created(tmp_path):
    path = tmp_path / "nowhere.sqlite"
    latest, why = store_decisions(path)
    assert latest is None and str(path) in why and not path.exists()
