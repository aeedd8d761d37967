"""coding/store/decision_rules.py: which of the append-only review decisions is each coder's current one."""
from __future__ import annotations

import pandas as pd
import pytest

from qualmine.coding.store.decision_rules import check_decisions, latest_per_coder


def frame(rows, **extra) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["segment_id", "code_id", "coder", "decision"])
    return out.assign(**extra)


def current(decisions: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    return [tuple(r) for r in latest_per_coder(decisions)[["segment_id", "code_id", "coder", "decision"]].itertuples(index=False)]


def test_latest_row_wins_per_coder_segment_and_code():
    rows = [("s1", "P", "ann", "accept"), ("s1", "P", "bob", "reject"), ("s1", "P", "ann", "reject"),
            ("s2", "P", "ann", "add")]
    latest = latest_per_coder(frame(rows))
    assert list(latest.columns) == ["segment_id", "code_id", "coder", "decision"] and list(latest.index) == [0, 1, 2]
    assert current(frame(rows)) == [("s1", "P", "bob", "reject"), ("s1", "P", "ann", "reject"), ("s2", "P", "ann", "add")]


def test_decided_at_orders_before_the_row_order_and_decision_id_breaks_its_ties():
    rows = [("s1", "P", "ann", "reject"), ("s1", "P", "ann", "accept")]
    # the first row is the later one in time: it wins though it comes first
    later_first = frame(rows, decided_at=["2026-01-02T10:00:00Z", "2026-01-01T10:00:00+00:00"])
    assert current(later_first) == [("s1", "P", "ann", "reject")]
    # same time: decision_id decides (7 > 3), before the row order would
    same_time = frame(rows, decided_at=["2026-01-01T10:00:00Z"] * 2, decision_id=[7, 3])
    assert current(same_time) == [("s1", "P", "ann", "reject")]
    # same time, no decision_id: the later row wins
    assert current(frame(rows, decided_at=["2026-01-01T10:00:00Z"] * 2)) == [("s1", "P", "ann", "accept")]


def test_a_retract_as_latest_row_means_no_decision_but_an_earlier_one_is_overruled():
    rows = [("s1", "P", "ann", "accept"), ("s1", "P", "ann", "retract"), ("s1", "P", "bob", "retract"),
            ("s1", "P", "bob", "add")]
    assert current(frame(rows)) == [("s1", "P", "bob", "add")]


def test_check_decisions_lists_every_problem_with_its_row_and_field():
    bad = frame([("s1", "P", "ann", "accept"), ("", "P", "ann", "maybe"), ("s3", None, " ", "accept")])
    with pytest.raises(ValueError) as err:
        check_decisions(bad, source="review.csv")
    message = str(err.value)
    assert message.startswith("review.csv: 4 invalid row(s):")
    assert "row 1: field 'segment_id' is empty" in message and "row 2: field 'code_id' is empty" in message
    assert "row 2: field 'coder' is empty" in message
    assert "row 1: field 'decision' must be one of ['accept', 'reject', 'add', 'retract']; got 'maybe'" in message
    with pytest.raises(ValueError, match=r"decisions: missing column\(s\) \['decision'\]"):
        check_decisions(bad.drop(columns="decision"))
    many = frame([("s", "P", "ann", "no")] * 120)
    with pytest.raises(ValueError, match=r"120 invalid row\(s\)(.|\n)*\.\.\. and 70 more$"):   # the first 50 shown
        check_decisions(many)
    with pytest.raises(TypeError):
        check_decisions(bad, "review.csv")          # the source is named, never positional
    with pytest.raises(ValueError) as err:
        check_decisions(many)
    assert str(err.value).count("field 'decision'") == 50          # the first 50 listed
    for n, tail in [(50, "got 'no'"), (51, "... and 1 more")]:
        with pytest.raises(ValueError) as err:
            check_decisions(many.iloc[:n])
        assert str(err.value).endswith(tail)
    check_decisions(bad.iloc[:1])      # a valid frame passes silently
