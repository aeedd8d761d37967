"""Glue between the store and the learners: train on decisions, apply the model, agreement inputs.

The learning itself lives in `coding.suggest.model` and the statistics in `coding.review.agreement`; this
module only turns store tables into their inputs and their outputs back into store rows.
"""
from __future__ import annotations

from qualmine import QualmineError
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from qualmine.coding.store.database import ProjectStore, legacy_model_path, model_path, utcnow
from qualmine.coding.store.sync import record_model_suggestions

MODEL_CODER = "model:suggester"
RULES_CODER = "model:rules"
DEFAULT_THRESHOLD = 0.5
MIN_TRAINING_SEGMENTS = 10


class NotEnoughDecisions(QualmineError, ValueError):
    """Too few reviewed segments (or positives) to train a model."""


@dataclass(frozen=True)
class TrainResult:
    path: Path
    segments: int                     # reviewed segments trained on
    codes: list[str]                  # codes the model learned
    cross_validation: pd.DataFrame    # code_id, precision, recall, f1, support (+ micro / macro over learned codes)
    metadata: dict = field(default_factory=dict)
    untrained: pd.DataFrame = field(default_factory=pd.DataFrame)   # code_id, positives, negatives, reason, rule
    notes: list[str] = field(default_factory=list)                   # e.g. why no sentence embeddings were used


def training_embedder(store: ProjectStore, spec: str | None = None, *, wanted: bool | None = None):
    """(Embedder or None, note): the sentence embeddings a new model learns from, cached in the store.

    `wanted=None` (the default) means: when the embedding model is installed, unless
    $QUALMINE_SEMANTIC is 0/off/false (the switch of the semantic stage); then the model falls back
    to TF-IDF features only and the note says why. `wanted=True` raises `BackendUnavailable` when
    the model cannot run; `wanted=False` never embeds.
    """
    import os

    from qualmine.coding.store.embedding_cache import StoreEmbeddingCache
    from qualmine.coding.suggest.embeddings import BackendUnavailable, Embedder, make_backend

    if wanted is False:
        return None, "sentence embeddings not used (asked for TF-IDF features only)"
    if wanted is None and os.environ.get("QUALMINE_SEMANTIC", "").strip().lower() in ("0", "off", "false", "no"):
        return None, "sentence embeddings off ($QUALMINE_SEMANTIC): the model learns from TF-IDF features only"
    try:
        backend = make_backend(spec)
    except BackendUnavailable as exc:
        if wanted:
            raise
        return None, f"sentence embeddings unavailable ({exc}): the model learns from TF-IDF features only"
    return Embedder(backend, StoreEmbeddingCache(store)), f"features: TF-IDF + sentence embeddings ({backend.name})"


def scoring_embedder(store: ProjectStore, model, spec: str | None = None):
    """Attach to a loaded model that learned from embeddings an embedder of the same model (store cache).

    Raises `EmbeddingModelMismatch` (naming both models) when the installed one differs or none can run.
    """
    from qualmine.coding.store.embedding_cache import StoreEmbeddingCache
    from qualmine.coding.suggest.embeddings import BackendUnavailable, Embedder, make_backend
    from qualmine.coding.suggest.features import EmbeddingModelMismatch

    trained_on = getattr(model, "embedding_model_", None)
    if trained_on is None:
        return model
    try:
        embedder = Embedder(make_backend(spec), StoreEmbeddingCache(store))
    except BackendUnavailable as exc:
        raise EmbeddingModelMismatch(f"this model was trained with sentence embeddings from {trained_on!r}, "
                                     f"which cannot run here ({exc}); install it or retrain with "
                                     "`qualmine suggest train`") from None
    model.features_.check_embedder(embedder)
    return model.set_params(embedder=embedder)


def human_decisions(store: ProjectStore) -> pd.DataFrame:
    """Every human decision (the audit trail), restricted to codes of the current codebook."""
    decisions = store.decisions()
    codes = set(store.codes()["code_id"])
    keep = ~decisions["coder"].str.startswith("model:") & decisions["code_id"].isin(codes)
    return decisions[keep].reset_index(drop=True)


def train_model(store: ProjectStore, *, path: str | Path | None = None, cv: int = 5, random_state: int = 0,
                embeddings: bool | None = None, embedding_model: str | None = None, codebook_examples: bool = True,
                **params) -> TrainResult:
    """Fit a CodeSuggester on the store's decisions, cross-validate it and save it next to the store.

    The model also learns from sentence embeddings when `training_embedder(store, embedding_model,
    wanted=embeddings)` gives an embedder (by default: when the model is installed and
    $QUALMINE_SEMANTIC is not off); `TrainResult.notes` says which features it used and why.
    With `codebook_examples`, the current codebook's labels and examples are training items too
    (`codebook_items`); the cross-validated scores are over the reviewed segments only.
    """
    from sklearn.base import clone

    from qualmine.coding.suggest.codebook_items import codebook_items
    from qualmine.coding.suggest.model import CodeSuggester, save_model

    from qualmine.coding.suggest.evaluation import evaluate_suggester

    decisions = human_decisions(store)
    training = reviewed_training_set(store, decisions)
    if len(training) < MIN_TRAINING_SEGMENTS:
        raise NotEnoughDecisions(f"only {len(training)} reviewed segment(s) in {store.display_url}; "
                                 f"at least {MIN_TRAINING_SEGMENTS} are needed to train")
    texts, langs = training["text"].astype(str).tolist(), training["lang"].astype(str).tolist()
    labels = [set(c) for c in training["codes"]]
    embedder, feature_note = training_embedder(store, embedding_model, wanted=embeddings)
    if embedder is not None:
        params.setdefault("embedder", embedder)
    current = store.current_codebook()
    items = codebook_items(current.codebook) if codebook_examples and current is not None else None
    notes = [feature_note]
    if items is not None and len(items):
        notes.append(f"also learned from the codebook's {len(items)} labels and examples "
                     "(--no-codebook-examples: reviewed segments only)")
    fit_texts = texts + ([] if items is None else items["text"].tolist())
    fit_langs = langs + ([] if items is None else items["lang"].tolist())
    fit_labels = labels + ([] if items is None else [set(c) for c in items["codes"]])
    try:
        model = CodeSuggester(random_state=random_state, **params).fit(fit_texts, fit_labels, fit_langs)
        # Scores over the codes learned with their own calibration; the others are listed apart.
        evaluation = evaluate_suggester(training, method="kfold", folds=min(cv, len(training)), curve=None,
                                        random_state=random_state, estimator=clone(model))
        scores = evaluation.scores
    except ValueError as exc:   # e.g. no code with enough positive examples yet
        raise NotEnoughDecisions(f"cannot train on {len(training)} reviewed segment(s): {exc}") from exc
    # The threshold for the segments the model will score: see CodeSuggester.fit_threshold.
    rest = unreviewed_segments(store)
    model.fit_threshold(rest["text"].astype(str).tolist(), rest["lang"].astype(str).tolist())
    metadata = {
        "trained_at": utcnow().isoformat(timespec="seconds"), "store_id": store.store_id,
        "codebook_version_id": current.version_id if current else None,
        "codebook_fingerprint": current.fingerprint if current else None,
        "segments": len(training), "decisions": len(decisions),
        "codebook_items": 0 if items is None else len(items),
        "last_decision_id": int(decisions["decision_id"].max()) if len(decisions) else 0,
        "codes": list(model.classes_), "params": {k: v for k, v in model.get_params().items() if k != "embedder"},
        "features": "tfidf+embeddings" if model.embedding_model_ else "tfidf", "features_note": feature_note,
        "cross_validation": scores.to_dict("records"),
        "untrained_codes": evaluation.untrained.to_dict("records"),
    }
    target = Path(path) if path else model_path(store.url)
    target.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, target, metadata)
    return TrainResult(target, len(training), list(model.classes_), scores, metadata, evaluation.untrained, notes)


def reviewed_training_set(store: ProjectStore, decisions: pd.DataFrame | None = None,
                          coders: list[str] | None = None) -> pd.DataFrame:
    """`model.training_set` of the store's human decisions, in review order (first decision first).

    `coders` keeps only those coders' decisions (default: every human coder). Decisions on
    segments no run recorded (e.g. imported from another QDA tool) cannot be trained on: dropped.
    """
    from qualmine.coding.suggest.model import training_set

    decisions = human_decisions(store) if decisions is None else decisions
    if coders:
        decisions = decisions[decisions["coder"].isin(set(coders))]
    training = training_set(decisions, store.segments(), code_ids=set(store.codes()["code_id"]),
                            unknown_segments="drop")
    first = decisions.groupby("segment_id")["decision_id"].min() if len(decisions) else pd.Series(dtype=int)
    order = training["segment_id"].map(first).fillna(0).to_numpy()
    return training.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def load_trained_model(store: ProjectStore, path: str | Path | None = None, *, trust_model_file: bool = False,
                       embedding_model: str | None = None):
    """(model, metadata) of the store's trained model, or None when none was trained yet.

    A model that learned from sentence embeddings gets an embedder of the same model attached
    (`scoring_embedder`; `EmbeddingModelMismatch` when that model is not the one installed).

    Never unpickles without `trust_model_file`: a model pickled by an older qualmine (next to the
    store, or given as `path`) raises `UntrustedModelFile`; with `trust_model_file` it is loaded and
    re-saved in the pickle-free format at the store's model path (see `coding.suggest.persist`).
    """
    from qualmine.coding.suggest.persist import LEGACY_SUFFIXES, load_legacy_model, load_model

    target = Path(path) if path else model_path(store.url)
    if path and target.suffix.lower() in LEGACY_SUFFIXES:
        if not target.exists():
            raise FileNotFoundError(f"{target}: no saved model here")
        return load_legacy_model(target, trust=trust_model_file, convert_to=target.with_suffix(".npz"))
    if target.exists():
        model, metadata = load_model(target)
        return scoring_embedder(store, model, embedding_model), metadata
    legacy = legacy_model_path(store.url)
    if path is None and legacy.exists():
        return load_legacy_model(legacy, trust=trust_model_file, convert_to=target if trust_model_file else None)
    return None


def unreviewed_segments(store: ProjectStore) -> pd.DataFrame:
    """Coded (non-interviewer) segments no human has decided anything on yet."""
    segments = store.segments()
    reviewed = set(human_decisions(store)["segment_id"])
    keep = ~segments["segment_id"].isin(reviewed) & ~segments["is_interviewer"].astype(bool)
    return segments[keep].reset_index(drop=True)


def apply_model(store: ProjectStore, model, *, threshold: float | None = None,
                run_id: str | None = None) -> tuple[str, int, int]:
    """Score every unreviewed segment and store codes at or above `threshold` as model suggestions.

    `threshold` defaults to the model's own (`threshold_`, tuned for micro-F1 when it was trained).
    Returns (run_id, segments scored, suggestions stored).
    """
    if threshold is None:
        threshold = float(getattr(model, "threshold_", DEFAULT_THRESHOLD))
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"The 'threshold' parameter of apply_model must be a float in the range (0, 1]. "
                         f"Got {threshold!r} instead.")
    segments = unreviewed_segments(store)
    run_id = run_id or f"model-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}"
    codes = set(store.codes()["code_id"])
    if segments.empty:
        record_model_suggestions(store, run_id=run_id, scored_segment_ids=[], threshold=threshold,
                                 suggestions=pd.DataFrame(columns=["segment_id", "code_id", "score"]))
        return run_id, 0, 0
    proba = model.predict_proba(segments["text"].astype(str).tolist(), segments["lang"].astype(str).tolist())
    proba = proba[[c for c in proba.columns if c in codes]]
    proba.index = segments["segment_id"].to_numpy()
    long = proba.rename_axis("segment_id").reset_index().melt(id_vars="segment_id", var_name="code_id",
                                                               value_name="score")
    long = long[long["score"] >= threshold].sort_values(["segment_id", "score"], ascending=[True, False])
    stored = record_model_suggestions(store, run_id=run_id, scored_segment_ids=segments["segment_id"],
                                      suggestions=long, threshold=threshold,
                                      parameters={"threshold": threshold, "codes": sorted(proba.columns)})
    return run_id, len(segments), stored


def segment_uncertainty(store: ProjectStore, model) -> pd.Series:
    """Per segment_id, how unsure the model is: higher first in --order uncertainty.

    Scores the segments with a suggestion and the unreviewed ones (the queue's uncoded rows).
    """
    wanted = set(store.suggestions()["segment_id"]) | set(unreviewed_segments(store)["segment_id"])
    segments = store.segments(wanted)
    if segments.empty:
        return pd.Series(dtype=float)
    values = model.uncertainty(segments["text"].astype(str).tolist(), segments["lang"].astype(str).tolist())
    return pd.Series(values, index=segments["segment_id"].to_numpy(), dtype=float)


def agreement_decisions(store: ProjectStore) -> pd.DataFrame:
    """Latest decisions per coder for agreement, with implicit rejections and the machine as coders.

    A coder who reviewed a segment and was not shown code c there (it was neither suggested to
    them nor added by them) had the chance to add it and did not: that counts as a rejection. A
    suggested row left empty stays missing. The rules (`model:rules`) and the trained model
    (`model:suggester`, on segments it scored before review) join as coders on the same units.
    """
    from qualmine.coding.store.database import latest_decisions

    latest = latest_decisions(human_decisions(store))
    columns = ["segment_id", "code_id", "coder", "decision"]
    if latest.empty:
        return pd.DataFrame(columns=columns)
    latest = latest[columns]
    shown = store.export_rows()[["segment_id", "code_id", "coder"]].drop_duplicates()
    units = latest[["segment_id", "code_id"]].drop_duplicates()
    implicit = []
    for coder, mine in latest.groupby("coder"):
        reviewed = units[units["segment_id"].isin(set(mine["segment_id"]))]
        known = set(zip(mine["segment_id"], mine["code_id"]))
        seen = set(zip(*[shown.loc[shown["coder"] == coder, c] for c in ("segment_id", "code_id")]))
        for sid, cid in zip(reviewed["segment_id"], reviewed["code_id"]):
            if (sid, cid) not in known and (sid, cid) not in seen:
                implicit.append((sid, cid, coder, "reject"))
    frames = [latest, pd.DataFrame(implicit, columns=columns)]
    suggestions = store.suggestions()
    rules = set(zip(*[suggestions.loc[suggestions["source"] == "rule", c] for c in ("segment_id", "code_id")]))
    frames.append(_machine(units, RULES_CODER, lambda sid, cid: (sid, cid) in rules))
    scored = store.model_scored()
    if len(scored):
        model_rows = suggestions[suggestions["source"] == "model"].merge(scored[["segment_id", "threshold"]],
                                                                        on="segment_id")
        said = set(zip(*[model_rows.loc[model_rows["score"] >= model_rows["threshold"], c]
                         for c in ("segment_id", "code_id")]))
        in_scope = units[units["segment_id"].isin(set(scored["segment_id"]))]
        frames.append(_machine(in_scope, MODEL_CODER, lambda sid, cid: (sid, cid) in said))
    return pd.concat([f for f in frames if len(f)], ignore_index=True)


def _machine(units: pd.DataFrame, coder: str, says) -> pd.DataFrame:
    rows = [(sid, cid, coder, "accept" if says(sid, cid) else "reject")
            for sid, cid in zip(units["segment_id"], units["code_id"])]
    return pd.DataFrame(rows, columns=["segment_id", "code_id", "coder", "decision"])


MODEL_SUGGESTION_COLUMNS = ["run_id", "segment_id", "doc_id", "respondent_id", "code_id", "score", "threshold",
                            "model_version"]


def model_suggestions_table(store: ProjectStore, run_id: str, metadata: dict | None = None) -> pd.DataFrame:
    """The suggestions one `apply_model` run stored, as a table for the run folder.

    Columns MODEL_SUGGESTION_COLUMNS: `score` is the calibrated probability, `threshold` the one
    the run applied, `model_version` the model's training time (its side-car's `trained_at`).
    Read-only: nothing is claimed for any coder.
    """
    stored = store.suggestions(source="model")
    stored = stored[stored["run_id"] == run_id]
    scored = store.model_scored()
    threshold = scored.loc[scored["run_id"] == run_id, "threshold"]
    segments = store.segments(set(stored["segment_id"]))[["segment_id", "doc_id", "respondent_id"]]
    out = stored[["run_id", "segment_id", "code_id", "score"]].merge(segments, on="segment_id", how="left")
    out["threshold"] = float(threshold.iloc[0]) if len(threshold) else float("nan")
    out["model_version"] = str((metadata or {}).get("trained_at") or "unknown")
    out["score"] = out["score"].astype(float).round(4)
    return out[MODEL_SUGGESTION_COLUMNS].sort_values(["segment_id", "score"], ascending=[True, False],
                                                     kind="stable").reset_index(drop=True)


def latest_run_folder(store: ProjectStore) -> Path | None:
    """The run folder (`out_dir`) of the latest pipeline run recorded in the store, if it still exists."""
    import json

    from sqlalchemy import select

    from qualmine.coding.store import schema as s

    runs = store._frame(select(s.runs).where(s.runs.c.kind == "pipeline").order_by(s.runs.c.started_at))
    for parameters in reversed(list(runs["parameters"])):
        try:
            out = json.loads(parameters or "{}").get("out_dir")
        except ValueError:
            continue
        if out and Path(out).is_dir():
            return Path(out)
    return None
