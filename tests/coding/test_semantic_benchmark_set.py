"""The hand-judged zero-shot set in benchmarks/data: well-formed, and the rules keep their measured level on it."""
from __future__ import annotations


def test_set_covers_the_six_kinds_with_valid_gold_codes(benchmark_module):
    bench = benchmark_module("semantic")
    from qualmine.coding.codebook import load_codebook

    book = load_codebook(bench.CODEBOOK)
    answers = bench.load_answers()
    assert len(answers) >= 120 and set(answers["lang"]) == {"zh", "en"}
    assert answers["answer_id"].is_unique and (answers["text"].str.strip() != "").all()
    counts = answers["kind"].value_counts()
    for kind in ("absence", "concession", "false_friend", "paraphrase", "traditional", "negated_eval"):
        assert counts.get(kind, 0) >= 10, kind
    assert set().union(*answers["gold"]) <= set(book.ids)
    from difflib import SequenceMatcher

    quotes = [q for c in book.codes for q in (*c.examples, *c.counter_examples)]
    near = [(q, t) for q in quotes for t in answers["text"] if SequenceMatcher(None, q, t).ratio() > 0.7]
    assert near == []          # the codebook's quotes are not (near) copies of the answers it is measured on


def test_rules_alone_keep_their_level_on_the_set(benchmark_module):
    bench = benchmark_module("semantic")
    out = bench.run(store=None, threshold=None, semantic=False)
    # 0.458 before the coder-like rules of issue #15, 0.673 with them (benchmarks/README.md)
    assert out["rules"]["micro_f1"]["all"] >= 0.65
    assert out["rules"]["micro_f1_by_kind"]["negated_eval"] >= 0.8
    assert out["rules"]["micro_f1_by_kind"]["traditional"] >= 0.9


def test_calibration_fit_recovers_a_known_sigmoid(benchmark_module):
    import numpy as np
    import pandas as pd

    calib = benchmark_module("semantic_calibration")
    rng = np.random.default_rng(0)
    raw = rng.uniform(-0.1, 0.2, size=(4000, 5))
    coded = rng.uniform(size=raw.shape) < 1.0 / (1.0 + np.exp(-60.0 * (raw - 0.05)))
    slope, center = calib.fit_sigmoid(pd.DataFrame(raw), pd.DataFrame(coded))
    assert abs(slope - 60.0) < 6.0 and abs(center - 0.05) < 0.005


def test_the_products_default_calibration_is_the_fitted_one(benchmark_module):
    import json

    from qualmine.coding.suggest.semantic import CALIBRATIONS

    calib = benchmark_module("semantic_calibration")
    raw = json.loads((calib.ROOT / "benchmarks" / "results" / "2026-12-02-semantic-calibration.json").read_text())
    fitted = {row["top_prototypes"]: (row["slope"], row["center"], row["threshold"]) for row in raw["hand_judged"]}
    assert fitted == {k: (c.slope, c.center, c.threshold) for k, c in CALIBRATIONS.items()}
