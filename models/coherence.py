"""gensim's sliding-window word counts for c_npmi, computed with array operations.

`CoherenceModel(coherence="c_npmi")` counts, over every window of 10 consecutive tokens of every
document, in how many windows each top term occurs and each pair of top terms co-occurs. gensim
does it in Python, one call per window (~1 s per K on 20,000 answers, repeated for every K of a
search). `sliding_window_accumulator` fills gensim's own `WordOccurrenceAccumulator` with the
same counts, computed at once with numpy, and gensim's pipeline does the rest, so the coherence
is gensim's to the last bit (tests/models/test_topic_coherence.py compares them on real answers).

What gensim counts, exactly (`WordOccurrenceAccumulator`, gensim 4.x):
* a document shorter than the window is one window; an empty one is a window with no word;
  otherwise there are n - w + 1 windows, the k-th covering positions k .. k + w - 1;
* the words "in" window k are not quite the words at those positions: gensim starts a document
  with the first window's words and then, sliding by one, unmarks the word leaving the window
  (even when it occurs again inside the window) and marks the one entering. So word t is in
  window k when its last occurrence p at or before position k + w - 1 is in the window (p >= k)
  and no occurrence of t lies in [max(0, p - w + 1), k - 1] (an earlier copy that left the window
  after p was marked, unmarking t). Each occurrence p therefore stands for t in the windows
  k = max(0, p - w + 1) .. min(p, n - w, next occurrence - w, first occurrence >= p - w + 1).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp


def window_counts(docs: Sequence[Sequence[str]], relevant: dict[str, int], window: int
                  ) -> tuple[sp.csr_matrix, int]:
    """(windows x relevant words) 0/1 matrix of gensim's windows, and the number of windows.

    relevant: word -> column (gensim's contiguous id); other words only take up positions.
    """
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    n_windows = np.where(lengths < window, 1, lengths - window + 1)
    first_window = np.concatenate([[0], np.cumsum(n_windows)[:-1]]).astype(np.int64)
    flat = [relevant.get(w, -1) for d in docs for w in d]
    ids = np.asarray(flat, dtype=np.int64)
    doc = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    pos = np.arange(len(ids), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    keep = ids >= 0
    ids, doc, pos = ids[keep], doc[keep], pos[keep]
    n = lengths[doc]
    rows_parts, cols_parts = [], []

    # Documents shorter than the window: one window holding each of their words once.
    short = n < window
    if short.any():
        pairs = np.unique(np.stack([doc[short], ids[short]], axis=1), axis=0)
        rows_parts.append(first_window[pairs[:, 0]])
        cols_parts.append(pairs[:, 1])

    # Longer documents: each occurrence stands for its word in a run of windows (module docstring).
    long = ~short
    if long.any():
        d, t, p, m = doc[long], ids[long], pos[long], n[long]
        order = np.lexsort((p, t, d))                       # by document, word, position
        d, t, p, m = d[order], t[order], p[order], m[order]
        same_next = np.r_[(d[1:] == d[:-1]) & (t[1:] == t[:-1]), False]
        next_p = np.where(same_next, np.r_[p[1:], 0], np.iinfo(np.int64).max // 2)
        low = np.maximum(0, p - window + 1)
        # first occurrence of the same word in the same document at or after `low`
        group = np.r_[0, np.cumsum(~same_next[:-1])] if len(p) else np.zeros(0, dtype=np.int64)
        key = group * (int(m.max()) + 1) + p
        first = p[np.searchsorted(key, group * (int(m.max()) + 1) + low)]
        high = np.minimum.reduce([p, m - window, next_p - window, first])
        count = np.maximum(0, high - low + 1)
        starts = first_window[d] + low
        rows_parts.append(np.repeat(starts, count) + _ranges(count))
        cols_parts.append(np.repeat(t, count))

    rows = np.concatenate(rows_parts) if rows_parts else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(cols_parts) if cols_parts else np.zeros(0, dtype=np.int64)
    total = int(n_windows.sum())
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(total, len(relevant)))
    return matrix, total


def _ranges(count: np.ndarray) -> np.ndarray:
    """0, 1, .., c - 1 for every c in `count`, concatenated."""
    total = int(count.sum())
    ends = np.cumsum(count)
    return np.arange(total, dtype=np.int64) - np.repeat(ends - count, count)


def sliding_window_accumulator(model: Any) -> Any:
    """gensim's `WordOccurrenceAccumulator` for `model` (a c_npmi / c_uci `CoherenceModel` built
    on texts), filled with the counts `accumulate` would give; also set as the model's accumulator."""
    from gensim.topic_coherence.probability_estimation import unique_ids_from_segments
    from gensim.topic_coherence.text_analysis import WordOccurrenceAccumulator

    accumulator = WordOccurrenceAccumulator(unique_ids_from_segments(model.segment_topics()), model.dictionary)
    contiguous = accumulator.id2contiguous
    columns = {w: contiguous[i] for w, i in accumulator.token2id.items() if i in contiguous}
    windows, total = window_counts(model.texts, columns, model.window_size)
    together = (windows.T @ windows).tocsr()             # windows holding both words; diagonal: each word
    accumulator._occurrences = together.diagonal().astype(np.uint32)
    accumulator._co_occurrences = sp.triu(together, k=1).astype(np.uint32).tolil()
    accumulator._num_docs = total
    accumulator._symmetrize()
    model._accumulator = accumulator
    return accumulator
