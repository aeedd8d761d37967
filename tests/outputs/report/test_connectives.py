"""Causal connectives: which words count, and when one joins two evidence spans."""
from __future__ import annotations

from qualmine.coding.connectives import CausalConnectives, joining_connective, joining_connective_across


def names(text):
    return [(h.connective, text[h.start:h.end]) for h in CausalConnectives().find(text)]


def test_chinese_connectives_are_found_as_substrings():
    assert names("由于经费不足，导致人手不够，所以排队。") == [("由于", "由于"), ("导致", "导致"), ("所以", "所以")]
    assert names("因为窗口少，造成拥堵") == [("因为", "因为"), ("造成", "造成")]


def test_english_connectives_are_whole_words_with_inflections():
    text = "Because of staff cuts, which led to queues, and leads to anger, caused by budgets, due to rules, so that"
    assert [n for n, _ in names(text)] == ["because", "lead to", "lead to", "caused by", "due to", "so that"]
    assert names("The becauseway and misleading toys") == []   # no word boundary, no connective


def test_custom_lists_replace_the_defaults():
    finder = CausalConnectives(zh=("以致",), en=("therefore",))
    assert [h.connective for h in finder.find("因为忙以致出错, therefore late")] == ["以致", "therefore"]


def test_joining_connective_between_or_leading_but_not_after():
    text = "排队很久，因为人手不够。"
    hits = CausalConnectives().find(text)
    assert joining_connective(hits, (0, 2), (7, 11)).connective == "因为"
    lead = "由于经费不足，人手不够"
    assert joining_connective(CausalConnectives().find(lead), (2, 6), (7, 11)).connective == "由于"
    after = "人手不够，排队很久，所以我不去了"
    assert joining_connective(CausalConnectives().find(after), (0, 4), (5, 7)) is None
    inside = "导致问题"   # the connective is part of the evidence itself: it joins nothing
    assert joining_connective(CausalConnectives().find(inside), (0, 4), (0, 2)) is None


def test_joining_across_adjacent_texts():
    first, second = "We queue for hours.", "That is because of too few staff."
    f, s = CausalConnectives().find(first), CausalConnectives().find(second)
    assert joining_connective_across(f, (3, 8), len(first), s, (19, 32)).connective == "because"
    late = "Too few staff. The queue is long, because of holidays."
    assert joining_connective_across([], (0, 13), 14, CausalConnectives().find(late), (4, 9)) is None
