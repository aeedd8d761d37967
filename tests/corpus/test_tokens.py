"""Chinese segmenter backends and the English lookup lemmatizer (corpus/tokens.py)."""
from __future__ import annotations

import pickle

import pytest

from qualmine.corpus.tokens import ChineseSegmenter, EnglishLemmatizer, lower_preserving, phrase_automaton

BACKENDS = ["jieba", "rjieba"]
SENTENCES = [
    "党群服务中心的开放时间太短了",
    "我觉得工作人员态度很好，就是排队太久。",
    "希望周末也能开放，方便上班族。",
    "The staff用APP预约很方便",
    "人手不足的问题一直没有解决",
]
USER_WORDS = ("党群服务中心", "开放时间", "上班时间冲突")


@pytest.fixture(scope="module")
def segmenters() -> dict[tuple[str, bool], ChineseSegmenter]:
    return {(b, words): ChineseSegmenter(b, USER_WORDS if words else ()) for b in BACKENDS for words in (False, True)}


@pytest.mark.parametrize("backend", BACKENDS)
def test_user_words_keep_multi_character_terms_whole(segmenters, backend):
    text = "党群服务中心的开放时间太短了"
    plain = segmenters[(backend, False)].cut(text)
    assert "党群服务中心" not in plain and "开放时间" not in plain   # the dictionary alone splits them
    tokens = segmenters[(backend, True)].cut(text)
    assert tokens[0] == "党群服务中心" and "开放时间" in tokens
    assert "".join(tokens) == text


@pytest.mark.parametrize("backend", BACKENDS)
def test_tokenize_offsets_index_the_text(segmenters, backend):
    for text in SENTENCES + ["  前后有空格 ", "ＡＰＰ\n第二行"]:
        tokens = segmenters[(backend, True)].tokenize(text)
        assert [t for t, _, _ in tokens] == segmenters[(backend, True)].cut(text)
        assert all(text[s:e] == t for t, s, e in tokens)
        assert "".join(t for t, _, _ in tokens) == text


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_lone_surrogate_is_cut_around_not_an_error(segmenters, backend):
    # rjieba takes UTF-8 only; a str built by code (never a decoded file) can hold a lone surrogate.
    text = "党群服务中心的开放时间\ud800太短了"
    segmenter = segmenters[(backend, True)]
    tokens = segmenter.tokenize(text)
    assert all(text[s:e] == t for t, s, e in tokens) and "".join(t for t, _, _ in tokens) == text
    assert ("\ud800", 11, 12) in tokens and "开放时间" in segmenter.cut(text)
    assert segmenter.cut(text) == [t for t, _, _ in tokens]


@pytest.mark.parametrize("words", [False, True])
def test_jieba_and_rjieba_agree(segmenters, words):
    for text in SENTENCES:
        assert segmenters[("jieba", words)].cut(text) == segmenters[("rjieba", words)].cut(text), text


def test_user_words_do_not_leak_into_other_segmenters(segmenters):
    segmenters[("jieba", True)].cut("开放时间")   # make sure the instance with user words exists
    assert ChineseSegmenter("jieba").cut("开放时间") == ["开放", "时间"]
    assert ChineseSegmenter("rjieba").cut("开放时间") == ["开放", "时间"]


def test_words_with_spaces_or_one_character_are_not_user_words():
    seg = ChineseSegmenter("jieba", ["red tape", "好", "排长队", "排长队"])
    assert seg.user_words == ("排长队",)


def test_auto_prefers_rjieba_and_unknown_backend_is_an_error():
    assert ChineseSegmenter().backend == "rjieba"
    with pytest.raises(ValueError, match="backend"):
        ChineseSegmenter("pkuseg")


@pytest.mark.parametrize("backend", BACKENDS)
def test_segmenter_pickles_and_rebuilds_its_dictionary(segmenters, backend):
    seg = segmenters[(backend, True)]
    seg.cut("开放时间")            # the engine exists: pickling must drop it
    clone = pickle.loads(pickle.dumps(seg))
    assert clone.backend == backend and clone.user_words == seg.user_words
    assert clone.cut(SENTENCES[0]) == seg.cut(SENTENCES[0])


@pytest.fixture(scope="module")
def lemmatizer() -> EnglishLemmatizer:
    return EnglishLemmatizer()


def test_lemmas_are_case_insensitive_with_offsets(lemmatizer):
    text = "Volunteers VOLUNTEERED,  volunteering!"
    lemmas = lemmatizer.lemmas(text)
    assert [lem for lem, _, _ in lemmas] == ["volunteer", "volunteer", ",", "volunteer", "!"]
    assert [text[s:e] for _, s, e in lemmas] == ["Volunteers", "VOLUNTEERED", ",", "volunteering", "!"]


def test_contractions_lemmatize_to_their_words(lemmatizer):
    assert [lem for lem, _, _ in lemmatizer.lemmas("It isn't, we can't, they didn't")] == [
        "it", "be", "not", ",", "we", "can", "not", ",", "they", "do", "not"]


def test_phrases_match_whole_token_lemma_sequences(lemmatizer):
    automaton = phrase_automaton([(lemmatizer.phrase("Opening Hours"), "hours"), (lemmatizer.phrase("art"), "art")])
    assert lemmatizer.phrase("Opening Hours") == "open hour"
    text = "The opened hours suit artists; the opening hour of the art room"
    seq = lemmatizer.sequence(text)
    found = [(payload, text[seq.tokens[a][1]:seq.tokens[b][2]]) for a, b, payload in seq.find(automaton)]
    assert found == [(["hours"], "opened hours"), (["hours"], "opening hour"), (["art"], "art")]


def test_lemmatizer_pickles(lemmatizer):
    lemmatizer.lemmas("warm up")
    assert pickle.loads(pickle.dumps(lemmatizer)).lemmas("Queues") == [("queue", 0, 6)]


def test_lower_preserving_keeps_length():
    assert lower_preserving("ABC 开放") == "abc 开放"
    text = "İstanbul OPENING"
    assert len(text.lower()) != len(text)
    assert lower_preserving(text) == "İstanbul opening"
