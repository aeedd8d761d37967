"""Learned code suggestions: a multi-label classifier trained on coders' review decisions.

`CodeSuggester` = `SegmentFeatures` (TF-IDF over jieba / spaCy-lemma word uni+bigrams stacked
with character n-grams, plus sentence embeddings when given an `embedder`) + one class-weighted linear SVM per code whose scores are turned into
calibrated probabilities by Platt scaling fitted on out-of-fold scores. One decision threshold
for all codes (`threshold_`) is tuned on the same out-of-fold probabilities for micro-F1: on
the NHS benchmark a per-code threshold over-fitted (see coding/SUGGEST.md).
`fit_threshold` re-tunes it, without labels, for the unreviewed segments the model will score.

`training_set` turns decisions into (text, codes) examples; `cross_validate` reports precision /
recall / F1 per code; `save_model` / `load_model` keep a fitted model with a JSON side-car.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.svm import LinearSVC

from qualmine import param_error
from qualmine.coding.store.decision_rules import PRESENT, latest_per_coder
from qualmine.coding.suggest.calibration import (  # noqa: F401 (THRESHOLD_GRID: callers import it from here)
    THRESHOLD_GRID, _best_threshold, _expected_f1_threshold, _platt, _sigmoid,
)
from qualmine.coding.suggest.features import SegmentFeatures, as_text_list
TRAINING_COLUMNS = ("segment_id", "text", "lang", "codes")


_param_error = partial(param_error, 'CodeSuggester')   # one wording: qualmine.param_error


class CodeSuggester(BaseEstimator):
    """Multi-label code suggester: texts -> one calibrated probability per learned code.

    Parameters
    ----------
    min_df : minimum document frequency of word and character features.
    C : inverse regularisation strength of the per-code linear SVMs.
    char_ngrams : (min_n, max_n) character n-gram range.
    min_positives : a code is learned only with at least this many positive (and negative) segments.
    random_state : seeds the calibration folds and the SVM solver.
    word_ngrams : (min_n, max_n) word n-gram range.
    calibration_folds : folds for the out-of-fold scores that Platt scaling and the threshold use.
    threshold : decision threshold on the probabilities; None tunes one on out-of-fold scores.
    rare_codes : what predicts a code with 1..min_positives-1 positives (and enough negatives):
        'shared' (default) a linear SVM on its few positives whose scores go through the Platt
        calibration pooled over the learned codes (what the learned codes teach about scores is
        shared with the rare ones); 'prior' its prior probability on every segment.
    embedder : an `Embedder` (coding.suggest.embeddings) or None. With one, each segment's sentence
        embedding is a feature block beside the TF-IDF ones (`SegmentFeatures`); the model then
        needs an embedder of the same model to score (`embedding_model_`; another one raises
        `EmbeddingModelMismatch`). The embedder is a shared service, not state: cloning keeps it.
    embedding_weight : length of the embedding block relative to each TF-IDF block (1.0).

    Every code seen in the labels gets a prediction rule (`fallback_`, code id -> rule and reason,
    for every code not learned with its own calibration): a code with too few negatives (present
    on almost every segment) and, with rare_codes='prior', a rare code, predict their smoothed
    prior (positives + 1) / (segments + 2) on every segment; rare codes with 'shared' are
    SVM columns (`rare_codes_`). See coding/SUGGEST.md for the measured effect.

    Learned attributes: `classes_` (code ids with an SVM column: learned, then rare),
    `prior_` (code id -> constant probability), `threshold_` (after `fit_threshold`, the
    out-of-fold one is `threshold_reviewed_`), `skipped_codes_` (code id -> why it has no model
    of its own), `fallback_`, `features_`, `coef_`, `intercept_`, `calibration_`,
    `embedding_model_` (the embedding model's name, None when trained without embeddings).
    """

    def __init__(self, *, min_df: int = 1, C: float = 0.3, char_ngrams: tuple[int, int] = (1, 3),
                 min_positives: int = 3, random_state: int | None = 0, word_ngrams: tuple[int, int] = (1, 2),
                 calibration_folds: int = 5, threshold: float | None = None, rare_codes: str = "shared",
                 embedder: Any = None, embedding_weight: float = 1.0):
        self.min_df = min_df
        self.C = C
        self.char_ngrams = char_ngrams
        self.min_positives = min_positives
        self.random_state = random_state
        self.word_ngrams = word_ngrams
        self.calibration_folds = calibration_folds
        self.threshold = threshold
        self.rare_codes = rare_codes
        self.embedder = embedder
        self.embedding_weight = embedding_weight

    @staticmethod
    def fallback_rule(positives: int, negatives: int, min_positives: int, rare_codes: str = "shared") -> str:
        """The rule predicting a code that has too few positives or negatives to be learned on its own."""
        if negatives < min_positives:
            return "prior: (positives + 1) / (segments + 2) on every segment (too few negatives to learn)"
        if rare_codes == "shared" and positives >= 1:
            return "rare: linear SVM on its positives, calibration shared with the learned codes"
        return "prior: (positives + 1) / (segments + 2) on every segment (too few positives to learn)"

    def _validate_params(self) -> None:
        if not (isinstance(self.C, (int, float)) and self.C > 0):
            raise _param_error("C", "a float > 0", self.C)
        if not (isinstance(self.min_positives, int) and self.min_positives >= 2):
            raise _param_error("min_positives", "an int >= 2", self.min_positives)
        if not (isinstance(self.calibration_folds, int) and self.calibration_folds >= 2):
            raise _param_error("calibration_folds", "an int >= 2", self.calibration_folds)
        if self.threshold is not None and not 0.0 < self.threshold < 1.0:
            raise _param_error("threshold", "None or a float in the range (0, 1)", self.threshold)
        if self.rare_codes not in ("shared", "prior"):
            raise _param_error("rare_codes", "'shared' or 'prior'", self.rare_codes)
        if not (isinstance(self.embedding_weight, (int, float)) and 0 < self.embedding_weight < 100):
            raise _param_error("embedding_weight", "a float in the range (0, 100)", self.embedding_weight)
        if self.embedder is not None and not (hasattr(self.embedder, "embed") and hasattr(self.embedder, "model")):
            raise _param_error("embedder", "None or an Embedder (with .embed and .model)", self.embedder)

    def fit(self, texts: Sequence[str], labels: Sequence[Iterable[str]],
            langs: Sequence[str] | None = None) -> "CodeSuggester":
        """Learn every code with at least `min_positives` positive and negative segments.

        `labels[i]` is the set of code ids present on `texts[i]` (all others are absent).
        Raises ValueError when no code can be learned.
        """
        self._validate_params()
        texts = as_text_list(texts)
        label_sets = [frozenset(str(c) for c in codes) for codes in labels]
        if len(label_sets) != len(texts):
            raise ValueError(f"labels must have one set per text: got {len(label_sets)} for {len(texts)} texts")
        codes = sorted(set().union(*label_sets)) if label_sets else []
        Y = np.array([[c in s for c in codes] for s in label_sets], dtype=bool).reshape(len(texts), len(codes))
        positives = Y.sum(axis=0)
        negatives = len(texts) - positives
        learnable = (positives >= self.min_positives) & (negatives >= self.min_positives)
        rare = ~learnable & (positives >= 1) & (negatives >= self.min_positives) & (self.rare_codes == "shared")
        self.skipped_codes_ = {c: f"{n} positive / {len(texts) - n} negative segment(s); "
                                  f"at least {self.min_positives} of each are needed"
                               for c, n, ok in zip(codes, positives, learnable) if not ok}
        self.fallback_ = {c: {"rule": self.fallback_rule(int(p), int(q), self.min_positives, self.rare_codes),
                              "reason": self.skipped_codes_[c]}
                          for c, p, q, ok in zip(codes, positives, negatives, learnable) if not ok}
        if not learnable.any():
            raise ValueError(f"no code has at least {self.min_positives} positive and negative segments among "
                             f"{len(texts)} reviewed segment(s) (most positives: {int(positives.max(initial=0))})")
        self.rare_codes_ = [c for c, r in zip(codes, rare) if r]
        self.prior_ = {c: float((p + 1.0) / (len(texts) + 2.0))
                       for c, p, ok, r in zip(codes, positives, learnable, rare) if not ok and not r}
        self.classes_ = [c for c, ok in zip(codes, learnable) if ok] + self.rare_codes_
        Y_rare = Y[:, rare]
        Y = Y[:, learnable]

        self.features_ = SegmentFeatures(min_df=self.min_df, word_ngrams=self.word_ngrams,
                                         char_ngrams=self.char_ngrams, embedder=self.embedder,
                                         embedding_weight=self.embedding_weight)
        X = self.features_.fit_transform(texts, langs=langs)
        self.embedding_model_ = self.features_.embedding_model_
        oof = np.zeros(Y.shape, dtype=float)
        raw = np.zeros(Y.shape, dtype=float)
        width = Y.shape[1] + Y_rare.shape[1]
        coef = np.zeros((X.shape[1], width), dtype=np.float32)
        intercept = np.zeros(width)
        calibration = np.zeros((width, 2))
        for j in range(Y.shape[1]):
            y = Y[:, j]
            folds = StratifiedKFold(n_splits=int(min(self.calibration_folds, y.sum(), (~y).sum())),
                                    shuffle=True, random_state=self.random_state)
            scores = np.zeros(len(y))
            for train, test in folds.split(X, y):
                scores[test] = self._svm().fit(X[train], y[train]).decision_function(X[test])
            raw[:, j] = scores
            calibration[j] = _platt(scores, y)
            oof[:, j] = _sigmoid(scores, calibration[j])
            final = self._svm().fit(X, y)
            coef[:, j], intercept[j] = final.coef_.ravel(), final.intercept_[0]
        if Y_rare.shape[1]:
            # One sigmoid for every rare code: fitted on the learned codes' out-of-fold scores
            # pooled, i.e. how far from the margin a segment must be to carry a code, in general.
            shared = _platt(raw.ravel(), Y.ravel())
            for k in range(Y_rare.shape[1]):
                j = Y.shape[1] + k
                final = self._svm().fit(X, Y_rare[:, k])
                coef[:, j], intercept[j] = final.coef_.ravel(), final.intercept_[0]
                calibration[j] = shared
        self.coef_, self.intercept_, self.calibration_ = coef, intercept, calibration
        self.threshold_ = float(self.threshold) if self.threshold is not None else _best_threshold(oof, Y)
        self.threshold_reviewed_ = self.threshold_
        self.prevalence_ = np.concatenate([Y.mean(axis=0), Y_rare.mean(axis=0)])
        self.n_training_ = len(texts)
        return self

    def _svm(self) -> LinearSVC:
        return LinearSVC(C=self.C, class_weight="balanced", random_state=self.random_state, max_iter=5000)

    def decision_function(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> np.ndarray:
        """Raw SVM scores, shape (n_texts, n_classes)."""
        # set_params(embedder=...) after fitting (a loaded model) must reach the fitted features
        self.features_.embedder = getattr(self, "embedder", None)   # models pickled before embeddings have none
        X = self.features_.transform(as_text_list(texts), langs=langs)
        return np.asarray(X @ self.coef_) + self.intercept_

    def predict_proba(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> pd.DataFrame:
        """Calibrated probability of each code: one column per code id, one row per text.

        Columns: `classes_` (SVM-backed), then the codes predicted by their prior (`prior_`).
        The index is the texts' index when `texts` is a pandas Series, else 0..n-1.
        """
        index = texts.index if isinstance(texts, pd.Series) else pd.RangeIndex(len(texts))
        proba = _sigmoid(self.decision_function(texts, langs), self.calibration_.T)
        frame = pd.DataFrame(proba, index=index, columns=list(self.classes_))
        prior = getattr(self, "prior_", {})      # models saved before priors existed have none
        if prior:
            frame = pd.concat([frame, pd.DataFrame({c: np.full(len(frame), p) for c, p in prior.items()},
                                                   index=index)], axis=1)
        return frame

    def predict(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> pd.DataFrame:
        """Boolean frame: code suggested (probability >= `threshold_`)."""
        return self.predict_proba(texts, langs) >= self.threshold_

    def fit_threshold(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> "CodeSuggester":
        """Re-tune `threshold_` for the segments the model will be applied to, without their labels.

        Pass the unreviewed segments. The new threshold maximises the micro-F1 *expected* under the
        calibrated probabilities on `texts` (expected true positives = sum of the probabilities at or
        above the threshold; expected positives = sum of all probabilities). Why: the threshold tuned
        on the reviewed segments' out-of-fold scores is the best one for *those* segments, and in
        uncertainty order they are the hard ones, where the best F1 and with it the best threshold
        are lower (a coding/SUGGEST.md measurement: 0.22 tuned vs 0.38 best on held-out data).
        Uncertainty order selects segments by their text, not their codes, so the calibration map
        (score -> probability) still holds on the unreviewed segments while the threshold does not.
        Keeps `threshold_` when the `threshold` parameter fixes it or `texts` is empty; the
        out-of-fold threshold stays in `threshold_reviewed_`. Returns self.
        """
        self.threshold_reviewed_ = getattr(self, "threshold_reviewed_", self.threshold_)   # models saved before
        texts = as_text_list(texts)
        if self.threshold is None and len(texts):
            # Constant prior columns carry no information about these segments: left out.
            self.threshold_ = _expected_f1_threshold(self._svm_proba(texts, langs))
        return self

    def uncertainty(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> np.ndarray:
        """How unsure the model is about each text (higher = less sure), in [0, 1].

        The largest, over codes, of how close a code's probability is to `threshold_`
        (1 at the threshold, 0 at probability 0 or 1): the segment with the code that the model
        can least tell present from absent comes first. See coding/SUGGEST.md for the measured
        comparison with random order.
        """
        proba = self._svm_proba(texts, langs)
        t = self.threshold_
        closeness = np.where(proba >= t, (1.0 - proba) / (1.0 - t), proba / t)
        return closeness.max(axis=1) if proba.shape[1] else np.ones(len(proba))


    def _svm_proba(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> np.ndarray:
        """Calibrated probabilities of the SVM-backed codes only (no prior columns)."""
        return _sigmoid(self.decision_function(texts, langs), self.calibration_.T)


def training_set(decisions: pd.DataFrame, segments: pd.DataFrame, *, code_ids: Iterable[str] | None = None,
                 unknown_segments: str = "raise") -> pd.DataFrame:
    """Training examples from review decisions: one row per reviewed segment.

    decisions: segment_id, code_id, coder, decision ('accept' | 'reject' | 'add'), and optionally
    decided_at / decision_id (ordering). segments: segment_id, text, lang.

    Rules:
    * each coder's latest decision per (segment, code) wins (`coding.store.decision_rules`);
    * a segment's coders are the coders with any decision on it; a code is present when a strict
      majority of them accepted or added it (one coder: their word; two who disagree: absent,
      the disagreement table is where such ties are adjudicated);
    * closed world over reviewed segments: every code not present is absent, so a reviewed
      segment whose suggestions were all rejected is a negative example for every code.

    `code_ids` (e.g. the current codebook's) drops decisions on other codes; `unknown_segments`
    is 'raise' (default) or 'drop' for decisions whose segment is not in `segments`.
    Returns columns segment_id, text, lang, codes (frozenset of code ids), in segment order.
    """
    if unknown_segments not in ("raise", "drop"):
        raise ValueError(f"unknown_segments must be 'raise' or 'drop'; got {unknown_segments!r}")
    missing = [c for c in ("segment_id", "text", "lang") if c not in segments.columns]
    if missing:
        raise ValueError(f"segments: missing column(s) {missing}; expected segment_id, text, lang")
    latest = latest_per_coder(decisions)
    if code_ids is not None:
        latest = latest[latest["code_id"].isin(set(code_ids))]
    known = set(segments["segment_id"])
    unknown = sorted(set(latest["segment_id"]) - known)
    if unknown and unknown_segments == "raise":
        raise ValueError(f"decisions: {len(unknown)} segment_id(s) not among the segments, e.g. {unknown[:5]}")
    latest = latest[latest["segment_id"].isin(known)]

    coders_per_segment = latest.groupby("segment_id")["coder"].nunique()
    said_present = latest[latest["decision"].isin(PRESENT)]
    votes = said_present.groupby(["segment_id", "code_id"])["coder"].nunique().rename("votes").reset_index()
    votes["coders"] = votes["segment_id"].map(coders_per_segment)
    present = votes[2 * votes["votes"] > votes["coders"]]
    codes = present.groupby("segment_id")["code_id"].agg(lambda s: frozenset(s.astype(str)))

    reviewed = segments[segments["segment_id"].isin(coders_per_segment.index)]
    out = reviewed[["segment_id", "text", "lang"]].drop_duplicates("segment_id").reset_index(drop=True)
    out["codes"] = [codes.get(sid, frozenset()) for sid in out["segment_id"]]
    return out


def cross_validate(texts: Sequence[str], labels: Sequence[Iterable[str]], langs: Sequence[str] | None = None,
                   cv: int = 5, random_state: int | None = 0, estimator: CodeSuggester | None = None) -> pd.DataFrame:
    """K-fold precision / recall / F1 of the suggester per code, pooled over the folds.

    Every code that occurs in `labels` gets a row (a code too rare to be learned in a fold counts
    as never suggested there), then a 'micro' and a 'macro' row. Columns: code_id, precision,
    recall, f1, support (positive segments). `estimator` (default `CodeSuggester()`) is cloned.
    """
    texts = as_text_list(texts)
    label_sets = [frozenset(str(c) for c in codes) for codes in labels]
    langs = list(langs) if langs is not None else None
    codes = sorted(set().union(*label_sets)) if label_sets else []
    if cv < 2 or cv > len(texts):
        raise ValueError(f"cv must be an int in the range [2, {len(texts)}] (the number of texts); got {cv!r}")
    Y = np.array([[c in s for c in codes] for s in label_sets], dtype=bool).reshape(len(texts), len(codes))
    predicted = np.zeros_like(Y)
    template = estimator if estimator is not None else CodeSuggester(random_state=random_state)
    for train, test in KFold(n_splits=cv, shuffle=True, random_state=random_state).split(texts):
        model = clone(template)
        try:
            model.fit([texts[i] for i in train], [label_sets[i] for i in train],
                      None if langs is None else [langs[i] for i in train])
        except ValueError:
            continue   # no learnable code in this fold's training part: it suggests nothing
        hits = model.predict([texts[i] for i in test], None if langs is None else [langs[i] for i in test])
        for code in hits.columns:
            predicted[test, codes.index(code)] = hits[code].to_numpy()
    return scores_table(Y, predicted, codes)


def scores_table(Y: np.ndarray, predicted: np.ndarray, codes: Sequence[str]) -> pd.DataFrame:
    """code_id, precision, recall, f1, support per code, then 'micro' and 'macro' rows.

    Zero-division cases (a code never suggested or never present) score 0.
    """
    rows = []
    if len(codes):
        p, r, f, s = precision_recall_fscore_support(Y, predicted, average=None, zero_division=0)
        rows = [{"code_id": c, "precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i])}
                for i, c in enumerate(codes)]
    for average in ("micro", "macro"):
        if len(codes):
            p, r, f, _ = precision_recall_fscore_support(Y, predicted, average=average, zero_division=0)
        else:
            p = r = f = float("nan")
        rows.append({"code_id": average, "precision": p, "recall": r, "f1": f, "support": int(Y.sum())})
    return pd.DataFrame(rows, columns=["code_id", "precision", "recall", "f1", "support"])


# Persistence lives in its own module; re-exported here, where callers have always found it.
from qualmine.coding.suggest.persist import load_model, metadata_path, save_model  # noqa: E402,F401
