"""The pipeline benchmark: every stage on N real answers, next to the bare libraries on the same texts.

    .venv/bin/python -m benchmarks --size 10k|100k|1m [--lang zh|en|mix] [--workers 2]

Builds a survey of N answers resampled from ../shared/corpora (see benchmarks/sample_corpus.py),
then measures, in one run on the same texts:
  anchors   bare `jieba.lcut` over every answer (the reference tokenizer; above --anchor-cap answers
            it is timed on a seeded sample and scaled linearly, and the JSON says so); a bare
            Aho-Corasick scan of the codebook's terms (the floor for rule coding); scikit-learn's
            bare NMF fit (the engine's solver settings) on the matrix the default topic engine builds
            from the run's segments: words, plus characters for Chinese (the floor for topics)
  direct    the stages as plain functions, no Prefect: ingest, rule coding (and both fused with
            --workers processes), tables, writing; tokenization with the default segmenter; the
            topic stage (models/) at K fixed
  coding    the rule-coding stage alone in 1 process and in --workers processes
  flow      the whole `qualmine run --no-topics --store none` flow in this process (Prefect, ephemeral API
            server booted at the start of the benchmark, as `qualmine run` boots at its start)
  cold      (100k and up, or --cold) `qualmine run` and the same stages as plain functions, each in a
            fresh process, start to exit: what one command costs a user (benchmarks/cold.py)
Peak RSS is sampled (this process and its children, summed) every 0.1 s per phase.
"""
from __future__ import annotations

import gc
import json
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.anchors import CODEBOOK, jieba_lcut_seconds, keyword_scan_seconds, nmf_fit_seconds, topic_matrices
from benchmarks.measure import Timings, machine

RESULTS = Path(__file__).resolve().parent / "results"


# ---------------------------------------------------------------------------- stages
def direct_run(corpus_dir: Path, out_dir: Path, workers: int, batch_rows: int, t: Timings) -> dict:
    """ingest -> code -> tables -> write as plain functions (the flow's work without Prefect)."""
    from qualmine.coding.codebook import load_codebook
    from qualmine.coding.tables import build_tables
    from qualmine.corpus.chunked import SurveyEnd, ingest_chunk, plan_chunks
    from qualmine.coding.assemble import CorpusAssembler, chunk_frames
    from qualmine.flows.runtime.pool import FILES_PER_CHUNK, gc_paused, paused_steps, rule_coder, run_chunks
    from qualmine.outputs import write_tables

    codebook = load_codebook(CODEBOOK)
    split = {"ingest": 0.0, "code": 0.0}
    with t.phase("direct_total"):
        with t.phase("ingest_code"):
            plan = plan_chunks(corpus_dir, chunk_rows=batch_rows, chunk_files=FILES_PER_CHUNK)
            assembler = CorpusAssembler(plan.head_notes)
            if workers > 1:
                for item in run_chunks(plan.stream, codebook, workers=workers):
                    assembler.add(item)
            else:   # the same work as run_chunks(workers=1) (process_chunk: GC paused), timed by stage
                coder = rule_coder(codebook, False)
                clock = time.perf_counter()
                for item in paused_steps(plan.stream):
                    if isinstance(item, SurveyEnd):
                        assembler.add(item)
                        continue
                    with gc_paused():
                        results = ingest_chunk(item)
                        a = time.perf_counter()
                        apps = coder.apply([s for r in results for s in r.segments])
                        b = time.perf_counter()
                        frames = chunk_frames(item.index, item.survey.rel if item.survey else None, results, apps)
                    assembler.add(frames)
                    c = time.perf_counter()
                    split["ingest"] += (a - clock) + (c - b)
                    split["code"] += b - a
                    clock = time.perf_counter()
            coded = assembler.finish(plan.tail_records)
            split["ingest"] += time.perf_counter() - clock if workers <= 1 else 0.0
        with t.phase("tables"):
            tables = build_tables(codebook, coded.documents, coded.segments, coded.respondents, coded.applications,
                                  coded.report)
        with t.phase("write"):
            write_tables(tables.items(), out_dir)
    if workers <= 1:
        t.seconds["ingest"], t.seconds["rule_coding"] = round(split["ingest"], 3), round(split["code"], 3)
    return {"counts": coded.counts(), "tables": tables}


def coding_speedup(tables, workers: int, t: Timings) -> None:
    """The rule-coding stage alone over every segment: 1 process, then `workers` processes."""
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing

    from qualmine.coding.codebook import load_codebook
    seg = tables.segments
    size = max(1000, min(20000, len(seg) // (4 * workers) + 1))
    rows = list(zip(seg["segment_id"], seg["start"], seg["text"], seg["lang"]))
    batches = [rows[i:i + size] for i in range(0, len(rows), size)]
    del rows
    codebook = load_codebook(CODEBOOK)
    _warm_worker(codebook)
    with t.phase("coding_1_process"):
        n1 = sum(len(_code_rows(b)) for b in batches)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_worker,
                             initargs=(codebook,)) as pool:
        list(pool.map(_code_rows, [[]] * (4 * workers)))   # every worker started and warm: start-up is not coding
        with t.phase(f"coding_{workers}_processes"):
            n2 = sum(len(x) for x in pool.map(_code_rows, batches))
    assert n1 == n2, (n1, n2)


def _warm_worker(codebook) -> None:
    from qualmine.flows.runtime.pool import _init_worker, rule_coder

    _init_worker(codebook, False)
    rule_coder(codebook, False).lemmatizer.lemmas("warm up")   # spaCy loads on the first English text


def _code_rows(rows: list[tuple]) -> list:
    from qualmine.flows.runtime.pool import _WORKER_STATE, rule_coder

    if _WORKER_STATE is None:   # in this process
        from qualmine.coding.codebook import load_codebook

        coder = rule_coder(load_codebook(CODEBOOK), False)
    else:
        coder = rule_coder(*_WORKER_STATE)
    texts, langs = [r[2] for r in rows], [r[3] for r in rows]
    out = []
    for (segment_id, start, text, lang), worth in zip(rows, coder.may_fire(texts, langs)):
        if worth:
            out.extend(coder.code_text(segment_id, int(start), text, lang))
    return out


def tokenize_seconds(answers: list[str], lang: str) -> tuple[float, str]:
    """The default segmenter (with the codebook's words) over every answer, as topic prep uses it."""
    from qualmine.coding.codebook import load_codebook
    from qualmine.coding.rules import RuleCoder
    from qualmine.corpus.lang import detect_lang
    from qualmine.corpus.tokens import ChineseSegmenter, EnglishLemmatizer

    segmenter = ChineseSegmenter("auto", RuleCoder(load_codebook(CODEBOOK)).user_words)
    segmenter.cut("预热")
    lemmatizer = EnglishLemmatizer()
    if lang != "zh":
        lemmatizer.lemmas("warm up")
    start = time.perf_counter()
    for text in answers:
        if lang == "zh" or (lang == "mix" and detect_lang(text) == "zh"):
            segmenter.cut(text)
        else:
            lemmatizer.lemmas(text)
    return time.perf_counter() - start, segmenter.backend


def topics_seconds(tables, k: int) -> tuple[float, str]:
    """The topic stage of models/ on the run's segments, K fixed (K selection is a separate cost)."""
    from qualmine.coding.codebook import load_codebook
    from qualmine.models.stage import TopicSettings, run_topic_stage

    start = time.perf_counter()
    run_topic_stage(tables.segments, tables.code_applications, tables.respondents, load_codebook(CODEBOOK),
                    TopicSettings(engine="nmf", k=k, seed=13), "bench")
    return time.perf_counter() - start, f"models.stage.run_topic_stage(engine='nmf', k={k})"


class StageClock:
    """A flows.progress reporter that records when each pipeline stage starts and ends."""

    def __init__(self):
        self.started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}

    def start(self, name: str, total: int | None) -> None:
        self.started[name] = time.perf_counter()

    def advance(self, name: str, amount: int) -> None:
        pass

    def finish(self, name: str) -> None:
        self.seconds[name] = round(time.perf_counter() - self.started[name], 3)


def flow_run(corpus_dir: Path, out_dir: Path, workers: int, batch_rows: int, t: Timings) -> dict:
    """The whole `qualmine run --no-topics --store none` flow, with per-stage times from its progress hooks.

    The API server was booted at the start of the benchmark (`run`), as `qualmine run` boots it
    at its start; `boot_wait_s` is what the flow still waited for it (about 0). A fresh command's
    own start-up is measured by benchmarks/cold.py.
    """
    import qualmine.flows.runtime.env  # noqa: F401
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.runtime.boot import current_boot
    from qualmine.flows.progress import reporting
    from qualmine.flows.settings import RunSettings

    clock = StageClock()
    settings = RunSettings(corpus_dir=corpus_dir, codebook_path=CODEBOOK, out_dir=out_dir, topics=False, store=None,
                           workers=workers, batch_size=batch_rows)
    boot = current_boot()
    waited = boot.waited_s if boot is not None else 0.0
    begin = time.perf_counter()
    with t.phase("flow_total"), reporting(clock):
        result = run_pipeline(settings)
    first = min(clock.started.values(), default=begin) - begin
    boot = current_boot()
    return {"counts": result.counts, "stages": clock.seconds, "startup_s": round(first, 3),
            "boot_wait_s": round(boot.waited_s - waited, 3) if boot is not None else 0.0}


# ---------------------------------------------------------------------------- the run
def run(size: str, lang: str = "zh", workers: int = 2, anchor_cap: int = 100_000, topics: bool | None = None,
        topic_k: int = 20, flow: bool = True, keep: bool = False, batch_rows: int = 20_000,
        write_results: bool = True, cold: bool | None = None) -> dict:
    """Run the benchmark; returns (and by default writes) the results dict."""
    from benchmarks.sample_corpus import build_corpus, parse_size

    # Like `qualmine run`, boot Prefect's API server first (before prefect is imported: the early
    # launch) so the flow measured below finds it running; waited for before the first measurement.
    boot = None
    if flow:
        from qualmine.flows.runtime.boot import boot_in_background

        boot = boot_in_background()
    n = parse_size(size)
    topics = n <= 100_000 if topics is None else topics
    cold = flow and n >= 100_000 if cold is None else cold
    work = Path(tempfile.mkdtemp(prefix=f"qualmine-bench-{size}-"))
    t = Timings()
    print(f"qualmine pipeline benchmark: {n:,} {lang} answers RESAMPLED (with replacement, seed 0) from real "
          f"answers in ../shared/corpora; workers={workers}; scratch {work}", flush=True)
    with t.phase("build_corpus"):
        sampled, answers = build_corpus(work / "corpus", n, lang)
    info: dict = {"answers": n, "lang": lang, "mb": sampled.mb, "distinct_source_answers": sampled.source_answers,
                  "workers": workers, "batch_rows": batch_rows, "machine": machine(), "date": date.today().isoformat(),
                  "resampled_from": "../shared/corpora (zh_medical_dialogue_neike ask; nhs_fft_pxtextmining answers)"}
    print(f"  corpus: {sampled.mb} MB of answer text, {sampled.source_answers:,} distinct real answers", flush=True)
    if boot is not None:
        boot.wait()   # no measurement shares the cores with the server's start-up
        info["prefect_server_startup_s"] = round(boot.startup_s, 3) if boot.startup_s is not None else None

    zh_answers = answers if lang == "zh" else [a for a in answers if _is_zh(a)]
    with t.phase("jieba_lcut"):
        jieba_s, extrapolated = jieba_lcut_seconds(zh_answers, anchor_cap)
    t.seconds["jieba_lcut"] = round(jieba_s, 3)
    info["jieba_lcut_extrapolated_from"] = min(anchor_cap, len(zh_answers)) if extrapolated else None
    info["jieba_lcut_answers"] = len(zh_answers)
    print(f"  anchor jieba.lcut: {jieba_s:.1f} s" + (" (extrapolated from a sample)" if extrapolated else ""), flush=True)
    with t.phase("keyword_scan"):
        scan_s, info["keyword_scan_hits"] = keyword_scan_seconds(answers)
    with t.phase("tokenize"):
        tok_s, info["segmenter_backend"] = tokenize_seconds(answers, lang)
    t.seconds["keyword_scan"], t.seconds["tokenize"] = round(scan_s, 3), round(tok_s, 3)   # set-up excluded
    del answers, zh_answers
    gc.collect()

    print("  direct run (plain functions)...", flush=True)
    direct = direct_run(sampled.folder, work / "direct", 1, batch_rows, t)
    info["counts"] = direct["counts"]
    if workers > 1:
        print("  coding stage alone, 1 vs", workers, "processes...", flush=True)
        coding_speedup(direct["tables"], workers, t)
    if topics:
        # the engine's own matrix of the same segments the stage models: words (+ characters for zh)
        matrices = topic_matrices(direct["tables"], topic_k)
        with t.phase("nmf_bare_fit"):
            nmf_fit_seconds(matrices, topic_k)
        del matrices
        print("  topic stage...", flush=True)
        with t.phase("topics"):
            _, info["topics_how"] = topics_seconds(direct["tables"], topic_k)
    else:
        info["topics_how"] = "skipped (sizes above 100k: pass --topics to include)"
    counts = direct["counts"]
    del direct   # the next runs' peak RSS must not include this run's tables
    gc.collect()
    if workers > 1:
        t2 = Timings()
        direct_w = direct_run(sampled.folder, work / "direct_w", workers, batch_rows, t2)
        assert direct_w["counts"] == counts, "the pool run coded differently"
        del direct_w
        t.seconds[f"ingest_code_{workers}_processes"] = t2.seconds["ingest_code"]
        t.seconds[f"direct_total_{workers}_processes"] = t2.seconds["direct_total"]
        t.peak_mb[f"direct_total_{workers}_processes"] = t2.peak_mb["direct_total"]
        gc.collect()
    if flow:
        print("  flow run (Prefect, qualmine run --no-topics --store none)...", flush=True)
        fr = flow_run(sampled.folder, work / "flow", workers, batch_rows, t)
        info["flow_stages_s"], info["flow_startup_s"] = fr["stages"], fr["startup_s"]
        info["prefect_boot_wait_s"] = fr["boot_wait_s"]
        stage_sum = sum(fr["stages"].values())
        # Everything in the flow that is not stage work: creating the runs, task and state records, exit.
        info["prefect_overhead_s"] = round(t.seconds["flow_total"] - stage_sum, 3)
    if cold:
        from benchmarks.cold import cold_env, cold_runs
        from qualmine.flows.runtime.resident import find_resident

        print("  fresh processes: qualmine run vs the same stages as plain functions...", flush=True)
        # `qualmine server start` left a server up: the fresh command uses it and pays no start-up.
        info["cold_resident_server"] = find_resident(cold_env()) is not None
        if info["cold_resident_server"]:
            print("  note: a resident Prefect API server (qualmine server start) serves the fresh qualmine run: "
                  "its start-up is not in cold_flow_total", flush=True)
        info["cold_direct_stages_s"] = cold_runs(sampled.folder, work, workers, batch_rows, t)
        info["cold_prefect_overhead_s"] = round(t.seconds["cold_flow_total"] - t.seconds["cold_direct_total"], 3)
    results = _results(info, t, workers)
    print_table(results, t, workers)
    if write_results:
        RESULTS.mkdir(exist_ok=True)
        name = f"{date.today().isoformat()}-{size.lower()}" + ("" if lang == "zh" else f"-{lang}") + ".json"
        (RESULTS / name).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"results written to {RESULTS / name}")
    if not keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return results


def _is_zh(text: str) -> bool:
    from qualmine.corpus.lang import detect_lang

    return detect_lang(text) == "zh"


def _results(info: dict, t: Timings, workers: int) -> dict:
    s = t.seconds
    out = dict(info)
    for key in ("jieba_lcut", "keyword_scan", "ingest", "tokenize", "rule_coding", "tables", "topics", "write",
                "flow_total", "direct_total", "ingest_code", "nmf_bare_fit"):
        out[f"{key}_s"] = s.get(key, float("nan"))
    out["seconds"] = s
    out["peak_rss_mb_by_phase"] = t.peak_mb
    # The headline is what `qualmine run` needs: the flow run (this process + its workers, summed),
    # else the direct run; the per-phase peaks are all in peak_rss_mb_by_phase.
    out["peak_rss_mb"] = t.peak_mb.get("flow_total", t.peak_mb.get("direct_total", max(t.peak_mb.values())))
    jieba = s.get("jieba_lcut")
    core = s.get("ingest_code", 0) + s.get("tables", 0)
    ratios = {
        "tokenize_vs_jieba_x": jieba / s["tokenize"] if s.get("tokenize") else None,
        "ingest_code_tables_vs_jieba_x": jieba / core if core else None,
        "rule_coding_vs_keyword_scan": s["rule_coding"] / s["keyword_scan"] if s.get("rule_coding") else None,
        "topics_vs_nmf_bare_fit": s["topics"] / s["nmf_bare_fit"] if s.get("topics") and s.get("nmf_bare_fit") else None,
        "prefect_overhead_share": (info["prefect_overhead_s"] / s["flow_total"]) if "prefect_overhead_s" in info else None,
        "cold_prefect_overhead_share": (info["cold_prefect_overhead_s"] / s["cold_flow_total"])
        if "cold_prefect_overhead_s" in info else None,
    }
    if workers > 1:
        ratios[f"coding_speedup_{workers}_processes"] = s["coding_1_process"] / s[f"coding_{workers}_processes"]
        ratios[f"ingest_code_speedup_{workers}_processes"] = s["ingest_code"] / s[f"ingest_code_{workers}_processes"]
        w_core = s[f"ingest_code_{workers}_processes"] + s.get("tables", 0)
        ratios[f"ingest_code_tables_{workers}_processes_vs_jieba_x"] = jieba / w_core
    out["ratios"] = {k: (round(v, 3) if v is not None else None) for k, v in ratios.items()}
    return out


def print_table(results: dict, t: Timings, workers: int) -> None:
    from rich.console import Console
    from rich.table import Table

    n, mb, s = results["answers"], results["mb"], t.seconds
    anchor = {"tokenize": "jieba_lcut", "rule_coding": "keyword_scan", "topics": "nmf_bare_fit",
              "ingest_code": "jieba_lcut", "direct_total": "jieba_lcut", "flow_total": "jieba_lcut",
              f"coding_{workers}_processes": "coding_1_process", f"ingest_code_{workers}_processes": "ingest_code",
              f"direct_total_{workers}_processes": "jieba_lcut", "cold_flow_total": "cold_direct_total"}
    table = Table(title=f"qualmine pipeline, {n:,} {results['lang']} answers ({mb} MB), resampled from ../shared/corpora")
    for col in ("stage", "seconds", "answers/s", "MB/s", "peak RSS MB", "ratio to anchor"):
        table.add_column(col, justify="left" if col == "stage" else "right")
    for name, secs in s.items():
        if name == "build_corpus" or secs != secs:
            continue
        ref = anchor.get(name)
        ratio = f"{secs / s[ref]:.2f} x {ref}" if ref and s.get(ref) else ""
        table.add_row(name, f"{secs:.2f}", f"{n / secs:,.0f}" if secs else "", f"{mb / secs:.2f}" if secs else "",
                      f"{t.peak_mb.get(name, float('nan')):,.0f}", ratio)
    Console(width=120).print(table)
    for key, value in results["ratios"].items():
        print(f"  {key}: {value}")
    if results.get("prefect_overhead_s") is not None:
        print(f"  prefect overhead in the flow: {results['prefect_overhead_s']} s of flow_total {s.get('flow_total')} s "
              f"(pre-flight + run creation to the first stage {results['flow_startup_s']} s; the flow waited "
              f"{results.get('prefect_boot_wait_s')} s for the server, booted at the start in "
              f"{results.get('prefect_server_startup_s')} s)")
    if results.get("cold_prefect_overhead_s") is not None:
        print(f"  one fresh command: qualmine run {s['cold_flow_total']} s vs plain functions {s['cold_direct_total']} s "
              f"-> Prefect costs {results['cold_prefect_overhead_s']} s (imports, server start-up not hidden, "
              f"orchestration, shutdown); plain-function split {results['cold_direct_stages_s']}")
    if results.get("jieba_lcut_extrapolated_from"):
        print(f"  note: jieba.lcut timed on {results['jieba_lcut_extrapolated_from']:,} answers and scaled linearly")
    print(f"  topics: {results['topics_how']}")
