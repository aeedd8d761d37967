"""Zero-shot semantic coding on real human-coded answers: NHS FFT v6 (English, framework codes).

    python -m benchmarks.semantic_nhs [--shared ../shared/corpora] [--sample 300] [--store PATH] [--json OUT]
                                      [--codebook FILE | --mechanical] [--tune-sample 300]

Protocol: the corpus, code list (codes with >= 30 positives) and 20 % held-out split of
`benchmarks/suggest.py`. The codebook (default) is benchmarks/data/nhs_fft_v6_codebook.yaml
(`benchmarks/nhs_codebook.py`: the framework's category names, a definition per code written by
us, at most 3 examples per code from the *training* split), restricted to the scored codes.
`--mechanical` instead builds the codebook of the first measurement (2026-12-01): label only, no
definition, the 3 shortest single-code training answers of 20+ characters. No keywords, so this
is the semantic layer alone. Besides the default threshold, one threshold is tuned for micro-F1
on a seeded sample of *training* answers (`--tune-sample`; the held-out labels choose nothing),
with and without "top-1": every answer gets at least its best-scoring code (nearly every NHS
answer carries a code). `--top-prototypes N` averages the N best prototype cosines per code
instead of the product's 2 (N = 5 = all of a code's label, definition and 3 examples), with that
count's calibration and default threshold (`semantic.CALIBRATIONS`, fitted on the hand-judged set). Scored on a seeded random sample of the held-out split (`--sample`, default 300 answers;
0 = all), because embedding is slow on a busy machine. Prints micro-F1 at the default threshold,
the best threshold on the sample (optimistic, shown for orientation only) and a top-1 variant
(the best code per answer), plus the most-frequent-code guess for reference, and per code
precision / recall / F1 / support of the training-tuned rule.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from qualmine.coding.codebook import Codebook, load_codebook
from qualmine.coding.suggest.embeddings import Embedder, MemoryCache, make_backend
from qualmine.coding.suggest.semantic import TOP_PROTOTYPES, SemanticCoder

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
CODEBOOK = Path(__file__).resolve().parent / "data" / "nhs_fft_v6_codebook.yaml"


def _load_suggest():
    import importlib.util

    spec = importlib.util.spec_from_file_location("benchmarks_suggest", Path(__file__).with_name("suggest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_codebook(texts: list[str], labels: list[frozenset], codes: list[str], pool: np.ndarray) -> Codebook:
    data = []
    for i, code in enumerate(codes):
        only = sorted((len(texts[j]), texts[j]) for j in pool if labels[j] == frozenset([code]) and len(texts[j]) >= 20)
        examples = list(dict.fromkeys(t.strip() for _, t in only))[:3]
        data.append({"id": f"C{i:02d}", "kind": "theme", "label": {"en": code}, "examples": examples})
    return Codebook.model_validate({"name": "NHS FFT v6 (zero-shot)", "codes": data})


def micro_f1(gold: list[frozenset], pred: list[frozenset]) -> dict[str, float]:
    tp = sum(len(g & p) for g, p in zip(gold, pred))
    fp = sum(len(p - g) for g, p in zip(gold, pred))
    fn = sum(len(g - p) for g, p in zip(gold, pred))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(prec, 3), "recall": round(rec, 3),
            "f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0}


def scored_codebook(path: Path, codes: list[str]) -> Codebook:
    """The codebook file restricted to `codes` (matched by English label), ids kept."""
    book = load_codebook(path)
    keep = [c for c in book.codes if c.label.en in set(codes)]
    missing = sorted(set(codes) - {c.label.en for c in keep})
    if missing:
        raise SystemExit(f"{path}: no code labelled {missing}")
    return book.model_copy(update={"codes": tuple(keep)})


def answer_scores(coder: SemanticCoder, texts: list[str], ids: list[str]) -> pd.DataFrame:
    """Best unit score per answer (rows, in order) and code id (columns), with the coder's calibration."""
    segments = pd.DataFrame({"segment_id": ids, "start": 0, "text": texts, "lang": "en", "is_interviewer": False})
    units, scores, _ = coder.score_frame(segments)
    per = pd.DataFrame(scores, columns=coder.codebook.ids).groupby(units["segment_id"].values).max()
    return per.reindex(ids).fillna(0.0)


def decide(per: pd.DataFrame, threshold: float, top1: bool) -> list[frozenset]:
    """Code ids per answer: every code at or above `threshold`, plus (top1) the best one."""
    values = per.to_numpy()
    out = []
    for row in values:
        hit = set(np.flatnonzero(row >= threshold))
        if top1 and row.max() > 0:
            hit.add(int(row.argmax()))
        out.append(frozenset(per.columns[k] for k in hit))
    return out


def per_code(gold: list[frozenset], pred: list[frozenset], codes: list[str]) -> list[dict]:
    rows = []
    for code in codes:
        g = [code in x for x in gold]
        p = [code in x for x in pred]
        tp = sum(a and b for a, b in zip(g, p))
        prec = tp / sum(p) if sum(p) else 0.0
        rec = tp / sum(g) if sum(g) else 0.0
        rows.append({"code": code, "support": int(sum(g)), "predicted": int(sum(p)), "precision": round(prec, 3),
                     "recall": round(rec, 3), "f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0})
    return sorted(rows, key=lambda r: -r["support"])


def run(sample: int, store: str | None, shared: Path = SHARED, *, codebook: Path | None = CODEBOOK,
        tune_sample: int = 300, top: int | None = None) -> dict:
    suggest = _load_suggest()
    texts, labels, codes = suggest.load_en(shared)
    pool, test = suggest.held_out_split(texts)
    if sample and sample < len(test):
        test = np.sort(np.random.default_rng(0).choice(test, size=sample, replace=False))
    tune = np.sort(np.random.default_rng(1).choice(pool, size=min(tune_sample, len(pool)), replace=False))
    book = scored_codebook(codebook, codes) if codebook else build_codebook(texts, labels, codes, pool)
    id_to_code = {c.id: c.label.en for c in book.codes}
    cache = MemoryCache()
    if store:
        from qualmine.coding.store.database import ProjectStore
        from qualmine.coding.store.embedding_cache import StoreEmbeddingCache
        cache = StoreEmbeddingCache(ProjectStore(store))
    embedder = Embedder(make_backend(), cache)
    coder = SemanticCoder(book, embedder, top_prototypes=top or TOP_PROTOTYPES)   # its own calibration
    started = time.perf_counter()
    per = answer_scores(coder, [texts[i] for i in test], [str(i) for i in test])
    seconds = time.perf_counter() - started
    gold = [labels[i] for i in test]
    named = lambda ids_: [frozenset(id_to_code[c] for c in s) for s in ids_]  # noqa: E731

    def at(threshold: float, top1: bool = False) -> list[frozenset]:
        return named(decide(per, threshold, top1))

    grid = [round(t, 2) for t in np.arange(0.05, 0.951, 0.05)]
    tuned = {}
    if tune_sample:
        per_tune = answer_scores(coder, [texts[i] for i in tune], [f"t{i}" for i in tune])
        gold_tune = [labels[i] for i in tune]
        for top1 in (False, True):
            f1s = {t: micro_f1(gold_tune, named(decide(per_tune, t, top1)))["f1"] for t in grid}
            best = max(f1s, key=f1s.get)
            tuned["top1" if top1 else "threshold"] = {
                "threshold": best, "f1_on_training_sample": f1s[best], "held_out": micro_f1(gold, at(best, top1))}
    on_sample = {t: micro_f1(gold, at(t))["f1"] for t in grid}
    best = max(on_sample, key=on_sample.get)
    counts = pd.Series([c for i in pool for c in labels[i]]).value_counts()
    frequent = [frozenset([counts.index[0]])] * len(test)
    chosen = tuned.get("top1")
    return {"answers": len(test), "codes": len(codes), "model": embedder.model,
            "codebook": str(codebook.relative_to(Path(__file__).resolve().parents[1])) if codebook else "mechanical",
            "tune_answers": len(tune) if tune_sample else 0, "top_prototypes": top or TOP_PROTOTYPES,
            "threshold": coder.threshold, "calibration": {"slope": coder.slope, "center": coder.center},
            "at_default": micro_f1(gold, at(coder.threshold)),
            "tuned_on_training_sample": tuned,
            "best_threshold_on_sample": {"threshold": best, "f1": on_sample[best]},
            "top1": micro_f1(gold, [frozenset([id_to_code[r.idxmax()]]) if r.max() > 0 else frozenset()
                                    for _, r in per.iterrows()]),
            "most_frequent_code": micro_f1(gold, frequent),
            "per_code": per_code(gold, at(chosen["threshold"], True) if chosen else at(coder.threshold), codes),
            "per_code_rule": f"top1 + threshold {chosen['threshold']} (tuned on training answers)" if chosen
            else f"threshold {coder.threshold}",
            "seconds": round(seconds, 1),
            "ms_per_encoded_text": round(1000 * embedder.stats.seconds / max(1, embedder.stats.encoded), 1),
            "embedding": embedder.stats.as_dict()}


def markdown_table(out: dict) -> str:
    """The per-code table of a results file written by this script, as markdown."""
    lines = [f"Per code ({out['per_code_rule']}; {out['answers']} held-out answers):", "",
             "| code | support | predicted | precision | recall | F1 |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r['code']} | {r['support']} | {r['predicted']} | {r['precision']:.3f} | {r['recall']:.3f} | "
              f"{r['f1']:.3f} |" for r in out["per_code"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared corpora folder")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--store", help="project store file caching the embeddings")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--codebook", type=Path, default=CODEBOOK, help="the codebook file (default: %(default)s)")
    parser.add_argument("--mechanical", action="store_true", help="the 2026-12-01 codebook: labels + shortest examples")
    parser.add_argument("--top-prototypes", type=int, default=None,
                        help="average this many best prototype cosines per code (default: the product's, 2)")
    parser.add_argument("--tune-sample", type=int, default=300, help="training answers to tune the threshold on (0: none)")
    parser.add_argument("--table", type=Path, help="print the per-code table of a results file and exit")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table(json.loads(args.table.read_text(encoding="utf-8"))))
        return 0
    if not args.shared.is_dir():
        print(f"{args.shared} not found: this benchmark needs ../shared/corpora (--shared)", file=sys.stderr)
        return 2
    out = run(args.sample, args.store, args.shared, codebook=None if args.mechanical else args.codebook,
              tune_sample=args.tune_sample, top=args.top_prototypes)
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
