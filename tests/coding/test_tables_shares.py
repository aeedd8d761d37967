"""coding.tables: breakdown attributes, respondent shares, own vs family counts, every quote column."""
from __future__ import annotations

import textwrap

import pandas as pd

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.tables import ALL, breakdown_attributes, chains, code_frequency

BOOK = parse_codebook(textwrap.dedent("""\
    name: t
    codes:
      - {id: P-HOURS, kind: problem, label: {zh: 开放时间}}
    """))
SEGMENTS = pd.DataFrame({"segment_id": ["s1", "s2", "s3"], "respondent_id": ["A", "B", "C"],
                         "text": ["开放时间太短", "晚上不开门", "周末也关门"]})
RESPONDENTS = pd.DataFrame({"respondent_id": ["A", "B", "C", "D", "E", "F"], "role": ["居民"] * 5 + ["工作人员"]})
APPS = pd.DataFrame({"segment_id": ["s1", "s2", "s3"], "code_id": ["P-HOURS"] * 3, "score": [0.9, 0.8, 0.7]})


def test_respondent_share_is_respondents_over_the_group():
    freq = code_frequency(BOOK, APPS, SEGMENTS, RESPONDENTS).set_index(["attribute", "value"])
    assert freq.loc[(ALL, ALL), ["respondents", "respondents_in_group", "respondent_share"]].tolist() == [3, 6, 0.5]
    assert freq.loc[("role", "居民"), "respondent_share"] == 0.6
    assert freq.loc[("role", "居民"), "respondent_share_incl_children"] == 0.6
    assert freq.loc[("role", "工作人员"), "respondent_share"] == 0.0
    one = code_frequency(BOOK, APPS.iloc[:1], SEGMENTS, RESPONDENTS).set_index(["attribute", "value"])
    assert one.loc[(ALL, ALL), ["respondent_share", "respondent_share_incl_children"]].tolist() == [0.1667, 0.1667]
    # nobody in the group: a share of 0, not a division by zero
    nobody = code_frequency(BOOK, APPS.iloc[0:0], SEGMENTS, RESPONDENTS.iloc[0:0])
    assert nobody[["respondents_in_group", "respondent_share", "respondent_share_incl_children"]].values.tolist() == [
        [0, 0.0, 0.0]]


def test_every_quote_column_of_a_chain_is_filled_in_rank_order():
    [row] = chains(BOOK, APPS, SEGMENTS).to_dict("records")
    assert [row[f"quote_{i}"] for i in (1, 2, 3)] == ["开放时间太短", "晚上不开门", "周末也关门"]
    assert [row[f"quote_{i}_respondent"] for i in (1, 2, 3)] == ["A", "B", "C"]
    assert row["problem_label"] == "开放时间" and (row["cause_id"], row["recommendation_id"]) == ("", "")
    gaps = ["cause_segments", "cause_respondents", "recommendation_segments", "recommendation_respondents",
            "problem_and_cause_respondents"]
    assert [row[c] for c in gaps] == [0] * 5          # no cause, no recommendation: zero support, not one


def test_labels_prefer_chinese_then_english_then_the_id():
    book = parse_codebook(textwrap.dedent("""\
        name: t
        codes:
          - {id: P-BOTH, kind: problem, label: {zh: 开放时间, en: Opening hours}, causes: [C-EN]}
          - {id: C-EN, kind: cause, label: {en: Staff}}
        """))
    [row] = chains(book, APPS.iloc[0:0], SEGMENTS).to_dict("records")
    assert (row["problem_label"], row["cause_label"]) == ("开放时间", "Staff")


def test_breakdown_attributes_edges():
    shared = ["x", "y"] * 30
    frame = pd.DataFrame({
        "respondent_id": [f"r{i}" for i in range(60)],
        "age_group": ["18-34", "35-64"] * 30,            # sorts before 'respondent_id': still an attribute
        "one_value": ["all"] * 60,                       # one shared value: a (trivial) breakdown
        "empty": [""] * 60,                              # no value at all: none
        "thirty": [f"v{i % 30}" for i in range(60)],     # exactly MAX_ATTRIBUTE_VALUES values, each shared
        "thirty_one": [f"v{i % 31}" for i in range(60)],  # one more: free text, not a breakdown
        "pairs": shared,
    })
    assert breakdown_attributes(frame) == ["age_group", "one_value", "thirty", "pairs"]
    # a value per respondent groups nobody, except in tiny corpora (fewer than 4 answers)
    distinct = lambda n: pd.DataFrame({"respondent_id": range(n), "name": [f"n{i}" for i in range(n)]})
    assert breakdown_attributes(distinct(3)) == ["name"]
    assert breakdown_attributes(distinct(4)) == [] and breakdown_attributes(distinct(5)) == []
    # the id column is never an attribute, whatever object its name is (here built at run time, as a
    # name read from a file is: `is` would not recognise it)
    ids = pd.DataFrame({"".join(["respondent", "_id"]): ["a", "b", "c"], "x": ["1", "1", "2"]})
    assert breakdown_attributes(ids) == ["x"]


def test_an_empty_attribute_value_is_no_group_and_a_child_is_not_its_parents_own_code():
    book = parse_codebook(textwrap.dedent("""\
        name: t
        codes:
          - {id: P-OP, kind: problem, label: {en: op}}
          - {id: P-EVENING, kind: problem, parent: P-OP, label: {en: evening}}
        """))
    respondents = RESPONDENTS.assign(role=["居民", "居民", "", "居民", "工作人员", "工作人员"])
    apps = APPS.assign(code_id="P-EVENING")      # only the child (its id sorts before the parent's) is applied
    freq = code_frequency(book, apps, SEGMENTS, respondents)
    assert "" not in set(freq["value"])
    parent = freq[(freq.code_id == "P-OP") & (freq.attribute == ALL)].iloc[0]
    assert (parent.segments, parent.segments_incl_children) == (0, 3)


def test_build_tables_returns_every_table_frozen_and_labels_and_parents_as_text():
    import dataclasses

    import pytest

    from qualmine.coding.tables import build_tables

    book = parse_codebook(textwrap.dedent("""\
        name: t
        codes:
          - {id: P-OP, kind: problem, label: {zh: 运营}}
          - {id: P-EVENING, kind: problem, parent: P-OP, label: {en: evening}}
        """))
    tables = build_tables(book, pd.DataFrame(), SEGMENTS, RESPONDENTS, APPS.assign(code_id="P-EVENING"), pd.DataFrame())
    assert [name for name, _ in tables.items()] == ["documents", "respondents", "segments", "code_applications",
                                                    "code_frequency", "chains", "ingestion_report"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        tables.chains = pd.DataFrame()
    overall = tables.code_frequency[tables.code_frequency.attribute == ALL].set_index("code_id")
    assert overall.loc["P-OP", ["label_zh", "label_en", "parent"]].tolist() == ["运营", "", ""]
    assert overall.loc["P-EVENING", ["label_zh", "label_en", "parent"]].tolist() == ["", "evening", "P-OP"]
