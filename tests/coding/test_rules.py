"""Rule coder (coding/rules.py) and the CodeApplication record (coding/applications.py)."""
from __future__ import annotations

import pickle

import pandas as pd
import pytest

from qualmine.coding.applications import CODE_APPLICATION_COLUMNS, CodeApplication, applications_frame
from qualmine.coding.codebook import load_codebook, parse_codebook
from qualmine.coding.patterns import required_literals
from qualmine.coding.rules import RuleCoder
from qualmine.corpus.normalize import normalize
from qualmine.corpus.records import Segment

BOOK = parse_codebook("""
name: test book
codes:
  - id: P-HOURS
    kind: problem
    label: {zh: 开放时间, en: Opening hours}
    keywords:
      zh: [开放时间, 排队, 党群服务中心]
      en: [opening hours, queue]
    patterns:
      zh: ['等了?.{0,3}(半天|很久)']
      en: ['wait(ed|ing)? (for )?hours']
    exclude:
      zh: [不用排队]
      en: [no queue]
  - id: P-STAFF
    kind: problem
    label: {zh: 人手}
    keywords:
      zh: [人手不足, 便民]
      en: [staff, Volunteer, wechat group, app]
  - id: S-OK
    kind: satisfaction
    label: {zh: 满意}
    keywords:
      zh: [方便, 满意]
      en: [convenient]
""")


@pytest.fixture(scope="module")
def coder() -> RuleCoder:
    return RuleCoder(BOOK)


def segments_of(doc_text: str, parts: list[tuple[str, str]], *, interviewer: tuple[int, ...] = ()) -> list[Segment]:
    """Segments for the given (text, lang) parts, located in `doc_text` in order."""
    out, pos = [], 0
    for n, (text, lang) in enumerate(parts):
        start = doc_text.index(text, pos)
        pos = start + len(text)
        out.append(Segment(f"s{n}", "doc", "R1", "答", n in interviewer, lang, start, pos, text, n, n))
    return out


def code(coder: RuleCoder, text: str, lang: str) -> list[tuple[str, str]]:
    return [(a.code_id, a.evidence) for a in coder.code_text("s", 0, text, lang)]


def assert_offsets(apps: list[CodeApplication], doc_text: str, segments: list[Segment]) -> None:
    by_id = {s.segment_id: s for s in segments}
    for app in apps:
        seg = by_id[app.segment_id]
        assert doc_text[app.start:app.end] == app.evidence
        assert seg.text[app.start - seg.start:app.end - seg.start] == app.evidence


def test_application_frame_has_the_field_columns_even_when_empty():
    assert CODE_APPLICATION_COLUMNS == ("segment_id", "code_id", "source", "start", "end", "evidence",
                                        "score", "matched", "hits")
    assert list(applications_frame([]).columns) == list(CODE_APPLICATION_COLUMNS)
    app = CodeApplication("s1", "P", "rule", 3, 5, "排队", 0.9, "排队")
    frame = applications_frame([app])
    assert frame.iloc[0].to_dict() == {**{c: getattr(app, c) for c in CODE_APPLICATION_COLUMNS}}


def test_chinese_substring_hits_carry_document_offsets(coder):
    doc = "问：您觉得怎么样？\n答：开放时间太短了，便民服务点也太少。"
    segs = segments_of(doc, [("开放时间太短了，便民服务点也太少。", "zh")])
    assert segs[0].start > 0
    apps = coder.apply(segs)
    assert [(a.code_id, a.evidence, a.matched, a.source) for a in apps] == [
        ("P-HOURS", "开放时间", "开放时间", "rule"), ("P-STAFF", "便民", "便民", "rule")]   # 便民 inside 便民服务
    assert apps[0].start == doc.index("开放时间")
    assert_offsets(apps, doc, segs)


def test_keywords_become_user_words_of_the_segmenter(coder):
    assert {"开放时间", "党群服务中心", "人手不足"} <= set(coder.user_words)
    assert "opening hours" not in coder.user_words
    assert coder.segmenter.cut("党群服务中心开放时间太短")[:2] == ["党群服务中心", "开放时间"]


def test_english_words_inside_chinese_answers(coder):
    assert code(coder, "我在WeChat Group里看到通知", "zh") == [("P-STAFF", "WeChat Group")]
    assert code(coder, "用WhatsApp联系", "zh") == []              # 'app' must start a word
    assert code(coder, "Volunteers很辛苦", "zh") == [("P-STAFF", "Volunteers")]


def test_english_inflections_and_case(coder):
    for text, evidence in [("The volunteers were great", "volunteers"), ("I was VOLUNTEERING", "VOLUNTEERING"),
                           ("Volunteered twice", "Volunteered"), ("our Staff", "Staff")]:
        assert code(coder, text, "en") == [("P-STAFF", evidence)], text
    assert code(coder, "a staffroom and an apple", "en") == []     # whole tokens only


def test_english_multi_word_keywords_match_lemma_sequences(coder):
    assert code(coder, "Opening hours are too short", "en") == [("P-HOURS", "Opening hours")]
    assert code(coder, "The opened hours: too short", "en") == [("P-HOURS", "opened hours")]
    assert code(coder, "opening, hours", "en") == []               # punctuation breaks the phrase


def test_full_width_text_matches_with_original_offsets(coder):
    doc = "Q: hours?\nA: ＯＰＥＮＩＮＧ　ＨＯＵＲＳ ｓｈｏｕｌｄ change"
    segs = segments_of(doc, [("ＯＰＥＮＩＮＧ　ＨＯＵＲＳ ｓｈｏｕｌｄ change", "en")])
    apps = coder.apply(segs)
    assert [(a.code_id, a.evidence) for a in apps] == [("P-HOURS", "ＯＰＥＮＩＮＧ　ＨＯＵＲＳ")]
    assert_offsets(apps, doc, segs)
    assert code(coder, "ＡＰＰ很难用", "zh") == [("P-STAFF", "ＡＰＰ")]
    assert code(coder, "没有！开放时间太短", "zh") == [("P-HOURS", "开放时间")]   # full-width '！' ends the clause


def test_normalize_contract_holds_for_matching_inputs():
    for text in ["ＯＰＥＮＩＮＧ　ＨＯＵＲＳ", "开放时间，太短！", "İ\u00a0x", ""]:
        assert len(normalize(text)) == len(text)


def test_exclusions_block_the_code_for_the_segment(coder):
    assert code(coder, "现在不用排队了", "zh") == []
    assert code(coder, "不用排队，但开放时间太短", "zh") == []     # any exclusion term blocks the code
    assert code(coder, "There was no queue at all", "en") == []
    assert code(coder, "The queues were long", "en") == [("P-HOURS", "queues")]


def test_patterns_score_and_hit_count(coder):
    [app] = coder.code_text("s", 100, "排队等了半天，开放时间也短，排队的人多", "zh")
    assert (app.evidence, app.matched, app.hits, app.score) == ("排队", "排队", 4, 1.0)
    assert app.start == 100
    [app] = coder.code_text("s", 0, "等了很久", "zh")
    assert (app.matched, app.score, app.hits) == ("等了?.{0,3}(半天|很久)", 0.8, 1)
    [app] = coder.code_text("s", 0, "We Waited for hours and hours", "en")
    assert (app.evidence, app.score) == ("Waited for hours", 0.8)
    [app] = coder.code_text("s", 0, "开放时间和排队", "zh")
    assert (app.hits, app.score) == (2, 0.95)


def test_overlapping_hits_count_once():
    book = parse_codebook("""
name: b
codes:
  - id: P
    kind: problem
    label: {zh: p}
    keywords: {zh: [排队, 排长队]}
    patterns: {zh: ['排.?队']}
""")
    [app] = RuleCoder(book).code_text("s", 0, "排长队", "zh")
    assert (app.evidence, app.hits, app.score) == ("排长队", 1, 0.9)


def test_one_application_per_segment_and_code_in_order(coder):
    doc = "开放时间太短，人手不足。很方便。排队排队。"
    segs = segments_of(doc, [("开放时间太短，人手不足。", "zh"), ("很方便。", "zh"), ("排队排队。", "zh")])
    apps = coder.apply(segs)
    assert [(a.segment_id, a.code_id) for a in apps] == [
        ("s0", "P-HOURS"), ("s0", "P-STAFF"), ("s1", "S-OK"), ("s2", "P-HOURS")]
    assert_offsets(apps, doc, segs)


def test_interviewer_segments_are_skipped_unless_asked(coder):
    doc = "问：开放时间合适吗？答：排队太久。"
    segs = segments_of(doc, [("开放时间合适吗？", "zh"), ("排队太久。", "zh")], interviewer=(0,))
    assert [a.segment_id for a in coder.apply(segs)] == ["s1"]
    assert [a.segment_id for a in RuleCoder(BOOK, code_interviewer=True).apply(segs)] == ["s0", "s1"]


def test_apply_frame(coder):
    frame = pd.DataFrame({
        "segment_id": ["a", "b", "c", "d"], "start": [0, 10, 20, 30], "end": [6, 25, 21, 34],
        "text": ["开放时间太短", "The staff were rude", None, "排队很久"], "lang": ["zh", "en", "zh", None],
        "is_interviewer": [False, False, False, True]})
    out = coder.apply_frame(frame)
    assert list(out.columns) == list(CODE_APPLICATION_COLUMNS)
    assert out[["segment_id", "code_id", "start", "end"]].values.tolist() == [["a", "P-HOURS", 0, 4], ["b", "P-STAFF", 14, 19]]


def test_unknown_lang_is_detected(coder):
    assert code(coder, "开放时间太短", "") == [("P-HOURS", "开放时间")]
    assert code(coder, "The opening hours", "und") == [("P-HOURS", "opening hours")]


def test_coder_pickles(coder):
    text = "The opening hours are too short"
    clone = pickle.loads(pickle.dumps(coder))
    assert clone.code_text("s", 0, text, "en") == coder.code_text("s", 0, text, "en")
    assert clone.code_text("s", 0, "排队很久", "zh") == coder.code_text("s", 0, "排队很久", "zh")


def test_pattern_prefilter_literals_are_required_substrings():
    assert required_literals("(流程|手续).{0,4}(复杂|麻烦)") == {"流程", "手续"}
    assert required_literals("跑了?[两三]+[趟次]") == {"两趟", "两次", "三趟", "三次"}
    assert required_literals("(?<!不)满意") == {"满意"}
    assert required_literals("Wait(ed)? ") == {"wait ", "waited "}
    assert required_literals(r"\w+") is None and required_literals(".*") is None


def test_shipped_codebook_keeps_the_offset_invariant():
    from qualmine.codebooks import EXAMPLE_CODEBOOK

    book = load_codebook(EXAMPLE_CODEBOOK)   # a shipped codebook that does not load is a failure, not a skip
    coder = RuleCoder(book)
    texts = [e for c in book.codes for e in c.examples]
    doc = "\n".join(texts)
    segs, pos = [], 0
    for n, text in enumerate(texts):
        lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
        segs.append(Segment(f"s{n}", "doc", "R", "答", False, lang, pos, pos + len(text), text, n, 0))
        pos += len(text) + 1
    apps = coder.apply(segs)
    assert apps
    assert_offsets(apps, doc, segs)
