"""Rules that read like a coder: absence as the problem, concession and change, negated evaluation,
Traditional Chinese (coding/negation.py, coding/concession.py, coding/evaluation.py, corpus/hanzi.py)."""
from __future__ import annotations

import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.concession import ConcessionRules
from qualmine.coding.evaluation import polarity
from qualmine.coding.rules import RuleCoder
from qualmine.corpus.hanzi import to_simplified

BOOK = parse_codebook("""
name: reading book
codes:
  - id: P-PARKING
    kind: problem
    label: {zh: 停车难, en: Parking is hard}
    keywords: {zh: [停车, 车位], en: [parking, parking space]}
  - id: P-NOISE
    kind: problem
    label: {zh: 噪音扰民, en: Noise}
    keywords: {zh: [噪音], en: [noise, noisy]}
  - id: P-QUEUE
    kind: problem
    label: {zh: 排队, en: Queues}
    keywords: {zh: [排队], en: [queue]}
  - id: N-ELDERLY
    kind: need
    label: {zh: 养老照护, en: Care for older people}
    keywords: {zh: [照顾, 养老], en: [look after, childcare]}
  - id: R-VOLUNTEERS
    kind: recommendation
    label: {zh: 招募志愿者, en: Recruit volunteers}
    keywords: {zh: [志愿者], en: [volunteer]}
  - id: S-SATISFIED
    kind: satisfaction
    label: {zh: 满意, en: Satisfied}
    keywords: {zh: [满意], en: [satisfied, happy]}
    exclude: {zh: [不满意], en: [unhappy]}
  - id: S-DISSATISFIED
    kind: satisfaction
    label: {zh: 不满意, en: Dissatisfied}
    keywords: {zh: [不满意, 太差], en: [dissatisfied, unhappy, terrible]}
""")


@pytest.fixture(scope="module")
def coder():
    return RuleCoder(BOOK)


def coded(coder, text, lang):
    return [(a.code_id, a.evidence) for a in coder.code_text("s", 0, text, lang)]


@pytest.mark.parametrize("text, lang, expected", [
    # absence is the problem: emphatic absence for problems, any "there is no" for needs
    ("我们这栋楼压根没有车位", "zh", [("P-PARKING", "车位")]),
    ("附近根本没有地方停车，每次来都发愁", "zh", [("P-PARKING", "停车")]),
    ("No parking spaces anywhere on our street", "en", [("P-PARKING", "parking spaces")]),
    ("平时家里没有人照顾她", "zh", [("N-ELDERLY", "照顾")]),
    ("There is no one to look after my dad", "en", [("N-ELDERLY", "look after")]),
    # ... while plain denials still negate
    ("基本没人排队", "zh", []),
    ("停车没有问题", "zh", []),
    ("家里不需要人照顾", "zh", []),
    ("No need for childcare, thanks", "en", []),
    ("We never had a queue", "en", []),
])
def test_absence_is_the_problem(coder, text, lang, expected):
    assert coded(coder, text, lang) == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("尽管停车还算方便，可是噪音实在受不了", "zh", [("P-NOISE", "噪音")]),
    ("停车倒是挺方便的，就是楼下噪音太大", "zh", [("P-NOISE", "噪音")]),
    ("以前停车很难，现在建了立体车库，方便多了", "zh", []),
    ("噪音问题之前反映过，物业已经解决了", "zh", []),
    ("以前就要排队，现在更严重了", "zh", [("P-QUEUE", "排队")]),        # worse now: still a problem
    ("停车不方便，但是噪音还好", "zh", [("P-PARKING", "停车")]),          # a negated positive is no concession
    ("Parking was awful last year but it's sorted now", "en", []),
    ("The queue used to be terrible, now you book online", "en", []),
    ("Although parking is easy, the noise from the pub is unbearable", "en", [("P-NOISE", "noise")]),
    ("It used to be noisy round here but the new rules fixed that", "en", []),
    ("Parking is a nightmare", "en", [("P-PARKING", "Parking")]),
    # a shortcoming granted to praise something: the praise is the point
    ("虽然车位紧张，但是保安很热情，会帮忙找地方", "zh", []),
    ("尽管周末要排队，不过窗口的人非常耐心", "zh", []),
    ("I know the parking is limited, but the staff are wonderful", "en", []),
    # no concessive: both statements stand; a concessive with a complaint after it concedes nothing
    ("周末要排队，不过窗口的人非常耐心", "zh", [("P-QUEUE", "排队")]),
    ("虽然车位紧张，但是噪音更让人受不了", "zh", [("P-PARKING", "车位"), ("P-NOISE", "噪音")]),
])
def test_concession_and_change(coder, text, lang, expected):
    assert coded(coder, text, lang) == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("不能说满意", "zh", [("S-DISSATISFIED", "不能说满意")]),
    ("谈不上满意，只能说凑合", "zh", [("S-DISSATISFIED", "谈不上满意")]),
    ("我对服务并不满意", "zh", [("S-DISSATISFIED", "不满意")]),
    ("没有什么不满意的", "zh", [("S-SATISFIED", "没有什么不满意")]),
    ("不算太差", "zh", [("S-SATISFIED", "不算太差")]),
    ("总体很满意", "zh", [("S-SATISFIED", "满意")]),
    ("I'm not exactly satisfied", "en", [("S-DISSATISFIED", "not exactly satisfied")]),
    ("I wouldn't say I'm happy with it", "en", [("S-DISSATISFIED", "wouldn't say I'm happy")]),
    ("I'm not unhappy with the service", "en", [("S-SATISFIED", "not unhappy")]),
    ("Not satisfied, but the staff were kind", "en", [("S-DISSATISFIED", "Not satisfied")]),
    ("The staff were kind. Happy overall", "en", [("S-SATISFIED", "Happy")]),
])
def test_negated_evaluation(coder, text, lang, expected):
    assert coded(coder, text, lang) == expected


def test_polarity_and_no_flip_without_a_single_opposite():
    assert polarity("Dissatisfied", None) == -1 and polarity("Satisfied", "满意") == 1 and polarity(None, "不满") == -1
    only_positive = parse_codebook("""
name: one evaluation
codes:
  - id: S-OK
    kind: satisfaction
    label: {zh: 满意}
    keywords: {zh: [满意]}
""")
    assert RuleCoder(only_positive).code_text("s", 0, "不能说满意", "zh") == []


@pytest.mark.parametrize("text, expected", [
    ("附近停車非常困難", [("P-PARKING", "停車")]),
    ("老人家沒有人照顧", [("N-ELDERLY", "照顧")]),
    ("樓下的噪音太大了", [("P-NOISE", "噪音")]),
    ("整體來說很滿意", [("S-SATISFIED", "滿意")]),
    ("停車沒有問題", []),                                              # negation cues are converted too
])
def test_traditional_chinese_is_matched_by_the_simplified_codebook(coder, text, expected):
    assert coded(coder, text, "zh") == expected


def test_traditional_keywords_in_a_codebook_match_simplified_text():
    book = parse_codebook("""
name: traditional book
codes:
  - id: P-PARKING
    kind: problem
    label: {zh: 停車難}
    keywords: {zh: [停車位]}
""")
    assert [(a.code_id, a.evidence) for a in RuleCoder(book).code_text("s", 3, "没有停车位了吗", "zh")] == []
    [app] = RuleCoder(book).code_text("s", 3, "小区停车位太少", "zh")
    assert (app.evidence, app.start, app.end) == ("停车位", 5, 8)


@pytest.mark.parametrize("text", ["附近停車非常困難", "乾隆皇帝", "頭髮", "電腦軟體與硬體", "a\x00樓b", "", "plain English"])
def test_to_simplified_keeps_every_offset(text):
    out = to_simplified(text)
    assert len(out) == len(text)
    assert all((a == b) or ("\u3400" <= a <= "\u9fff") for a, b in zip(text, out))


def test_vetoed_names_the_codes_the_rules_read_as_denied(coder):
    assert coder.vetoed("停车没有问题", "zh") == {"P-PARKING"}
    assert coder.vetoed("尽管停车还算方便，可是噪音实在受不了", "zh") == {"P-PARKING"}
    assert coder.vetoed("不能说满意", "zh") == {"S-SATISFIED"}
    assert coder.vetoed("我对服务不满意", "zh") == {"S-SATISFIED"}           # an exclusion is a veto too
    assert coder.vetoed("小区车位太少", "zh") == set()


def test_concession_clauses():
    rules = ConcessionRules()
    text = "尽管停车还算方便，可是噪音实在受不了"
    assert [text[a:b] for a, b in rules.conceded(text, "zh")] == ["尽管停车还算方便"]
    assert rules.conceded("the volunteers were great", "en") == []     # praise alone concedes nothing


@pytest.mark.parametrize("text, lang, expected", [
    ("我在中心做志愿者三年了，认识了很多朋友", "zh", []),                # a role someone has
    ("志愿者们特别热心，帮我填了表格", "zh", []),                         # praise of what exists
    ("I've been a volunteer here for years", "en", []),
    ("The volunteers were brilliant with my mum", "en", []),
    ("建议多招募志愿者，特别是年轻人", "zh", [("R-VOLUNTEERS", "志愿者")]),
    ("志愿者太少了", "zh", [("R-VOLUNTEERS", "志愿者")]),                 # no role, no praise: kept
    ("They should get more volunteers, the ones we have are great", "en", [("R-VOLUNTEERS", "volunteers")]),
])
def test_recommendation_false_friends(coder, text, lang, expected):
    assert coded(coder, text, lang) == expected
