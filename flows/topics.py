"""The topic stage in Prefect: a thin task around `models.stage.run_topic_stage`, its writer, the
main flow's hook (`topic_stage`) and a flow for an existing run folder (`qualmine topics --run`)."""
from __future__ import annotations

import qualmine.flows.runtime.env  # noqa: F401  (must precede the prefect import)

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from qualmine.coding.codebook import Codebook, load_codebook
from qualmine.flows.progress import stage
from qualmine.models.alignment import candidate_codes_yaml
from qualmine.models.base import TopicModelError
from qualmine.models.stage import TopicRun, TopicSettings, run_topic_stage
from qualmine.models.view import render_topics_html
from qualmine.outputs import write_tables
from qualmine.outputs.writers import read_table

CANDIDATE_FILE = "candidate_codes.yaml"
VIEW_FILE = "topics.html"


@dataclass(frozen=True)
class TopicStageResult:
    """What the topic stage wrote and what goes into the run manifest."""

    paths: list[Path] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def topic_settings_for(settings: Any) -> TopicSettings:
    """TopicSettings from the main flow's RunSettings."""
    return replace(settings.topic, seed=settings.seed, include_interviewer=settings.code_interviewer)


@task(name="topics", cache_policy=NO_CACHE)
def topics_task(segments: pd.DataFrame, applications: pd.DataFrame, respondents: pd.DataFrame,
                codebook: Codebook, settings: TopicSettings, run_id: str) -> TopicRun:
    return run_topic_stage(segments, applications, respondents, codebook, settings, run_id)


def write_topic_outputs(run: TopicRun, out_dir: Path, title: str = "Topics") -> list[Path]:
    """Write the topic tables, candidate_codes.yaml (when some topic is unexplained) and topics.html."""
    out_dir = Path(out_dir)
    paths = write_tables(run.tables(), out_dir)
    candidates = out_dir / CANDIDATE_FILE
    if run.candidate_codes is not None:
        candidates.write_text(candidate_codes_yaml(run.candidate_codes), encoding="utf-8")
        paths.append(candidates)
    elif candidates.exists():
        candidates.unlink()   # left by an earlier fit of this folder: it would no longer be true
    view = out_dir / VIEW_FILE
    ids = {f"{c.id[2:].lower()}" for c in run.candidate_codes.codes} if run.candidate_codes else set()
    view.write_text(render_topics_html(run.topics, run.topic_prevalence, run.topic_code_alignment, run.topic_k_scores,
                                       run.exemplars, {m.lang: m.explanation for m in run.languages}, ids, title),
                    encoding="utf-8")
    paths.append(view)
    return paths


@task(name="write-topics", cache_policy=NO_CACHE)
def write_topics_task(run: TopicRun, out_dir: Path, title: str) -> list[Path]:
    return write_topic_outputs(run, out_dir, title)


def topic_stage(settings: Any, codebook: Codebook, segments: pd.DataFrame, applications: pd.DataFrame,
                respondents: pd.DataFrame) -> TopicStageResult:
    """The main flow's topic stage: fit and write, or skip with a note when the corpus cannot be modelled."""
    if not settings.topics:
        return TopicStageResult(manifest={"topics": {"skipped": "switched off (--no-topics)"}})
    with stage("topics"):
        try:
            run = topics_task(segments, applications, respondents, codebook, topic_settings_for(settings),
                              settings.run_id)
        except TopicModelError as exc:
            note = f"topics skipped: {exc}"
            return TopicStageResult(manifest={"topics": {"skipped": str(exc)}}, notes=[note])
        paths = write_topics_task(run, settings.out_dir, f"Topics — run {settings.run_id}")
    return TopicStageResult(paths, {"topics": run.manifest_section()}, list(run.notes))


@dataclass(frozen=True)
class TopicsFlowResult:
    run_dir: Path
    run: TopicRun
    paths: list[Path]


@flow(name="qualmine-topics", log_prints=False, validate_parameters=False)
def topics_flow(run_dir: Path, settings: TopicSettings, codebook_path: Path | None = None) -> TopicsFlowResult:
    """Fit topics on an existing run folder's tables and write them beside the others."""
    run_dir = Path(run_dir)
    segments = read_table(run_dir, "segments")
    applications = read_table(run_dir, "code_applications")
    if segments is None or applications is None:
        missing = [n for n, t in (("segments", segments), ("code_applications", applications)) if t is None]
        raise TopicModelError(f"{run_dir} is not a run folder: it has no {' or '.join(missing)} table "
                              "(.parquet or .csv). Pass the folder `qualmine run --out` wrote")
    respondents = read_table(run_dir, "respondents")
    if respondents is None:
        respondents = segments[["respondent_id"]].drop_duplicates().reset_index(drop=True)
    manifest_path = run_dir / "run_manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    if codebook_path is None:
        recorded = (manifest.get("codebook") or {}).get("path")
        if not recorded:
            raise TopicModelError(f"{run_dir} has no run_manifest.json naming its codebook: pass --codebook FILE")
        codebook_path = Path(recorded)
    codebook = load_codebook(codebook_path)
    run_id = str(manifest.get("run_id") or run_dir.name)
    with stage("topics"):
        run = topics_task(segments, applications, respondents, codebook, settings, run_id)
        paths = write_topics_task(run, run_dir, f"Topics — run {run_id}")
    if manifest:
        # The run's manifest stays the one record of the folder: add the topics, keep the rest.
        manifest["topics"] = {**run.manifest_section(), "parameters": {
            "engine": settings.engine, "k": settings.k, "k_min": settings.k_min, "k_max": settings.k_max,
            "seed": settings.seed}}
        manifest["outputs"] = sorted(set(manifest.get("outputs", [])) | {p.name for p in paths})
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        paths.append(manifest_path)
    return TopicsFlowResult(run_dir, run, paths)


def run_topics_flow(run_dir: Path, settings: TopicSettings, codebook_path: Path | None = None) -> TopicsFlowResult:
    """Run `topics_flow` locally (ephemeral Prefect, no server needed)."""
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return topics_flow(run_dir, settings, codebook_path)
