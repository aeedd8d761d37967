"""Which source to trust per code (issue #15 item 5) and agreement per respondent (issue #19): hand-counted
cases, then the store and `qualmine agreement` writing both tables."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from qualmine.coding.review.agreement import OVERALL, agreement_tables, respondent_agreement_tables
from qualmine.coding.review.trust import TRUST_COLUMNS, semantic_decisions, source_trust

COLUMNS = ["segment_id", "code_id", "coder", "decision"]


def _frame(rows):
    return pd.DataFrame(rows, columns=COLUMNS)


def test_precision_recall_and_kappa_per_source_and_code_by_hand():
    decisions = _frame([
        ("s1", "c1", "ana", "accept"), ("s2", "c1", "ana", "add"), ("s3", "c1", "ana", "reject"),
        ("s4", "c1", "ana", "reject"), ("s1", "c1", "ben", "accept"),                      # s1 double-coded
        ("s1", "c2", "ana", "reject"),
        ("s1", "c1", "model:rules", "accept"), ("s2", "c1", "model:rules", "reject"),
        ("s3", "c1", "model:rules", "accept"), ("s4", "c1", "model:rules", "reject"),
        ("s1", "c2", "model:rules", "reject"),
        ("s1", "c1", "model:semantic", "accept"), ("s2", "c1", "model:semantic", "accept"),
    ])
    table = source_trust(decisions)
    assert list(table.columns) == list(TRUST_COLUMNS)
    assert list(zip(table["source"], table["code_id"])) == [
        ("rule", "c1"), ("rule", "c2"), ("rule", OVERALL), ("semantic", "c1"), ("semantic", OVERALL)]
    rule = table[table["source"] == "rule"].set_index("code_id")
    # c1 judgements (coded, suggested): s1 ana (1,1), s1 ben (1,1), s2 (1,0), s3 (0,1), s4 (0,0)
    assert rule.loc["c1", ["units", "judgements", "true_positive", "false_positive", "false_negative",
                           "true_negative"]].tolist() == [4, 5, 2, 1, 1, 1]
    assert rule.loc["c1", "precision"] == pytest.approx(2 / 3) and rule.loc["c1", "recall"] == pytest.approx(2 / 3)
    assert rule.loc["c1", "cohen_kappa"] == pytest.approx((0.6 - 0.52) / (1 - 0.52))
    assert math.isnan(rule.loc["c2", "precision"]) and math.isnan(rule.loc["c2", "recall"])   # never said, never coded
    assert rule.loc[OVERALL, ["judgements", "true_negative"]].tolist() == [6, 2]
    semantic = table[table["source"] == "semantic"].set_index("code_id")
    # only the units it judged: s1 (ana, ben) and s2 (ana), all coded and all suggested
    assert semantic.loc["c1", ["judgements", "precision", "recall"]].tolist() == [3, 1.0, 1.0]
    assert math.isnan(semantic.loc["c1", "cohen_kappa"])                                     # nothing varies
    assert source_trust(_frame([])).empty and source_trust(decisions[decisions["coder"] == "ana"]).empty


def test_semantic_suggestions_judge_exactly_the_coders_units():
    units = pd.DataFrame({"segment_id": ["s1", "s1", "s2"], "code_id": ["c1", "c2", "c1"]})
    suggestions = pd.DataFrame({"segment_id": ["s1", "s9"], "code_id": ["c2", "c1"], "source": ["semantic", "semantic"]})
    said = semantic_decisions(units, suggestions)
    assert list(zip(said["segment_id"], said["code_id"], said["decision"])) == [
        ("s1", "c1", "reject"), ("s1", "c2", "accept"), ("s2", "c1", "reject")]
    assert set(said["coder"]) == {"model:semantic"}
    rules_only = suggestions.assign(source="rule")
    assert semantic_decisions(units, rules_only).empty          # the stage never spoke: not judged at all


def test_agreement_per_respondent_differs_from_agreement_per_segment():
    segments = pd.DataFrame({"segment_id": ["s1", "s2", "s3", "s4"], "respondent_id": ["r1", "r1", "r2", ""]})
    decisions = _frame([
        # r1: each coder put the code on a different sentence of the same answer
        ("s1", "c", "ana", "accept"), ("s2", "c", "ana", "reject"),
        ("s1", "c", "ben", "reject"), ("s2", "c", "ben", "add"),
        # r2: they truly disagree
        ("s3", "c", "ana", "accept"), ("s3", "c", "ben", "reject"),
        # s4 has no respondent: left out of the respondent table
        ("s4", "c", "ana", "accept"), ("s4", "c", "ben", "accept"),
    ])
    per_segment = agreement_tables(decisions).agreement.set_index("code_id")
    assert per_segment.loc["c", "units"] == 4 and per_segment.loc["c", "percent_agreement"] == pytest.approx(0.25)
    result = respondent_agreement_tables(decisions, segments)
    per_respondent = result.agreement.set_index("code_id")
    assert per_respondent.loc["c", "units"] == 2 and per_respondent.loc["c", "percent_agreement"] == pytest.approx(0.5)
    assert per_respondent.loc[OVERALL, "present"] == 3
    assert list(result.disagreements["respondent_id"]) == ["r2"]
    empty = respondent_agreement_tables(_frame([]), segments)
    assert empty.agreement.empty and "respondent_id" in empty.disagreements.columns


def test_agreement_command_writes_trust_and_respondent_tables(store, tmp_path):
    from qualmine.coding.review.web_store import record_decision
    from qualmine.flows.cli.app import app
    from qualmine.outputs import read_table

    segments = store.segments()
    rules = store.suggestions(source="rule")
    code = "P-OPERATION-HOURS"
    suggested = set(rules.loc[rules["code_id"] == code, "segment_id"])
    # a respondent with one answer segment the rules coded `code` and one they did not
    answers = segments[~segments["is_interviewer"].astype(bool) & segments["respondent_id"].notna()]
    by_respondent = answers.groupby("respondent_id")["segment_id"].agg(list)
    pairs = [(next(s for s in ids if s in suggested), next(s for s in ids if s not in suggested))
             for ids in by_respondent if any(s in suggested for s in ids) and any(s not in suggested for s in ids)]
    hit, miss = pairs[0]
    record_decision(store, segment_id=hit, code_id=code, coder="ana", decision="accept")
    record_decision(store, segment_id=hit, code_id=code, coder="ben", decision="reject")
    record_decision(store, segment_id=miss, code_id=code, coder="ben", decision="add")
    out = tmp_path / "agreement"
    result = CliRunner().invoke(app, ["agreement", "--store", store.url.removeprefix("sqlite:///"), "--out", str(out)],
                                catch_exceptions=False, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "which source to trust" in result.output and "agreement per respondent" in result.output
    trust = read_table(out, "source_trust").set_index(["source", "code_id"])
    # judgements: (hit, ana) coded & suggested; (hit, ben) suggested, rejected; (miss, ben) added, not suggested
    row = trust.loc[("rule", code)]
    assert row[["judgements", "true_positive", "false_positive", "false_negative", "true_negative"]].tolist() == [3, 1, 1, 1, 0]
    assert row["precision"] == pytest.approx(0.5) and row["recall"] == pytest.approx(0.5)
    assert {s for s, _ in trust.index} == {"rule"}                 # no semantic suggestion, no model: not judged
    segment_level = read_table(out, "agreement").set_index(["comparison", "code_id"])
    assert segment_level.loc[("coders", code), "percent_agreement"] == 0.0     # ana and ben differ on `hit`
    respondent_level = read_table(out, "agreement_by_respondent").set_index(["comparison", "code_id"])
    assert respondent_level.loc[("coders", code), "percent_agreement"] == 1.0  # both coded the respondent
    assert respondent_level.loc[("coders", code), "units"] == 1
