"""Speed of the semantic stage on 10,000 distinct segments: first run (nothing cached) and a second run.

    python -m benchmarks.semantic_speed [--shared /work/shared/corpora] [--segments 10000] [--zh-share 0.2]
                                        [--batch 32] [--max-chars 256] [--store FILE] [--json OUT]

Segments: distinct real answers, `--zh-share` of them Chinese (the patient questions' `ask` of
zh_medical_dialogue_neike) and the rest English (NHS FFT `phase_1/text_data.csv` feedback, then
v6 answers if more are needed); whitespace-normalised texts are distinct, so nothing is served
twice by the cache within a run. The codebook is the example project's
(codebooks/community_governance.yaml). What is timed is `SemanticCoder.apply_frame` as the
pipeline's semantic stage calls it (sentence units, embedding through the project store's cache,
scoring, evidence), on a fresh store file; then the same again with a new coder on the same store
(the cached case). Reports seconds, ms per segment, units, texts encoded, ms per encoded text and
the cache hit rate per run, and the machine's load average (the machine is shared: the numbers
are what a user gets on a busy 2-core box). Target (issue #15): <= 10 min for 10,000 segments.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd

from qualmine.coding.codebook import load_codebook
from qualmine.coding.suggest.embeddings import DEFAULT_BATCH, DEFAULT_MAX_CHARS, Embedder, make_backend
from qualmine.coding.suggest.semantic import SemanticCoder

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
CODEBOOK = ROOT / "codebooks" / "community_governance.yaml"
RESULTS = ROOT / "benchmarks" / "results" / "semantic-speed-10k.json"


def distinct_segments(shared: Path, n: int, zh_share: float, seed: int = 0) -> pd.DataFrame:
    """n distinct segments (segment_id, start, text, lang, is_interviewer), zh_share of them Chinese."""
    zh = pd.read_csv(shared / "zh_medical_dialogue_neike" / "sample_neike_5000-6000.csv", encoding="gb18030")["ask"]
    en = pd.concat([pd.read_csv(shared / "nhs_fft_pxtextmining" / "phase_1" / "text_data.csv")["feedback"],
                    pd.read_csv(shared / "nhs_fft_pxtextmining" / "v6framework_230831.csv")["FFT answer"]])

    def clean(texts: pd.Series) -> list[str]:
        texts = texts.dropna().astype(str).map(lambda t: " ".join(t.split()))
        texts = texts[(texts.str.len() >= 2) & (texts != "Did not answer")]
        return list(dict.fromkeys(texts))

    n_zh = int(round(n * zh_share))
    zh_texts, en_texts = clean(zh), clean(en)
    if len(zh_texts) < n_zh or len(en_texts) < n - n_zh:
        raise SystemExit(f"not enough distinct texts: {len(zh_texts)} zh / {len(en_texts)} en for {n_zh} / {n - n_zh}")
    zh_pick = pd.Series(zh_texts).sample(n=n_zh, random_state=seed).tolist()
    en_pick = pd.Series(en_texts).sample(n=n - n_zh, random_state=seed).tolist()
    texts = [*en_pick, *zh_pick]
    return pd.DataFrame({"segment_id": [f"s{i}" for i in range(n)], "start": 0, "text": texts,
                         "lang": ["en"] * len(en_pick) + ["zh"] * len(zh_pick), "is_interviewer": False})


def example_segments() -> pd.DataFrame:
    """The shipped example corpus' segments, as the main flow ingests them."""
    from qualmine.corpus import EXAMPLE_CORPUS, segments_frame
    from qualmine.corpus.ingest import ingest_corpus

    return segments_frame(ingest_corpus(EXAMPLE_CORPUS))


def timed_run(segments: pd.DataFrame, store_path: Path, batch: int, max_chars: int, *,
              as_the_flow: bool = False) -> dict:
    """`SemanticCoder.apply_frame` on a store file, timed; `as_the_flow`: with the rules' veto and then
    `exemplar_fit`, as the main flow's semantic stage runs them (flows/semantic.py; rule coding itself,
    an earlier stage, is done before the clock starts)."""
    from qualmine.coding.rules import RuleCoder
    from qualmine.coding.store.database import ProjectStore
    from qualmine.coding.store.embedding_cache import StoreEmbeddingCache
    from qualmine.coding.suggest.exemplar_fit import exemplar_fit

    store = ProjectStore(str(store_path))
    try:
        embedder = Embedder(make_backend(), StoreEmbeddingCache(store), batch_size=batch, max_chars=max_chars)
        book = load_codebook(CODEBOOK)
        rule_coder = RuleCoder(book) if as_the_flow else None
        rules = rule_coder.apply_frame(segments) if rule_coder else None
        coder = SemanticCoder(book, embedder, veto=rule_coder.vetoed if rule_coder else None)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        done = {"last": started}

        def progress(finished: int, total: int) -> None:
            if time.perf_counter() - done["last"] > 60:
                done["last"] = time.perf_counter()
                print(f"  {finished}/{total} units encoded, {done['last'] - started:.0f} s", flush=True)

        apps = coder.apply_frame(segments, progress=progress)
        applied = time.perf_counter()
        if as_the_flow:
            exemplar_fit(pd.concat([rules, apps], ignore_index=True), segments, coder=coder, veto=coder.veto)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    stats = embedder.stats.as_dict()
    return {"seconds": round(seconds, 1), "ms_per_segment": round(1000 * seconds / len(segments), 1),
            "exemplar_fit_seconds": round(seconds - (applied - started), 1) if as_the_flow else None,
            "units": stats["requested"], "suggestions": int(len(apps)),
            "ms_per_encoded_text": round(1000 * stats["seconds"] / stats["encoded"], 1) if stats["encoded"] else None,
            "cache_hit_rate": stats["hit_rate"], "embedding": stats,
            "load_average_1min_before": round(load, 2), "load_average_1min_after": round(os.getloadavg()[0], 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--zh-share", type=float, default=0.2)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS)
    parser.add_argument("--store", type=Path, default=Path("/tmp/qualmine-semantic-speed.sqlite"),
                        help="a NEW store file (refused if it exists: the first run must start cold)")
    parser.add_argument("--json", type=Path, default=None,
                        help="results file (default results/semantic-speed-10k.json, with --example "
                             "results/semantic-speed-example.json)")
    parser.add_argument("--example", action="store_true",
                        help="time the main flow's semantic stage (veto, units, embedding, exemplar_fit) on the "
                             "shipped example corpus instead (target <= 60 s first, <= 5 s cached)")
    args = parser.parse_args(argv)
    if args.store.exists():
        print(f"{args.store} exists: give a new file so the first run starts with an empty cache", file=sys.stderr)
        return 2
    if args.example:
        segments = example_segments()
        return report(segments, args, args.json or ROOT / "benchmarks" / "results" / "semantic-speed-example.json",
                      target=60, as_the_flow=True)
    if not (args.shared / "nhs_fft_pxtextmining").is_dir():
        print(f"{args.shared}: this benchmark needs ../shared/corpora (--shared)", file=sys.stderr)
        return 2
    segments = distinct_segments(args.shared, args.segments, args.zh_share)
    return report(segments, args, args.json or RESULTS, target=600)


def report(segments: pd.DataFrame, args, out_path: Path, *, target: int, as_the_flow: bool = False) -> int:
    print(f"{len(segments)} {'segments' if as_the_flow else 'distinct segments'} "
          f"({(segments['lang'] == 'zh').sum()} zh), mean {segments['text'].str.len().mean():.0f} characters", flush=True)
    first = timed_run(segments, args.store, args.batch, args.max_chars, as_the_flow=as_the_flow)
    print(f"first run: {first['seconds']} s, {first['ms_per_segment']} ms/segment, hit rate {first['cache_hit_rate']}",
          flush=True)
    second = timed_run(segments, args.store, args.batch, args.max_chars, as_the_flow=as_the_flow)
    print(f"second run: {second['seconds']} s, {second['ms_per_segment']} ms/segment, hit rate "
          f"{second['cache_hit_rate']}", flush=True)
    out = {"benchmark": "semantic_speed", "segments": len(segments), "zh": int((segments["lang"] == "zh").sum()),
           "mean_chars": round(float(segments["text"].str.len().mean()), 1), "batch": args.batch,
           "max_chars": args.max_chars, "model": make_backend().name, "codebook": str(CODEBOOK.relative_to(ROOT)),
           "corpus": "example (qualmine.corpus.EXAMPLE_CORPUS)" if as_the_flow else "distinct shared answers",
           "target_seconds": target, "first_run": first, "second_run": second,
           "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                       "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}}
    out_path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
