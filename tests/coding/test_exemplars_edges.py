"""coding/exemplars.py at its edges, through the documented rules only (how support is blended may
change): k and the one-quote-per-respondent rule, support at zero, the readable length on both
sides, the fragment width met exactly, and the tone cues. The main cases are tests/coding/test_exemplars.py."""
from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.exemplars import (
    FRAGMENT_EM, QUOTES_PER_CODE, READABLE_CHARS, exemplar_support, has_tone_cue, pick_exemplars, quote_context,
    text_em,
)

BOOK = parse_codebook(textwrap.dedent("""\
    name: t
    codes:
      - id: P-PROC
        kind: problem
        label: {en: Complicated procedures, zh: 手续复杂}
        definition: {en: "Cumbersome procedures and paperwork.", zh: "手续繁琐，材料太多。"}
        keywords: {en: [paperwork], zh: [手续]}
      - {id: N-OLD, kind: need, label: {en: Elderly care}, keywords: {en: [elderly]}}
    """))


def candidates(n: int, **cols) -> pd.DataFrame:
    base = {"segment_id": [f"s{i}" for i in range(n)], "respondent_id": [f"R{i}" for i in range(n)],
            "text": ["x" * READABLE_CHARS] * n}
    base.update(cols)
    return pd.DataFrame(base)


def test_k_quotes_at_most_three_by_default_and_none_from_nothing():
    assert QUOTES_PER_CODE == 3
    assert pick_exemplars(candidates(5))["segment_id"].tolist() == ["s0", "s1", "s2"]
    assert len(pick_exemplars(candidates(5), k=1)) == 1 and len(pick_exemplars(candidates(2), k=3)) == 2
    empty = pick_exemplars(candidates(0))
    assert empty.empty and list(empty.columns) == ["segment_id", "respondent_id", "text", "quote", "reviewed",
                                                   "support"]


def test_zero_support_is_picked_and_only_negative_support_is_left_out():
    picked = pick_exemplars(candidates(3, support=[0.0, -0.0001, 0.2]))
    assert picked["segment_id"].tolist() == ["s2", "s0"] and picked["support"].tolist() == [0.2, 0.0]


def test_without_a_support_column_the_rule_score_ranks_and_without_either_all_tie():
    assert pick_exemplars(candidates(3, score=[0.1, 0.9, 0.5]))["segment_id"].tolist() == ["s1", "s2", "s0"]
    assert pick_exemplars(candidates(2, score=["n/a", 0.5]))["support"].tolist() == [0.5, 0.0]
    assert pick_exemplars(candidates(2))["support"].tolist() == [0.0, 0.0]


def test_readable_length_counts_distance_from_sixty_on_both_sides():
    texts = ["y" * (READABLE_CHARS - 5), "y" * (READABLE_CHARS + 4), "y" * (READABLE_CHARS + 5), "y" * 300]
    picked = pick_exemplars(candidates(4, text=texts), k=4)
    assert picked["segment_id"].tolist() == ["s1", "s0", "s2", "s3"]     # 4 away, then 5 (s0 before s2), 240


def test_support_outranks_length_and_reviewed_outranks_support():
    cands = candidates(3, text=["y" * 10, "y" * 60, "y" * 60], support=[0.6, 0.5, 0.5], reviewed=[None, False, True])
    assert pick_exemplars(cands)["segment_id"].tolist() == ["s2", "s0", "s1"]
    assert pick_exemplars(cands)["reviewed"].tolist() == [True, False, False]


def test_one_quote_per_respondent_keeps_their_best_and_a_segment_listed_twice_counts_once():
    cands = candidates(4, respondent_id=["A", "A", "B", "B"], support=[0.1, 0.9, 0.3, 0.2])
    picked = pick_exemplars(pd.concat([cands, cands.iloc[[2]]], ignore_index=True))
    assert picked["segment_id"].tolist() == ["s1", "s2"] and picked["respondent_id"].tolist() == ["A", "B"]


def test_the_quote_column_is_shown_when_given():
    picked = pick_exemplars(candidates(1, quote=["before. " + "x" * 60]))
    assert picked.loc[0, "quote"].startswith("before. ") and picked.loc[0, "text"] == "x" * 60


def test_text_width_in_em():
    assert text_em("人员流动") == 4.0 and text_em("ＡＢ") == 2.0          # wide and full-width: 1 em each
    assert text_em("abcd") == pytest.approx(4 * 0.56) and text_em("") == 0


def _turn(texts: list[str], lang_zh: bool = True) -> pd.DataFrame:
    return pd.DataFrame({"segment_id": [f"t{i}" for i in range(len(texts))], "doc_id": "d", "turn": 1,
                         "position": range(len(texts)), "text": texts})


def test_a_segment_exactly_fragment_wide_is_quoted_alone():
    wide = "好" * FRAGMENT_EM                                 # exactly 16 em: not a fragment
    narrow = "好" * (FRAGMENT_EM - 1)
    quotes = quote_context(_turn(["前面一句。", wide, "后面一句。"]))
    assert quotes["t1"] == wide
    quotes = quote_context(_turn(["前面一句。", narrow, "后面一句。"]))
    assert quotes["t1"] == "前面一句。" + narrow + "后面一句。"         # with the one before still under 32 em: both


def test_a_fragment_with_enough_before_it_gets_only_that_sentence():
    fragment = "太慢了" * 5                                     # 15 em: a fragment
    before = "人" * (FRAGMENT_EM + 1)                          # before + fragment = 32 em = 2 x FRAGMENT_EM
    assert quote_context(_turn([before, fragment, "后面。"]))["t1"] == before + fragment
    before = "人" * FRAGMENT_EM                                # 31 em: still short, the next one too
    assert quote_context(_turn([before, fragment, "后面。"]))["t1"] == before + fragment + "后面。"


def test_a_fragment_first_in_its_turn_gets_the_next_one_and_english_is_joined_with_spaces():
    quotes = quote_context(_turn(["Too slow.", "The queue took all morning again."]))
    assert quotes["t0"] == "Too slow. The queue took all morning again."
    quotes = quote_context(_turn(["Too slow."]))
    assert quotes["t0"] == "Too slow."


def test_only_the_asked_segments_are_quoted_with_or_without_turn_columns():
    segs = _turn(["One.", "Two.", "Three."])
    assert quote_context(segs, {"t1"}).index.tolist() == ["t1"]
    plain = segs[["segment_id", "text"]]
    assert quote_context(plain).tolist() == ["One.", "Two.", "Three."]
    assert quote_context(plain, {"t2"}).to_dict() == {"t2": "Three."}


@pytest.mark.parametrize("text, cue", [
    ("手续太麻烦", True), ("办得很顺利", False), ("It was not easy", True), ("Nothing to add", True),
    ("Another option", False),            # 'not' only as a whole word
    ("We waited ages", True), ("I'm frustrated", True), ("A lovely afternoon", False),
])
def test_tone_cues(text, cue):
    assert has_tone_cue(text) is cue


def test_support_lies_in_0_1_and_a_problem_statement_with_a_cue_ranks_in_the_upper_half():
    segs = pd.DataFrame({"segment_id": ["a", "b", "c"], "hits": [1, 5, "?"],
                         "text": ["Paperwork was too much and confusing.", "Paperwork for my mum.", "手续太多了"]})
    support = exemplar_support(segs, BOOK.code("P-PROC"))
    assert ((support >= 0) & (support <= 1)).all()
    assert support.iloc[0] >= 0.5 and support.iloc[1] < 0.5 and support.iloc[2] >= 0.5
    assert exemplar_support(segs.iloc[0:0], BOOK.code("P-PROC")).empty


def test_more_hits_and_fewer_other_codes_never_lower_support():
    segs = pd.DataFrame({"segment_id": ["h1", "h2", "h3", "h4"], "hits": [1, 2, 3, 4], "text": "elderly meals"})
    support = exemplar_support(segs, None).tolist()
    assert support[0] < support[1] < support[2] == support[3]            # three hits and more: the most
    focus = exemplar_support(segs.assign(hits=1), None, pd.Series({"h1": 1, "h2": 2, "h3": 0})).tolist()
    assert focus[0] > focus[1] and focus[2] == focus[0] == focus[3]      # 0 or unknown counts as one code
