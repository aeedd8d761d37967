"""The two ingestion paths the chunked tests compare: whole-corpus (the reference) and chunked."""
from __future__ import annotations

from pathlib import Path

from pandas.testing import assert_frame_equal

from qualmine.coding.applications import applications_frame
from qualmine.coding.rules import RuleCoder
from qualmine.corpus import documents_frame, ingest_corpus, report_frame, segments_frame
from qualmine.corpus.chunked import Chunk, plan_chunks
from qualmine.coding.assemble import CorpusAssembler
from qualmine.flows.runtime.pool import run_chunks

FRAMES = ("documents", "segments", "respondents", "report", "applications")


def reference(corpus_dir: Path, codebook) -> dict:
    """The whole-corpus path: ingest_corpus, the frame functions, one RuleCoder over all segments."""
    corpus = ingest_corpus(corpus_dir)
    return {"documents": documents_frame(corpus), "segments": segments_frame(corpus),
            "respondents": corpus.respondents, "report": report_frame(corpus),
            "applications": applications_frame(RuleCoder(codebook, segmenter_backend="jieba").apply(corpus.segments)),
            "notes": corpus.notes}


def chunked(corpus_dir: Path, codebook, *, rows: int, files: int, workers: int = 1):
    """The chunked path: plan_chunks, chunks ingested and coded, put together by CorpusAssembler."""
    plan = plan_chunks(corpus_dir, chunk_rows=rows, chunk_files=files)
    assembler = CorpusAssembler(plan.head_notes)
    for item in run_chunks(plan.stream, codebook, workers=workers):
        assembler.add(item)
    return assembler.finish(plan.tail_records)


def assert_same(got, want: dict) -> None:
    """Every frame equal (values, order, dtypes) and the same notes in the same order."""
    for name in FRAMES:
        assert_frame_equal(getattr(got, name), want[name], obj=name)
    assert got.notes == want["notes"]


def survey_chunks(corpus_dir: Path, rel: str, rows: int) -> list[Chunk]:
    """The chunks of rows of survey `rel` that plan_chunks streams ([] if it is read whole)."""
    plan = plan_chunks(corpus_dir, chunk_rows=rows)
    return [c for c in plan.stream if isinstance(c, Chunk) and c.survey is not None and c.survey.rel == rel]
