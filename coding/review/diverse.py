"""A diverse first order for segments no model can rank yet (a bare codebook's first review batch).

Farthest-first traversal (Gonzalez 1985; the "k-center greedy" of active-learning core-set
selection, Sener & Savarese 2018) over TF-IDF character n-grams: each pick is the segment least
similar to everything picked so far, so a first batch of 50-100 covers the kinds of answers in
the corpus instead of 50 variants of the commonest one, and a first model sees examples of more
codes. Character n-grams need no tokenizer and work for Chinese and English alike.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

# Farthest-first costs one sparse product per pick over all candidates: pick at most this many,
# then the rest follow in their given order (by then a model can rank them by uncertainty).
MAX_PICKS = 500
# Farthest-first favours outliers, and the farthest texts of a survey are "?", "N/A", "Nil", "w":
# on NHS FFT answers 42 % of a 50-pick first batch was such "Not assigned" noise (median 9
# characters, against 49 for the corpus) and a model trained on it scored micro-F1 0.37 where a
# random batch gave 0.48 (benchmarks/README.md). Texts under half the median length (never more
# than this many characters: a Chinese clause carries a code in ~10) therefore come after the rest.
SHORT_TEXT_CAP = 20


def diverse_order(texts: Sequence[str], *, n: int | None = None, seed: int = 13,
                  min_chars: int | None = None) -> np.ndarray:
    """Positions of `texts`: the first `min(n, MAX_PICKS)` farthest-first, then the rest in order.

    Starts from the text nearest the centroid (a typical one; `seed` breaks ties only through
    the order of equal texts), then repeatedly takes the text whose highest cosine similarity to
    the picked ones is lowest. A duplicate comes late (similarity 1 to its twin); texts shorter
    than `min_chars` non-space characters (default: half the median length, at most
    `SHORT_TEXT_CAP`) come after every longer one, and a text with no characters to compare comes
    last. Returns a permutation of range(len(texts)).
    """
    count = len(texts)
    if count <= 1:
        return np.arange(count)
    picks = min(count, MAX_PICKS if n is None else max(0, min(n, MAX_PICKS)))
    if picks == 0:
        return np.arange(count)
    try:
        X = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1,
                            dtype=np.float64).fit_transform([str(t).lower() for t in texts]).tocsr()
    except ValueError:   # only empty / whitespace texts: nothing to tell them apart
        return np.arange(count)
    lengths = np.array([len("".join(str(t).split())) for t in texts])
    floor = min(SHORT_TEXT_CAP, int(np.median(lengths)) // 2) if min_chars is None else min_chars
    short = lengths < floor
    centroid = np.asarray(X.mean(axis=0)).ravel()
    typical = X @ centroid
    if not short.all():
        typical[short] = -np.inf                               # "ok" can sit nearest the centroid
    first = int(np.argmax(typical))
    # Sparse matrix x dense vector (csr_matvec): ~20x faster per pick than a sparse x sparse product.
    nearest = X @ X[first].toarray().ravel()                   # highest similarity to a picked text
    nearest[short] = 1.5                                       # above any cosine: after the longer texts
    nearest[X.getnnz(axis=1) == 0] = 2.0                       # and after those: picked last
    chosen = [first]
    taken = np.zeros(count, dtype=bool)
    taken[first] = True
    rng = np.random.default_rng(seed)
    jitter = rng.random(count) * 1e-9          # deterministic tie-break among equally far texts
    for _ in range(picks - 1):
        candidates = np.where(taken, np.inf, nearest + jitter)
        nxt = int(np.argmin(candidates))
        chosen.append(nxt)
        taken[nxt] = True
        nearest = np.maximum(nearest, X @ X[nxt].toarray().ravel())
    rest = np.flatnonzero(~taken)
    return np.concatenate([np.asarray(chosen, dtype=int), rest])
