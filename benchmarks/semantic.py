"""Zero-shot coding measured against hand-judged codes: rules, semantic, rules + semantic.

    python -m benchmarks.semantic [--store PATH] [--threshold 0.5] [--no-semantic] [--json OUT]

The set (benchmarks/data/semantic_answers.csv, 131 zh + en answers, columns answer_id, lang, kind,
text, gold_codes; `kind` is which hard case the answer stands for: absence, concession,
false_friend, paraphrase, traditional, negated_eval, plain, none) and its 10-code codebook
(benchmarks/data/semantic_codebook.yaml) are described in benchmarks/README.md. Prints per-code
precision / recall / F1, micro-F1 for each source, micro-F1 per kind of answer, the split the
semantic calibration was fitted on (odd answer numbers) vs the held-out half (even), and speed:
ms per embedded text and the cache hit rate (run twice with the same --store to see the cache).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from qualmine.coding.codebook import load_codebook
from qualmine.coding.rules import RuleCoder

DATA = Path(__file__).resolve().parent / "data"
CODEBOOK = DATA / "semantic_codebook.yaml"
ANSWERS = DATA / "semantic_answers.csv"


def load_answers(path: Path = ANSWERS) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["gold"] = [frozenset(c for c in codes.split(";") if c) for codes in frame["gold_codes"]]
    return frame


def segments_of(answers: pd.DataFrame) -> pd.DataFrame:
    """One segment per answer, the answer being its own document (start 0)."""
    return pd.DataFrame({"segment_id": answers["answer_id"], "start": 0, "text": answers["text"],
                         "lang": answers["lang"], "is_interviewer": False})


def predictions(apps: pd.DataFrame, ids: list[str]) -> dict[str, frozenset[str]]:
    got = apps.groupby("segment_id")["code_id"].agg(frozenset).to_dict() if len(apps) else {}
    return {i: got.get(i, frozenset()) for i in ids}


def scores(gold: dict[str, frozenset], pred: dict[str, frozenset], codes: list[str]) -> pd.DataFrame:
    """Per-code and micro precision / recall / F1 / support (a code set per answer)."""
    rows = []
    tp_all = fp_all = fn_all = 0
    for code in codes:
        tp = sum(code in gold[i] and code in pred[i] for i in gold)
        fp = sum(code not in gold[i] and code in pred[i] for i in gold)
        fn = sum(code in gold[i] and code not in pred[i] for i in gold)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        rows.append((code, *_prf(tp, fp, fn), tp + fn))
    rows.append(("micro", *_prf(tp_all, fp_all, fn_all), tp_all + fn_all))
    return pd.DataFrame(rows, columns=["code", "precision", "recall", "f1", "support"]).set_index("code")


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return round(p, 3), round(r, 3), round(2 * p * r / (p + r), 3) if p + r else 0.0


def run(store: str | None, threshold: float | None, semantic: bool = True) -> dict:
    book = load_codebook(CODEBOOK)
    answers = load_answers()
    segs = segments_of(answers)
    ids = answers["answer_id"].tolist()
    gold = dict(zip(ids, answers["gold"]))
    started = time.perf_counter()
    rule_coder = RuleCoder(book)
    rules = rule_coder.apply_frame(segs)
    rule_seconds = time.perf_counter() - started
    results = {"rules": predictions(rules, ids)}
    out: dict = {"answers": len(ids), "rule_seconds": round(rule_seconds, 3)}
    if semantic:
        from qualmine.coding.suggest.embeddings import Embedder, MemoryCache, make_backend
        from qualmine.coding.suggest.semantic import DEFAULT_THRESHOLD, SemanticCoder

        cache = MemoryCache()
        if store:
            from qualmine.coding.store.database import ProjectStore
            from qualmine.coding.store.embedding_cache import StoreEmbeddingCache
            cache = StoreEmbeddingCache(ProjectStore(store))
        embedder = Embedder(make_backend(), cache)
        coder = SemanticCoder(book, embedder, threshold=threshold or DEFAULT_THRESHOLD, veto=rule_coder.vetoed)
        started = time.perf_counter()
        sem = coder.apply_frame(segs)
        seconds = time.perf_counter() - started
        results["semantic"] = predictions(sem, ids)
        results["rules+semantic"] = {i: results["rules"][i] | results["semantic"][i] for i in ids}
        stats = embedder.stats
        out.update(model=embedder.model, threshold=coder.threshold, semantic_seconds=round(seconds, 2),
                   ms_per_encoded_text=round(1000 * stats.seconds / stats.encoded, 1) if stats.encoded else None,
                   cache=stats.as_dict())
    codes = list(book.ids)
    halves = {"all": ids, "calibration (odd)": ids[0::2], "held-out (even)": ids[1::2]}
    for name, pred in results.items():
        table = scores(gold, pred, codes)
        out[name] = {"per_code": table.to_dict(orient="index"),
                     "micro_f1": {h: float(scores({i: gold[i] for i in sub}, pred, codes).loc["micro", "f1"])
                                  for h, sub in halves.items()},
                     "micro_f1_by_kind": {k: float(scores({i: gold[i] for i in grp}, pred, codes).loc["micro", "f1"])
                                          for k, grp in answers.groupby("kind")["answer_id"]}}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="project store (SQLite path) used as the embedding cache")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--no-semantic", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the numbers to this JSON file")
    args = parser.parse_args(argv)
    out = run(args.store, args.threshold, semantic=not args.no_semantic)
    for name in ("rules", "semantic", "rules+semantic"):
        if name not in out:
            continue
        print(f"\n== {name}: micro-F1 " + ", ".join(f"{h} {v:.3f}" for h, v in out[name]["micro_f1"].items()))
        print(pd.DataFrame(out[name]["per_code"]).T.to_string())
        print("micro-F1 by kind: " + ", ".join(f"{k} {v:.2f}" for k, v in out[name]["micro_f1_by_kind"].items()))
    if "model" in out:
        print(f"\nmodel {out['model']}, threshold {out['threshold']}, semantic stage {out['semantic_seconds']} s, "
              f"{out['ms_per_encoded_text']} ms per encoded text, cache {out['cache']}")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
