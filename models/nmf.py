"""Non-negative matrix factorisation (scikit-learn) on TF-IDF: the default engine.

Short answers carry few words each, which starves LDA's per-document topic mixtures; NMF on
sublinear, L2-normalised TF-IDF works on the whole document-term matrix at once and fits in a
second or two on ~10k answers (see models/README.md for the benchmark).
"""
from __future__ import annotations

import warnings

import numpy as np
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer

from models.base import TopicModel, int_in, normalise_rows, one_of, real_in


def _tokens(doc: list[str]) -> list[str]:
    # Documents arrive tokenised; a module-level function (not a lambda) so the model pickles.
    return doc


class NmfTopics(TopicModel):
    """NMF topics on TF-IDF.

    Parameters
    ----------
    k : number of topics.
    random_state : seed (NNDSVDa initialisation is deterministic; the seed covers the solver).
    max_iter, tol : coordinate-descent solver limits.
    alpha_W, l1_ratio : regularisation of the document-topic matrix (0 = none).
    sublinear_tf : use 1 + log(tf); a word repeated in one answer should not dominate it.
    init : scikit-learn's NMF initialisation ('nndsvda' is deterministic and suits sparse data).
    """

    _parameter_constraints = {
        **TopicModel._parameter_constraints,
        "max_iter": int_in(1, 100_000),
        "tol": real_in(0.0, 1.0),
        "alpha_W": real_in(0.0, 1e6),
        "l1_ratio": real_in(0.0, 1.0),
        "sublinear_tf": one_of(True, False),
        "init": one_of("nndsvda", "nndsvd", "nndsvdar", "random"),
    }

    def __init__(self, k: int = 10, random_state: int | None = 0, max_iter: int = 400, tol: float = 1e-4,
                 alpha_W: float = 0.0, l1_ratio: float = 0.0, sublinear_tf: bool = True, init: str = "nndsvda"):
        self.k = k
        self.random_state = random_state
        self.max_iter = max_iter
        self.tol = tol
        self.alpha_W = alpha_W
        self.l1_ratio = l1_ratio
        self.sublinear_tf = sublinear_tf
        self.init = init

    def _fit(self, docs: list[list[str]]) -> None:
        self.vectorizer_ = TfidfVectorizer(analyzer=_tokens, sublinear_tf=self.sublinear_tf, norm="l2")
        tfidf = self.vectorizer_.fit_transform(docs)
        self.nmf_ = NMF(n_components=self.k, init=self.init, random_state=self.random_state, max_iter=self.max_iter,
                        tol=self.tol, alpha_W=self.alpha_W, l1_ratio=self.l1_ratio)
        with warnings.catch_warnings():
            # Not converging within max_iter still gives usable topics; it is reported, not raised.
            warnings.simplefilter("ignore", ConvergenceWarning)
            # an exact fit makes the loss a tiny negative number under sqrt: harmless, not worth a warning
            warnings.filterwarnings("ignore", "invalid value encountered in sqrt", RuntimeWarning)
            weights = self.nmf_.fit_transform(tfidf)
        self.n_iter_ = int(self.nmf_.n_iter_)
        self.vocabulary_ = np.asarray(self.vectorizer_.get_feature_names_out(), dtype=object)
        self.components_ = normalise_rows(self.nmf_.components_)
        self.doc_topic_ = normalise_rows(weights)

    def _transform(self, docs: list[list[str]]) -> np.ndarray:
        if not docs:
            return np.zeros((0, self.k))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return normalise_rows(self.nmf_.transform(self.vectorizer_.transform(docs)))
