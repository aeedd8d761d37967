"""The report stage: report.html, report.md (+ SVG charts) and report.docx from a run folder.

`outputs.report.build.write_report` is the plain function (tests and the CLI call it); `report_task` wraps it for a
flow and, running under Prefect, publishes the summary as artifacts (one markdown artifact and
table artifacts for the chains, the candidate links and the code frequency) so it shows in the
Prefect UI. `report_flow` runs the stage on its own (`qualmine report`).
"""
from __future__ import annotations

import qualmine.flows.runtime.env  # noqa: F401  (must precede the prefect import)

import math
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext, TaskRunContext
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from qualmine.coding.codebook import Codebook, load_codebook
from qualmine.coding.tables import CodedTables
from qualmine.flows.secret_params import hide_secrets, reveal_secrets
from qualmine.outputs.report.build import ReportResult, build_report, write_links, write_report  # noqa: F401  (write_report: re-export)
from qualmine.outputs.report.codes import ReportMode
from qualmine.outputs.report.data import ALL, ReportData
from qualmine.outputs.report.render_md import render_markdown

ARTIFACT_PREFIX = "qualmine"
ARTIFACT_MARKDOWN_LIMIT = 200_000     # characters; the UI renders big artifacts slowly


def _records(frame: pd.DataFrame) -> list[dict]:
    # Artifacts are JSON: NaN is not valid JSON, numpy scalars are not serialisable.
    out = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if isinstance(value, float) and math.isnan(value):
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            clean[str(key)] = value
        out.append(clean)
    return out


def publish_artifacts(data: ReportData) -> int:
    """Publish the summary as Prefect artifacts; only inside a flow or task run. Returns how many."""
    if FlowRunContext.get() is None and TaskRunContext.get() is None:
        return 0
    markdown = render_markdown(data, image_dir=None)
    if len(markdown) > ARTIFACT_MARKDOWN_LIMIT:
        markdown = markdown[:ARTIFACT_MARKDOWN_LIMIT] + "\n\n… (truncated: see report.md in the run folder)"
    create_markdown_artifact(markdown=markdown, key=f"{ARTIFACT_PREFIX}-report",
                             description=f"Theme summary of run {data.run_id} ({data.mode})")
    chains = pd.DataFrame([{
        "chain_id": c.chain_id, "problem": c.problem.label, "problem_respondents": c.problem_respondents,
        "cause": c.cause.label if c.cause else "", "cause_respondents": c.cause_respondents,
        "recommendation": c.recommendation.label if c.recommendation else "",
        "recommendation_respondents": c.recommendation_respondents,
        "problem_and_cause_respondents": c.problem_and_cause_respondents,
        "problem_cause_lift": c.problem_cause.lift if c.problem_cause else None,
    } for c in data.chains])
    create_table_artifact(table=_records(chains), key=f"{ARTIFACT_PREFIX}-chains",
                          description="Problem -> cause -> recommendation chains with respondent counts")
    overall = data.frequency[data.frequency["attribute"].astype(str) == ALL]
    create_table_artifact(table=_records(overall[["code_id", "kind", "label_zh", "label_en", "segments",
                                                  "respondents", "respondent_share"]]),
                          key=f"{ARTIFACT_PREFIX}-code-frequency", description="Respondents and segments per code")
    count = 3
    if data.links is not None:
        links = data.links.drop(columns=["connective_example"], errors="ignore")
        create_table_artifact(table=_records(links), key=f"{ARTIFACT_PREFIX}-links",
                              description="Evidence for the codebook's links; candidate_link flags unlisted pairs")
        count += 1
    return count


@task(name="links", cache_policy=NO_CACHE)
def links_task(codebook: Codebook, tables: CodedTables, out_dir: Path) -> list[Path]:
    return write_links(codebook, tables.code_applications, tables.segments, out_dir)


@task(name="report", cache_policy=NO_CACHE)
def report_task(run_dir: Path, mode: ReportMode = "suggestions", store: str | None = None,
                codebook: Codebook | None = None, use_store: bool = True, run_id: str | None = None) -> ReportResult:
    result, data = build_report(run_dir, mode, store, codebook, use_store, run_id)
    published = publish_artifacts(data)
    return ReportResult(result.run_dir, result.mode, result.statement, result.paths, result.notes, result.chains,
                        published)


@flow(name="qualmine-report", log_prints=False, validate_parameters=False)
def report_flow(run_dir: Path, mode: ReportMode = "suggestions", store: str | None = None,
                codebook_path: str | None = None) -> ReportResult:
    """Build the theme summary report of one run folder (parameters are paths: Prefect caps their size)."""
    codebook = load_codebook(codebook_path) if codebook_path else None
    return report_task(Path(run_dir), mode, reveal_secrets(store), codebook)


def run_report(run_dir: str | Path, mode: ReportMode = "suggestions", store: str | None = None,
               codebook_path: str | None = None) -> ReportResult:
    """Run the report flow locally (ephemeral Prefect, no server needed)."""
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return report_flow(Path(run_dir), mode, hide_secrets(store), codebook_path)
