"""Text preparation: codebook terms survive jieba, stop words go, English becomes lemmas."""
import pickle

import pytest

from qualmine.models.prepare import TextPreparer, stop_words


def test_chinese_codebook_terms_stay_whole_tokens():
    text = "办事流程太复杂了，开放时间也不合适"
    plain = TextPreparer("zh").tokenize(text)
    seeded = TextPreparer("zh", user_words=["办事流程", "开放时间"]).tokenize(text)
    assert "办事流程" not in plain          # jieba alone splits it
    assert "办事流程" in seeded and "开放时间" in seeded


def test_chinese_stop_words_and_punctuation_removed():
    tokens = TextPreparer("zh").tokenize("我们觉得这个中心的服务非常好，谢谢！2023年")
    assert "服务" in tokens and "中心" in tokens
    for gone in ("我们", "觉得", "这个", "的", "，", "！", "2023", "非常", "谢谢"):
        assert gone not in tokens


def test_whole_answer_words_are_kept():
    # "Nothing" / 没有 answer "what could we improve?": they must not vanish as stop words.
    assert TextPreparer("en").tokenize("Nothing.") == ["nothing"]
    assert "没有" in TextPreparer("zh").tokenize("暂时没有")
    assert "nothing" not in stop_words("en") and "the" in stop_words("en")


def test_english_lowercase_lemmas_without_stop_words():
    tokens = TextPreparer("en").tokenize("The Queues were LONGER and the staff were waiting for hours")
    assert tokens == ["queue", "long", "staff", "wait", "hour"]


def test_english_codebook_phrases_joined():
    prep = TextPreparer("en", user_words=["opening hours", "red tape"])
    assert prep.tokenize("The opening hours are bad, too much red tape") == ["open_hour", "bad", "red_tape"]


def test_document_frequency_pruning():
    texts = ["queue wait", "queue staff", "queue volunteer", "queue rare"]
    prep = TextPreparer("en", min_df=2, max_df=0.9)
    docs = prep.fit_transform(texts)
    # 'queue' is in every answer (above max_df); the rest occur once (below min_df)
    assert prep.vocabulary_ == ()
    assert docs == [[], [], [], []]
    prep = TextPreparer("en", min_df=1, max_df=1.0).fit(texts)
    assert set(prep.vocabulary_) == {"queue", "wait", "staff", "volunteer", "rare"}
    assert prep.transform(["queue and an unknownword"]) == [["queue"]]


def test_phrases_learned_from_the_corpus():
    texts = ["long waiting time at the desk"] * 6 + ["friendly staff today"] * 6 + ["the desk staff"]
    prep = TextPreparer("en", phrases=True, min_df=1, max_df=1.0)
    docs = prep.fit_transform(texts)
    assert "friendly_staff" in docs[6]


def test_bad_parameters_use_one_message_shape():
    with pytest.raises(ValueError, match=r"The 'lang' parameter of TextPreparer must be one of 'zh', 'en'. Got 'fr' instead."):
        TextPreparer("fr").tokenize("bonjour")
    with pytest.raises(ValueError, match=r"The 'min_df' parameter of TextPreparer"):
        TextPreparer("en", min_df=-1).fit(["a b"])


def test_preparer_pickles_without_its_tokenizer():
    prep = TextPreparer("zh", user_words=["办事流程"])
    before = prep.tokenize("办事流程太慢")
    clone = pickle.loads(pickle.dumps(prep))
    assert clone.tokenize("办事流程太慢") == before
