"""The exemplar picker's ranking rules, context for fragments and the representativeness score."""
from __future__ import annotations

import textwrap

import pandas as pd

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.exemplars import exemplar_support, has_tone_cue, pick_exemplars, quote_context
from qualmine.coding.tables import code_exemplars

BOOK = parse_codebook(textwrap.dedent("""\
    name: t
    codes:
      - id: P-PROC
        kind: problem
        label: {en: Complicated procedures}
        definition: {en: "Cumbersome procedures, too much paperwork, coming back several times."}
        keywords: {en: [paperwork, procedure]}
        examples: ["The procedure is so complicated I came back three times."]
      - {id: N-OLD, kind: need, label: {en: Elderly care}, keywords: {en: [elderly]}}
    """))


def frame(**cols):
    return pd.DataFrame(cols)


def test_reviewed_segments_come_first_whatever_their_support():
    cands = frame(segment_id=["a", "b", "c"], respondent_id=["A", "B", "C"], text=["x" * 60] * 3,
                  support=[0.9, 0.1, 0.5], reviewed=[False, True, False])
    assert pick_exemplars(cands, k=3)["segment_id"].tolist() == ["b", "a", "c"]


def test_negative_support_contradicts_the_code_and_is_never_picked():
    cands = frame(segment_id=["a", "b"], respondent_id=["A", "B"], text=["one", "two"], support=[-0.2, 0.1])
    assert pick_exemplars(cands, k=3)["segment_id"].tolist() == ["b"]


def test_ties_break_on_readable_length_then_segment_id_and_one_quote_per_respondent():
    cands = frame(segment_id=["s3", "s2", "s1", "s4"], respondent_id=["A", "B", "C", "A"],
                  text=["y" * 10, "y" * 60, "y" * 60, "y" * 61], support=[0.5, 0.5, 0.5, 0.9])
    picked = pick_exemplars(cands, k=5)
    assert picked["segment_id"].tolist() == ["s4", "s1", "s2"]      # A's s3 dropped: A is quoted already
    assert picked.equals(pick_exemplars(cands.sample(frac=1, random_state=3), k=5))


def test_a_complaint_outranks_a_mere_mention_of_the_code_word():
    segs = frame(segment_id=["m", "c"], respondent_id=["A", "B"],
                 text=["My wife needed some paperwork for her mum's pension and I tagged along.",
                       "The procedure was confusing and I had to come back three times."])
    apps = frame(segment_id=["m", "c"], code_id=["P-PROC", "P-PROC"], score=[0.9, 0.9], hits=[1, 1])
    picked = code_exemplars(BOOK, apps, segs)
    assert picked["segment_id"].tolist()[0] == "c"
    assert has_tone_cue(segs.text[1]) and not has_tone_cue(segs.text[0])
    support = exemplar_support(segs.assign(hits=1), BOOK.code("P-PROC"))
    assert support.iloc[1] > support.iloc[0]


def test_a_segment_coded_many_ways_is_less_representative():
    segs = frame(segment_id=["a", "b"], text=["elderly people need meals", "elderly people need meals"])
    focus = exemplar_support(segs, None, pd.Series({"a": 1, "b": 4}))
    assert focus.iloc[0] > focus.iloc[1]


def test_a_fragment_is_quoted_with_its_neighbour_in_the_same_turn_only():
    segs = frame(segment_id=["q", "f", "n", "other", "long"], doc_id=["d", "d", "d", "d", "e"],
                 turn=[0, 1, 1, 2, 0], position=[0, 1, 2, 3, 0],
                 text=["How were the activities?", "Repetitive, if I'm honest.",
                       "The same things every year because of the plan template.", "Okay.",
                       "A long enough sentence that needs no context at all here."])
    quotes = quote_context(segs)
    assert quotes["f"] == "Repetitive, if I'm honest. The same things every year because of the plan template."
    assert quotes["other"] == "Okay."                     # alone in its turn: nothing to add
    assert quotes["long"] == segs.text[4]
    zh = frame(segment_id=["a", "b"], doc_id="d", turn=1, position=[0, 1],
               text=["一个窗口人员既要办社保、又要办计生，很多同事都是身兼数职。", "人员流动太快。"])
    assert quote_context(zh)["b"] == "一个窗口人员既要办社保、又要办计生，很多同事都是身兼数职。人员流动太快。"


def test_code_exemplars_cover_every_applied_code_with_the_chains_columns_kept():
    segs = frame(segment_id=["a", "b"], respondent_id=["A", "B"], text=["Too much paperwork here.", "elderly care"])
    apps = frame(segment_id=["a", "b"], code_id=["P-PROC", "N-OLD"], score=[0.9, 0.9])
    table = code_exemplars(BOOK, apps, segs)
    assert list(table.columns) == ["code_id", "rank", "segment_id", "respondent_id", "quote", "text", "reviewed",
                                   "support"]
    assert table["code_id"].tolist() == ["P-PROC", "N-OLD"]
    reviewed = code_exemplars(BOOK, apps, segs, reviewed=frozenset({("b", "N-OLD")}))
    assert reviewed.set_index("code_id").loc["N-OLD", "reviewed"]


def test_a_repeated_segment_id_is_refused_with_its_rows():
    import pytest

    segs = pd.DataFrame({"segment_id": ["s1", "s2", "s1"], "respondent_id": ["r1", "r2", "r1"],
                         "text": ["the queue was long", "queue again", "the queue, twice"]})
    with pytest.raises(ValueError, match=r"segment_id 's1' appears on 2 rows \(\[0, 2\]\)"):
        quote_context(segs)
    book = parse_codebook("name: t\ncodes:\n  - {id: Q, kind: problem, label: {en: Queue}, definition: {en: queue}}\n")
    apps = pd.DataFrame({"segment_id": ["s1", "s2"], "code_id": "Q", "hits": [1, 1]})
    with pytest.raises(ValueError, match="each segment needs an id of its own"):
        code_exemplars(book, apps, segs, frozenset(), k=2)
