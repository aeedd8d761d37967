"""coding.tables: the respondent shares of code_frequency and every quote column of a chain."""
from __future__ import annotations

import textwrap

import pandas as pd

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.tables import ALL, chains, code_frequency

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


def test_every_quote_column_of_a_chain_is_filled_in_rank_order():
    [row] = chains(BOOK, APPS, SEGMENTS).to_dict("records")
    assert [row[f"quote_{i}"] for i in (1, 2, 3)] == ["开放时间太短", "晚上不开门", "周末也关门"]
    assert [row[f"quote_{i}_respondent"] for i in (1, 2, 3)] == ["A", "B", "C"]
