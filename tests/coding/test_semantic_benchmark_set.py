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
