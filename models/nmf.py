"""Non-negative matrix factorisation (scikit-learn) on TF-IDF: the default engine.

Short answers carry few words each, which starves LDA's per-document topic mixtures; NMF on
sublinear, L2-normalised TF-IDF works on the whole document-term matrix at once and fits in a
second or two on ~10k answers (see models/README.md for the benchmark).

Chinese has no spaces: its words come from a segmenter, and a segmenter's errors, rare compounds
and rewritten words ('呼息' for '呼吸') scatter one meaning over many rare tokens that document-
frequency pruning then drops. With `characters=True` the model also sees each answer's
characters (a second TF-IDF block over the raw text, as segmentation-free Chinese baselines do):
a rare word's characters still tie it to its topic. Both blocks are L2-normalised, then each row
again, so words and characters weigh the same; topics are read (`top_terms`, `components_`) from
the word block only, so they stay readable and comparable with codebook keywords.
"""
from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import normalize

from qualmine.models.base import TopicModel, TopicModelError, int_in, normalise_rows, one_of, real_in
from qualmine.models.vectorize import CharTfidf, TokenTfidf

CHARACTER_MIN_DOCS = 50     # below this, df pruning of characters is meaningless: no character block


def _tokens(doc: list[str]) -> list[str]:
    # The analyzer the word block used to be built with (TfidfVectorizer(analyzer=_tokens));
    # kept so models pickled before models/vectorize.py still load, and as the tests' reference.
    return doc


def _characters(text: str) -> list[str]:
    # Every non-space character, lower-cased; whitespace separates nothing in Chinese.
    # The character block's former analyzer: kept for old pickles and as the tests' reference.
    return [ch for ch in text.lower() if not ch.isspace()]


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
    characters : also model the characters of the raw `texts` (for Chinese; see the module
        docstring). `fit` then needs `texts`; with fewer than 50 documents it is skipped.
    """

    _param_checks = {
        **TopicModel._param_checks,
        "max_iter": int_in(1, 100_000),
        "tol": real_in(0.0, 1.0),
        "alpha_W": real_in(0.0, 1e6),
        "l1_ratio": real_in(0.0, 1.0),
        "sublinear_tf": one_of(True, False),
        "init": one_of("nndsvda", "nndsvd", "nndsvdar", "random"),
        "characters": one_of(True, False),
    }

    def __init__(self, k: int = 10, random_state: int | None = 0, max_iter: int = 400, tol: float = 1e-4,
                 alpha_W: float = 0.0, l1_ratio: float = 0.0, sublinear_tf: bool = True, init: str = "nndsvda",
                 characters: bool = False):
        self.k = k
        self.random_state = random_state
        self.max_iter = max_iter
        self.tol = tol
        self.alpha_W = alpha_W
        self.l1_ratio = l1_ratio
        self.sublinear_tf = sublinear_tf
        self.init = init
        self.characters = characters

    def feature_matrix(self, docs: list[list[str]], texts: list[str] | None = None):
        """The matrix NMF factorises: word TF-IDF, stacked with character TF-IDF when `characters`.

        Fits the vectorizers (called by `fit`; benchmarks use it to time a bare NMF on the same matrix).
        Both blocks are `TfidfVectorizer`'s matrices, built with array operations (models/vectorize.py).
        """
        self.vectorizer_ = TokenTfidf(sublinear_tf=self.sublinear_tf, norm="l2")
        words = self.vectorizer_.fit_transform(docs)
        self.char_vectorizer_ = None
        if not self.characters:
            return words
        if texts is None:
            raise TopicModelError("NmfTopics(characters=True) models the characters of the raw texts: pass them "
                                  "aligned with the documents, fit(docs, texts=texts)")
        if len(texts) < CHARACTER_MIN_DOCS:
            return words
        vectorizer = CharTfidf(sublinear_tf=self.sublinear_tf, norm="l2", min_df=2, max_df=0.5)
        try:
            chars = vectorizer.fit_transform(texts)
        except ValueError:      # every character pruned (tiny or uniform corpus): words alone
            return words
        self.char_vectorizer_ = vectorizer
        return normalize(sp.hstack([words, chars], format="csr"))

    def _fit(self, docs: list[list[str]], texts: list[str] | None = None) -> None:
        matrix = self.feature_matrix(docs, texts)
        self.nmf_ = NMF(n_components=self.k, init=self.init, random_state=self.random_state, max_iter=self.max_iter,
                        tol=self.tol, alpha_W=self.alpha_W, l1_ratio=self.l1_ratio)
        with warnings.catch_warnings():
            # Not converging within max_iter still gives usable topics; it is reported, not raised.
            warnings.simplefilter("ignore", ConvergenceWarning)
            # an exact fit makes the loss a tiny negative number under sqrt: harmless, not worth a warning
            warnings.filterwarnings("ignore", "invalid value encountered in sqrt", RuntimeWarning)
            weights = self.nmf_.fit_transform(matrix)
        self.n_iter_ = int(self.nmf_.n_iter_)
        self.vocabulary_ = np.asarray(self.vectorizer_.get_feature_names_out(), dtype=object)
        self.components_ = normalise_rows(self.nmf_.components_[:, :len(self.vocabulary_)])
        self.doc_topic_ = normalise_rows(weights)

    def _transform(self, docs: list[list[str]], texts: list[str] | None = None) -> np.ndarray:
        if not docs:
            return np.zeros((0, self.k))
        matrix = self.vectorizer_.transform(docs)
        if self.char_vectorizer_ is not None:
            if texts is None:
                raise TopicModelError("this NmfTopics was fitted with a character block: pass the raw texts, "
                                      "transform(docs, texts=texts)")
            matrix = normalize(sp.hstack([matrix, self.char_vectorizer_.transform(texts)], format="csr"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return normalise_rows(self.nmf_.transform(matrix))
