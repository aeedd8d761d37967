"""Agreement statistics wired to scikit-learn / NLTK, checked against hand-computed examples."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qualmine.coding.review.agreement import OVERALL, agreement_tables, krippendorff_alpha, model_vs_coders

nan = np.nan


def test_krippendorff_published_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units,
    # nominal values with missing data; published alpha = 0.743. Unit 12 has one value only.
    table = pd.DataFrame({
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        "C": [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    })
    assert krippendorff_alpha(table) == pytest.approx(0.743, abs=5e-4)
    assert math.isnan(krippendorff_alpha(pd.DataFrame({"A": [1, 1], "B": [1, 1]})))   # no variation


def _two_coders():
    # 10 segments, code c1. ana: present on s0-s4; bo: present on s0-s2 and s9.
    # By hand: p_o = 7/10; p_e = .5*.4 + .5*.6 = .5; kappa = (.7 - .5)/(1 - .5) = 0.4.
    # alpha (binary): n = 20 values, 9 present / 11 absent; 3 disagreeing units -> 6 off-diagonal
    # coincidences; alpha = 1 - (n - 1) * 6 / (2 * 9 * 11) = 1 - 114/198 = 0.42424...
    ana = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    bo = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1]
    rows = []
    for coder, values in (("ana", ana), ("bo", bo)):
        rows += [(f"s{i}", "c1", coder, "accept" if v else "reject", "2024-05-01") for i, v in enumerate(values)]
    return pd.DataFrame(rows, columns=["segment_id", "code_id", "coder", "decision", "decided_at"])


def test_two_coder_kappa_and_alpha_by_hand():
    result = agreement_tables(_two_coders())
    row = result.agreement.set_index("code_id").loc["c1"]
    assert row["comparison"] == "coders" and row["coders"] == "ana, bo"
    assert row["units"] == 10 and row["present"] == 9
    assert row["percent_agreement"] == pytest.approx(0.7)
    assert row["cohen_kappa"] == pytest.approx(0.4)
    assert row["krippendorff_alpha"] == pytest.approx(1 - 114 / 198)


def test_latest_decision_counts_and_disagreement_table():
    decisions = _two_coders()
    # bo changes their mind on s9 later: now everyone agrees there
    decisions.loc[len(decisions)] = ["s9", "c1", "bo", "reject", "2024-06-01"]
    decisions.loc[len(decisions)] = ["s3", "c2", "ana", "add", "2024-05-01"]
    decisions.loc[len(decisions)] = ["s3", "c2", "bo", "reject", "2024-05-01"]
    result = agreement_tables(decisions)
    table = result.agreement.set_index("code_id")
    assert table.loc["c1", "percent_agreement"] == pytest.approx(0.8)
    assert table.loc[OVERALL, "units"] == 11
    assert table.loc["c2", "cohen_kappa"] == 0.0      # one unit, 1 vs 0: p_o = 0, p_e = 1*0 + 0*1 = 0
    dis = result.disagreements
    assert list(dis.columns) == ["segment_id", "code_id", "ana", "bo", "humans_disagree"]
    assert set(zip(dis["segment_id"], dis["code_id"])) == {("s3", "c1"), ("s4", "c1"), ("s3", "c2")}
    assert dis.set_index(["segment_id", "code_id"]).loc[("s3", "c2"), "ana"] == "add"


def test_three_coders_with_missing_values_have_alpha_but_no_kappa():
    rows = [("u1", "c", "a", "accept"), ("u1", "c", "b", "accept"), ("u1", "c", "c", "accept"),
            ("u2", "c", "a", "reject"), ("u2", "c", "b", "reject"),
            ("u3", "c", "a", "accept"), ("u3", "c", "c", "reject"),
            ("u4", "c", "b", "reject"), ("u4", "c", "c", "reject"),
            ("u5", "c", "a", "accept")]                        # one value: not pairable
    row = agreement_tables(pd.DataFrame(rows, columns=["segment_id", "code_id", "coder", "decision"])) \
        .agreement.set_index("code_id").loc["c"]
    assert row["units"] == 4 and math.isnan(row["cohen_kappa"])
    assert row["percent_agreement"] == pytest.approx(3 / 4)
    # by hand: values 1,1,1 | 0,0 | 1,0 | 0,0 -> n = 9 (4 present, 5 absent); the only
    # disagreeing unit (m = 2) gives 2 off-diagonal coincidences; alpha = 1 - 8 * 2 / (2 * 4 * 5) = 0.6
    assert row["krippendorff_alpha"] == pytest.approx(0.6)


def test_implicit_absent_counts_unmarked_codes_on_reviewed_segments():
    rows = [("s1", "c1", "ana", "accept"), ("s1", "c2", "bo", "add"), ("s2", "c1", "bo", "accept")]
    frame = pd.DataFrame(rows, columns=["segment_id", "code_id", "coder", "decision"])
    assert agreement_tables(frame).agreement.empty or \
        (agreement_tables(frame).agreement["units"] == 0).all()
    result = agreement_tables(frame, implicit_absent=True)
    table = result.agreement.set_index("code_id")
    assert table.loc[OVERALL, "units"] == 2                 # s1/c1 and s1/c2; ana never saw s2
    assert table.loc[OVERALL, "percent_agreement"] == 0.0
    said = result.disagreements.set_index(["segment_id", "code_id"])
    assert said.loc[("s1", "c1"), "bo"] == "absent (not marked)"


def test_machine_coders_are_compared_with_each_human_not_pooled():
    decisions = _two_coders()
    machine = decisions[decisions["coder"] == "ana"].assign(coder="model:rules")
    result = agreement_tables(pd.concat([decisions, machine], ignore_index=True))
    table = result.agreement.set_index(["comparison", "code_id"])
    assert table.loc[("coders", "c1"), "coders"] == "ana, bo"
    assert table.loc[("model:rules vs ana", "c1"), "cohen_kappa"] == pytest.approx(1.0)
    assert table.loc[("model:rules vs bo", "c1"), "cohen_kappa"] == pytest.approx(0.4)


def test_model_vs_coders_thresholds_scores():
    decisions = _two_coders()
    # the model's probabilities: above 0.5 exactly where ana said present, except s4
    scores = pd.DataFrame({"c1": [0.9, 0.8, 0.7, 0.6, 0.4, 0.1, 0.2, 0.3, 0.1, 0.2],
                           "unknown_to_coders": 0.9}, index=[f"s{i}" for i in range(10)])
    result = model_vs_coders(decisions, scores, threshold=0.5)
    table = result.agreement.set_index(["comparison", "code_id"])
    assert list(table.index.get_level_values(0).unique()) == ["model:suggester vs ana", "model:suggester vs bo"]
    assert table.loc[("model:suggester vs ana", "c1"), "percent_agreement"] == pytest.approx(0.9)
    # a lower threshold flips s4 to present: perfect agreement with ana
    lower = model_vs_coders(decisions, scores, threshold=0.35).agreement.set_index(["comparison", "code_id"])
    assert lower.loc[("model:suggester vs ana", "c1"), "cohen_kappa"] == pytest.approx(1.0)
    dis = result.disagreements
    assert "model:suggester score" in dis.columns
    assert ("s4", "c1") in set(zip(dis["segment_id"], dis["code_id"]))
    # long form: only scored segments count; a missing (segment, code) row is score 0
    long = pd.DataFrame({"segment_id": ["s0", "s1", "s5"], "code_id": ["c1", "c1", "other"], "score": [0.9, 0.8, 0.9]})
    table = model_vs_coders(decisions, long, threshold=0.5).agreement.set_index(["comparison", "code_id"])
    assert table.loc[("model:suggester vs bo", "c1"), "units"] == 3
    with pytest.raises(ValueError, match="threshold must be a float"):
        model_vs_coders(decisions, scores, threshold=0)
