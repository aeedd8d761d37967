"""Respondent groups: natural order, Holm's correction, the group test, names from the manifest."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from qualmine.corpus.errors import CorpusError
from qualmine.corpus.manifest import load_manifest
from qualmine.outputs.report.groups import attribute_settings, group_differences, guess_order, holm, ordered


def test_numeric_ranges_sort_by_their_lower_bound_and_text_keeps_its_order():
    assert guess_order(["1-5", "5-10", "<1", ">10"]) == ["<1", "1-5", "5-10", ">10"]
    assert guess_order(["60+", "18-29", "30-44", "45-59"]) == ["18-29", "30-44", "45-59", "60+"]
    assert guess_order(["3年以下", "10年以上", "3-10年"]) == ["3年以下", "3-10年", "10年以上"]
    assert guess_order(["居民", "工作人员"]) == ["居民", "工作人员"]
    assert ordered(["非本地", "本地", "其他"], ["本地", "非本地"]) == ["本地", "非本地", "其他"]


def test_holm_adjusts_step_down_and_keeps_the_order():
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    out = holm([0.2, float("nan")])
    assert out[0] == pytest.approx(0.2) and math.isnan(out[1])


def test_only_a_difference_that_survives_the_correction_is_flagged():
    rows = []
    for code, raised in (("BIG", [2, 30]), ("SMALL", [3, 5]), ("NONE", [0, 0])):
        for value, n, r in zip(["a", "b"], [40, 40], raised):
            rows.append({"code_id": code, "attribute": "g", "value": value, "respondents": r, "respondents_in_group": n})
    tests = group_differences(pd.DataFrame(rows), "g", rolled_up=False).set_index("code_id")
    assert tests.loc["BIG", "differs"] and not tests.loc["SMALL", "differs"] and not tests.loc["NONE", "differs"]
    assert tests.loc["SMALL", "p_holm"] >= tests.loc["SMALL", "p_value"]


def test_attribute_names_and_orders_come_from_the_manifest(tmp_path):
    (tmp_path / "manifest.yaml").write_text(
        "attributes:\n  hukou: {label: 户籍, order: [本地, 非本地]}\n  year: {order: [2019, 2020]}\nfiles: []\n",
        encoding="utf-8")
    labels, orders, note = attribute_settings(tmp_path)
    assert labels == {"hukou": "户籍"} and orders == {"hukou": ["本地", "非本地"], "year": ["2019", "2020"]}
    assert note == "" and attribute_settings(tmp_path / "nowhere") == ({}, {}, "")
    (tmp_path / "manifest.yaml").write_text("attributes:\n  hukou: {lable: 户籍}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"line 2: .*attributes\.hukou.*unknown field 'lable' \(allowed: label, order\)"):
        load_manifest(tmp_path / "manifest.yaml")
    assert "could not be read" in attribute_settings(tmp_path)[2]
