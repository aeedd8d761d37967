"""Topic engines on the real labelled corpora: NMI / ARI against gold labels, coherence, diversity,
fit time and peak memory. Prints a table; writes nothing. Run from the repo root:

    .venv/bin/python -m benchmarks.topics [--shared ../shared/corpora] [--only zh|en]

Corpora (see each SOURCE.md):
* zh: zh_medical_dialogue_neike (GB18030), text = title + '。' + ask, gold = department; the top 5
  departments (>= 558 questions each, n = 7,277) with K = 5, as SOURCE.md suggests — the other six
  have 18-152 questions, too few to form a topic of their own.
* en: nhs_fft_pxtextmining phase_1, text = feedback, gold = label (9 categories), K = 9.

Every engine sees the same prepared tokens (models.prepare.TextPreparer defaults; no codebook,
since these corpora come without one) and the raw texts, with its per-language defaults
(`make_topic_model(..., lang=)`: Chinese NMF adds a character block). Nothing here is tuned on the gold labels: they are only
read to score. The baseline is a plain TF-IDF + NMF with no preparation (character 1-2-grams for
Chinese as in SOURCE.md, scikit-learn's default word tokens for English). Peak memory is measured
with tracemalloc in a second, untimed fit.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from qualmine.models.engines import ENGINES, make_topic_model
from qualmine.models.prepare import TextPreparer
from qualmine.models.selection import npmi_coherence, topic_diversity

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
SEED = 13


def load_zh(shared: Path) -> tuple[list[str], list[str]]:
    frame = pd.read_csv(shared / "zh_medical_dialogue_neike" / "sample_neike_5000-6000.csv", encoding="gb18030")
    top5 = frame["department"].value_counts().index[:5]
    frame = frame[frame["department"].isin(top5)]
    return (frame["title"] + "。" + frame["ask"]).astype(str).tolist(), frame["department"].astype(str).tolist()


def load_en(shared: Path) -> tuple[list[str], list[str]]:
    frame = pd.read_csv(shared / "nhs_fft_pxtextmining" / "phase_1" / "text_data.csv").dropna(subset=["feedback"])
    return frame["feedback"].astype(str).tolist(), frame["label"].astype(str).tolist()


def _peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def score(gold: list[str], labels: np.ndarray, top: list, docs: list[list[str]], seconds: float, peak: float) -> dict:
    return {"NMI": normalized_mutual_info_score(gold, labels), "ARI": adjusted_rand_score(gold, labels),
            "c_npmi": npmi_coherence(top, docs), "diversity": topic_diversity(top),
            "fit_s": seconds, "peak_MB": peak}


def baseline(texts: list[str], lang: str, k: int) -> tuple[np.ndarray, list, float, float]:
    vec = (TfidfVectorizer(analyzer="char", ngram_range=(1, 2)) if lang == "zh" else TfidfVectorizer())

    def fit():
        x = vec.fit_transform(texts)
        nmf = NMF(k, init="nndsvda", random_state=SEED, max_iter=400)
        return nmf, nmf.fit_transform(x)

    started = time.perf_counter()
    nmf, weights = fit()
    seconds = time.perf_counter() - started
    peak = _peak_mb(fit)
    vocab = vec.get_feature_names_out()
    top = [[vocab[i] for i in np.argsort(-row)[:25]] for row in nmf.components_]
    return weights.argmax(axis=1), top, seconds, peak


def run_corpus(name: str, texts: list[str], gold: list[str], lang: str) -> pd.DataFrame:
    k = len(set(gold))
    started = time.perf_counter()
    docs = TextPreparer(lang).fit_transform(texts)
    prep_s = time.perf_counter() - started
    print(f"{name}: {len(texts)} texts, {k} gold labels, K={k}; preparation {prep_s:.1f} s, "
          f"{sum(1 for d in docs if not d)} empty after preparation", flush=True)
    rows = []
    labels, top, seconds, peak = baseline(texts, lang, k)
    # the baseline's char n-grams are not the prepared tokens: its coherence is scored on its own top
    # terms only where they are words of the prepared corpus (NaN otherwise)
    rows.append({"corpus": name, "engine": "baseline tfidf+nmf",
                 **score(gold, labels, top, docs, seconds, peak)})
    # Each engine with its per-language defaults (Chinese NMF models characters too), and for
    # Chinese also NMF on words alone, so the character block's cost and gain stay visible.
    variants = [(engine, engine, {}) for engine in ENGINES]
    if lang == "zh":
        variants.insert(1, ("nmf (words only)", "nmf", {"characters": False}))
    for label, engine, params in variants:
        make = lambda: make_topic_model(engine, k, random_state=SEED, lang=lang, **params)  # noqa: E731
        model = make()
        started = time.perf_counter()
        weights = model.fit_transform(docs, texts=texts)
        seconds = time.perf_counter() - started
        peak = _peak_mb(lambda: make().fit(docs, texts=texts))
        rows.append({"corpus": name, "engine": label,
                     **score(gold, weights.argmax(axis=1), model.top_terms(25), docs, seconds, peak)})
        print(f"  {label}: done in {seconds:.1f} s", flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED, help="folder holding the corpora")
    parser.add_argument("--only", choices=("zh", "en"), default=None)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    frames = []
    if args.only in (None, "zh"):
        frames.append(run_corpus("zh_medical_top5", *load_zh(args.shared), "zh"))
    if args.only in (None, "en"):
        frames.append(run_corpus("nhs_phase1_label", *load_en(args.shared), "en"))
    table = pd.concat(frames, ignore_index=True)
    with pd.option_context("display.width", 160, "display.float_format", "{:.3f}".format):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
