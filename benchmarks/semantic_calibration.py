"""Refit the semantic layer's calibration (slope, center, default threshold) for each prototype count.

    python -m benchmarks.semantic_calibration [--tops 1,2,3,4,5,7] [--shared ../shared/corpora]
                                              [--store PATH] [--json OUT]

`coding/suggest/semantic.py` turns raw(u, c) (the mean of a code's `top` best prototype cosines,
less the unit's baseline) into a probability with sigmoid(slope * (raw - center)) and suggests a
code at `threshold`. The three numbers belong to one `top`. For each `top` this script:

1. fits slope and center by logistic regression of "the human gave this code" on the best unit's
   raw score per (answer, code), on the calibration half (odd answer numbers) of the hand-judged
   set (benchmarks/data/semantic_answers.csv and its codebook);
2. picks the threshold (grid 0.05 .. 0.60) with the best micro-F1 of rules + semantic on that
   half, through the product's path (`SemanticCoder.apply_frame`: contrast units, concession,
   the rules' veto);
3. reports micro-F1 on the calibration half, the held-out half (even numbers) and all answers;
4. with ../shared: zero-shot micro-F1 on all 1139 held-out NHS FFT v6 answers at that threshold
   (benchmarks/semantic_nhs.py's protocol and written codebook; semantic layer alone; nothing
   tuned on NHS), so a choice that helps one set and hurts the other is visible.

The product's constants (SLOPE, CENTER, DEFAULT_THRESHOLD, TOP_PROTOTYPES) are copied from the
raw file this writes (benchmarks/results/<date>-semantic-calibration.json).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from qualmine.coding.codebook import load_codebook
from qualmine.coding.rules import RuleCoder
from qualmine.coding.suggest.embeddings import Embedder, MemoryCache, make_backend
from qualmine.coding.suggest.semantic import SemanticCoder, raw_scores

ROOT = Path(__file__).resolve().parents[1]


def _sibling(name: str):
    """A module of benchmarks/ loaded from its file (the tests do not put the repo root on sys.path)."""
    import importlib.util
    import sys

    qualified = f"benchmarks.{name}"
    if qualified not in sys.modules:
        spec = importlib.util.spec_from_file_location(qualified, Path(__file__).with_name(f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = module
        spec.loader.exec_module(module)
    return sys.modules[qualified]


_bench = _sibling("semantic")
CODEBOOK, load_answers, predictions, scores, segments_of = (
    _bench.CODEBOOK, _bench.load_answers, _bench.predictions, _bench.scores, _bench.segments_of)
SHARED = ROOT.parent / "shared" / "corpora"
GRID = [round(t, 2) for t in np.arange(0.05, 0.601, 0.05)]


def best_raw(units: pd.DataFrame, raw: np.ndarray, ids: list[str]) -> pd.DataFrame:
    """The best unit's raw score per answer (rows, `ids` order) and code (columns)."""
    per = pd.DataFrame(raw).groupby(units["segment_id"].values).max()
    return per.reindex(ids).fillna(-1.0)


def fit_sigmoid(raw: pd.DataFrame, gold: pd.DataFrame) -> tuple[float, float]:
    """(slope, center) of P(coded) = sigmoid(slope * (raw - center)), nearly unregularised."""
    x = raw.to_numpy().ravel()[:, None]
    y = gold.to_numpy().ravel()
    lr = LogisticRegression(C=1e6, max_iter=1000).fit(x, y)
    slope = float(lr.coef_[0, 0])
    return slope, float(-lr.intercept_[0] / slope)


def micro(gold: dict, pred: dict, codes: list[str], ids: list[str]) -> float:
    return float(scores({i: gold[i] for i in ids}, pred, codes).loc["micro", "f1"])


def hand_judged(embedder: Embedder, tops: list[int]) -> list[dict]:
    book = load_codebook(CODEBOOK)
    answers = load_answers()
    segs = segments_of(answers)
    ids = answers["answer_id"].tolist()
    codes = list(book.ids)
    gold = dict(zip(ids, answers["gold"]))
    odd, even = ids[0::2], ids[1::2]
    rule_coder = RuleCoder(book)
    rules = predictions(rule_coder.apply_frame(segs), ids)
    probe = SemanticCoder(book, embedder, veto=rule_coder.vetoed)
    units, _, _ = probe.score_frame(segs)
    vectors = embedder.embed(units["text"].tolist(), kind="query")
    Y = pd.DataFrame([[c in gold[i] for c in codes] for i in ids], index=ids, columns=range(len(codes)))
    rows = []
    for top in tops:
        raw, _, _ = raw_scores(vectors, probe.prototypes, top=top)
        per = best_raw(units, raw, ids)
        slope, center = fit_sigmoid(per.loc[odd], Y.loc[odd])
        slope, center = round(slope, 1), round(center, 4)     # the figures the product copies
        by_threshold = {}
        for t in GRID:
            coder = SemanticCoder(book, embedder, threshold=t, veto=rule_coder.vetoed, top_prototypes=top,
                                  slope=slope, center=center)
            sem = predictions(coder.apply_frame(segs), ids)
            both = {i: rules[i] | sem[i] for i in ids}
            by_threshold[t] = (sem, both)
        chosen = max(GRID, key=lambda t: (micro(gold, by_threshold[t][1], codes, odd), -t))
        sem, both = by_threshold[chosen]
        rows.append({"top_prototypes": top, "slope": slope, "center": center,
                     "threshold": chosen,
                     "rules_semantic": {h: micro(gold, both, codes, sub)
                                        for h, sub in (("calibration", odd), ("held_out", even), ("all", ids))},
                     "semantic_alone": {h: micro(gold, sem, codes, sub)
                                        for h, sub in (("calibration", odd), ("held_out", even), ("all", ids))},
                     "rules_semantic_by_threshold_calibration": {
                         str(t): micro(gold, by_threshold[t][1], codes, odd) for t in GRID}})
    rows.append({"rules_alone": {h: micro(gold, rules, codes, sub)
                                 for h, sub in (("calibration", odd), ("held_out", even), ("all", ids))}})
    return rows


def nhs(embedder: Embedder, shared: Path, fitted: list[dict]) -> list[dict]:
    """Zero-shot micro-F1 on every held-out NHS answer with each fitted (top, slope, center, threshold)."""
    suggest = _sibling("suggest")
    semantic_nhs = _sibling("semantic_nhs")
    NHS_CODEBOOK, decide, micro_f1, scored_codebook = (semantic_nhs.CODEBOOK, semantic_nhs.decide,
                                                       semantic_nhs.micro_f1, semantic_nhs.scored_codebook)

    texts, labels, codes = suggest.load_en(shared)
    _, test = suggest.held_out_split(texts)
    book = scored_codebook(NHS_CODEBOOK, codes)
    id_to_code = {c.id: c.label.en for c in book.codes}
    ids = [str(i) for i in test]
    segments = pd.DataFrame({"segment_id": ids, "start": 0, "text": [texts[i] for i in test], "lang": "en",
                             "is_interviewer": False})
    gold = [labels[i] for i in test]
    out = []
    for row in fitted:
        coder = SemanticCoder(book, embedder, top_prototypes=row["top_prototypes"], slope=row["slope"],
                              center=row["center"])
        units, unit_scores, _ = coder.score_frame(segments)
        per = pd.DataFrame(unit_scores, columns=book.ids).groupby(units["segment_id"].values).max()
        per = per.reindex(ids).fillna(0.0)

        def f1(threshold: float) -> float:
            return micro_f1(gold, [frozenset(id_to_code[c] for c in s) for s in decide(per, threshold, False)])["f1"]

        by_t = {t: f1(t) for t in GRID}
        best = max(by_t, key=by_t.get)
        out.append({"top_prototypes": row["top_prototypes"], "answers": len(ids), "codes": len(codes),
                    "threshold": row["threshold"], "micro_f1": f1(row["threshold"]),
                    "best_threshold_on_held_out": {"threshold": best, "micro_f1": by_t[best]}})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tops", default="1,2,3,4,5,7", help="prototype counts to fit, comma-separated")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared corpora folder (NHS check)")
    parser.add_argument("--store", help="project store (SQLite path) caching the embeddings")
    parser.add_argument("--json", type=Path,
                        default=ROOT / "benchmarks" / "results" / f"{dt.date.today()}-semantic-calibration.json")
    args = parser.parse_args(argv)
    tops = [int(v) for v in args.tops.split(",") if v]
    cache = MemoryCache()
    if args.store:
        from qualmine.coding.store.database import ProjectStore
        from qualmine.coding.store.embedding_cache import StoreEmbeddingCache
        cache = StoreEmbeddingCache(ProjectStore(args.store))
    embedder = Embedder(make_backend(), cache)
    rows = hand_judged(embedder, tops)
    fitted, rules_alone = rows[:-1], rows[-1]["rules_alone"]
    nhs_rows = nhs(embedder, args.shared, fitted) if (args.shared / "nhs_fft_pxtextmining").is_dir() else []
    print(f"rules alone on the hand-judged set: {rules_alone}")
    print("| top prototypes | slope | center | threshold | rules + semantic: calibration / held-out / all "
          "| semantic alone (all) | NHS zero-shot at the threshold | NHS best threshold (optimistic) |")
    print("| ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |")
    for row in fitted:
        n = next((r for r in nhs_rows if r["top_prototypes"] == row["top_prototypes"]), None)
        rs = row["rules_semantic"]
        print(f"| {row['top_prototypes']} | {row['slope']} | {row['center']} | {row['threshold']} | "
              f"{rs['calibration']:.3f} / {rs['held_out']:.3f} / {rs['all']:.3f} | {row['semantic_alone']['all']:.3f} | "
              + (f"{n['micro_f1']:.3f} | {n['best_threshold_on_held_out']['micro_f1']:.3f} at "
                 f"{n['best_threshold_on_held_out']['threshold']} |" if n else "- | - |"))
    payload = {"benchmark": "semantic_calibration", "model": embedder.model, "date": str(dt.date.today()),
               "python": platform.python_version(), "grid": GRID, "rules_alone": rules_alone,
               "hand_judged": fitted, "nhs": nhs_rows, "embedding": embedder.stats.as_dict()}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
