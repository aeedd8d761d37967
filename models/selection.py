"""Choosing K: fit each candidate, score it by NPMI coherence and topic diversity, keep every score.

* Coherence: gensim `CoherenceModel(coherence="c_npmi")` over each topic's top 10 terms, on the
  same prepared documents the model saw (-1..1; higher: the terms co-occur in answers); gensim's
  window counts are computed with numpy (models/coherence.py, the same counts). Above
  20,000 documents the co-occurrence probabilities are estimated on a fixed random sample of
  20,000 of them (the same sample for every K): counting windows over every document cost as
  much as a third of the stage on large corpora, and a 20,000-document estimate of a top term's
  co-occurrence varies far less than the differences between K.
* Diversity: the share of distinct terms among all topics' top 25 (Dieng et al. 2020; 0..1;
  low: topics repeat each other, a sign that K is too large).

Rule: among the K whose diversity is at least `min_diversity`, take the highest coherence; if
none reaches it, take the most diverse K. Ties go to the smaller K (fewer topics to read).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from qualmine.models.base import TopicModel, TopicModelError
from qualmine.models.coherence import sliding_window_accumulator

COHERENCE_TOP_N = 10
DIVERSITY_TOP_N = 25
MIN_DIVERSITY = 0.5
COHERENCE_SAMPLE_DOCS = 20_000   # documents the coherence estimate counts co-occurrences in (at most)
DOCS_PER_TOPIC = 5          # a K search never tries more topics than documents / 5
K_SCORE_COLUMNS = ("k", "c_npmi", "diversity", "fit_seconds", "chosen")


def _terms(topic: Sequence) -> list[str]:
    return [t[0] if isinstance(t, tuple) else t for t in topic]


def topic_diversity(top_terms: Sequence[Sequence], top_n: int = DIVERSITY_TOP_N) -> float:
    """Share of distinct terms among every topic's first `top_n` terms (1.0: no topic repeats another)."""
    lists = [_terms(topic)[:top_n] for topic in top_terms]
    total = sum(len(terms) for terms in lists)
    return len({t for terms in lists for t in terms}) / total if total else 0.0


def npmi_coherence(top_terms: Sequence[Sequence], docs: Sequence[Sequence[str]], top_n: int = COHERENCE_TOP_N,
                   dictionary=None) -> float:
    """Mean c_npmi of the topics' first `top_n` terms over `docs` (gensim `CoherenceModel`)."""
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    dictionary = dictionary if dictionary is not None else Dictionary(docs)
    topics = [[t for t in _terms(topic)[:top_n] if t in dictionary.token2id] for topic in top_terms]
    topics = [t for t in topics if len(t) >= 2]
    if not topics:
        return float("nan")
    model = CoherenceModel(topics=topics, texts=[list(d) for d in docs], dictionary=dictionary,
                           coherence="c_npmi", topn=top_n, processes=1)
    sliding_window_accumulator(model)      # gensim's window counts, computed with numpy (models/coherence.py)
    value = float(model.get_coherence())
    return value if math.isfinite(value) else float("nan")


def topic_coherences(top_terms: Sequence[Sequence], docs: Sequence[Sequence[str]], top_n: int = COHERENCE_TOP_N,
                     dictionary=None) -> list[float]:
    """Each topic's own c_npmi (same counts as `npmi_coherence`); NaN for a topic with < 2 known terms."""
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    docs = [d if type(d) is list else list(d) for d in docs]
    dictionary = dictionary if dictionary is not None else Dictionary(docs)
    topics = [[t for t in _terms(topic)[:top_n] if t in dictionary.token2id] for topic in top_terms]
    scorable = [i for i, t in enumerate(topics) if len(t) >= 2]
    out = [float("nan")] * len(topics)
    if not scorable:
        return out
    model = CoherenceModel(topics=[topics[i] for i in scorable], texts=docs, dictionary=dictionary,
                           coherence="c_npmi", topn=top_n, processes=1)
    sliding_window_accumulator(model)
    for i, value in zip(scorable, model.get_coherence_per_topic()):
        out[i] = float(value) if math.isfinite(value) else float("nan")
    return out


@dataclass(frozen=True)
class KChoice:
    """The chosen K, why, every K's score (K_SCORE_COLUMNS), and the fitted model of the chosen K."""

    k: int
    explanation: str
    scores: pd.DataFrame
    model: TopicModel


def k_range(n_docs: int, k_min: int, k_max: int) -> list[int]:
    """The K values a search tries on `n_docs` documents; raises `TopicModelError` when none fit."""
    if k_min < 2 or k_max < k_min:
        raise TopicModelError(f"the K search range {k_min}..{k_max} is empty or starts below 2: "
                              "use --k-min >= 2 and --k-max >= --k-min")
    top = min(k_max, n_docs // DOCS_PER_TOPIC)
    if top < k_min:
        raise TopicModelError(f"only {n_docs} document(s) have words after text preparation; a K search from "
                              f"{k_min} needs at least {k_min * DOCS_PER_TOPIC} ({DOCS_PER_TOPIC} per topic). "
                              f"Add documents, or pass --k N with 2 <= N <= {n_docs}")
    return list(range(k_min, top + 1))


def select_k(docs: Sequence[Sequence[str]], make_model: Callable[[int], TopicModel], k_values: Sequence[int],
             min_diversity: float = MIN_DIVERSITY, texts: Sequence[str] | None = None) -> KChoice:
    """Fit `make_model(k)` for each k, score coherence and diversity, choose by the module's rule.

    `texts`, the documents' raw texts, go to each fit (engines that model characters need them).
    """
    from gensim.corpora import Dictionary

    docs = [d if type(d) is list else list(d) for d in docs]   # read only here: lists need no copy
    scored = coherence_sample(docs)
    dictionary = Dictionary(scored)
    rows, models = [], {}
    for k in k_values:
        started = time.perf_counter()
        model = make_model(k).fit(docs, texts=texts)
        seconds = time.perf_counter() - started
        top = model.top_terms(max(COHERENCE_TOP_N, DIVERSITY_TOP_N))
        rows.append({"k": k, "c_npmi": round(npmi_coherence(top, scored, dictionary=dictionary), 4),
                     "diversity": round(topic_diversity(top), 4), "fit_seconds": round(seconds, 3)})
        models[k] = model
    scores = pd.DataFrame(rows, columns=list(K_SCORE_COLUMNS[:-1]))
    k, explanation = choose_k(scores, min_diversity)
    scores["chosen"] = scores["k"] == k
    return KChoice(k, explanation, scores, models[k])


def coherence_sample(docs: list[list[str]], size: int = COHERENCE_SAMPLE_DOCS) -> list[list[str]]:
    """The documents coherence is counted on: all of them, or a fixed random `size` of them (in order)."""
    if len(docs) <= size:
        return docs
    keep = np.sort(np.random.default_rng(0).choice(len(docs), size=size, replace=False))
    return [docs[i] for i in keep]


def choose_k(scores: pd.DataFrame, min_diversity: float = MIN_DIVERSITY) -> tuple[int, str]:
    """Apply the selection rule to a (k, c_npmi, diversity) frame; return K and a sentence saying why."""
    tried = f"K in {scores['k'].min()}..{scores['k'].max()}" if len(scores) > 1 else f"K={scores['k'].iloc[0]}"
    valid = scores[scores["c_npmi"].notna()]
    if len(scores) == 1:
        row = scores.iloc[0]
        return int(row["k"]), (f"K={int(row['k'])} was given (c_npmi {row['c_npmi']:.3f}, "
                               f"topic diversity {row['diversity']:.2f})")
    diverse = valid[valid["diversity"] >= min_diversity]
    if len(diverse):
        best = diverse.sort_values(["c_npmi", "k"], ascending=[False, True]).iloc[0]
        return int(best["k"]), (f"K={int(best['k'])}: highest c_npmi coherence ({best['c_npmi']:.3f}) among "
                                f"{tried} with topic diversity >= {min_diversity:.2f} "
                                f"(its diversity {best['diversity']:.2f}; {len(diverse)} of {len(scores)} K qualified)")
    pool = valid if len(valid) else scores
    best = pool.sort_values(["diversity", "k"], ascending=[False, True]).iloc[0]
    return int(best["k"]), (f"K={int(best['k'])}: no K in {tried} reached topic diversity {min_diversity:.2f}; "
                            f"chose the most diverse ({best['diversity']:.2f}, c_npmi {best['c_npmi']:.3f})")
