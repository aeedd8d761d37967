"""The review loop as Prefect flows: `suggest_and_export` and `import_and_retrain`, plus the store
stages the main pipeline calls (record the run; add model suggestions when a model is trained).

Flow parameters are paths and small values (Prefect caps them at 512 KB); the work is done by
plain functions in coding/ that tests call directly.
"""
from __future__ import annotations

import qualmine.flows.runtime.env  # noqa: F401  (must precede the prefect import)
from qualmine import SEED

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from qualmine.coding.codebook import Codebook
from qualmine.coding.review.export import ExportResult, export_review_queue
from qualmine.coding.review.importing import ImportResult, import_review_file, validate_review_file
from qualmine.coding.suggest.learning import (
    NotEnoughDecisions, TrainResult, apply_model, load_trained_model, segment_uncertainty,
    train_model,
)
from qualmine.coding.review.queue import QueueOptions
from qualmine.flows.secret_params import hide_secrets, reveal_secrets
from qualmine.coding.store.database import ProjectStore, legacy_model_path, model_path, redact_url
from qualmine.coding.store.sync import SyncReport, sync_run


@dataclass(frozen=True)
class ModelApplied:
    run_id: str
    segments: int
    suggestions: int


@dataclass(frozen=True)
class RetrainResult:
    imports: list[ImportResult]
    trained: TrainResult | None
    applied: ModelApplied | None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------- plain functions
def record_run(store_location: str, *, run_id: str, codebook: Codebook, documents: pd.DataFrame,
               segments: pd.DataFrame, applications: pd.DataFrame, codebook_path: Path | None = None,
               corpus_dir: Path | None = None, parameters: dict | None = None) -> SyncReport:
    """Record one pipeline run's documents, segments, rule suggestions and codebook in the store."""
    with ProjectStore(store_location) as store:
        return sync_run(store, run_id=run_id, codebook=codebook, documents=documents, segments=segments,
                        applications=applications, codebook_path=codebook_path, corpus_dir=corpus_dir,
                        parameters=parameters)


def suggest_with_model(store_location: str, threshold: float | None = None) -> ModelApplied | None:
    """Add model suggestions to unreviewed segments when the store has a trained model (else None)."""
    with ProjectStore(store_location) as store:
        loaded = load_trained_model(store)
        if loaded is None:
            return None
        run_id, scored, stored = apply_model(store, loaded[0], threshold=threshold)
        return ModelApplied(run_id, scored, stored)


def export_for_coders(store_location: str, coders: list[str], out_dir: Path, *, file_format: str = "xlsx",
                      order: str = "uncertainty", limit: int | None = None, codes: tuple[str, ...] = (),
                      double_code: float = 0.0, seed: int = SEED, uncoded: str = "auto") -> list[ExportResult]:
    """One review file per coder in `out_dir` (`<coder>-<export id>.<format>`)."""
    results = []
    with ProjectStore(store_location) as store:
        uncertainty = None
        if order == "uncertainty":
            loaded = load_trained_model(store)
            uncertainty = segment_uncertainty(store, loaded[0]) if loaded else None
        for coder in coders:
            options = QueueOptions(coder=coder, order=order, limit=limit, codes=tuple(codes),
                                   double_code=double_code, seed=seed, uncoded=uncoded)
            # A timestamped name never overwrites a file a coder may still be working in.
            stamp = pd.Timestamp.now(tz="UTC").strftime("%Y%m%d-%H%M%S")
            target = Path(out_dir) / f"review-{_safe(coder)}-{stamp}.{file_format}"
            results.append(export_review_queue(store, options, target, uncertainty=uncertainty))
    return results


def import_then_retrain(store_location: str, files: list[tuple[Path, str]], *, retrain: bool = True,
                        threshold: float | None = None, cv: int = 5) -> RetrainResult:
    """Validate every file first, import each (one transaction per file), retrain and re-suggest."""
    notes: list[str] = []
    with ProjectStore(store_location) as store:
        for path, coder in files:
            validate_review_file(store, path, coder)   # raises before anything is imported
        imports = [import_review_file(store, path, coder) for path, coder in files]
        trained = applied = None
        if retrain:
            try:
                trained = train_model(store, cv=cv)
            except NotEnoughDecisions as exc:
                notes.append(f"model not retrained: {exc}")
            if trained is not None:
                run_id, scored, stored = apply_model(store, load_trained_model(store)[0], threshold=threshold)
                applied = ModelApplied(run_id, scored, stored)
    return RetrainResult(imports, trained, applied, notes)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "coder"


# ---------------------------------------------------------------------- tasks and flows
@task(name="store-sync", cache_policy=NO_CACHE)
def store_sync_task(store_location: str, run_id: str, codebook: Codebook, documents: pd.DataFrame,
                    segments: pd.DataFrame, applications: pd.DataFrame, codebook_path: Path,
                    corpus_dir: Path, parameters: dict) -> SyncReport:
    return record_run(store_location, run_id=run_id, codebook=codebook, documents=documents, segments=segments,
                      applications=applications, codebook_path=codebook_path, corpus_dir=corpus_dir,
                      parameters=parameters)


@task(name="model-suggest", cache_policy=NO_CACHE)
def model_suggest_task(store_location: str, threshold: float | None = None) -> ModelApplied | None:
    return suggest_with_model(store_location, threshold)


@task(name="export-queues", cache_policy=NO_CACHE)
def export_task(store_location: str, coders: list[str], out_dir: Path, options: dict) -> list[ExportResult]:
    return export_for_coders(store_location, coders, out_dir, **options)


@task(name="import-and-retrain", cache_policy=NO_CACHE)
def import_task(store_location: str, files: list[tuple[Path, str]], retrain: bool, threshold: float | None,
                cv: int) -> RetrainResult:
    return import_then_retrain(store_location, files, retrain=retrain, threshold=threshold, cv=cv)


@flow(name="qualmine-suggest-and-export", log_prints=False, validate_parameters=False)
def suggest_and_export(store: str, coders: list[str], out_dir: str, file_format: str = "xlsx",
                       order: str = "uncertainty", limit: int | None = None, codes: list[str] | None = None,
                       double_code: float = 0.0, seed: int = SEED, threshold: float | None = None,
                       uncoded: str = "auto") -> list[ExportResult]:
    """Refresh model suggestions (when a model is trained), then write one review file per coder."""
    store = reveal_secrets(store)     # run_flow hid its password from Prefect (flows/secret_params.py)
    model_suggest_task(store, threshold)
    options = dict(file_format=file_format, order=order, limit=limit, codes=tuple(codes or ()),
                   double_code=double_code, seed=seed, uncoded=uncoded)
    return export_task(store, list(coders), Path(out_dir), options)


@flow(name="qualmine-import-and-retrain", log_prints=False, validate_parameters=False)
def import_and_retrain(store: str, files: list[str], coders: list[str], retrain: bool = True,
                       threshold: float | None = None, cv: int = 5) -> RetrainResult:
    """Import coders' files (all validated before any is applied), retrain, re-suggest."""
    store = reveal_secrets(store)
    if len(files) != len(coders):
        raise ValueError(f"import_and_retrain needs one coder per file; got {len(files)} file(s) and "
                         f"{len(coders)} coder(s)")
    return import_task(store, [(Path(f), c) for f, c in zip(files, coders)], retrain, threshold, cv)


def run_flow(flow_fn, **parameters):
    """Run a review flow locally (ephemeral Prefect, no heartbeat wait at exit); a store password
    is not a flow parameter (Prefect's database keeps those): the flow gets it in this process."""
    if "store" in parameters:
        parameters["store"] = hide_secrets(parameters["store"])
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return flow_fn(**parameters)


__all__ = [
    "ModelApplied", "RetrainResult", "export_for_coders", "import_and_retrain", "import_then_retrain",
    "model_path", "record_run", "run_flow", "store_sync_task", "suggest_and_export", "suggest_with_model",
    "model_suggest_task",
]


def store_stages(settings, codebook: Codebook, tables) -> list[str]:
    """The main pipeline's store stages (inside its flow): record the run, then model suggestions.

    Returns notes for the run summary; does nothing when `settings.store` is None.
    """
    from qualmine.coding.store.database import resolve_store_url
    from qualmine.flows.progress import stage

    if not settings.store:
        return []
    url = resolve_store_url(settings.store)
    with stage("store"):
        report = store_sync_task(url, settings.run_id, codebook, tables.documents, tables.segments,
                                 tables.code_applications, settings.codebook_path, settings.corpus_dir,
                                 settings.parameters())
    notes = [f"store: run recorded in {redact_url(url)} ({report.new_segments} new, "
             f"{report.updated_segments} known segment(s), {report.suggestions} rule suggestion(s))", *report.notes()]
    if not model_path(url).exists() and legacy_model_path(url).exists():
        notes.append(f"store: {legacy_model_path(url)} is a model pickled by an older qualmine, not loaded (a pickle "
                     "can run code); retrain (`qualmine suggest train`) or convert it once with "
                     "`qualmine suggest apply --trust-model-file`")
    if model_path(url).exists():
        with stage("model"):
            applied = model_suggest_task(url)
        if applied is not None:
            notes.append(f"store: {applied.suggestions} model suggestion(s) on {applied.segments} unreviewed segment(s)")
    return notes
