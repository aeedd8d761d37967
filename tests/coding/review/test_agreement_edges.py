"""coding/review/agreement.py at its edges: the model's threshold, units too thin to pair, codes
without variation, machines kept apart, and which units are listed for adjudication. The
hand-computed statistics are tests/coding/suggest/test_agreement.py."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from qualmine.coding.review.agreement import (
    AGREEMENT_COLUMNS, OVERALL, agreement_tables, model_decisions, model_vs_coders, respondent_agreement_tables,
)


def decisions(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["segment_id", "code_id", "coder", "decision"])


def by_code(result) -> pd.DataFrame:
    return result.agreement.set_index(["comparison", "code_id"])


def test_a_score_at_the_threshold_is_accepted_and_the_threshold_lies_in_0_to_1():
    scores = pd.DataFrame({"segment_id": ["s1", "s2", "s3"], "code_id": "c", "score": [0.5, 0.4999, 1.0]})
    made = model_decisions(scores, threshold=0.5)
    assert made["decision"].tolist() == ["accept", "reject", "accept"]
    assert set(made["coder"]) == {"model:suggester"}
    assert model_decisions(scores, threshold=1.0)["decision"].tolist() == ["reject", "reject", "accept"]
    for bad in (0.0, -0.1, 1.0001):
        with pytest.raises(ValueError, match="threshold must be a float"):
            model_decisions(scores, threshold=bad)
    with pytest.raises(ValueError, match="start with 'model:'"):
        model_decisions(scores, threshold=0.5, model="suggester")


def test_units_limit_the_models_decisions_to_scored_pairs():
    wide = pd.DataFrame({"c": [0.9, 0.1], "d": [0.2, 0.8]}, index=["s1", "s2"])
    units = pd.DataFrame({"segment_id": ["s1", "s2", "s9"], "code_id": ["c", "d", "c"]})
    made = model_decisions(wide, threshold=0.5, units=units)
    assert sorted(zip(made.segment_id, made.code_id, made.decision)) == [("s1", "c", "accept"), ("s2", "d", "accept")]


def test_nothing_decided_gives_empty_tables_with_their_columns():
    result = agreement_tables(decisions([]))
    assert list(result.agreement.columns) == list(AGREEMENT_COLUMNS) and result.agreement.empty
    assert list(result.disagreements.columns) == ["segment_id", "code_id"]


def test_a_code_only_one_coder_decided_has_no_row_but_overall_has():
    result = agreement_tables(decisions([("s1", "c", "ana", "accept"), ("s1", "c", "bo", "accept"),
                                         ("s1", "d", "ana", "accept")]))
    table = by_code(result)
    assert list(table.index) == [("coders", "c"), ("coders", OVERALL)]
    assert table.loc[("coders", OVERALL), "units"] == 1 and table.loc[("coders", OVERALL), "present"] == 2


def test_no_pairable_unit_still_reports_overall_with_no_statistics():
    table = by_code(agreement_tables(decisions([("s1", "c", "ana", "accept"), ("s2", "c", "bo", "reject")])))
    overall = table.loc[("coders", OVERALL)]
    assert overall["units"] == 0 and overall["present"] == 0
    assert all(math.isnan(overall[k]) for k in ("percent_agreement", "cohen_kappa", "krippendorff_alpha"))


def test_without_variation_agreement_is_total_but_kappa_and_alpha_are_undefined():
    rows = [(f"s{i}", "c", coder, "accept") for i in range(3) for coder in ("ana", "bo")]
    row = by_code(agreement_tables(decisions(rows))).loc[("coders", "c")]
    assert row["percent_agreement"] == 1.0 and row["present"] == 6
    assert math.isnan(row["cohen_kappa"]) and math.isnan(row["krippendorff_alpha"])


def test_one_coder_constant_and_the_other_varying_gives_kappa_zero():
    rows = [("s1", "c", "ana", "accept"), ("s2", "c", "ana", "accept"),
            ("s1", "c", "bo", "accept"), ("s2", "c", "bo", "reject")]
    row = by_code(agreement_tables(decisions(rows))).loc[("coders", "c")]
    assert row["percent_agreement"] == 0.5 and row["cohen_kappa"] == 0.0   # p_o = p_e = 1/2


def test_kappa_uses_only_units_both_coders_decided():
    rows = [("s1", "c", "ana", "accept"), ("s1", "c", "bo", "accept"),
            ("s2", "c", "ana", "reject"), ("s2", "c", "bo", "reject"),
            ("s3", "c", "ana", "accept")]                                  # bo never saw s3
    row = by_code(agreement_tables(decisions(rows))).loc[("coders", "c")]
    assert (row["units"], row["present"], row["cohen_kappa"]) == (2, 2, 1.0)


def test_one_human_and_a_machine_give_only_the_machines_comparison():
    rows = [("s1", "c", "ana", "accept"), ("s2", "c", "ana", "reject"),
            ("s1", "c", "model:rules", "accept"), ("s2", "c", "model:rules", "accept")]
    result = agreement_tables(decisions(rows))
    assert set(result.agreement["comparison"]) == {"model:rules vs ana"}
    assert by_code(result).loc[("model:rules vs ana", "c"), "percent_agreement"] == 0.5
    [only] = result.disagreements.to_dict("records")
    assert (only["segment_id"], only["ana"], only["model:rules"], only["humans_disagree"]) == \
        ("s2", "reject", "accept", False)
    humans_only = agreement_tables(decisions(rows), include_models=False)
    assert humans_only.agreement.empty
    assert "model:rules" not in humans_only.disagreements.columns


def test_humans_disagree_marks_units_where_people_differ_not_only_the_machine():
    rows = [("s1", "c", "ana", "accept"), ("s1", "c", "bo", "reject"), ("s1", "c", "model:m", "accept"),
            ("s2", "c", "ana", "accept"), ("s2", "c", "bo", "accept"), ("s2", "c", "model:m", "reject"),
            ("s3", "c", "ana", "accept"), ("s3", "c", "bo", "add"), ("s3", "c", "model:m", "accept")]
    dis = agreement_tables(decisions(rows)).disagreements.set_index("segment_id")
    assert dis["humans_disagree"].to_dict() == {"s1": True, "s2": False}     # accept and add agree on s3


def test_model_vs_coders_lists_only_units_where_the_model_and_a_coder_differ():
    rows = [("s1", "c", "ana", "accept"), ("s1", "c", "bo", "reject"),
            ("s2", "c", "ana", "reject"), ("s2", "c", "bo", "reject"),
            ("s3", "c", "ana", "add"),
            ("s3", "c", "model:old", "reject")]                 # a machine in the decisions is ignored
    scores = pd.DataFrame({"c": [0.7, 0.2, 0.6]}, index=["s1", "s2", "s3"])
    result = model_vs_coders(decisions(rows), scores, threshold=0.6)
    assert not result.agreement["comparison"].str.contains("model:old").any()
    dis = result.disagreements
    assert dis[["segment_id", "model:suggester", "model:suggester score"]].values.tolist() == [["s1", "accept", 0.7]]
    table = by_code(result)
    assert table.loc[("model:suggester vs ana", "c"), "units"] == 3
    assert table.loc[("model:suggester vs ana", "c"), "percent_agreement"] == 1.0
    assert table.loc[("model:suggester vs bo", "c"), "units"] == 2


def test_model_vs_coders_keeps_to_the_codes_asked_for_and_scored_segments():
    rows = [("s1", "c", "ana", "accept"), ("s1", "d", "ana", "reject"), ("s9", "c", "ana", "accept")]
    scores = pd.DataFrame({"c": [0.9], "d": [0.9]}, index=["s1"])
    table = by_code(model_vs_coders(decisions(rows), scores, code_ids=["d"]))
    assert list(table.index) == [("model:suggester vs ana", "d"), ("model:suggester vs ana", OVERALL)]
    assert table.loc[("model:suggester vs ana", OVERALL), "units"] == 1
    nothing = model_vs_coders(decisions(rows), scores, code_ids=["zzz"])
    assert nothing.agreement.empty and list(nothing.agreement.columns) == list(AGREEMENT_COLUMNS)


def test_model_vs_coders_lists_a_unit_one_coder_decided_against_the_model():
    rows = [("s1", "c", "ana", "accept"), ("s2", "c", "ana", "reject"), ("s2", "c", "bo", "accept"),
            ("s3", "c", "ana", "accept"), ("s4", "c", "bo", "reject"), ("s5", "c", "ana", "reject")]
    scores = pd.DataFrame({"c": [0.1, 0.9, 0.9, 0.2, 0.9]}, index=["s1", "s2", "s3", "s4", "s5"])
    result = model_vs_coders(decisions(rows), scores)
    dis = result.disagreements
    assert dis[["segment_id", "ana", "bo", "model:suggester"]].values.tolist() == [
        ["s1", "accept", "", "reject"], ["s2", "reject", "accept", "accept"], ["s5", "reject", "", "accept"]]
    assert dis["humans_disagree"].tolist() == [False, True, False]
    assert list(dis.columns) == ["segment_id", "code_id", "ana", "bo", "model:suggester", "humans_disagree",
                                 "model:suggester score"]
    assert list(result.agreement.columns) == list(AGREEMENT_COLUMNS)


def test_model_vs_coders_counts_only_marked_units_unless_asked():
    rows = [("s1", "c", "ana", "accept"), ("s1", "d", "bo", "accept")]      # bo saw s1 but never marked c
    scores = pd.DataFrame({"c": [0.9], "d": [0.9]}, index=["s1"])
    plain = by_code(model_vs_coders(decisions(rows), scores))
    assert plain.loc[("model:suggester vs bo", OVERALL), "units"] == 1
    implicit = by_code(model_vs_coders(decisions(rows), scores, implicit_absent=True))
    assert implicit.loc[("model:suggester vs bo", OVERALL), "units"] == 2


def test_the_code_rows_keep_only_codes_with_pairable_units_and_overall_last():
    rows = [("s1", "a", "ana", "accept"), ("s1", "a", "bo", "reject"), ("s2", "b", "ana", "accept"),
            ("s3", "c", "ana", "reject"), ("s3", "c", "bo", "reject")]
    table = agreement_tables(decisions(rows)).agreement
    assert table["code_id"].tolist() == ["a", "c", OVERALL]
    assert table.set_index("code_id").loc["a", "percent_agreement"] == 0.0
    assert table.set_index("code_id").loc[OVERALL, "present"] == 1


def test_units_nobody_in_the_comparison_decided_are_not_listed():
    rows = [("s1", "c", "ana", "accept"), ("s1", "c", "bo", "accept"),
            ("s2", "c", "model:a", "accept"), ("s2", "c", "model:b", "reject")]
    assert agreement_tables(decisions(rows), include_models=False).disagreements.empty
    dis = agreement_tables(decisions(rows)).disagreements
    assert dis["segment_id"].tolist() == ["s2"] and dis["humans_disagree"].tolist() == [False]


def test_three_coders_never_get_a_kappa_even_when_they_vary():
    rows = [(u, "c", coder, d) for u, ds in (("u1", "aar"), ("u2", "rra")) for coder, d in zip("xyz", ds)]
    rows = [(u, c, coder, "accept" if d == "a" else "reject") for u, c, coder, d in rows]
    row = by_code(agreement_tables(decisions(rows))).loc[("coders", "c")]
    assert math.isnan(row["cohen_kappa"]) and row["units"] == 2


def test_long_scores_may_carry_more_columns():
    rows = [("s1", "c", "ana", "accept"), ("s2", "c", "ana", "reject")]
    scores = pd.DataFrame({"segment_id": ["s1", "s2"], "code_id": "c", "score": [0.9, 0.1], "model": "m1"})
    table = by_code(model_vs_coders(decisions(rows), scores))
    assert table.loc[("model:suggester vs ana", "c"), "percent_agreement"] == 1.0


def test_options_are_keywords_only_and_the_result_is_immutable():
    import dataclasses

    rows = decisions([("s1", "c", "ana", "accept"), ("s1", "c", "bo", "reject")])
    scores = pd.DataFrame({"c": [0.9]}, index=["s1"])
    segments = pd.DataFrame({"segment_id": ["s1"], "respondent_id": ["r1"]})
    for call in (lambda: agreement_tables(rows, True), lambda: model_decisions(scores, 0.5),
                 lambda: model_vs_coders(rows, scores, 0.5), lambda: respondent_agreement_tables(rows, segments, True)):
        with pytest.raises(TypeError):
            call()
    result = agreement_tables(rows)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.agreement = None
    assert list(result.agreement.columns) == list(AGREEMENT_COLUMNS)
    assert list(result.agreement.index) == list(range(len(result.agreement)))


def test_a_long_score_missing_for_a_scored_segment_is_zero():
    long = pd.DataFrame({"segment_id": ["s1", "s2"], "code_id": ["c", "d"], "score": [0.9, 0.8]})
    made = model_decisions(long, threshold=0.5).set_index(["segment_id", "code_id"])
    assert made.loc[("s1", "d"), "score"] == 0.0 and made.loc[("s1", "d"), "decision"] == "reject"


def test_model_vs_coders_reads_each_coders_latest_decision_and_no_implicit_absence_by_default():
    rows = pd.DataFrame([("s1", "c", "ana", "reject", "2024-01-01"), ("s1", "c", "ana", "accept", "2024-02-01"),
                         ("s2", "d", "ana", "accept", "2024-01-01")],
                        columns=["segment_id", "code_id", "coder", "decision", "decided_at"])
    scores = pd.DataFrame({"c": [0.9, 0.9], "d": [0.1, 0.9]}, index=["s1", "s2"])
    result = model_vs_coders(rows, scores)
    table = by_code(result)
    assert table.loc[("model:suggester vs ana", OVERALL), "units"] == 2        # s1/d is no unit: nobody marked it
    assert table.loc[("model:suggester vs ana", OVERALL), "percent_agreement"] == 1.0
    assert list(result.agreement.index) == list(range(len(result.agreement)))
    assert result.disagreements.empty


def test_a_code_without_pairable_units_is_dropped_whatever_its_id_sorts_before():
    # '#1' sorts before '(overall)': only the overall row is kept without pairable units
    rows = [("s1", "c", "ana", "accept"), ("s1", "c", "bo", "reject"), ("s2", "#1", "ana", "accept")]
    assert list(by_code(agreement_tables(decisions(rows))).index) == [("coders", "c"), ("coders", OVERALL)]


def test_alpha_ignores_a_unit_only_one_coder_valued():
    from qualmine.coding.review.agreement import krippendorff_alpha

    # the pairable units agree throughout: no variation, alpha undefined, whatever ben said alone on u3
    table = pd.DataFrame({"ana": [1, 1, float("nan")], "ben": [1, 1, 0]}, index=["u1", "u2", "u3"])
    assert math.isnan(krippendorff_alpha(table))


def test_model_vs_coders_on_no_decisions_gives_empty_tables():
    # Bug: with no rows the coder filter was an empty object Series, which [] read as column labels.
    scores = pd.DataFrame({"c": [0.9]}, index=["s1"])
    result = model_vs_coders(decisions([]), scores)
    assert result.agreement.empty and list(result.agreement.columns) == list(AGREEMENT_COLUMNS)
    assert result.disagreements.empty


def test_per_respondent_by_default_machines_are_compared_and_nothing_is_implicitly_absent():
    segments = pd.DataFrame({"segment_id": ["s1", "s2"], "respondent_id": ["r1", "r1"]})
    rows = decisions([("s1", "c", "ana", "accept"), ("s1", "c", "bo", "reject"), ("s1", "d", "ana", "add"),
                      ("s2", "c", "model:rules", "accept")])
    result = respondent_agreement_tables(decisions=rows, segments=segments)
    table = by_code(result)
    # r1/d: only ana marked it; bo and the rules reviewed r1 but are not counted absent on d
    assert list(table.index) == [("coders", "c"), ("coders", OVERALL),
                                 ("model:rules vs ana", "c"), ("model:rules vs ana", OVERALL),
                                 ("model:rules vs bo", "c"), ("model:rules vs bo", OVERALL)]
    assert table.loc[("model:rules vs ana", "c"), "percent_agreement"] == 1.0     # the rules' s2 is r1's too
    assert table.loc[("model:rules vs bo", "c"), "percent_agreement"] == 0.0
    assert result.disagreements.values.tolist() == [["r1", "c", "accept", "reject", "accept", True]]


def test_per_respondent_each_coders_latest_decision_per_segment_counts():
    segments = pd.DataFrame({"segment_id": ["s1", "s2"], "respondent_id": ["r1", "r2"]})
    rows = pd.DataFrame([("s1", "c", "ana", "reject", "2024-02-01"), ("s1", "c", "ana", "accept", "2024-01-01"),
                         ("s1", "c", "bo", "reject", "2024-01-01"),
                         ("s2", "c", "ana", "add", "2024-01-01"),
                         ("s2", "c", "bo", "add", "2024-01-01"), ("s2", "c", "bo", "retract", "2024-03-01")],
                        columns=["segment_id", "code_id", "coder", "decision", "decided_at"])
    table = by_code(respondent_agreement_tables(rows, segments))
    # r1: ana took her accept back (reject is later): both absent; r2: bo retracted, ana alone is no unit
    assert table.loc[("coders", "c"), ["units", "present", "percent_agreement"]].tolist() == [1, 0, 1.0]


def test_respondent_ids_written_alike_are_one_respondent():
    # Bug: 1 and "1" were two groups folded into one unit "1", where ana's later row (absent) hid her accept
    segments = pd.DataFrame({"segment_id": ["s1", "s2"], "respondent_id": pd.Series([1, "1"], dtype=object)})
    rows = decisions([("s1", "c", "ana", "accept"), ("s2", "c", "ana", "reject"),
                      ("s1", "c", "bo", "reject"), ("s2", "c", "bo", "reject")])
    result = respondent_agreement_tables(rows, segments)
    assert by_code(result).loc[("coders", "c"), ["units", "present", "percent_agreement"]].tolist() == [1, 1, 0.0]
    assert result.disagreements[["respondent_id", "ana", "bo"]].values.tolist() == [["1", "accept", "reject"]]


def _timed(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["segment_id", "code_id", "coder", "decision", "decided_at"])


def test_a_coder_with_nothing_the_model_scored_gets_no_comparison_row():
    # bo only coded e, a code the model does not score: there is nothing to compare bo with
    dec = _timed([("s0", "c", "cy", "accept", "2024-01-03"), ("s0", "e", "bo", "accept", "2024-01-05"),
                  ("s0", "c", "ana", "retract", "2024-01-04")])
    scores = pd.DataFrame({"c": [0.51], "d": [0.91]}, index=["s0"])
    result = model_vs_coders(dec, scores)
    assert set(result.agreement["comparison"]) == {"model:suggester vs cy"}
    assert "bo" not in result.disagreements.columns and "ana" not in result.disagreements.columns


def test_a_retracted_decision_leaves_the_model_nothing_to_compare():
    # cy's code is not scored and bo took back their only decision: no unit, the empty result
    dec = _timed([("s0", "e", "cy", "accept", "2024-01-09"), ("s0", "d", "bo", "retract", "2024-01-05")])
    scores = pd.DataFrame({"c": [0.91, 0.2], "d": [0.26, 0.47]}, index=["s0", "s1"])
    result = model_vs_coders(dec, scores)
    assert result.agreement.empty
    assert list(result.disagreements.columns) == ["segment_id", "code_id"] and result.disagreements.empty


def test_codes_come_in_code_order_then_overall_whatever_order_they_were_decided_in():
    dec = _timed([("s1", "c", "bo", "reject", "2024-01-06"), ("s0", "e", "bo", "add", "2024-01-05"),
                  ("s0", "d", "ana", "add", "2024-01-04"), ("s1", "c", "ana", "reject", "2024-01-07")])
    result = agreement_tables(dec, implicit_absent=True)
    assert result.agreement["code_id"].tolist() == ["c", "d", "e", OVERALL]
