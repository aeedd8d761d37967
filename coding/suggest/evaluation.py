"""Measuring the suggester on a coder's decisions: held-out or k-fold scores and a learning curve.

`evaluate_suggester(training)` (training = `model.training_set` output, in review order) returns
three tables (`Evaluation`):

* `scores`: per code the model learns from these decisions, pooled out-of-fold (k-fold) or
  held-out precision / recall / F1 with `support` (positive segments scored), then `micro` and
  `macro` rows over those codes only;
* `untrained`: every other code seen in the decisions, with its positives, negatives and why it
  is not learned (and the rule that predicts it instead, see `CodeSuggester.fallback_`);
* `curve`: the learning curve by reviewed count: the model trained on the first n reviewed
  segments (review order) and scored on the same held-out segments (k-fold: fold 1's test part).

Untrained codes are kept out of the averages on purpose: counting a code the model never
predicts as F1 = 0 mixes "the model is bad at it" with "nobody coded it often enough yet".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import KFold, ShuffleSplit

from qualmine.coding.suggest.model import CodeSuggester, scores_table

CURVE_SIZES = (50, 100, 200, 500)
UNTRAINED_COLUMNS = ["code_id", "positives", "negatives", "reason", "rule"]
CURVE_COLUMNS = ["reviewed", "trained_codes", "micro_f1", "macro_f1", "test_segments"]


@dataclass(frozen=True)
class Evaluation:
    method: str                 # "kfold" or "holdout"
    segments: int               # reviewed segments evaluated on
    scores: pd.DataFrame        # code_id, precision, recall, f1, support (+ micro / macro over trained codes)
    untrained: pd.DataFrame     # UNTRAINED_COLUMNS
    curve: pd.DataFrame         # CURVE_COLUMNS


def learnable_codes(labels: Sequence[frozenset[str]], min_positives: int) -> tuple[list[str], pd.DataFrame]:
    """(codes the suggester learns from `labels`, the others with positives, negatives and why)."""
    codes = sorted(set().union(*labels)) if len(labels) else []
    n = len(labels)
    learned, rows = [], []
    for code in codes:
        positives = sum(code in s for s in labels)
        negatives = n - positives
        if positives >= min_positives and negatives >= min_positives:
            learned.append(code)
            continue
        if positives < min_positives:
            reason = f"too few positives: {positives} (at least {min_positives} needed)"
        else:
            reason = f"too few negatives: {negatives} (at least {min_positives} needed)"
        rows.append({"code_id": code, "positives": positives, "negatives": negatives, "reason": reason,
                     "rule": CodeSuggester.fallback_rule(positives, negatives, min_positives)})
    return learned, pd.DataFrame(rows, columns=UNTRAINED_COLUMNS)


def evaluate_suggester(training: pd.DataFrame, *, method: str = "kfold", folds: int = 5, test_size: float = 0.2,
                       curve: Sequence[int] | None = CURVE_SIZES, random_state: int = 0,
                       estimator: CodeSuggester | None = None) -> Evaluation:
    """Score a suggester on reviewed segments (`training`: segment_id, text, lang, codes, in review order).

    method 'kfold' pools out-of-fold predictions over `folds` folds; 'holdout' trains on a seeded
    (1 - test_size) share and scores the rest. Codes are those learnable from all of `training`.
    `curve=None` skips the learning curve (an empty `curve` table).
    """
    if method not in ("kfold", "holdout"):
        raise ValueError(f"The 'method' parameter of evaluate_suggester must be 'kfold' or 'holdout'. Got {method!r} instead.")
    template = estimator if estimator is not None else CodeSuggester(random_state=random_state)
    texts = training["text"].astype(str).tolist()
    langs = training["lang"].astype(str).tolist()
    labels = [frozenset(c) for c in training["codes"]]
    n = len(texts)
    if method == "kfold" and not 2 <= folds <= n:
        raise ValueError(f"The 'folds' parameter of evaluate_suggester must be an int in the range [2, {n}] "
                         f"(the reviewed segments). Got {folds!r} instead.")
    if method == "holdout" and not (0.0 < test_size < 1.0 and round(n * test_size) >= 1 and round(n * (1 - test_size)) >= 2):
        raise ValueError(f"The 'test_size' parameter of evaluate_suggester must leave >= 1 test and >= 2 training "
                         f"segments of {n}. Got {test_size!r} instead.")
    learned, untrained = learnable_codes(labels, template.min_positives)
    Y = np.array([[c in s for c in learned] for s in labels], dtype=bool).reshape(n, len(learned))
    if method == "kfold":
        splits = list(KFold(n_splits=folds, shuffle=True, random_state=random_state).split(texts))
    else:
        splits = list(ShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state).split(texts))
    predicted = np.zeros_like(Y)
    scored = np.zeros(n, dtype=bool)
    for train, test in splits:
        predicted[test] = _fit_predict(template, texts, labels, langs, train, test, learned)
        scored[test] = True
    scores = scores_table(Y[scored], predicted[scored], learned)
    first_train, first_test = splits[0]
    curve_rows = []
    ordered_train = np.sort(first_train)            # review order: `training` is in review order
    sizes = [] if curve is None else [s for s in curve if s < len(ordered_train)] + [len(ordered_train)]
    for size in sizes:
        part = ordered_train[:size]
        hits = _fit_predict(template, texts, labels, langs, part, first_test, learned)
        table = scores_table(Y[first_test], hits, learned).set_index("code_id")
        trained = _trained_count(template, [labels[i] for i in part])
        curve_rows.append({"reviewed": int(size), "trained_codes": trained,
                           "micro_f1": float(table.at["micro", "f1"]), "macro_f1": float(table.at["macro", "f1"]),
                           "test_segments": len(first_test)})
    return Evaluation(method, n, scores, untrained, pd.DataFrame(curve_rows, columns=CURVE_COLUMNS))


def _fit_predict(template: CodeSuggester, texts, labels, langs, train, test, codes: list[str]) -> np.ndarray:
    """Predictions (len(test) x len(codes)) of a model fitted on `train`; nothing when it cannot fit."""
    out = np.zeros((len(test), len(codes)), dtype=bool)
    model = clone(template)
    try:
        model.fit([texts[i] for i in train], [labels[i] for i in train], [langs[i] for i in train])
    except ValueError:
        return out          # no learnable code in this training part: it suggests nothing
    hits = model.predict([texts[i] for i in test], [langs[i] for i in test])
    for j, code in enumerate(codes):
        if code in hits.columns:
            out[:, j] = hits[code].to_numpy()
    return out


def _trained_count(template: CodeSuggester, labels: list[frozenset[str]]) -> int:
    return len(learnable_codes(labels, template.min_positives)[0])
