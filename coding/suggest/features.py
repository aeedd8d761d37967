"""Text features for the code-suggestion model: word tokens (jieba / spaCy lemmas) + character n-grams.

`SegmentFeatures` is a scikit-learn transformer over (texts, langs). Word tokens come from the
project's tokenizers (`corpus.tokens`): jieba words for Chinese, spaCy lookup lemmas for English;
they are joined with single spaces so a stock `TfidfVectorizer` with `token_pattern=r"\\S+"` builds
word uni- and bigrams from them. That keeps every vectorizer free of Python callables, so a fitted
model pickles without dragging a tokenizer (a `jieba.Tokenizer` cannot be pickled) along.
Character n-grams (`char_wb`) carry most of the signal for Chinese, where word segmentation of
short, informal answers is unreliable, and help English with misspellings and inflections.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

LANGS = ("zh", "en")


@lru_cache(maxsize=1)
def _chinese() -> Any:
    from qualmine.corpus.tokens import ChineseSegmenter

    return ChineseSegmenter(backend="auto")


@lru_cache(maxsize=1)
def _english() -> Any:
    from qualmine.corpus.tokens import EnglishLemmatizer

    return EnglishLemmatizer()


def _is_word(token: str) -> bool:
    """A token with at least one letter or digit (punctuation and symbols carry no code signal)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


@lru_cache(maxsize=100_000)
def segment_tokens(text: str, lang: str) -> tuple[str, ...]:
    """Word tokens of one segment: jieba words (`zh`) or lower-case spaCy lemmas (`en`).

    Whitespace and punctuation tokens are dropped; tokens never contain spaces. Cached, because
    the review loop scores the same segments again after every retraining.
    """
    if lang == "zh":
        words = (w.strip().lower() for w in _chinese().cut(text))
    else:
        words = (lemma for lemma, _, _ in _english().lemmas(text))
    return tuple(w.replace(" ", "_") for w in words if w and _is_word(w))


def resolve_langs(texts: Sequence[str], langs: Sequence[str] | None) -> list[str]:
    """The language of each text: `langs` checked against the texts, or detected when None."""
    if langs is None:
        from qualmine.corpus.lang import detect_lang

        return [detect_lang(t) for t in texts]
    langs = list(langs)
    if len(langs) != len(texts):
        raise ValueError(f"langs must have one entry per text: got {len(langs)} langs for {len(texts)} texts")
    bad = sorted({str(lang) for lang in langs if lang not in LANGS})
    if bad:
        raise ValueError(f"langs must be one of {LANGS}; got {bad}")
    return langs


def as_text_list(texts: Any) -> list[str]:
    """Texts as a list of str (accepts a list, tuple, numpy array or pandas Series); None -> ''."""
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]


class SegmentFeatures(TransformerMixin, BaseEstimator):
    """TF-IDF over word tokens (uni+bigrams) stacked with TF-IDF over character n-grams.

    Parameters
    ----------
    min_df : int, minimum document frequency of a word or character feature.
    word_ngrams : (min_n, max_n) over word tokens.
    char_ngrams : (min_n, max_n) over characters (`char_wb`: n-grams stay inside words).
    """

    def __init__(self, *, min_df: int = 1, word_ngrams: tuple[int, int] = (1, 2),
                 char_ngrams: tuple[int, int] = (1, 3)):
        self.min_df = min_df
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams

    def _docs(self, texts: Sequence[str], langs: Sequence[str] | None) -> tuple[list[str], list[str]]:
        texts = as_text_list(texts)
        langs = resolve_langs(texts, langs)
        words = [" ".join(segment_tokens(t, lang)) for t, lang in zip(texts, langs)]
        chars = [t.lower() for t in texts]
        return words, chars

    # float64 because liblinear (LinearSVC) copies anything else on every fit
    def fit(self, texts: Sequence[str], y: Any = None, langs: Sequence[str] | None = None) -> "SegmentFeatures":
        self.fit_transform(texts, langs=langs)
        return self

    def fit_transform(self, texts: Sequence[str], y: Any = None, langs: Sequence[str] | None = None) -> sp.csr_matrix:
        words, chars = self._docs(texts, langs)
        word_vectorizer = TfidfVectorizer(
            token_pattern=r"\S+", lowercase=False, ngram_range=tuple(self.word_ngrams),
            min_df=self.min_df, sublinear_tf=True, dtype=np.float64)
        char_vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(self.char_ngrams), min_df=self.min_df,
            sublinear_tf=True, dtype=np.float64)
        self.word_vectorizer_, words_x = _fit_or_none(word_vectorizer, words)
        self.char_vectorizer_, chars_x = _fit_or_none(char_vectorizer, chars)
        self.n_features_out_ = words_x.shape[1] + chars_x.shape[1]
        return sp.hstack([words_x, chars_x], format="csr")

    def transform(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> sp.csr_matrix:
        words, chars = self._docs(texts, langs)
        parts = [_transform_or_empty(self.word_vectorizer_, words), _transform_or_empty(self.char_vectorizer_, chars)]
        return sp.hstack(parts, format="csr")


def _fit_or_none(vectorizer: TfidfVectorizer, docs: list[str]) -> tuple[TfidfVectorizer | None, sp.csr_matrix]:
    # Texts made only of punctuation (or min_df above every count) leave an empty vocabulary:
    # that part then contributes no columns instead of failing the whole fit.
    try:
        return vectorizer, vectorizer.fit_transform(docs).tocsr()
    except ValueError:
        return None, sp.csr_matrix((len(docs), 0), dtype=np.float64)


def _transform_or_empty(vectorizer: TfidfVectorizer | None, docs: list[str]) -> sp.csr_matrix:
    if vectorizer is None:
        return sp.csr_matrix((len(docs), 0), dtype=np.float64)
    return vectorizer.transform(docs).tocsr()
