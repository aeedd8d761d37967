"""The negation rules at their limits (coding/negation.py): each pair sits on both sides of one limit,
so moving a window by one or letting a cue cross a clause break changes an answer here."""
from __future__ import annotations

import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.negation import NegationRules
from qualmine.coding.rules import RuleCoder

BOOK = parse_codebook("""
name: negation edges
codes:
  - id: P-HOURS
    kind: problem
    label: {zh: 开放时间, en: hours}
    keywords: {zh: [开放时间, 排队], en: [opening hours, queue]}
  - id: P-REFUSED
    kind: problem
    label: {en: refused}
    keywords: {en: [said no]}
  - id: P-STAFF
    kind: problem
    label: {zh: 人手}
    keywords: {zh: [人手不足]}
""")


@pytest.fixture(scope="module")
def coder() -> RuleCoder:
    return RuleCoder(BOOK)


def coded(coder: RuleCoder, text: str, lang: str) -> bool:
    return "P-HOURS" in {a.code_id for a in coder.code_text("s", 0, text, lang)}


def test_rule_values_the_edges_below_are_built_on():
    rules = NegationRules()
    assert (rules.zh_window, rules.zh_tail_window, rules.en_window, rules.en_tail_window) == (4, 6, 3, 3)


@pytest.mark.parametrize("text, negated", [
    ("没排队", True),                    # the cue ends where the hit starts: distance 0
    ("嗯，没排队", True),                # ... and starts exactly where its clause starts
    ("不太在意这开放时间", True),        # 不 ends 4 characters before the hit: inside the window
    ("不太在意这边开放时间", False),     # 5 characters: outside
    ("好，好，不，排队太久", False),     # the cue is in the clause just before the hit's (the third break)
])
def test_chinese_cue_window_edges(coder, text, negated):
    assert coded(coder, text, "zh") is not negated


@pytest.mark.parametrize("text, negated", [
    ("排队没问题", True),                     # the tail right after the hit
    ("排队这事儿其实嘛没问题", True),          # 6 characters between hit and tail: inside
    ("排队这事儿其实呀嘛没问题", False),       # 7: outside
    ("排队，没问题", False),                  # the tail is in the next clause
])
def test_chinese_no_problem_tail_edges(coder, text, negated):
    assert coded(coder, text, "zh") is not negated


@pytest.mark.parametrize("text, negated", [
    ("No, the queue was long", False),        # the cue is in the clause before the comma
    ("No the queue was long", True),          # same words, no break: 'No' is 2 tokens before
    ("no real long queue", True),             # 'no' 3 tokens before the hit: inside the window
    ("no real very long queue", False),       # 4 tokens before: outside
])
def test_english_cue_window_and_clause_edges(coder, text, negated):
    assert coded(coder, text, "en") is not negated


@pytest.mark.parametrize("text, negated", [
    ("the queue here honestly was not an issue", True),          # 3 tokens between hit and tail
    ("the queue here honestly really was not an issue", False),  # 4 tokens between
    ("For me personally the queue here honestly was not an issue", True),   # the same 3, the hit further in
    ("The food is ok and the queue was long", False),            # a tail before the hit, same clause
    ("The food is not bad and the queue was long", False),       # ... its 'not' 5 tokens before: no cue either
])
def test_english_tail_window_edges(coder, text, negated):
    assert coded(coder, text, "en") is not negated


@pytest.mark.parametrize("text, codes", [
    # 'no' is the last token of the keyword 'said no': not a cue for the queue 3 tokens later
    ("The guard said no and the queue grew", {"P-HOURS", "P-REFUSED"}),
    # ... but 'never', the token after the keyword's end, still is one
    ("The guard said no and never let the queue move", {"P-REFUSED"}),
    ("He said no never to the queue", {"P-REFUSED"}),     # 'never' right after the keyword is a cue
])
def test_english_cue_inside_a_keyword_spans_exactly_its_tokens(coder, text, codes):
    assert {a.code_id for a in coder.code_text("s", 0, text, "en")} == codes


@pytest.mark.parametrize("text, lang, negated", [
    ("No\nproblems with the queue", "en", False),     # 'no problems' spans a line break: not one clause
    ("long queue no\nproblems here", "en", False),    # ... starting in the hit's clause, ending in the next
    ("I never had any trouble with the queue", "en", True),
])
def test_english_no_trouble_phrase_must_lie_in_the_hits_clause(coder, text, lang, negated):
    assert coded(coder, text, lang) is not negated


@pytest.mark.parametrize("text, lang, negated", [
    ("，" * 300 + "排队太久", "zh", False),
    ("，" * 300 + "没排队", "zh", True),
    (", " * 300 + "no queue", "en", True),
    (", " * 300 + "I never had any trouble with the queue", "en", True),
])
def test_hundreds_of_clause_breaks_before_a_hit(coder, text, lang, negated):
    # break and clause counts past 256, where CPython no longer caches ints (an identity test passes below)
    assert coded(coder, text, lang) is not negated


@pytest.mark.parametrize("text, codes", [
    ("没有觉得这边开放时间", set()),           # the longest cue wins: 没有 ends 4 characters before the hit (没 would be 5)
    ("不知道为什么没排队", set()),             # a pseudo-cue does not stop the scan for later cues
    ("人手不足也没排队", {"P-STAFF"}),          # nor does a cue inside a keyword
])
def test_chinese_cue_scan(coder, text, codes):
    assert {a.code_id for a in coder.code_text("s", 0, text, "zh")} == codes


def test_english_cue_after_the_hit_at_the_end_of_the_text_is_no_cue(coder):
    assert coded(coder, "the queue was long or not", "en")


def test_an_english_cue_matches_by_text_or_by_lemma():
    rules = NegationRules(en_cues=NegationRules().en_cues + ("refuse",))
    custom = RuleCoder(BOOK, negation=rules)
    assert not coded(custom, "They refused the queue", "en")      # 'refused': its lemma is the cue
    assert coded(RuleCoder(BOOK), "They refused the queue", "en")


def test_an_english_tail_starts_after_the_hit_not_on_its_last_token():
    # A project tail 'no longer' ("the queue no longer bothers me"): in 'said no longer ...' its
    # 'no' is the keyword's last token, so it does not follow the refusal and does not negate it.
    custom = RuleCoder(BOOK, negation=NegationRules(en_tails=NegationRules().en_tails + ("no longer",)))
    codes = {a.code_id for a in custom.code_text("s", 0, "The guard said no longer queues are allowed", "en")}
    assert codes == {"P-REFUSED", "P-HOURS"}
    assert not coded(custom, "The queue no longer bothers me", "en")


PUNCTUATED = parse_codebook(r"""
name: a pattern that takes the punctuation after its word
codes:
  - {id: P-QUEUE, kind: problem, label: {en: Queues}, patterns: {en: ['queues?\W']}}
""")


@pytest.mark.parametrize("text, negated", [
    ("I hate the queue. The parking is ok", False),   # the hit's last token is the break: 'is ok' is in the next clause
    ("I hate the queue, the parking is ok", False),
])
def test_a_hit_ending_on_a_clause_mark_ends_its_clause_there(text, negated):
    found = {a.code_id for a in RuleCoder(PUNCTUATED).code_text("s", 0, text, "en")}
    assert ("P-QUEUE" not in found) is negated
