"""models/vectorize.py builds the very matrices scikit-learn's TfidfVectorizer built before it.

NMF's sums run in the sparse matrix's storage order, so "the same matrix" here means the same
vocabulary, the same structure element for element (indptr, indices, index dtypes, sorted-indices
flag) and the same values; and a seeded NMF fit on top gives the same topics.
"""
import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

import qualmine.models.nmf as nmf
from qualmine.models.nmf import NmfTopics, _characters, _tokens
from qualmine.models.prepare import TextPreparer
from qualmine.models.vectorize import CharTfidf, TokenTfidf

TRICKY = [
    "ΟΔΟΣ ΟΔΟΣ ΣΟΦΟΣ",                 # Greek: lower() turns a word-final sigma into ς
    "İstanbul İİ",                     # lower() makes İ two code points
    "全角　空格\u3000和\t制表\n换行",    # ideographic space, tab and newline are all whitespace
    "😀 emoji 😀 BMP以外",                # outside the Basic Multilingual Plane
    "bad byte \udcff kept",            # a lone surrogate, as surrogateescape decoding leaves them
    "",
    "   ",
    "ＡＢＣ abc ＡＢＣ",                 # full-width Latin is not NFKC-folded by the character block
]


def assert_same_matrix(mine, reference) -> None:
    assert type(mine) is type(reference)
    assert mine.shape == reference.shape
    assert mine.indptr.dtype == reference.indptr.dtype and mine.indices.dtype == reference.indices.dtype
    np.testing.assert_array_equal(mine.indptr, reference.indptr)
    np.testing.assert_array_equal(mine.indices, reference.indices)
    assert mine.has_sorted_indices == reference.has_sorted_indices
    assert np.allclose(mine.data, reference.data, rtol=0, atol=1e-15)


def reference_chars(**params) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=_characters, sublinear_tf=True, norm="l2", **params)


def reference_tokens(**params) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=_tokens, sublinear_tf=True, norm="l2", **params)


def compare_chars(texts: list[str], new_texts: list[str], **params) -> None:
    reference, mine = reference_chars(**params), CharTfidf(**params)
    assert_same_matrix(mine.fit_transform(texts), reference.fit_transform(texts))
    assert list(mine.get_feature_names_out()) == list(reference.get_feature_names_out())
    np.testing.assert_array_equal(mine.idf_, reference.idf_)
    assert_same_matrix(mine.transform(new_texts), reference.transform(new_texts))


def compare_tokens(docs: list[list[str]], new_docs: list[list[str]], **params) -> None:
    reference, mine = reference_tokens(**params), TokenTfidf(**params)
    assert_same_matrix(mine.fit_transform(docs), reference.fit_transform(docs))
    assert list(mine.get_feature_names_out()) == list(reference.get_feature_names_out())
    assert_same_matrix(mine.transform(new_docs), reference.transform(new_docs))


def split(texts: list[str]) -> tuple[list[str], list[str]]:
    cut = len(texts) * 2 // 3
    return texts[:cut], texts[cut:] + TRICKY


# -- the character block ------------------------------------------------------------------------

def test_character_block_on_the_example_corpus(example_answers):
    for lang in ("zh", "en"):
        fit, new = split(example_answers[lang])
        compare_chars(fit, new, min_df=2, max_df=0.5)


def test_character_block_on_real_chinese_questions(neike_answers):
    fit, new = split(neike_answers)
    compare_chars(fit, new, min_df=2, max_df=0.5)
    compare_chars(fit[:500], new, min_df=1, max_df=1.0)          # no pruning
    compare_chars(fit[:500], new, min_df=0.01, max_df=40)        # share / count bounds the other way round


def test_character_block_on_awkward_characters(example_answers):
    texts = TRICKY * 3 + example_answers["zh"][:40]
    compare_chars(texts, TRICKY + ["ς σ", "i̇"], min_df=2, max_df=0.5)


def test_character_block_fails_as_the_vectorizer_does():
    # every character pruned: the NMF engine then falls back to words alone
    once = ["甲乙", "丙丁", "戊己", "庚辛", "壬癸", "子丑"]     # no character in two answers
    for vectorizer in (reference_chars(min_df=2, max_df=0.5), CharTfidf(min_df=2, max_df=0.5)):
        with pytest.raises(ValueError, match="After pruning, no terms remain"):
            vectorizer.fit_transform(once)
        with pytest.raises(ValueError, match="empty vocabulary"):
            vectorizer.fit_transform([" ", "\u3000\n", ""])
        with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
            vectorizer.fit_transform(["甲乙", "甲"])          # 0.5 * 2 documents < min_df 2
        with pytest.raises(ValueError, match="string object received"):
            vectorizer.fit_transform("甲乙丙")


def test_character_block_pickles_and_needs_fitting(example_answers):
    texts = example_answers["zh"]
    vectorizer = CharTfidf(min_df=2, max_df=0.5)
    with pytest.raises(Exception, match="not fitted"):
        vectorizer.transform(texts)
    vectorizer.fit(texts)
    again = pickle.loads(pickle.dumps(vectorizer))
    assert_same_matrix(again.transform(texts[:50]), vectorizer.transform(texts[:50]))


# -- the word block -----------------------------------------------------------------------------

def test_word_block_on_prepared_real_answers(example_answers, neike_answers):
    for lang, texts in (("zh", example_answers["zh"]), ("en", example_answers["en"]), ("zh", neike_answers)):
        fit, new = split(texts)
        new = [t for t in new if "\udcff" not in t]     # jieba cannot take a lone surrogate (nor could it before)
        preparer = TextPreparer(lang)
        docs, new_docs = preparer.fit_transform(fit), preparer.transform(new)
        compare_tokens(docs, new_docs)
        compare_tokens(docs, new_docs, min_df=2, max_df=0.5)
        raw = [preparer.tokenize(t) for t in fit]                 # unpruned tokens, repeated ones included
        compare_tokens(raw, [preparer.tokenize(t) for t in new], min_df=3, max_df=0.3)


def test_word_block_takes_any_sequence_of_tokens():
    docs = [("开放", "时间"), ["排队", "开放", "排队"], iter(["时间"]), []]
    reference = reference_tokens().fit_transform([list(d) for d in [docs[0], docs[1], ["时间"], []]])
    assert_same_matrix(TokenTfidf().fit_transform(docs), reference)


# -- the NMF engine on top ----------------------------------------------------------------------

def fit_both(monkeypatch, docs, texts, k: int, seed: int = 13):
    """The engine as shipped, and the engine with the former TfidfVectorizer blocks."""
    mine = NmfTopics(k=k, random_state=seed, characters=True).fit(docs, texts=texts)
    with monkeypatch.context() as patch:
        patch.setattr(nmf, "TokenTfidf", lambda **kw: TfidfVectorizer(analyzer=_tokens, **kw))
        patch.setattr(nmf, "CharTfidf", lambda **kw: TfidfVectorizer(analyzer=_characters, **kw))
        reference = NmfTopics(k=k, random_state=seed, characters=True).fit(docs, texts=texts)
    assert isinstance(reference.char_vectorizer_, TfidfVectorizer) and isinstance(mine.char_vectorizer_, CharTfidf)
    return mine, reference


def assert_same_topics(mine, reference) -> None:
    assert list(mine.vocabulary_) == list(reference.vocabulary_)
    assert mine.top_terms(15) == reference.top_terms(15)
    assert mine.n_iter_ == reference.n_iter_
    np.testing.assert_allclose(mine.components_, reference.components_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(mine.doc_topic_, reference.doc_topic_, rtol=0, atol=1e-12)


def test_seeded_nmf_on_the_example_corpus_gives_the_same_topics(monkeypatch, example_answers):
    texts = example_answers["zh"]
    docs = TextPreparer("zh").fit_transform(texts)
    mine, reference = fit_both(monkeypatch, docs, texts, k=5)
    assert_same_topics(mine, reference)
    np.testing.assert_allclose(mine.transform(docs[:30], texts=texts[:30]),
                               reference.transform(docs[:30], texts=texts[:30]), rtol=0, atol=1e-12)


def test_seeded_nmf_on_real_chinese_questions_gives_the_same_topics(monkeypatch, neike_answers):
    docs = TextPreparer("zh").fit_transform(neike_answers)
    mine, reference = fit_both(monkeypatch, docs, neike_answers, k=8)
    assert_same_topics(mine, reference)
