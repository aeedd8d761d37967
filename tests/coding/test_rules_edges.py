"""coding/rules.py at its edges: which answer of a batch the Chinese prefilter lets through, hits
past the last word, scores and overlapping hits. The main behaviour is tests/coding/test_rules.py."""
from __future__ import annotations

import pandas as pd
import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.negation import NegationRules
from qualmine.coding.rules import RuleCoder

BOOK = parse_codebook("""
name: edges
codes:
  - id: P-QUEUE
    kind: problem
    label: {zh: 排队, en: Queues}
    keywords: {zh: [排队, 排队很久], en: [queue, queue time]}
    patterns: {zh: ['等了?.{0,3}(半天|很久)'], en: ['wait(ed|ing)? (for )?hours']}
  - id: P-PAUSE
    kind: problem
    label: {en: A long pause}
    patterns: {en: ['\\s{3,}$']}
  - id: P-APP
    kind: problem
    label: {en: The booking app}
    keywords: {en: [app]}
  - id: R-VOLUNTEERS
    kind: recommendation
    label: {zh: 多招志愿者, en: Recruit volunteers}
    keywords: {zh: [志愿者], en: [volunteers]}
""")


@pytest.fixture(scope="module")
def coder() -> RuleCoder:
    return RuleCoder(BOOK)


def frame(texts: list[str], lang: str = "zh") -> pd.DataFrame:
    return pd.DataFrame({"segment_id": [f"s{i}" for i in range(len(texts))], "start": 0, "text": texts,
                         "lang": lang, "is_interviewer": False})


@pytest.mark.parametrize("texts, coded", [
    (["好", "好排队", "好"], ["s1"]),                       # a keyword at the very end of a middle answer
    (["排队", "好", "好"], ["s0"]),
    (["好", "好", "好", "很好排队"], ["s3"]),
    (["还行", "一般", "好排队", "不错", "太好了"], ["s2"]),
    (["排队", "排队", "不错", "排队"], ["s0", "s1", "s3"]),
])
def test_the_chinese_prefilter_lets_through_exactly_the_answers_holding_a_cue(coder, texts, coded):
    assert [t for t, worth in zip(texts, coder.may_fire(texts, ["zh"] * len(texts))) if worth] == \
        [texts[int(s[1:])] for s in coded]
    assert coder.apply_frame(frame(texts))["segment_id"].tolist() == coded


def test_a_hit_in_the_whitespace_after_the_last_word_belongs_to_the_last_word(coder):
    # Negation reads the hit in the last word's clause; nothing points past the end of the tokens.
    assert [(a.code_id, a.start, a.end) for a in coder.code_text("s", 0, "All fine   ", "en")] == [("P-PAUSE", 8, 11)]
    assert coder.code_text("s", 0, "It was not fine   ", "en") == []


@pytest.mark.parametrize("text, lang, proposed", [
    ("环境不错，我在这里做志愿者三年了", "zh", False),     # a role word before the hit, in a later clause
    ("环境一般，志愿者们都很热心", "zh", False),           # praise after the hit, in a later clause
    ("环境一般，建议多招些志愿者", "zh", True),
    ("环境一般，志愿者", "zh", True),
    ("The rooms are fine, and we are volunteers here", "en", False),
    ("The rooms are fine, the volunteers are lovely", "en", False),
    ("The rooms are fine, but volunteers", "en", True),
    ("The rooms are fine, you should recruit volunteers", "en", True),
])
def test_a_recommendation_in_a_later_clause_is_read_in_that_clause(coder, text, lang, proposed):
    coded = {a.code_id for a in coder.code_text("s", 0, text, lang)}
    assert ("R-VOLUNTEERS" in coded) is proposed


@pytest.mark.parametrize("text, found", [
    ("我一般用 app 预约", True),         # after a space: a word start
    ("我一般用(app)预约", True),
    ("我一般用app预约", True),            # after a Chinese character: a word start
    ("我一般用whatsapp联系", False),      # inside an English word: not this keyword
    ("我一般用 2app 预约", False),
])
def test_an_english_keyword_in_a_chinese_answer_must_start_a_word(coder, text, found):
    coded = [(a.code_id, a.evidence) for a in coder.code_text("s", 0, text, "zh")]
    assert (("P-APP", "app") in coded) is found


@pytest.mark.parametrize("text, coded", [
    ("预约都用app", True),                # an English keyword at the very end of a Chinese answer
    ("预约都用apps", True),
    ("预约都用 app!", True),
])
def test_an_english_keyword_ending_a_chinese_answer_is_found_with_its_whole_word(coder, text, coded):
    found = [(a.code_id, a.evidence) for a in coder.code_text("s", 0, text, "zh")]
    word = text[text.index("app"):].rstrip("!")
    assert found == [("P-APP", word)]


@pytest.mark.parametrize("text, negated", [
    ("We never really truly waited for hours", True),    # the cue is 3 tokens before the pattern hit
    ("We never really truly always waited for hours", False),   # 4 tokens before: out of the window
    ("Not waiting hours", True),
    ("Waiting hours, not fun", False),                   # after the hit, not a 'not ... fine' tail
])
def test_a_pattern_hit_is_negated_from_its_own_first_token(coder, text, negated):
    coded = {a.code_id for a in coder.code_text("s", 0, text, "en")}
    assert ("P-QUEUE" not in coded) is negated


@pytest.mark.parametrize("text, lang, evidence", [
    ("排队很久，真的", "zh", "排队很久"),          # two keywords start together: the longer is the evidence
    ("真的排队很久", "zh", "排队很久"),
    ("Queue time is long", "en", "Queue time"),
    ("The queue time is long", "en", "queue time"),
])
def test_overlapping_hits_starting_together_keep_the_longest(coder, text, lang, evidence):
    [app] = [a for a in coder.code_text("s", 0, text, lang) if a.code_id == "P-QUEUE"]
    assert (app.evidence, app.hits, app.score) == (evidence, 1, 0.9)


@pytest.mark.parametrize("text, lang, hits, score", [
    ("排队", "zh", 1, 0.9),
    ("排队，又排队", "zh", 2, 0.95),
    ("排队，又排队，还排队", "zh", 3, 1.0),            # 0.9 + 2 x 0.05
    ("排队，排队，排队，排队", "zh", 4, 1.0),           # capped
    ("等了半天", "zh", 1, 0.8),                         # a pattern alone
    ("等了半天，又等了很久，再等了半天", "zh", 3, 0.9),
])
def test_the_score_grows_by_a_bonus_per_further_hit_up_to_one(coder, text, lang, hits, score):
    [app] = [a for a in coder.code_text("s", 0, text, lang) if a.code_id == "P-QUEUE"]
    assert (app.hits, app.score) == (hits, score)


def test_a_chinese_pattern_without_a_literal_lets_every_answer_through():
    book = parse_codebook(r"""
name: digits
codes:
  - {id: P-FEE, kind: problem, label: {zh: 收费}, patterns: {zh: ['\d{3,}']}}
""")
    rules = RuleCoder(book)
    texts = ["收了300元", "好", "一共1000元"]
    assert rules.may_fire(texts, ["zh"] * 3) == [True, True, True]
    assert rules.apply_frame(frame(texts))["evidence"].tolist() == ["300", "1000"]


def test_the_codebook_may_be_named_and_options_are_keywords_only():
    assert RuleCoder(codebook=BOOK).codebook is BOOK
    with pytest.raises(TypeError):
        RuleCoder(BOOK, True)


LINES = parse_codebook("""
name: lines
codes:
  - {id: P-QUEUE, kind: problem, label: {zh: 排队}, keywords: {zh: [排队], en: [go back]}}
  - {id: P-LINE, kind: problem, label: {zh: 队太长}, patterns: {zh: ['排队.{0,2}太长', '等了?.{0,3}半天']}}
  - {id: S-OK, kind: satisfaction, label: {zh: 满意}, keywords: {zh: [满意], en: [satisfied]}}
""")


def test_a_batch_lets_through_answers_that_only_a_pattern_or_a_lemma_can_code():
    rules = RuleCoder(LINES)
    zh = "".join(["z", "h"])              # a language read from a file: equal to 'zh', not the same object
    texts = ["等了半天", "排队真太长", "都挺好", "I went back twice", "排隊", "還行"]
    langs = [zh, zh, zh, "en", zh, None]
    assert rules.may_fire(texts, langs) == [True, True, False, True, True, True]
    coded = rules.apply_frame(frame(texts).assign(lang=langs))
    assert sorted(zip(coded.segment_id, coded.code_id)) == [
        ("s0", "P-LINE"), ("s1", "P-LINE"), ("s1", "P-QUEUE"), ("s3", "P-QUEUE"), ("s4", "P-QUEUE")]


def test_an_unknown_interviewer_flag_counts_as_a_respondent():
    rules = RuleCoder(LINES)
    segs = frame(["排队", "排队", "排队"]).assign(is_interviewer=[float("nan"), True, False])
    assert rules.apply_frame(segs)["segment_id"].tolist() == ["s0", "s2"]
    assert rules.apply_frame(segs.assign(is_interviewer=[None, True, False]))["segment_id"].tolist() == ["s0", "s2"]


@pytest.mark.parametrize("text, lang", [("我是真的很满意", "zh"), ("I am satisfied", "en")])
def test_only_recommendations_are_read_for_a_proposal(text, lang):
    # A role word before the hit drops a recommendation ("I am a volunteer"); satisfaction stays.
    assert [a.code_id for a in RuleCoder(LINES).code_text("s", 0, text, lang)] == ["S-OK"]


def test_more_keyword_scores_in_english_and_overlaps_judged_against_the_last_kept_hit(coder):
    [app] = [a for a in coder.code_text("s", 0, "The queue was long", "en") if a.code_id == "P-QUEUE"]
    assert (app.score, app.matched) == (0.9, "queue")
    # 排队(0-2), then 排队很久(3-7) and 排队(3-5) starting together: the longer one counts, the other overlaps it.
    [app] = [a for a in coder.code_text("s", 0, "排队，排队很久", "zh") if a.code_id == "P-QUEUE"]
    assert (app.hits, app.score, app.evidence) == (2, 0.95, "排队")


EVAL = parse_codebook("""
name: evaluation
codes:
  - {id: S-OK, kind: satisfaction, label: {zh: 满意, en: Satisfied}, keywords: {zh: [满意], en: [satisfied]}}
  - {id: S-BAD, kind: satisfaction, label: {zh: 不满意, en: Dissatisfied}, keywords: {zh: [不满意], en: [dissatisfied]}}
  - {id: R-VOLUNTEERS, kind: recommendation, label: {zh: 多招志愿者}, keywords: {zh: [志愿者]}}
  - {id: P-STAFF, kind: problem, label: {en: Staff}, patterns: {en: ['not enough staff', '\\swaited for hours']}}
""")


@pytest.mark.parametrize("text, lang, evidence", [("不能说满意", "zh", "不能说满意"),
                                                  ("I am not exactly satisfied", "en", "not exactly satisfied")])
def test_a_negated_evaluation_codes_the_opposite_as_a_looser_hit(text, lang, evidence):
    [app] = RuleCoder(EVAL).code_text("s", 0, text, lang)
    assert (app.code_id, app.evidence, app.matched, app.score, app.hits) == \
        ("S-BAD", evidence, f"not {'满意' if lang == 'zh' else 'satisfied'}", 0.8, 1)


def test_without_concession_rules_proposals_are_still_read_in_the_whole_answer():
    rules = RuleCoder(EVAL, concession=None)
    assert rules.code_text("s", 0, "志愿者热心", "zh") == []                 # praise right after the hit
    assert [a.code_id for a in rules.code_text("s", 0, "建议多招志愿者", "zh")] == ["R-VOLUNTEERS"]
    assert [a.code_id for a in rules.code_text("s", 0, "Not enough staff", "en")] == ["P-STAFF"]


def test_a_conceded_clause_drops_only_negatable_and_evaluative_codes():
    rules = RuleCoder(EVAL)
    assert [a.code_id for a in rules.code_text("s", 0, "虽然建议多招志愿者，但是现在也还行", "zh")] == ["R-VOLUNTEERS"]


@pytest.mark.parametrize("text, coded", [
    ("Not enough staff today", True),               # the cue inside the pattern's own hit does not negate it
    ("There is not enough staff", True),
    ("Never really truly always waited for hours", True),   # a hit starting at a space belongs to the next word
    ("Never really truly waited for hours", False),         # the cue 3 words before it
])
def test_a_pattern_hit_starts_at_its_own_first_word(text, coded):
    assert ([a.code_id for a in RuleCoder(EVAL).code_text("s", 0, text, "en")] == ["P-STAFF"]) is coded


@pytest.mark.parametrize("text, lang", [("环境不错，我在这里做志愿者", "zh"), ("我做志愿者", "zh")])
def test_a_role_before_a_recommendation_ending_the_answer_still_counts(text, lang):
    assert RuleCoder(EVAL).code_text("s", 0, text, lang) == []


def test_missing_and_blank_answers_get_no_code_and_whitespace_has_no_words_to_negate(coder):
    assert coder.code_text("s", 0, float("nan"), "zh") == [] and coder.code_text("s", 0, "", "en") == []
    assert [(a.code_id, a.evidence) for a in coder.code_text("s", 0, "     ", "en")] == [("P-PAUSE", "     ")]
    assert coder.apply_frame(frame([float("nan"), "排队"]))["segment_id"].tolist() == ["s1"]


def test_a_chinese_keyword_after_an_english_letter_is_found(coder):
    assert [(a.code_id, a.evidence) for a in coder.code_text("s", 0, "在APP排队", "zh")] == [
        ("P-QUEUE", "排队"), ("P-APP", "APP")]


def test_a_proposal_cue_counts_only_in_the_recommendations_own_clause():
    rules = RuleCoder(EVAL)
    assert rules.code_text("s", 0, "建议多开放几天，志愿者们都很热心", "zh") == []
    for text in ("中心很好志愿者不够", "环境一般，中心很好志愿者不够"):     # praise BEFORE the hit says nothing
        assert [a.code_id for a in rules.code_text("s", 0, text, "zh")] == ["R-VOLUNTEERS"]


def test_the_language_column_is_trusted_and_interviewers_are_coded_on_request():
    rules = RuleCoder(LINES)
    assert rules.apply_frame(frame(["排队"], lang="en")).empty                  # no English cue in it
    asked = frame(["排队", "排队"]).assign(is_interviewer=[True, False])
    assert RuleCoder(LINES, code_interviewer=True).apply_frame(asked)["segment_id"].tolist() == ["s0", "s1"]


def test_a_flipped_evaluation_adds_to_the_opposite_codes_own_hits():
    [app] = RuleCoder(EVAL).code_text("s", 0, "不能说满意，很不满意", "zh")
    assert (app.code_id, app.hits, app.score) == ("S-BAD", 2, 0.95)


PRICE = parse_codebook("""
name: price
codes:
  - {id: P-PRICE, kind: problem, label: {zh: 贵}, keywords: {zh: [贵, A区]}}
""")


def test_a_one_character_keyword_opening_an_answer_is_found_in_a_batch():
    rules = RuleCoder(PRICE)
    texts = ["贵", "好", "贵了", "好", "太贵"]
    assert rules.may_fire(texts, ["zh"] * 5) == [True, False, True, False, True]
    assert rules.apply_frame(frame(texts))["segment_id"].tolist() == ["s0", "s2", "s4"]


@pytest.mark.parametrize("text, found", [("我住在A区", True), ("我住在CA区", False), ("A区太贵", True)])
def test_a_keyword_opening_with_a_latin_letter_must_start_a_word(text, found):
    evidence = [a.evidence for a in RuleCoder(PRICE).code_text("s", 0, text, "zh")]
    assert ("A区" in evidence) is found


@pytest.mark.parametrize("text, evidence", [
    ("用 app预约", "app"),                     # after a space at an even offset
    ("我用xapp预约", None),                    # a letter right before: inside a word
    ("。。。。。。。。apps", "apps"),           # the whole word, whatever the answer starts with
    ("3天都用apps", "apps"),
    ("好" * 300 + "app", "app"),               # a keyword ending a long answer
])
def test_english_keywords_in_chinese_answers_more_positions(coder, text, evidence):
    found = [a.evidence for a in coder.code_text("s", 0, text, "zh") if a.code_id == "P-APP"]
    assert found == ([evidence] if evidence else [])


@pytest.mark.parametrize("text, coded", [
    ("word " * 60 + "never really truly always waited for hours", True),   # offsets past 256
    ("Never really truly always  waited for hours", True),        # two spaces before the hit's word
    ("Oh well, never really truly always waited for hours", True),
    ("We waited for hours there today really is okay", False),   # a tail 3 words after the hit's LAST word
    ("We waited for hours there today really truly is okay", True),
])
def test_a_pattern_hit_spans_its_own_first_and_last_words(text, coded):
    assert ([a.code_id for a in RuleCoder(EVAL).code_text("s", 0, text, "en")] == ["P-STAFF"]) is coded


def test_a_long_answer_with_trailing_whitespace_is_coded(coder):
    text = "word " * 300 + "   "
    assert [a.code_id for a in coder.code_text("s", 0, text, "en")] == ["P-PAUSE"]


def test_a_pattern_hit_negated_by_a_cue_three_words_back(coder):
    assert "P-QUEUE" not in {a.code_id for a in coder.code_text("s", 0, "Never really truly waited for hours", "en")}


MORE = parse_codebook(r"""
name: more
codes:
  - {id: P-STAFF, kind: problem, label: {en: Staff}, patterns: {en: ['\swaited for hours', '\sagain$']}}
  - {id: P-TAIPEI, kind: problem, label: {en: Taipei office}, keywords: {en: [臺北]}}
  - {id: R-TRAINING, kind: recommendation, label: {zh: 专业培训}, keywords: {zh: [专业培训]}}
""")


@pytest.mark.parametrize("text, coded", [
    (" waited for hours. No complaints otherwise", True),    # a hit before the first word: the first clause
    ("Never really truly always again", True),               # a hit starting in the gap before the last word
    ("Never really truly again", False),
])
def test_pattern_hits_at_the_ends_of_an_english_answer(text, coded):
    assert ("P-STAFF" in {a.code_id for a in RuleCoder(MORE).code_text("s", 0, text, "en")}) is coded


def test_an_english_answer_is_matched_as_written_without_traditional_to_simplified():
    assert [a.code_id for a in RuleCoder(MORE).code_text("s", 0, "The 臺北 office was slow", "en")] == ["P-TAIPEI"]


def test_praise_counts_after_a_recommendation_not_inside_it():
    assert [a.code_id for a in RuleCoder(MORE).code_text("s", 0, "专业培训", "zh")] == ["R-TRAINING"]


MIXED = parse_codebook("""
name: mixed script edges
codes:
  - {id: P-BLOCK-A, kind: problem, label: {zh: A 区}, keywords: {zh: [A 区]}}
  - {id: P-ONLINE, kind: problem, label: {zh: 网上通知}, keywords: {zh: [QQ群, 4G]}}
  - {id: P-SHOW, kind: problem, label: {zh: 摆设}, keywords: {zh: [只是摆设]}}
  - {id: P-WAIT, kind: problem, label: {en: Queues}, keywords: {en: [queue]}, patterns: {en: ['queue!']}}
  - {id: P-UNACCEPTABLE, kind: problem, label: {en: Not acceptable}, patterns: {en: ['not acceptable']}}
""")


@pytest.fixture(scope="module")
def mixed() -> RuleCoder:
    return RuleCoder(MIXED)


@pytest.mark.parametrize("text, expected", [
    ("A 区很吵", [("P-BLOCK-A", "A 区")]),
    ("SPA 区很吵", []),                           # 'a 区' starts with a letter: not inside the word 'spa'
    ("通知只发在QQ群app上", [("P-ONLINE", "QQ群")]),  # the word is extended only past an ASCII letter
    ("只有4GB流量", [("P-ONLINE", "4GB")]),          # ... and 4G's last character is one: the whole word
    # a hit right where a conceded clause ends (the contrast word starts the next clause) still counts
    ("虽然设施挺好只是摆设", [("P-SHOW", "只是摆设")]),
])
def test_mixed_script_word_edges_and_a_hit_where_a_concession_ends(mixed, text, expected):
    assert [(a.code_id, a.evidence) for a in mixed.code_text("s", 0, text, "zh")] == expected


def test_overlapping_hits_of_one_code_the_longer_wins_by_characters_even_one_token_longer(mixed):
    # 'queue!' is one character and one token longer than the keyword 'queue': still the longer one
    assert [(a.evidence, a.score, a.matched) for a in mixed.code_text("s", 0, "What a queue!", "en")] == \
        [("queue!", 0.8, "queue!")]


def test_a_one_word_tail_that_is_a_pattern_hits_last_word_does_not_follow_it(mixed):
    # A project's one-word tail 'acceptable' negates what comes before it ("the wait is acceptable"),
    # but in 'not acceptable' it is the hit's own last token, so nothing follows the hit.
    custom = RuleCoder(MIXED, negation=NegationRules(en_tails=NegationRules().en_tails + ("acceptable",)))
    assert [a.code_id for a in custom.code_text("s", 0, "The wait here is not acceptable", "en")] == ["P-UNACCEPTABLE"]
    assert custom.code_text("s", 0, "The queue is acceptable", "en") == []
    assert [a.code_id for a in mixed.code_text("s", 0, "The queue is acceptable", "en")] == ["P-WAIT"]


TRAILING = parse_codebook(r"""
name: a pattern that takes the space or punctuation after its word
codes:
  - {id: P-QUEUE, kind: problem, label: {en: Queues}, patterns: {en: ['queues?\W']}}
""")


@pytest.mark.parametrize("text, coded", [
    ("The queue is ok", False),        # the hit 'queue ' ends in the gap: its last word is 'queue', and 'is ok' follows it
    ("The queues are fine", False),
    ("The queue is long", True),
])
def test_a_pattern_hit_ending_in_the_gap_after_its_word_ends_at_that_word(text, coded):
    assert ("P-QUEUE" in {a.code_id for a in RuleCoder(TRAILING).code_text("s", 0, text, "en")}) is coded
