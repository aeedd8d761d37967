"""Negation scopes (coding/negation.py), checked through the rule coder and directly."""
from __future__ import annotations

import json

import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.negation import EnNegation, NegationRules, ZhNegation
from qualmine.coding.rules import RuleCoder
from qualmine.corpus.tokens import EnglishLemmatizer

BOOK = parse_codebook("""
name: negation book
codes:
  - id: P-GENERAL
    kind: problem
    label: {zh: 问题, en: problem}
    keywords: {zh: [问题], en: [problem, trouble]}
  - id: P-HOURS
    kind: problem
    label: {zh: 开放时间, en: hours}
    keywords: {zh: [开放时间, 排队], en: [opening hours, queue]}
    patterns: {en: ['wait(ed)? (for )?hours']}
  - id: P-STAFF
    kind: problem
    label: {zh: 人手, en: staff}
    keywords: {zh: [人手不足], en: [staff]}
  - id: N-ELDERLY
    kind: need
    label: {zh: 养老}
    keywords: {zh: [养老服务]}
  - id: S-DISSATISFIED
    kind: satisfaction
    label: {zh: 不满}
    keywords: {zh: [不满意]}
  - id: S-OK
    kind: satisfaction
    label: {zh: 方便}
    keywords: {zh: [方便]}
""")


@pytest.fixture(scope="module")
def coder() -> RuleCoder:
    return RuleCoder(BOOK)


def fired(coder: RuleCoder, text: str, lang: str) -> list[str]:
    return [a.code_id for a in coder.code_text("s", 0, text, lang)]


@pytest.mark.parametrize("text, codes", [
    ("没有什么问题", []),                                 # cue 2 chars before the hit
    ("开放时间没有问题", []),                              # "no problem" tail after the hit
    ("开放时间太短", ["P-HOURS"]),
    ("开放时间还可以", []),
    ("排队的话都挺好", []),                                # tail within 6 characters
    ("开放时间太短了，其他没问题", ["P-HOURS"]),          # the tail is in another clause
    ("从来没有觉得开放时间太短", []),
    ("我不太在意这边的开放时间", ["P-HOURS"]),            # the cue is 7 characters away
    ("不，开放时间太短", ["P-HOURS"]),                    # the cue is in another clause
    ("服务没问题但排队太久", ["P-HOURS"]),                 # 但 ends the clause
    ("不知道开放时间", ["P-HOURS"]),                      # pseudo-cue: 不知道 does not deny
    ("人手不足", ["P-STAFF"]),                            # the cue is part of the keyword
    ("人手不足排队很久", ["P-HOURS", "P-STAFF"]),         # ... and of another code's keyword
    ("不满意开放时间太短", ["P-HOURS", "S-DISSATISFIED"]),
    ("并不需要养老服务", []),                             # need codes are negatable
    ("家里老人需要养老服务", ["N-ELDERLY"]),
    ("不方便", ["S-DISSATISFIED"]),                       # a negated evaluation codes its opposite (coding/evaluation.py)
])
def test_chinese_negation(coder, text, codes):
    assert fired(coder, text, "zh") == codes


@pytest.mark.parametrize("text, codes", [
    ("not a problem", []),
    ("The opening hours are not a problem", []),          # tail after the hit
    ("The opening hours are fine", []),
    ("the opening hours are too short", ["P-HOURS"]),
    ("I never had any trouble with the staff", []),       # cue before 'trouble', no-trouble clause for 'staff'
    ("No problem with the staff, but the opening hours are too short", ["P-HOURS"]),
    ("I don't think the queue is long", []),              # n't within 3 tokens
    ("Nothing bad to say. The queue was endless", ["P-HOURS"]),
    ("There is no real point in the long queue", ["P-HOURS"]),   # 'no' is 5 tokens before
    ("Not the staff but the opening hours are the problem", ["P-GENERAL", "P-HOURS"]),   # but ends the clause
    ("We never waited for hours", []),                    # patterns are negated too
    ("We waited for hours", ["P-HOURS"]),
    ("The staff were not friendly", ["P-STAFF"]),         # a cue after the hit is not a tail
])
def test_english_negation(coder, text, codes):
    assert fired(coder, text, "en") == codes


def test_every_hit_negated_means_no_code_else_first_surviving_hit(coder):
    [app] = coder.code_text("s", 0, "开放时间没问题，就是排队太久", "zh")
    assert (app.code_id, app.evidence, app.hits) == ("P-HOURS", "排队", 1)
    assert fired(coder, "开放时间没问题，排队也还行", "zh") == []


def test_negatable_kinds_and_switching_negation_off():
    assert fired(RuleCoder(BOOK, negation=NegationRules(negatable_kinds=("satisfaction",))), "不方便", "zh") == []
    off = RuleCoder(BOOK, negation=None)
    assert fired(off, "开放时间没有问题", "zh") == ["P-GENERAL", "P-HOURS"]
    assert fired(off, "not a problem", "en") == ["P-GENERAL"]


def test_window_sizes_are_configurable():
    wide = RuleCoder(BOOK, negation=NegationRules(zh_window=8, en_window=6))
    assert fired(wide, "我不太在意这边的开放时间", "zh") == []
    assert fired(wide, "There is no real point in the long queue", "en") == []


def test_zh_scope_directly():
    neg = ZhNegation(NegationRules())
    text = "并没有觉得排队久；不过开放时间短"
    scope = neg.scope(text, [])
    q, h = text.index("排队"), text.index("开放时间")
    assert scope.negated(q, q + 2)
    assert not scope.negated(h, h + 4)
    assert NegationRules() == NegationRules() and hash(NegationRules())   # frozen, usable as a cache key


ABSENCE = parse_codebook("""
name: absence book
codes:
  - {id: P-PARKING, kind: problem, label: {zh: 车位, en: parking}, keywords: {zh: [车位], en: [parking spaces]}}
  - {id: N-CARE, kind: need, label: {zh: 养老, en: day care}, keywords: {zh: [养老服务], en: [day care]}}
""")


@pytest.mark.parametrize("text, lang, codes", [
    ("压根没有车位", "zh", ["P-PARKING"]),        # emphatic absence at the very start: the problem itself
    ("没有车位", "zh", []),                       # plain absence of a problem's thing denies it
    ("没有养老服务", "zh", ["N-CARE"]),           # any absence of a need's thing is the need
    ("There is no day care", "en", ["N-CARE"]),
    ("no day care", "en", ["N-CARE"]),
    ("There is no need for day care", "en", []),  # 'no need' denies: the word after the cue decides
    ("no parking spaces", "en", []),
    ("no parking spaces anywhere", "en", ["P-PARKING"]),
    ("Day care? There is none", "en", ["N-CARE"]),   # the cue is the last token: nothing after it to deny
])
def test_absence_is_the_problem_at_the_edges(text, lang, codes):
    assert fired(RuleCoder(ABSENCE), text, lang) == codes


def test_a_cue_as_the_last_of_more_than_256_tokens():
    text = "We asked about day care " + "and asked " * 140 + "but there was none"
    assert fired(RuleCoder(ABSENCE), text, "en") == ["N-CARE"]


@pytest.mark.parametrize("text, lang, codes", [
    # zh emphasis sits right against the cue, in its clause
    ("小区里没有任何车位", "zh", ["P-PARKING"]),        # an emphasis word right after the cue alone
    ("我们压根没有车位", "zh", ["P-PARKING"]),
    ("我们压根\n没有车位", "zh", []),                   # ... but not across a line break: a clause break
    # zh the word right after the cue decides whether it denies instead
    ("我妈身体还硬朗，没有必要找养老服务", "zh", []),     # 没有必要: no need, not "there is none"
    ("我们村里不缺养老服务", "zh", []),                   # 不 only denies: it never says something is missing
    # en the token right after the cue decides, wherever the cue is (here the 8th of 13 tokens)
    ("To be honest with you we have no need for day care.", "en", []),
    ("We managed fine without day care", "en", []),     # 'without' only denies: it is no absence cue
    # en an absence cue by its lemma ('nope' is 'no'), an emphasis by its text ('left', lemma 'leave')
    ("nope no day care round here", "en", ["N-CARE"]),
    ("By nine there are no parking spaces left", "en", ["P-PARKING"]),
])
def test_absence_cues_emphasis_and_denials(text, lang, codes):
    assert fired(RuleCoder(ABSENCE), text, lang) == codes


NEEDS = parse_codebook("""
name: survey needs
codes:
  - {id: N-ANY, kind: need, label: {en: Mentions a need}, keywords: {en: [need]}}
""")


@pytest.mark.parametrize("text, codes", [
    ("None needed", []),          # the denial 'needed' is the hit itself and the last token
    ("No need", []),
    ("We need a lift", ["N-ANY"]),
])
def test_a_denial_that_is_the_hit_and_the_last_token_still_denies(text, codes):
    assert fired(RuleCoder(NEEDS), text, "en") == codes


def test_absence_strength_compares_by_value():
    # a strength read from a settings file is an equal str, not the interned literal
    strength = json.loads('{"absence": "any"}')["absence"]
    zh = ZhNegation(NegationRules()).scope("没有养老服务", [])
    assert zh.negated(2, 6) and not zh.negated(2, 6, strength)
    lemmatizer = EnglishLemmatizer()
    seq = lemmatizer.sequence("there is no day care")
    en = EnNegation(NegationRules(), lemmatizer).scope(seq, "there is no day care", [(3, 4)])
    assert en.negated(3, 4) and not en.negated(3, 4, strength)
