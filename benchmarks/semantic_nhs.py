"""Zero-shot semantic coding on real human-coded answers: NHS FFT v6 (English, framework codes).

    python -m benchmarks.semantic_nhs [--shared ../shared/corpora] [--sample 300] [--store PATH] [--json OUT]

Protocol: the corpus, code list (codes with >= 30 positives) and 20 % held-out split of
`benchmarks/suggest.py`. The codebook is written mechanically from the framework: label = the
category name, no definition (none is written here: the framework's definitions are online
only), and at most 3 examples per code taken from the *training* split (the 3 shortest answers
of 20+ characters whose only code is that one). No keywords, so this is the semantic layer
alone. Scored on a seeded random sample of the held-out split (`--sample`, default 300 answers;
0 = all), because embedding is slow on a busy machine. Prints micro-F1 at the default threshold,
the best threshold on the sample (optimistic, shown for orientation only) and a top-1 variant
(the best code per answer), plus the most-frequent-code guess for reference.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from qualmine.coding.codebook import Codebook
from qualmine.coding.suggest.embeddings import Embedder, MemoryCache, make_backend
from qualmine.coding.suggest.semantic import DEFAULT_THRESHOLD, SemanticCoder

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"


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


def run(sample: int, store: str | None, shared: Path = SHARED) -> dict:
    suggest = _load_suggest()
    texts, labels, codes = suggest.load_en(shared)
    pool, test = suggest.held_out_split(texts)
    if sample and sample < len(test):
        test = np.sort(np.random.default_rng(0).choice(test, size=sample, replace=False))
    book = build_codebook(texts, labels, codes, pool)
    id_to_code = {f"C{i:02d}": c for i, c in enumerate(codes)}
    cache = MemoryCache()
    if store:
        from qualmine.coding.store.database import ProjectStore
        from qualmine.coding.store.embedding_cache import StoreEmbeddingCache
        cache = StoreEmbeddingCache(ProjectStore(store))
    embedder = Embedder(make_backend(), cache)
    coder = SemanticCoder(book, embedder)
    segments = pd.DataFrame({"segment_id": [str(i) for i in test], "start": 0, "text": [texts[i] for i in test],
                             "lang": "en", "is_interviewer": False})
    started = time.perf_counter()
    units, scores, _ = coder.score_frame(segments)
    seconds = time.perf_counter() - started
    per = pd.DataFrame(scores, columns=book.ids).groupby(units["segment_id"].values).max()
    per = per.reindex([str(i) for i in test]).fillna(0.0)
    gold = [labels[i] for i in test]

    def at(threshold: float) -> list[frozenset]:
        return [frozenset(id_to_code[c] for c in row.index[row.to_numpy() >= threshold]) for _, row in per.iterrows()]

    top1 = [frozenset([id_to_code[row.idxmax()]]) if row.max() > 0 else frozenset() for _, row in per.iterrows()]
    grid = {round(t, 2): micro_f1(gold, at(t))["f1"] for t in np.arange(0.1, 0.95, 0.05)}
    best = max(grid, key=grid.get)
    counts = pd.Series([c for i in pool for c in labels[i]]).value_counts()
    frequent = [frozenset([counts.index[0]])] * len(test)
    return {"answers": len(test), "codes": len(codes), "model": embedder.model,
            "threshold": DEFAULT_THRESHOLD, "at_default": micro_f1(gold, at(DEFAULT_THRESHOLD)),
            "best_threshold_on_sample": {"threshold": best, "f1": grid[best]}, "top1": micro_f1(gold, top1),
            "most_frequent_code": micro_f1(gold, frequent), "seconds": round(seconds, 1),
            "ms_per_encoded_text": round(1000 * embedder.stats.seconds / max(1, embedder.stats.encoded), 1),
            "embedding": embedder.stats.as_dict()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared corpora folder")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--store")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not args.shared.is_dir():
        print(f"{args.shared} not found: this benchmark needs ../shared/corpora (--shared)", file=sys.stderr)
        return 2
    out = run(args.sample, args.store, args.shared)
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
