"""The main flow's stages as plain functions, in a fresh process: `qualmine run --no-topics --store none` without Prefect.

    .venv/bin/python -m benchmarks.direct CORPUS OUT [--workers N] [--batch-rows N]

Prints one JSON line: seconds per stage (imports included: a fresh process pays them) and the
counts. The benchmark runs this and the real `qualmine run` as fresh processes on the same corpus;
the difference of their wall times is what Prefect costs a user (its imports, the part of the
API server's start-up nothing hid, orchestration). Keep the stages in step with
flows/pipeline.py's `pipeline_flow`.
"""
from __future__ import annotations

import time

_BEGIN = time.perf_counter()   # before the imports: they are part of a fresh process's cost

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402


def run(corpus_dir: Path, out_dir: Path, workers: int, batch_rows: int) -> dict:
    """ingest+code -> tables -> write (+ codebook copy, links) -> report -> manifest; seconds per stage."""
    from qualmine.coding.codebook import load_codebook
    from qualmine.coding.tables import build_tables
    from qualmine.corpus.chunked import plan_chunks
    from qualmine.coding.assemble import CorpusAssembler
    from qualmine.flows.runtime.pool import FILES_PER_CHUNK, run_chunks
    from qualmine.flows.settings import EXAMPLE_CODEBOOK, RunSettings
    from qualmine.outputs import build_run_manifest, write_run_manifest, write_tables
    from qualmine.outputs.report.build import write_links, write_report

    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 3)
        clock = now

    settings = RunSettings(corpus_dir=corpus_dir, codebook_path=EXAMPLE_CODEBOOK, out_dir=out_dir, topics=False,
                           store=None, workers=workers, batch_size=batch_rows)
    started = datetime.now(timezone.utc)
    codebook = load_codebook(settings.codebook_path)
    lap("imports")
    plan = plan_chunks(settings.corpus_dir, max_segment_chars=settings.max_segment_chars,
                       chunk_rows=settings.batch_size, chunk_files=FILES_PER_CHUNK)
    assembler = CorpusAssembler(plan.head_notes)
    for item in run_chunks(plan.stream, codebook, code_interviewer=settings.code_interviewer,
                           workers=settings.workers):
        assembler.add(item)
    corpus = assembler.finish(plan.tail_records)
    lap("ingest+code")
    tables = build_tables(codebook, corpus.documents, corpus.segments, corpus.respondents, corpus.applications,
                          corpus.report)
    lap("tabulate")
    written = write_tables(tables.items(), settings.out_dir)
    shutil.copyfile(settings.codebook_path, settings.out_dir / "codebook.yaml")
    written.append(settings.out_dir / "codebook.yaml")
    written += write_links(codebook, tables.code_applications, tables.segments, settings.out_dir)
    lap("write")
    written += write_report(settings.out_dir, "suggestions", None, codebook, use_store=False).paths
    lap("report")
    counts = corpus.counts()
    manifest = build_run_manifest(
        run_id=settings.run_id, corpus_dir=settings.corpus_dir, input_files=corpus.input_files(settings.corpus_dir),
        codebook_path=settings.codebook_path, codebook_fingerprint=codebook.fingerprint(),
        parameters=settings.parameters(), counts=counts, outputs=written, started=started,
        notes=list(corpus.notes), extra={"topics": {"skipped": "switched off (--no-topics)"}})
    write_run_manifest(manifest, settings.out_dir)
    lap("manifest")
    return {"seconds": seconds, "counts": counts}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-rows", type=int, default=20_000)
    args = parser.parse_args(argv)
    result = run(args.corpus, args.out, args.workers, args.batch_rows)
    result["seconds"]["imports"] = round(result["seconds"]["imports"] + (time.perf_counter() - _BEGIN)
                                         - sum(result["seconds"].values()), 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
