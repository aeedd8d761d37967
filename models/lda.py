"""Latent Dirichlet allocation (gensim `LdaModel`) with settings for short texts.

gensim's defaults (1 pass, 50 iterations, alpha = 1/K) leave short answers' topics poorly
mixed (c_npmi ~0.03 measured on 17k short reviews). Short answers are mostly about one thing:
a small symmetric alpha (0.1) says so, a small eta (0.01) keeps topics' vocabularies apart, and
several passes with more iterations let the variational updates converge.
"""
from __future__ import annotations

import numpy as np

from qualmine.models.base import TopicModel, either, int_in, normalise_rows, one_of, real_in


class LdaTopics(TopicModel):
    """gensim LDA topics.

    Parameters
    ----------
    k : number of topics.
    random_state : seed of gensim's initialisation and inference.
    passes : passes over the corpus during training.
    iterations : maximum variational iterations per document per pass.
    alpha : document-topic prior: a float (symmetric), 'symmetric', 'asymmetric' or 'auto'.
    eta : topic-word prior: a float or None (gensim's 1/K).
    chunksize : documents per training chunk.

    Raw `texts` passed to fit/transform are not used: LDA models the prepared tokens only.
    """

    _param_checks = {
        **TopicModel._param_checks,
        "passes": int_in(1, 1000),
        "iterations": int_in(1, 100_000),
        "alpha": either(real_in(1e-6, 100.0), one_of("symmetric", "asymmetric", "auto")),
        "eta": either(real_in(1e-6, 100.0), one_of(None, "auto")),
        "chunksize": int_in(1, 1_000_000),
    }

    def __init__(self, k: int = 10, random_state: int | None = 0, passes: int = 10, iterations: int = 100,
                 alpha: float | str = 0.1, eta: float | str | None = 0.01, chunksize: int = 2000):
        self.k = k
        self.random_state = random_state
        self.passes = passes
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.chunksize = chunksize

    def _fit(self, docs: list[list[str]], texts: list[str] | None = None) -> None:
        import logging

        from gensim.corpora import Dictionary
        from gensim.models import LdaModel

        logging.getLogger("gensim").setLevel(logging.WARNING)
        self.dictionary_ = Dictionary(docs)
        bows = [self.dictionary_.doc2bow(d) for d in docs]
        alpha = np.full(self.k, float(self.alpha)) if isinstance(self.alpha, (int, float)) else self.alpha
        self.lda_ = LdaModel(bows, id2word=self.dictionary_, num_topics=self.k, passes=self.passes,
                             iterations=self.iterations, alpha=alpha, eta=self.eta, chunksize=self.chunksize,
                             random_state=self.random_state, eval_every=None, update_every=1)
        vocab = [self.dictionary_[i] for i in range(len(self.dictionary_))]
        self.vocabulary_ = np.asarray(vocab, dtype=object)
        self.components_ = normalise_rows(self.lda_.get_topics())
        self.doc_topic_ = self._infer(bows)

    def _transform(self, docs: list[list[str]], texts: list[str] | None = None) -> np.ndarray:
        return self._infer([self.dictionary_.doc2bow(d) for d in docs])

    def _infer(self, bows: list) -> np.ndarray:
        if not bows:
            return np.zeros((0, self.k))
        # gensim's inference draws its starting point from the model's random state: reseed so
        # the same documents always get the same weights, however often transform is called.
        self.lda_.random_state = np.random.RandomState(self.random_state)
        gamma, _ = self.lda_.inference(bows)
        weights = normalise_rows(gamma)
        weights[[not bow for bow in bows]] = 0.0   # no known word: no topic, not the prior
        return weights
