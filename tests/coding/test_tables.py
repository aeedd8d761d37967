"""Linked tables on a small hand-checked case."""
from __future__ import annotations

import textwrap

import pandas as pd

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.tables import ALL, chain_paths, chains, code_frequency, exemplar_quotes

BOOK = parse_codebook(textwrap.dedent("""\
    name: t
    codes:
      - {id: P-HOURS, kind: problem, label: {zh: 开放时间}, causes: [C-STAFF, C-MONEY], recommendations: [R-EXTEND]}
      - {id: P-LONELY, kind: problem, label: {en: Loneliness}}
      - {id: C-STAFF, kind: cause, label: {zh: 人手不足}, recommendations: [R-HIRE]}
      - {id: C-MONEY, kind: cause, label: {zh: 经费不足}}
      - {id: R-HIRE, kind: recommendation, label: {zh: 增加人手}}
      - {id: R-EXTEND, kind: recommendation, label: {zh: 延长时间}}
    """))

SEGMENTS = pd.DataFrame({
    "segment_id": ["s1", "s2", "s3", "s4", "s5"],
    "respondent_id": ["A", "A", "B", "C", "C"],
    "text": ["开放时间太短了，下班后去不了", "人手不够", "晚上不开门很不方便", "工作人员太少", "无"],
})
RESPONDENTS = pd.DataFrame({"respondent_id": ["A", "B", "C", "D"], "role": ["居民", "居民", "工作人员", "居民"],
                            "note": ["x1", "x2", "x3", "x4"]})
APPS = pd.DataFrame({
    "segment_id": ["s1", "s2", "s3", "s4", "s1"],
    "code_id": ["P-HOURS", "C-STAFF", "P-HOURS", "C-STAFF", "R-EXTEND"],
    "score": [0.9, 0.9, 0.8, 0.9, 0.9],
})


def test_chain_paths_follow_codebook_links():
    assert chain_paths(BOOK) == [
        ("P-HOURS", "C-STAFF", "R-HIRE"), ("P-HOURS", "C-STAFF", "R-EXTEND"),
        ("P-HOURS", "C-MONEY", "R-EXTEND"), ("P-LONELY", None, None),
    ]


def test_code_frequency_overall_and_by_attribute():
    freq = code_frequency(BOOK, APPS, SEGMENTS, RESPONDENTS)
    overall = freq[(freq.attribute == ALL)].set_index("code_id")
    assert overall.loc["P-HOURS", ["segments", "respondents", "respondents_in_group"]].tolist() == [2, 2, 4]
    assert overall.loc["C-STAFF", "respondents"] == 2
    assert overall.loc["P-LONELY", "segments"] == 0
    by_role = freq[(freq.attribute == "role") & (freq.code_id == "C-STAFF")].set_index("value")
    assert by_role.loc["居民", ["respondents", "respondents_in_group"]].tolist() == [1, 3]
    assert by_role.loc["工作人员", "respondent_share"] == 1.0
    assert "note" not in set(freq.attribute)  # one value per respondent groups nobody


def test_chains_count_support_and_pick_quotes_from_cause_raisers_first():
    table = chains(BOOK, APPS, SEGMENTS)
    assert list(table.chain_id) == ["CH001", "CH002", "CH003", "CH004"]
    first = table.iloc[0]
    assert (first.problem_id, first.cause_id, first.recommendation_id) == ("P-HOURS", "C-STAFF", "R-HIRE")
    assert (first.problem_segments, first.problem_respondents, first.cause_respondents) == (2, 2, 2)
    assert first.problem_and_cause_respondents == 1          # only A raised both
    assert first.recommendation_respondents == 0
    assert (first.quote_1_respondent, first.quote_2_respondent) == ("A", "B")   # A named the cause too
    assert first.quote_1 == "开放时间太短了，下班后去不了" and first.quote_3 == ""
    money = table.iloc[2]
    assert money.cause_respondents == 0 and money.problem_and_cause_respondents == 0
    lonely = table.iloc[3]
    assert (lonely.cause_id, lonely.recommendation_id, lonely.problem_segments) == ("", "", 0)


def test_exemplar_quotes_are_distinct_respondents_and_deterministic():
    coded = APPS.merge(SEGMENTS, on="segment_id")
    quotes = exemplar_quotes(coded, k=5)
    whos = [who for _, who in quotes]
    assert len(whos) == len(set(whos)) == 3
    assert quotes == exemplar_quotes(coded.sample(frac=1, random_state=1), k=5)


def test_sub_problems_inherit_their_parents_links():
    book = parse_codebook(textwrap.dedent("""\
        name: t
        codes:
          - {id: P-OP, kind: problem, label: {en: op}, causes: [C-GOV], recommendations: [R-G]}
          - {id: P-OP-HOURS, kind: problem, parent: P-OP, label: {en: hours}}
          - {id: P-OP-STAFF, kind: problem, parent: P-OP, label: {en: staff}, causes: [C-MONEY]}
          - {id: C-GOV, kind: cause, label: {en: gov}}
          - {id: C-MONEY, kind: cause, label: {en: money}}
          - {id: R-G, kind: recommendation, label: {en: g}}
        """))
    assert book.inherited("P-OP-HOURS", "causes") == ("C-GOV",)
    assert book.inherited("P-OP-STAFF", "causes") == ("C-MONEY",)
    assert [c.id for c in book.lineage("P-OP-HOURS")] == ["P-OP-HOURS", "P-OP"]
    assert ("P-OP-HOURS", "C-GOV", "R-G") in chain_paths(book)
    assert ("P-OP-STAFF", "C-MONEY", "R-G") in chain_paths(book)


def test_code_frequency_rolls_children_up_into_their_parent():
    book = parse_codebook(textwrap.dedent("""\
        name: t
        codes:
          - {id: P-OP, kind: problem, label: {en: op}}
          - {id: P-OP-HOURS, kind: problem, parent: P-OP, label: {en: hours}}
          - {id: P-OP-HOURS-EVE, kind: problem, parent: P-OP-HOURS, label: {en: evenings}}
          - {id: P-OP-STAFF, kind: problem, parent: P-OP, label: {en: staff}}
        """))
    apps = pd.DataFrame({
        "segment_id": ["s1", "s1", "s3", "s4", "s2"],
        "code_id": ["P-OP-HOURS", "P-OP-STAFF", "P-OP-HOURS-EVE", "P-OP-STAFF", "P-OP"],
    })
    assert book.family("P-OP") == ("P-OP", "P-OP-HOURS", "P-OP-HOURS-EVE", "P-OP-STAFF")
    freq = code_frequency(book, apps, SEGMENTS, RESPONDENTS)
    overall = freq[freq.attribute == ALL].set_index("code_id")
    cols = ["segments", "respondents", "segments_incl_children", "respondents_incl_children"]
    # s1 carries two children of P-OP: one segment, not two.
    assert overall.loc["P-OP", cols].tolist() == [1, 1, 4, 3]
    assert overall.loc["P-OP-HOURS", cols].tolist() == [1, 1, 2, 2]
    assert overall.loc["P-OP-HOURS-EVE", cols].tolist() == [1, 1, 1, 1]
    assert overall.loc["P-OP", "respondent_share_incl_children"] == 0.75
    by_role = freq[(freq.attribute == "role") & (freq.code_id == "P-OP")].set_index("value")
    assert by_role.loc["居民", ["segments_incl_children", "respondents_incl_children"]].tolist() == [3, 2]
    assert by_role.loc["工作人员", ["segments", "segments_incl_children"]].tolist() == [0, 1]
    # Without children both counts agree.
    direct = freq[freq.code_id == "P-OP-STAFF"]
    assert (direct["segments"] == direct["segments_incl_children"]).all()


def test_chain_quote_columns_are_the_problems_exemplars_in_rank_order():
    from qualmine.coding.tables import code_exemplars

    table = chains(BOOK, APPS, SEGMENTS).set_index("chain_id")
    ranked = code_exemplars(BOOK, APPS, SEGMENTS, code_ids=["P-HOURS"])
    assert len(ranked) == 2                                   # s1 (A) and s3 (B): fewer than three quotes
    for chain_id in ("CH001", "CH002", "CH003"):              # every P-HOURS chain carries the same quotes
        row = table.loc[chain_id]
        for rank, ex in enumerate(ranked.itertuples(index=False), start=1):
            assert (row[f"quote_{rank}"], row[f"quote_{rank}_respondent"], row[f"quote_{rank}_segment_id"]) == (
                ex.quote, ex.respondent_id, ex.segment_id)
        assert (row["quote_3"], row["quote_3_respondent"], row["quote_3_segment_id"]) == ("", "", "")
    lonely = table.loc["CH004"]                               # a problem nobody raised: no quotes at all
    assert [lonely[f"quote_{i}_segment_id"] for i in (1, 2, 3)] == ["", "", ""]
    assert {ex.segment_id for ex in ranked.itertuples()} == {"s1", "s3"}
