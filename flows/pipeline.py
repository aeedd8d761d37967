"""The main flow: ingest -> code -> tabulate -> write (topics and reports join as later stages).

Tasks are thin shells around the stage packages' plain functions and work on batches (a task
per batch of segments, never per answer: each task run costs Prefect ~10 ms plus server work).
"""
from __future__ import annotations

import flows.prefect_env  # noqa: F401  (must precede the prefect import)

from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from coding.applications import CodeApplication, applications_frame
from coding.codebook import Codebook, load_codebook
from coding.rules import RuleCoder
from coding.tables import CodedTables, build_tables
from corpus import Corpus, documents_frame, ingest_corpus, report_frame, segments_frame
from corpus.records import Segment
from flows.progress import stage
from flows.settings import RunSettings
from outputs import build_run_manifest, write_run_manifest, write_tables


@dataclass(frozen=True)
class RunResult:
    """What a run produced: where, and how much."""

    run_id: str
    out_dir: Path
    counts: dict[str, int]
    outputs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@lru_cache(maxsize=4)
def _rule_coder(codebook_path: str, code_interviewer: bool) -> RuleCoder:
    # Built once per process (and per Dask/pool worker): the automata and user dictionary are costly.
    return RuleCoder(load_codebook(codebook_path), code_interviewer=code_interviewer)


def batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def code_segments(codebook_path: Path, segments: list[Segment], code_interviewer: bool) -> list[CodeApplication]:
    """Rule-code one batch of segments (plain function; the task below wraps it)."""
    return _rule_coder(str(codebook_path), code_interviewer).apply(segments)


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_task(corpus_dir: Path, max_segment_chars: int) -> Corpus:
    return ingest_corpus(corpus_dir, max_segment_chars=max_segment_chars)


@task(name="code-batch", cache_policy=NO_CACHE)
def code_batch_task(codebook_path: Path, segments: list[Segment], code_interviewer: bool) -> list[CodeApplication]:
    return code_segments(codebook_path, segments, code_interviewer)


@task(name="tabulate", cache_policy=NO_CACHE)
def tabulate_task(codebook: Codebook, corpus: Corpus, applications: list[CodeApplication]) -> CodedTables:
    return build_tables(codebook, documents_frame(corpus), segments_frame(corpus), corpus.respondents,
                        applications_frame(applications), report_frame(corpus))


@task(name="write-tables", cache_policy=NO_CACHE)
def write_task(tables: CodedTables, out_dir: Path) -> list[Path]:
    return write_tables(tables.items(), out_dir)


def corpus_counts(corpus: Corpus, applications: list[CodeApplication]) -> dict[str, int]:
    """The numbers the run summary prints: every input row is ingested or reported."""
    report = report_frame(corpus)
    status = report["status"].value_counts() if len(report) else {}
    return {
        "documents": len(corpus.documents),
        "respondents": len(corpus.respondents),
        "segments": len(corpus.segments),
        "coded_segments": len({a.segment_id for a in applications}),
        "code_applications": len(applications),
        "ingested": int(status.get("ingested", 0)),
        "rejected": int(status.get("rejected", 0)),
        "skipped": int(status.get("skipped", 0)),
    }


@flow(name="qualmine-pipeline", log_prints=False, validate_parameters=False)
def pipeline_flow(settings: RunSettings) -> RunResult:
    """Run every stage on one corpus with one codebook and write the run folder."""
    started = datetime.now(timezone.utc)
    codebook = load_codebook(settings.codebook_path)
    with stage("ingest"):
        corpus = ingest_task(settings.corpus_dir, settings.max_segment_chars)
    parts = batches(corpus.segments, settings.batch_size)
    applications: list[CodeApplication] = []
    with stage("code", total=len(corpus.segments)) as advance:
        for part in parts:
            applications.extend(code_batch_task(settings.codebook_path, part, settings.code_interviewer))
            advance(len(part))
    with stage("tabulate"):
        tables = tabulate_task(codebook, corpus, applications)
    with stage("write"):
        written = write_task(tables, settings.out_dir)
    counts = corpus_counts(corpus, applications)
    input_files = sorted({settings.corpus_dir / r.source_file for r in corpus.report
                          if (settings.corpus_dir / r.source_file).is_file()})
    manifest = build_run_manifest(
        run_id=settings.run_id, corpus_dir=settings.corpus_dir, input_files=input_files,
        codebook_path=settings.codebook_path, codebook_fingerprint=codebook.fingerprint(),
        parameters=settings.parameters(), counts=counts, outputs=written, started=started, notes=corpus.notes)
    written.append(write_run_manifest(manifest, settings.out_dir))
    return RunResult(settings.run_id, settings.out_dir, counts, written, list(corpus.notes))


def run_pipeline(settings: RunSettings) -> RunResult:
    """Run the main flow locally (ephemeral Prefect, no server needed)."""
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return pipeline_flow(settings)
