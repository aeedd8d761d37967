"""A codebook of many codes on the example corpus: seconds and peak memory per stage (issue #17).

    .venv/bin/python -m benchmarks.many_codes [--codes 10000] [--no-save]

Issue #17 measured 312 s and 2.5 GB for 10,000 codes on the example corpus. The codebook is the
example's codes plus synthetic `theme` codes, each with three Chinese and two English keywords
(every 20th also a pattern; every 50th a keyword that occurs in the corpus, so some codes apply),
a parent for every 10th. The stages are `benchmarks.direct`'s (the main flow without Prefect):
load the codebook, ingest+code, tabulate, write the tables and links, the report. Peak memory is
the process's maximum resident set after each stage (ru_maxrss). Prints one JSON object and
writes it to benchmarks/results/<date>-codes-<N>.json.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
CORPUS_WORDS = ["排队", "人手", "停车", "开放时间", "老人", "queue", "parking", "staff"]


def synthetic_codebook(example: Path, n_codes: int) -> str:
    """The example codebook's YAML with synthetic theme codes appended up to `n_codes` codes."""
    import yaml

    book = yaml.safe_load(example.read_text(encoding="utf-8"))
    extra = n_codes - len(book["codes"])
    for i in range(max(0, extra)):
        keywords = {"zh": [f"合成词{i}甲", f"合成词{i}乙", f"测试{i}号"], "en": [f"synthword{i}a", f"synth {i} b"]}
        if i % 50 == 0:
            keywords["zh"].append(CORPUS_WORDS[(i // 50) % len(CORPUS_WORDS)])
        code = {"id": f"T-SYN-{i:05d}", "kind": "theme", "label": {"zh": f"合成主题{i}", "en": f"Synthetic theme {i}"},
                "definition": {"zh": f"第{i}个合成主题。", "en": f"Synthetic theme number {i}."}, "keywords": keywords}
        if i % 20 == 0:
            code["patterns"] = {"zh": [f"合成{i}.{{0,3}}模式"]}
        if i % 10 == 5:
            code["parent"] = f"T-SYN-{i - 5:05d}"
        book["codes"].append(code)
    return yaml.safe_dump(book, allow_unicode=True, sort_keys=False)


def peak_mb() -> float:
    scale = 1 if sys.platform == "darwin" else 1024     # ru_maxrss: bytes on macOS, KiB on Linux
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20, 1)


def measure(n_codes: int, work: Path) -> dict:
    from qualmine.codebooks import EXAMPLE_CODEBOOK
    from qualmine.coding.assemble import CorpusAssembler
    from qualmine.coding.codebook import load_codebook
    from qualmine.coding.tables import build_tables
    from qualmine.corpus import EXAMPLE_CORPUS
    from qualmine.corpus.chunked import plan_chunks
    from qualmine.flows.runtime.pool import FILES_PER_CHUNK, run_chunks
    from qualmine.outputs import write_tables
    from qualmine.outputs.report.build import write_links, write_report

    path = work / "codebook.yaml"
    path.write_text(synthetic_codebook(EXAMPLE_CODEBOOK, n_codes), encoding="utf-8")
    out = work / "run"
    stages: dict[str, dict[str, float]] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[name] = {"seconds": round(now - clock, 3), "peak_mb": peak_mb()}
        clock = now

    codebook = load_codebook(path)
    lap("load codebook")
    plan = plan_chunks(EXAMPLE_CORPUS, chunk_rows=20_000, chunk_files=FILES_PER_CHUNK)
    assembler = CorpusAssembler(plan.head_notes)
    for item in run_chunks(plan.stream, codebook, workers=1):
        assembler.add(item)
    corpus = assembler.finish(plan.tail_records)
    lap("ingest+code")
    tables = build_tables(codebook, corpus.documents, corpus.segments, corpus.respondents, corpus.applications,
                          corpus.report)
    lap("tabulate")
    write_tables(tables.items(), out)
    write_links(codebook, tables.code_applications, tables.segments, out)
    lap("write")
    write_report(out, "suggestions", None, codebook, use_store=False)
    lap("report")
    return {"codes": len(codebook.codes), "segments": len(corpus.segments),
            "code_applications": len(tables.code_applications), "stages": stages,
            "total_seconds": round(sum(s["seconds"] for s in stages.values()), 3), "peak_mb": peak_mb()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.many_codes", description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=10_000)
    parser.add_argument("--label", default="", help="added to the results file name (e.g. before, after)")
    parser.add_argument("--no-save", dest="save", action="store_false")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qualmine-many-codes-") as work:
        result = measure(args.codes, Path(work))
    result.update(measured=datetime.now(timezone.utc).isoformat(timespec="seconds"), python=platform.python_version(),
                  machine=platform.machine(), label=args.label)
    text = json.dumps(result, indent=1)
    print(text)
    if args.save:
        RESULTS.mkdir(exist_ok=True)
        name = f"{datetime.now(timezone.utc):%Y-%m-%d}-codes-{args.codes}{'-' + args.label if args.label else ''}.json"
        (RESULTS / name).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
