"""The main flow: ingest -> code -> tabulate -> write (topics and reports join as later stages).

Tasks are thin shells around the stage packages' plain functions and work on batches (a task
per batch of segments, never per answer: each task run costs Prefect ~10 ms plus server work).
"""
from __future__ import annotations

import qualmine.flows.runtime.env  # noqa: F401  (must precede the prefect import)

import shutil
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from qualmine.coding.codebook import Codebook, load_codebook
from qualmine.coding.tables import CodedTables, build_tables
from qualmine.coding.assemble import CodedCorpus
from qualmine.flows.ingest_code import ingest_and_code
from qualmine.flows.runtime.boot import Boot, boot_in_background
from qualmine.flows.progress import stage
from qualmine.flows.report import links_task, report_task
from qualmine.flows.review import store_stages
from qualmine.flows.semantic import SemanticOutcome, semantic_task, semantic_wanted
from qualmine.flows.secret_params import hide_store, reveal_store
from qualmine.flows.settings import RunSettings
from qualmine.flows.topics import topic_stage
from qualmine.outputs import build_run_manifest, write_run_manifest, write_tables
from qualmine.outputs.run_folder import check_run_folder, discard, publish, relocate, staging_folder


@dataclass(frozen=True)
class RunResult:
    """What a run produced: where, and how much."""

    run_id: str
    out_dir: Path
    counts: dict[str, int]
    outputs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flow_run_id: str | None = None     # Prefect's id of the flow run (its page in Prefect's UI)


@task(name="tabulate", cache_policy=NO_CACHE)
def tabulate_task(codebook: Codebook, coded: CodedCorpus, fit=None) -> CodedTables:
    return build_tables(codebook, coded.documents, coded.segments, coded.respondents, coded.applications,
                        coded.report, fit=fit)


@task(name="write-tables", cache_policy=NO_CACHE)
def write_task(tables: CodedTables, out_dir: Path) -> list[Path]:
    return write_tables(tables.items(), out_dir)


@flow(name="qualmine-pipeline", log_prints=False, validate_parameters=False)
def pipeline_flow(settings: RunSettings, force: bool = False) -> RunResult:
    """Run every stage on one corpus with one codebook and write the run folder.

    Every stage writes into a fresh hidden folder beside `settings.out_dir`, the manifest last; the
    folder is renamed into place at the end (replacing an old run there only with `force`), so the
    run folder never mixes two runs and a killed run leaves no folder that looks complete
    (outputs/run_folder.py).
    """
    settings = reveal_store(settings)   # the store's password never went through Prefect's API (flows/secret_params.py)
    staging = staging_folder(settings.out_dir)
    try:
        result = _run_stages(settings, replace(settings, out_dir=staging))
        publish(staging, settings.out_dir, force=force)
    except BaseException:
        discard(staging)
        raise
    return replace(result, outputs=relocate(result.outputs, staging, settings.out_dir))


def _run_stages(settings: RunSettings, work: RunSettings) -> RunResult:
    """The stages; files go to `work.out_dir` (the staging folder), the store and manifest record `settings`."""
    started = datetime.now(timezone.utc)
    codebook = load_codebook(settings.codebook_path)
    # Ingest + rule coding, chunked and streamed (flows/ingest_code.py): --workers processes or Dask.
    corpus = ingest_and_code(settings, codebook, on_dask=settings.on_dask)
    # Zero-shot semantic suggestions (flows/semantic.py): added to code_applications as source "semantic".
    semantic = SemanticOutcome({"enabled": False})
    if semantic_wanted(settings):
        corpus, semantic = semantic_task(settings, codebook, corpus)
    with stage("tabulate"):
        tables = tabulate_task(codebook, corpus, semantic.fit)
    with stage("write"):
        written = write_task(tables, work.out_dir)
        # The run keeps the exact codebook it was coded with: reports and exports read it from here.
        run_codebook = work.out_dir / "codebook.yaml"
        shutil.copyfile(settings.codebook_path, run_codebook)
        written.append(run_codebook)
        written += links_task(codebook, tables, work.out_dir)   # evidence for the codebook's links
    # Topics (flows/topics.py): fitted on the written tables; a corpus too small to model is a note.
    topic_out = topic_stage(work, codebook, tables.segments, tables.code_applications, tables.respondents)
    written += topic_out.paths
    store_notes = store_stages(settings, codebook, tables) + topic_out.notes   # the coders' project store (flows/review.py)
    # The report is the LAST stage: it reads every table written above (keep new stages before it).
    with stage("report"):
        written += report_task(work.out_dir, "suggestions", settings.store, codebook, bool(settings.store),
                               settings.run_id).paths
    counts = corpus.counts()
    input_files = corpus.input_files(settings.corpus_dir)
    manifest = build_run_manifest(
        run_id=settings.run_id, corpus_dir=settings.corpus_dir, input_files=input_files,
        codebook_path=settings.codebook_path, codebook_fingerprint=codebook.fingerprint(),
        parameters=settings.parameters(), counts=counts, outputs=written, started=started,
        notes=[*corpus.notes, *semantic.notes, *store_notes], extra={**topic_out.manifest, "semantic": semantic.manifest})
    written.append(write_run_manifest(manifest, work.out_dir))   # last: a folder with a manifest is complete
    from prefect.runtime import flow_run

    return RunResult(settings.run_id, settings.out_dir, counts, written, [*corpus.notes, *semantic.notes, *store_notes],
                     flow_run_id=str(flow_run.id) if flow_run.id else None)


def run_pipeline(settings: RunSettings, codebook: Codebook | None = None, *, force: bool = False) -> RunResult:
    """Run the main flow locally (ephemeral Prefect, no server needed).

    Raises `RunFolderError` before anything runs when `settings.out_dir` may not receive the run
    (inside the corpus, someone else's files, or another run without `force`).

    The temporary API server boots in the background (flows/runtime/boot.py; reused if the CLI
    already started it) while this process loads the codebook (unless the caller passes the one
    it validated) and warms the rule coder, work the flow needs anyway; only then does it wait for
    the server and call the flow.
    """
    # Before anything starts: an --out inside the corpus, or holding another run without force, is refused.
    check_run_folder(settings.out_dir, inputs=(settings.corpus_dir,), force=force)
    boot = None if settings.on_dask else boot_in_background()   # the Dask paths bring their own server
    preflight(settings, boot, codebook)
    if boot is not None:
        boot.wait()     # before the flow: a flow started mid-boot would not wait for the server
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        if settings.on_dask:
            from qualmine.flows.runtime.dask_runner import dask_task_runner   # imports dask only when asked for
            with dask_task_runner(settings.dask_address, settings.dask_local) as runner:
                return pipeline_flow.with_options(task_runner=runner)(hide_store(settings), force)
        return pipeline_flow(hide_store(settings), force)


def preflight(settings: RunSettings, boot: Boot | None = None, codebook: Codebook | None = None) -> Codebook:
    """Work the flow needs anyway, done while the API server boots: validate the codebook, warm the coder.

    The flow loads the codebook again (~0.01 s with libyaml); the rule
    coder is cached per process by codebook fingerprint (flows/runtime/pool.py), so the flow's coder
    is the one warmed here. English lemmas (spaCy, ~1.5 s) are loaded only while the server is
    still booting: idle time otherwise, and the flow loads them itself when the corpus needs them.
    """
    if codebook is None:
        codebook = load_codebook(settings.codebook_path)
    if settings.workers <= 1 and not settings.on_dask:
        # The in-process coder codes the batches; with --workers N each pool process builds its own.
        from qualmine.flows.runtime.pool import rule_coder

        coder = rule_coder(codebook, settings.code_interviewer)
        coder.segmenter.cut("预热")           # loads rjieba/jieba with the codebook's words
        if boot is not None and boot.in_progress:
            coder.lemmatizer.lemmas("warm up")
    return codebook
