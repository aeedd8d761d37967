"""Zero-shot department coding of Chinese medical questions (zh_medical_dialogue_neike, 11 departments).

    python -m benchmarks.semantic_zh_medical [--shared /work/shared/corpora] [--per-department 80]
                                             [--store FILE] [--json OUT]

The codebook is benchmarks/data/zh_medical_departments_codebook.yaml: each department's name and
a one-line definition, nothing learned from the corpus. Each question (title + '。' + ask, as in
`benchmarks/suggest.py`) is scored by the semantic layer (`SemanticCoder.score_frame`: its
sentences against the codebook's prototypes) and gets the department with the highest score
(one department per question, so top-1). Also reported: the same with names only (no
definitions), and the most-frequent-department guess. Embedding every one of the 7,644
questions takes ~15-25 min on the shared 2-core machine, so a seeded stratified sample is
scored: up to `--per-department` questions per department (all of the smaller ones), which
also keeps the small departments from vanishing in the accuracy. Accuracy is reported over the
sample as drawn and re-weighted to the corpus' department shares; per department: support,
recall (share of its questions given that department), precision and F1.
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
from qualmine.coding.suggest.semantic import SemanticCoder

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
CODEBOOK = Path(__file__).resolve().parent / "data" / "zh_medical_departments_codebook.yaml"
RESULTS = Path(__file__).resolve().parent / "results" / "semantic-zh-medical.json"


def load_questions(shared: Path) -> pd.DataFrame:
    """text, department of every question (GB18030 file, see its SOURCE.md)."""
    frame = pd.read_csv(shared / "zh_medical_dialogue_neike" / "sample_neike_5000-6000.csv", encoding="gb18030")
    return pd.DataFrame({"text": (frame["title"] + "。" + frame["ask"]).astype(str),
                         "department": frame["department"].astype(str)})


def stratified_sample(frame: pd.DataFrame, per_department: int, seed: int = 0) -> pd.DataFrame:
    """Up to `per_department` seeded random questions of each department, in corpus order."""
    parts = [group.sample(n=min(per_department, len(group)), random_state=seed)
             for _, group in frame.groupby("department", sort=True)]
    return pd.concat(parts).sort_index()


def names_only(book: Codebook) -> Codebook:
    """The codebook without definitions (labels alone)."""
    return book.model_copy(update={"codes": tuple(c.model_copy(update={"definition": type(c.definition)()})
                                                  for c in book.codes)})


def top1(coder: SemanticCoder, texts: list[str]) -> list[str]:
    """The department label (zh) with the best unit score per question ('' when no unit scored)."""
    ids = [str(i) for i in range(len(texts))]
    segments = pd.DataFrame({"segment_id": ids, "start": 0, "text": texts, "lang": "zh", "is_interviewer": False})
    units, scores, _ = coder.score_frame(segments)
    per = pd.DataFrame(scores, columns=coder.codebook.ids).groupby(units["segment_id"].values).max().reindex(ids)
    label = {c.id: c.label.zh for c in coder.codebook.codes}
    return [label[row.idxmax()] if row.notna().any() and row.max() > 0 else "" for _, row in per.iterrows()]


def scores(gold: list[str], pred: list[str], weights: dict[str, float]) -> dict:
    """Accuracy (as sampled and re-weighted to corpus shares), macro-F1 and a per-department table."""
    gold_s, pred_s = pd.Series(gold), pd.Series(pred)
    rows = []
    for dept in sorted(set(gold), key=lambda d: -weights[d]):
        g, p = gold_s == dept, pred_s == dept
        tp = int((g & p).sum())
        prec = tp / int(p.sum()) if p.sum() else 0.0
        rec = tp / int(g.sum())
        rows.append({"department": dept, "support": int(g.sum()), "predicted": int(p.sum()),
                     "precision": round(prec, 3), "recall": round(rec, 3),
                     "f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0})
    weighted = sum(weights[r["department"]] * r["recall"] for r in rows)
    return {"accuracy": round(float((gold_s == pred_s).mean()), 3), "accuracy_corpus_weighted": round(weighted, 3),
            "macro_f1": round(float(np.mean([r["f1"] for r in rows])), 3), "per_department": rows}


def run(shared: Path, per_department: int, store: str | None, codebook: Path = CODEBOOK) -> dict:
    frame = load_questions(shared)
    weights = (frame["department"].value_counts() / len(frame)).to_dict()
    sample = stratified_sample(frame, per_department)
    cache = MemoryCache()
    if store:
        from qualmine.coding.store.database import ProjectStore
        from qualmine.coding.store.embedding_cache import StoreEmbeddingCache

        cache = StoreEmbeddingCache(ProjectStore(store))
    embedder = Embedder(make_backend(), cache)
    book = load_codebook(codebook)
    texts, gold = sample["text"].tolist(), sample["department"].tolist()
    started = time.perf_counter()
    with_definitions = top1(SemanticCoder(book, embedder), texts)
    seconds = time.perf_counter() - started
    bare = top1(SemanticCoder(names_only(book), embedder), texts)
    frequent = [max(weights, key=weights.get)] * len(texts)
    return {"benchmark": "semantic_zh_medical", "corpus": "zh_medical_dialogue_neike/sample_neike_5000-6000.csv",
            "questions_in_corpus": len(frame), "questions_scored": len(sample), "per_department_cap": per_department,
            "sample_seed": 0, "codebook": str(codebook.relative_to(Path(__file__).resolve().parents[1])),
            "model": embedder.model, "names_and_definitions": scores(gold, with_definitions, weights),
            "names_only": scores(gold, bare, weights), "most_frequent_department": scores(gold, frequent, weights),
            "seconds": round(seconds, 1),
            "ms_per_encoded_text": round(1000 * embedder.stats.seconds / max(1, embedder.stats.encoded), 1),
            "embedding": embedder.stats.as_dict()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared corpora folder")
    parser.add_argument("--per-department", type=int, default=80)
    parser.add_argument("--store", help="project store file caching the embeddings")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not (args.shared / "zh_medical_dialogue_neike").is_dir():
        print(f"{args.shared}: no zh_medical_dialogue_neike here: this benchmark needs ../shared/corpora (--shared)",
              file=sys.stderr)
        return 2
    out = run(args.shared, args.per_department, args.store)
    for name in ("names_and_definitions", "names_only", "most_frequent_department"):
        r = out[name]
        print(f"{name}: accuracy {r['accuracy']:.3f} (corpus-weighted {r['accuracy_corpus_weighted']:.3f}), "
              f"macro-F1 {r['macro_f1']:.3f}")
    print(pd.DataFrame(out["names_and_definitions"]["per_department"]).to_string(index=False))
    args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
