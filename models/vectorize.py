"""TF-IDF of tokenised documents and of raw texts' characters, built with array operations.

NMF's input matrix was scikit-learn's `TfidfVectorizer` with a Python analyzer (the documents'
tokens, or each text's non-space characters). Its counting loop is Python, one dict update per
token or character: at 100k answers (180k segments, ~6M characters) the two blocks took ~10 s,
half the NMF fit itself. These classes build the very same matrices with numpy, pandas'
hash-based `factorize` and scipy:

* the same vocabulary (sorted terms; for characters, sorted code points), the same `min_df` /
  `max_df` pruning with scikit-learn's bounds (int: documents; float: share of documents);
* the same sparse structure, element for element: `CountVectorizer` numbers terms in order of
  first appearance, sorts each row by that number, prunes, then renames columns alphabetically
  without reordering the rows' entries. NMF's sums run in storage order, so the rows keep that
  order here too and a seeded fit gives bit-identical topics (tests/models/test_topic_vectorize.py);
* the same `TfidfTransformer` (smooth idf, optional sublinear tf, L2 rows) on the counts;
* the same errors: `ValueError` when no term is seen, or every term is pruned.

`transform` of new documents counts known terms only, with sorted rows, as `TfidfVectorizer` does.
"""
from __future__ import annotations

from itertools import chain
from numbers import Integral
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.utils.validation import check_is_fitted

_INT32_MAX = np.iinfo(np.int32).max


class _StreamTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF over a stream of items per document; subclasses say what the items are (`_stream`)."""

    def __init__(self, sublinear_tf: bool = True, norm: str | None = "l2", min_df: int | float = 1,
                 max_df: int | float = 1.0):
        self.sublinear_tf = sublinear_tf
        self.norm = norm
        self.min_df = min_df
        self.max_df = max_df

    def _stream(self, documents) -> tuple[np.ndarray, np.ndarray]:
        """(items of every document, concatenated; number of items per document)."""
        raise NotImplementedError

    def _names(self, features: np.ndarray) -> np.ndarray:
        """The feature names (str, object array) of sorted feature keys."""
        return np.asarray(features, dtype=object)

    def fit(self, documents, y: None = None) -> "_StreamTfidf":
        self.fit_transform(documents)
        return self

    def fit_transform(self, documents, y: None = None) -> sp.csr_matrix:
        """Learn the vocabulary and idf; return the TF-IDF matrix (that of `TfidfVectorizer`)."""
        if isinstance(documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        items, lengths = self._stream(documents)
        # Term ids in order of first appearance: CountVectorizer's defaultdict numbering.
        ids, uniques = pd.factorize(items, use_na_sentinel=False)
        if len(uniques) == 0:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        counts = _count_matrix(ids, lengths, len(uniques))
        n_docs = counts.shape[0]
        high = self.max_df if isinstance(self.max_df, Integral) else self.max_df * n_docs
        low = self.min_df if isinstance(self.min_df, Integral) else self.min_df * n_docs
        if high < low:
            raise ValueError("max_df corresponds to < documents than min_df")
        dfs = np.bincount(counts.indices, minlength=counts.shape[1])
        kept = np.flatnonzero((dfs <= high) & (dfs >= low))
        if len(kept) == 0:
            raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
        # As CountVectorizer: select the kept columns, then rename them alphabetically in place.
        counts = counts[:, kept]
        features = np.asarray(uniques)[kept]
        order = np.argsort(features, kind="stable")
        rename = np.empty(len(kept), dtype=counts.indices.dtype)
        rename[order] = np.arange(len(kept), dtype=counts.indices.dtype)
        counts.indices = rename.take(counts.indices, mode="clip")
        self.features_ = features[order]
        self.tfidf_ = TfidfTransformer(norm=self.norm, sublinear_tf=self.sublinear_tf).fit(counts)
        return self.tfidf_.transform(counts, copy=False)

    def transform(self, documents) -> sp.csr_matrix:
        """TF-IDF of new documents over the learned vocabulary (unknown items are ignored)."""
        check_is_fitted(self, "tfidf_", msg="The TF-IDF vectorizer is not fitted")
        if isinstance(documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        items, lengths = self._stream(documents)
        columns = pd.Index(self.features_).get_indexer(items)
        known = columns >= 0
        rows = np.repeat(np.arange(len(lengths)), lengths)[known]
        counts = _count_matrix(columns[known], np.bincount(rows, minlength=len(lengths)), len(self.features_))
        return self.tfidf_.transform(counts, copy=False)

    def get_feature_names_out(self, input_features: None = None) -> np.ndarray:
        check_is_fitted(self, "tfidf_", msg="The TF-IDF vectorizer is not fitted")
        return self._names(self.features_)

    @property
    def idf_(self) -> np.ndarray:
        return self.tfidf_.idf_


def _count_matrix(ids: np.ndarray, lengths: np.ndarray, n_terms: int) -> sp.csr_matrix:
    """(documents x terms) float64 counts, each row's entries sorted by term id, as CountVectorizer's."""
    index_dtype = np.int32 if len(ids) <= _INT32_MAX else np.int64
    indptr = np.zeros(len(lengths) + 1, dtype=index_dtype)
    np.cumsum(lengths, out=indptr[1:])
    counts = sp.csr_matrix((np.ones(len(ids)), np.asarray(ids, dtype=index_dtype), indptr),
                           shape=(len(lengths), n_terms))
    counts.sum_duplicates()     # sorts each row's ids and adds repeated ones: the counts
    return counts


class TokenTfidf(_StreamTfidf):
    """`TfidfVectorizer(analyzer=lambda doc: doc, ...)`: TF-IDF of already tokenised documents."""

    def _stream(self, documents: Iterable[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        docs = [d if isinstance(d, (list, tuple)) else list(d) for d in documents]
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        items = np.empty(int(lengths.sum()), dtype=object)
        items[:] = list(chain.from_iterable(docs))
        return items, lengths


class CharTfidf(_StreamTfidf):
    """`TfidfVectorizer(analyzer=chars, ...)` where chars(text) is every non-space character of
    `text.lower()`: TF-IDF of raw texts' single characters (features are sorted by code point)."""

    def _stream(self, texts: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        # Each text is lowered on its own: lowering is context-sensitive (a final Greek sigma).
        lowered = [str.lower(t) for t in texts]
        lengths = np.fromiter(map(len, lowered), dtype=np.int64, count=len(lowered))
        codes = np.frombuffer("".join(lowered).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if not codes.size:
            return codes, lengths
        present = np.flatnonzero(np.bincount(codes))
        spaces = [c for c in present.tolist() if chr(c).isspace()]
        if spaces:
            space = np.isin(codes, spaces)
            rows = np.repeat(np.arange(len(lengths)), lengths)
            lengths = lengths - np.bincount(rows[space], minlength=len(lengths))
            codes = codes[~space]
        return codes, lengths

    def _names(self, features: np.ndarray) -> np.ndarray:
        return np.asarray([chr(c) for c in features.tolist()], dtype=object)
