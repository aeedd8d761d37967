"""The one estimator interface every topic engine implements, and the errors they raise.

An engine is a scikit-learn style estimator: constructor arguments are stored untouched, `fit`
learns, learned state ends with `_`, `random_state` seeds everything. Its input `X` is a list
of documents, each a list of tokens (see `models.prepare`), so every engine sees exactly the
same prepared text and a third engine is one more subclass.
"""
from __future__ import annotations

import numbers
from abc import abstractmethod
from itertools import chain
from typing import Any, Callable, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from qualmine import QualmineError, param_error  # noqa: F401  (param_error: re-exported for the engines)

Docs = Sequence[Sequence[str]]
MAX_TOPICS = 500
# A term counts in a topic only when its weight is at least this share of the topic's heaviest term.
TERM_WEIGHT_FLOOR = 1e-3


class TopicModelError(QualmineError, ValueError):
    """The input cannot be modelled as asked; the message names the problem and what to change."""


def int_in(low: int, high: int | None = None) -> tuple[Callable[[Any], bool], str]:
    """A constraint: an int (not a bool) in [low, high]."""
    expected = f"an int in the range [{low}, {high}]" if high is not None else f"an int >= {low}"
    return (lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool)
            and low <= v and (high is None or v <= high)), expected


def real_in(low: float, high: float) -> tuple[Callable[[Any], bool], str]:
    """A constraint: a real number in [low, high]."""
    return (lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool) and low <= v <= high,
            f"a float in the range [{low}, {high}]")


def one_of(*options: Any) -> tuple[Callable[[Any], bool], str]:
    """A constraint: one of the given values."""
    return (lambda v: any(v == o and type(v) is type(o) for o in options),
            "one of " + ", ".join(repr(o) for o in options))


def either(*constraints: tuple[Callable[[Any], bool], str]) -> tuple[Callable[[Any], bool], str]:
    """A constraint met when any of `constraints` is."""
    return (lambda v: any(check(v) for check, _ in constraints),
            " or ".join(expected for _, expected in constraints))


SEED = either(int_in(0, 2**32 - 1), one_of(None))


class TopicModel(TransformerMixin, BaseEstimator):
    """Base class of the topic engines: `fit(docs)`, `transform(docs)`, `top_terms(n)`.

    Learned attributes shared by every engine:
      * `vocabulary_`: the terms, as an array of str (column order of `components_`);
      * `components_`: (k, n_terms) topic-term weights, each row summing to 1;
      * `doc_topic_`: (n_docs, k) weights of the training documents (rows sum to 1; all zero
        for a document with no known term).
    """

    # Our own (check, expected) pairs under our own names: scikit-learn's private _validate_params and
    # _parameter_constraints use another format and are called by its fit wrappers.
    _param_checks: dict[str, tuple[Callable[[Any], bool], str]] = {
        "k": int_in(2, MAX_TOPICS),
        "random_state": SEED,
    }

    def _check_params(self) -> None:
        owner = type(self).__name__
        for name, (check, expected) in self._param_checks.items():
            value = getattr(self, name)
            if not check(value):
                raise param_error(owner, name, expected, value)

    def fit(self, X: Docs, y: None = None, texts: Sequence[str] | None = None) -> "TopicModel":
        """Learn `self.k` topics from tokenised documents (and their raw `texts`, if the engine uses them)."""
        self._check_params()
        docs = check_docs(X, self.k, type(self).__name__)
        self._fit(docs, check_texts(texts, len(docs), type(self).__name__))
        return self

    def fit_transform(self, X: Docs, y: None = None, texts: Sequence[str] | None = None,
                      **fit_params: Any) -> np.ndarray:
        """Fit, then return the training documents' topic weights (`doc_topic_`)."""
        return self.fit(X, texts=texts).doc_topic_

    def transform(self, X: Docs, texts: Sequence[str] | None = None) -> np.ndarray:
        """(n_docs, k) topic weights of `X`; rows sum to 1, or are all zero for empty documents."""
        if not hasattr(self, "components_"):
            raise TopicModelError(f"this {type(self).__name__} is not fitted yet: call fit(docs) first")
        docs = [list(d) for d in X]
        return self._transform(docs, check_texts(texts, len(docs), type(self).__name__))

    def top_terms(self, n: int = 15) -> list[list[tuple[str, float]]]:
        """Each topic's `n` heaviest terms with their weights, heaviest first (ties by term).

        Terms below `TERM_WEIGHT_FLOOR` of the topic's heaviest weight are left out, so a topic may
        list fewer than `n` terms.
        """
        if not hasattr(self, "components_"):
            raise TopicModelError(f"this {type(self).__name__} is not fitted yet: call fit(docs) first")
        check, expected = int_in(1)
        if not check(n):
            raise param_error(f"{type(self).__name__}.top_terms", "n", expected, n)
        vocab = self.vocabulary_
        out = []
        for row in self.components_:
            # lexsort: last key is primary; weight descending, then term for a stable tie order
            order = np.lexsort((vocab, -row))[:n]
            # Near-zero terms say nothing about a topic: NMF leaves weights like 1e-49 on foreign
            # terms, and counting them would inflate the overlap between topics (diversity) and
            # drag coherence, so K selection would hinge on numerical noise.
            floor = float(row.max()) * TERM_WEIGHT_FLOOR if len(row) else 0.0
            out.append([(str(vocab[i]), float(row[i])) for i in order if row[i] > 0 and row[i] >= floor] or
                       [(str(vocab[i]), float(row[i])) for i in order[:1]])
        return out

    @abstractmethod
    def _fit(self, docs: list[list[str]], texts: list[str] | None) -> None:
        """Set `vocabulary_`, `components_` and `doc_topic_` from non-validated-again docs."""

    @abstractmethod
    def _transform(self, docs: list[list[str]], texts: list[str] | None) -> np.ndarray:
        """Topic weights of new documents."""


def check_docs(X: Docs, k: int, owner: str) -> list[list[str]]:
    """Validate tokenised documents against `k`; raise `TopicModelError` naming what to change."""
    if isinstance(X, (str, bytes)):
        raise TopicModelError(f"{owner}.fit expects a list of tokenised documents (lists of str), got one string")
    # Lists are taken as they are (engines read documents, never change or keep them): a copy of
    # 180k lists costs more in garbage-collector passes than in copying.
    docs = [d if type(d) is list else list(d) for d in X]
    # The token types are checked at C speed; the offending document is looked for only on failure.
    if not all(issubclass(kind, str) for kind in set(map(type, chain.from_iterable(docs)))):
        bad = next(i for i, d in enumerate(docs) if any(not isinstance(t, str) for t in d))
        raise TopicModelError(f"{owner}.fit expects each document as a list of str tokens; document {bad} is not "
                              "(prepare texts with models.prepare.TextPreparer first)")
    filled = sum(map(bool, docs))
    vocabulary = len(set(chain.from_iterable(docs)))
    if filled == 0:
        raise TopicModelError(f"no document has any word left after text preparation ({len(docs)} documents, all "
                              "empty or only stop words): there is nothing to model. Check the segments' language, "
                              "or lower min_df / switch off stop-word removal for very small corpora")
    if k > filled:
        raise TopicModelError(f"K={k} topics were asked for but only {filled} document(s) have words after text "
                              f"preparation: choose K <= {filled} (--k), or add documents")
    if k > vocabulary:
        raise TopicModelError(f"K={k} topics were asked for but the prepared vocabulary has only {vocabulary} "
                              f"term(s): choose K <= {vocabulary}, lower min_df, or add documents")
    return docs


def check_texts(texts: Sequence[str] | None, n_docs: int, owner: str) -> list[str] | None:
    """The raw texts as a list of str, one per document, or None; raise `TopicModelError` otherwise."""
    if texts is None:
        return None
    if isinstance(texts, (str, bytes)):
        raise TopicModelError(f"{owner}: texts must be a list of str (one raw text per document), got one string")
    texts = list(texts)
    if len(texts) != n_docs:
        raise TopicModelError(f"{owner}: got {len(texts)} raw text(s) for {n_docs} document(s): "
                              "texts must be aligned with the tokenised documents, one per document")
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise TopicModelError(f"{owner}: raw text {bad} is {type(texts[bad]).__name__}, expected str")
    return texts


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to sum to 1; all-zero rows stay zero."""
    matrix = np.asarray(matrix, dtype=float)
    sums = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, sums, out=np.zeros_like(matrix), where=sums > 0)
