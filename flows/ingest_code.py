"""The ingest + code stage of the pipeline, chunked: one coarse task, or one task per chunk on Dask.

Ingestion and rule coding are fused per chunk (`flows.runtime.pool.process_chunk`), so a chunk's
segments are coded while still in the worker that read them and only compact frames travel.
Locally the whole stream is one Prefect task with `--workers N` processes inside it (Prefect
costs ~10 ms and a server write per task run; a pool inside one task costs nothing extra).
On Dask (`DaskTaskRunner`), each chunk is one task run on a worker, a few in flight at a time.
"""
from __future__ import annotations

import qualmine.flows.runtime.env  # noqa: F401  (must precede the prefect import)

from typing import Iterable

from prefect import task
from prefect.cache_policies import NO_CACHE

from qualmine.coding.codebook import Codebook
from qualmine.corpus.chunked import Chunk, ChunkPlan, plan_chunks
from qualmine.coding.assemble import ChunkResult, CodedCorpus, CorpusAssembler
from qualmine.flows.runtime.pool import FILES_PER_CHUNK, ordered, process_chunk, run_chunks
from qualmine.flows.progress import stage
from qualmine.flows.settings import RunSettings

DASK_CHUNKS_IN_FLIGHT = 8     # bounded, so the client never holds the whole corpus as payloads


def ingest_and_code(settings: RunSettings, codebook: Codebook, *, on_dask: bool = False) -> CodedCorpus:
    """Ingest `settings.corpus_dir` and rule-code it, chunk by chunk; the run's corpus frames."""
    if on_dask:
        return _on_dask(settings, codebook)
    return ingest_code_task(settings, codebook)


@task(name="ingest-code", cache_policy=NO_CACHE)
def ingest_code_task(settings: RunSettings, codebook: Codebook) -> CodedCorpus:
    plan = _plan(settings)
    return _assemble(plan, run_chunks(plan.stream, codebook, code_interviewer=settings.code_interviewer,
                                      workers=settings.workers))


@task(name="ingest-code-chunk", cache_policy=NO_CACHE)
def ingest_code_chunk_task(chunk: Chunk, codebook: Codebook, code_interviewer: bool) -> ChunkResult:
    return process_chunk(chunk, codebook, code_interviewer)


def _on_dask(settings: RunSettings, codebook: Codebook) -> CodedCorpus:
    plan = _plan(settings)

    def submit(chunk: Chunk):
        return ingest_code_chunk_task.submit(chunk, codebook, settings.code_interviewer)

    return _assemble(plan, ordered(plan.stream, submit, lambda future: future.result(), DASK_CHUNKS_IN_FLIGHT))


def _plan(settings: RunSettings) -> ChunkPlan:
    return plan_chunks(settings.corpus_dir, max_segment_chars=settings.max_segment_chars,
                       chunk_rows=settings.batch_size, chunk_files=FILES_PER_CHUNK, unit=settings.unit)


def _assemble(plan: ChunkPlan, results: Iterable) -> CodedCorpus:
    """Put the chunk results (in stream order) together into the run's corpus frames."""
    assembler = CorpusAssembler(plan.head_notes)
    with stage("ingest+code") as advance:
        for item in results:
            before = assembler.answers
            assembler.add(item)
            advance(assembler.answers - before)
    return assembler.finish(plan.tail_records)
