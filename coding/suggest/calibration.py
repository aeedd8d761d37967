"""Scores -> probabilities -> decisions for the code-suggestion model: Platt scaling and thresholds.

Kept apart from `coding.suggest.model` (the estimator) because they are plain functions of score
and label arrays, tested on hand computations.
"""
from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def _platt(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Platt's (1999) sigmoid a*score + b, with his smoothed targets (N+ + 1)/(N+ + 2), 1/(N- + 2).

    Fitted as a nearly unregularised weighted logistic regression: each segment appears once as a
    positive with weight = its target and once as a negative with weight = 1 - target.
    """
    n_pos, n_neg = y.sum(), (~y).sum()
    target = np.where(y, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
    x = np.concatenate([scores, scores]).reshape(-1, 1)
    yy = np.concatenate([np.ones(len(y)), np.zeros(len(y))])
    weights = np.concatenate([target, 1.0 - target])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        lr = LogisticRegression(C=1e6, max_iter=1000).fit(x, yy, sample_weight=weights)
    return np.array([lr.coef_[0, 0], lr.intercept_[0]])


def _sigmoid(scores: np.ndarray, ab: np.ndarray) -> np.ndarray:
    z = np.clip(ab[0] * scores + ab[1], -35.0, 35.0)
    return 1.0 / (1.0 + np.exp(-z))


def _best_threshold(proba: np.ndarray, Y: np.ndarray) -> float:
    """The grid threshold with the best micro-F1 over every (segment, code); ties -> the lowest."""
    y = Y.ravel()
    p = proba.ravel()
    best, best_f1 = 0.5, -1.0
    for t in THRESHOLD_GRID:
        hit = p >= t
        tp = np.count_nonzero(hit & y)
        f1 = 2 * tp / (np.count_nonzero(hit) + np.count_nonzero(y)) if tp else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(t), f1
    return best


def _expected_f1_threshold(proba: np.ndarray) -> float:
    """The grid threshold with the best micro-F1 expected under calibrated `proba`; ties -> the lowest.

    Expected F1(t) = 2 * sum(p >= t of p) / (#(p >= t) + sum(p)): each probability counts as the
    chance that the code is really present (a plug-in estimate; no labels needed).
    """
    p = np.sort(proba.ravel())
    positives = p.sum()
    best, best_f1 = 0.5, -1.0
    for t in THRESHOLD_GRID:
        start = np.searchsorted(p, t, side="left")
        hits = len(p) - start
        f1 = 2 * p[start:].sum() / (hits + positives) if hits + positives > 0 else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(t), f1
    return best
