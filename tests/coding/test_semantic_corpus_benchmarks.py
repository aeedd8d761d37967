"""The real-corpus zero-shot benchmarks' codebooks (benchmarks/data) and their scoring helpers, on tiny data."""
from __future__ import annotations

import pandas as pd
import pytest

from qualmine.coding.codebook import load_codebook


def test_nhs_codebook_has_a_definition_and_at_most_three_examples_per_code(benchmark_module):
    bench = benchmark_module("semantic_nhs")
    book = load_codebook(bench.CODEBOOK)
    assert len(book.codes) == 49 and len({c.label.en for c in book.codes}) == 49
    assert "Labelling not possible" not in {c.label.en for c in book.codes}
    for code in book.codes:
        assert code.definition.en and len(code.definition.en) > 30, code.label.en
        assert len(code.examples) <= 3 and not code.keywords, code.label.en


def test_nhs_codebook_labels_are_the_framework_columns_and_examples_come_from_training_answers(
        benchmark_module, shared_corpora):
    suggest = benchmark_module("suggest")
    book = load_codebook(benchmark_module("semantic_nhs").CODEBOOK)
    columns = suggest.load_columns(shared_corpora)
    assert {c.label.en for c in book.codes} == set(columns) - {"Labelling not possible"}
    texts, labels, _ = suggest.load_en(shared_corpora, 1)
    pool, test = suggest.held_out_split(texts)
    held_out = {" ".join(texts[i].split()) for i in test}
    training = {" ".join(texts[i].split()): labels[i] for i in pool}
    for code in book.codes:
        for example in code.examples:
            assert example not in held_out and training[example] == frozenset([code.label.en])


def test_nhs_decisions_add_the_best_code_and_score_per_code(benchmark_module):
    bench = benchmark_module("semantic_nhs")
    per = pd.DataFrame({"A": [0.9, 0.1, 0.0], "B": [0.3, 0.15, 0.0]}, index=["x", "y", "z"])
    assert bench.decide(per, 0.25, top1=False) == [frozenset("AB"), frozenset(), frozenset()]
    assert bench.decide(per, 0.25, top1=True) == [frozenset("AB"), frozenset("B"), frozenset()]   # z: nothing scored
    rows = bench.per_code([frozenset("A"), frozenset("B"), frozenset()], [frozenset("AB"), frozenset("B"), frozenset()],
                          ["A", "B"])
    by = {r["code"]: r for r in rows}
    assert by["A"]["f1"] == 1.0 and by["B"]["precision"] == 0.5 and by["B"]["recall"] == 1.0


def test_zh_department_codebook_matches_the_corpus_departments(benchmark_module, shared_corpora):
    bench = benchmark_module("semantic_zh_medical")
    book = load_codebook(bench.CODEBOOK)
    frame = bench.load_questions(shared_corpora)
    assert {c.label.zh for c in book.codes} == set(frame["department"])
    sample = bench.stratified_sample(frame, 30)
    counts = sample["department"].value_counts()
    assert counts.max() == 30 and counts["风湿免疫科"] == 18          # the smallest department is taken whole
    assert not bench.names_only(book).codes[0].definition.zh


def test_zh_scores_reweight_recall_to_corpus_shares(benchmark_module):
    bench = benchmark_module("semantic_zh_medical")
    book = load_codebook(bench.CODEBOOK)
    assert len(book.codes) == 11 and all(c.definition.zh and "\n" not in c.definition.zh for c in book.codes)
    gold = ["肝病科", "肝病科", "血液科", "血液科"]
    pred = ["肝病科", "消化科", "血液科", "血液科"]
    out = bench.scores(gold, pred, {"肝病科": 0.9, "血液科": 0.1})
    assert out["accuracy"] == 0.75
    assert out["accuracy_corpus_weighted"] == pytest.approx(0.9 * 0.5 + 0.1 * 1.0)
    assert [r["department"] for r in out["per_department"]] == ["肝病科", "血液科"]


def test_speed_segments_are_distinct_with_the_asked_chinese_share(benchmark_module, shared_corpora):
    bench = benchmark_module("semantic_speed")
    segments = bench.distinct_segments(shared_corpora, 500, 0.2)
    assert len(segments) == 500 and segments["text"].is_unique and (segments["lang"] == "zh").sum() == 100
    assert segments["segment_id"].is_unique


def test_example_speed_run_times_the_shipped_corpus_segments(benchmark_module):
    from qualmine.coding.codebook import load_codebook

    speed = benchmark_module("semantic_speed")
    segments = speed.example_segments()
    assert len(segments) > 1000 and {"segment_id", "start", "text", "lang", "is_interviewer"} <= set(segments.columns)
    assert set(segments["lang"]) >= {"zh"} and segments["segment_id"].is_unique
    assert load_codebook(speed.CODEBOOK).codes      # the example project's codebook


def _tiny_corpus():
    topics = {"wait": ["waited hours in the queue", "the wait was far too long", "long delay before anyone came"],
              "staff": ["the nurses were kind", "staff were rude to us", "a lovely caring doctor"],
              "food": ["the food was cold", "nice hot meals", "nothing to eat after six"]}
    texts, labels = [], []
    for round_ in range(5):
        for code, lines in topics.items():
            for line in lines:
                texts.append(f"{line} ({round_})")
                labels.append(frozenset([code]))
    # three items a code: a model of the codebook alone must be able to learn every code
    item_texts = {"wait": ["waiting times", "queued all morning", "slow to be seen"],
                  "staff": ["staff attitude", "polite helpful nurses", "the doctor ignored me"],
                  "food": ["food and drink", "tasty lunch", "no drinks offered"]}
    items = ([t for code in sorted(item_texts) for t in item_texts[code]],
             [frozenset([code]) for code in sorted(item_texts) for _ in item_texts[code]])
    return texts, labels, sorted(topics), items


@pytest.mark.parametrize("first", ["random", "diverse", "codebook"])
def test_suggest_simulation_starts_uncertainty_order_as_asked(benchmark_module, first):
    suggest = benchmark_module("suggest")
    texts, labels, codes, items = _tiny_corpus()
    pool, test = list(range(0, 45, 1))[:36], list(range(36, 45))
    rows = suggest.simulate(texts, labels, codes, "en", pool, test, order="uncertainty", checkpoints=[12, 24],
                            extra=items, first=first)
    assert [(r["first"], r["reviewed"]) for r in rows] == [(first, 12), (first, 24)]
    assert all(0.0 <= r["micro_f1"] <= 1.0 for r in rows)


def test_suggest_simulation_codebook_start_needs_the_codebook_items(benchmark_module):
    suggest = benchmark_module("suggest")
    texts, labels, codes, _ = _tiny_corpus()
    with pytest.raises(ValueError, match="codebook"):
        suggest.simulate(texts, labels, codes, "en", list(range(36)), list(range(36, 45)), order="uncertainty",
                         checkpoints=[12], first="codebook")
