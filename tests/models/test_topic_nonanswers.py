"""Non-substantive answers stay out of topic fitting; only coherent topics become candidate codes."""
import numpy as np
import pandas as pd
import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.models.alignment import candidate_codes
from qualmine.models.nonanswers import is_non_substantive
from qualmine.models.stage import TopicSettings, run_topic_stage

CODEBOOK = parse_codebook("""
name: test
codes:
  - {id: P-HOURS, kind: problem, label: {zh: 开放时间与排队}, keywords: {zh: [排队, 开放时间]}}
""")


def planted_segments(n: int = 40) -> pd.DataFrame:
    """Two planted themes (queues; volunteering), as tests/models/test_topic_stage.py plants them."""
    rng = np.random.default_rng(0)
    themes = (["排队", "窗口", "等候", "取号", "开放时间", "下班"], ["志愿者", "活动", "年轻人", "周末", "报名", "组织"])
    rows = ["，".join(rng.choice(themes[i % 2], size=4)) + "。" for i in range(n)]
    return pd.DataFrame({"segment_id": [f"s{i:03d}" for i in range(n)], "respondent_id": [f"r{i % 10}" for i in range(n)],
                         "lang": "zh", "is_interviewer": False, "text": rows})


def respondents_of(segments):
    return pd.DataFrame({"respondent_id": sorted(segments["respondent_id"].unique())})


@pytest.mark.parametrize("text", ["没有。", "无", "暂无", "都挺好的", "都挺好，没什么意见", "没有不满意的地方", "No.", "none",
                                  "Nothing really, all good", "Fine, thanks.", "n/a", "  "])
def test_non_answers_are_recognised(text):
    assert is_non_substantive(text)


@pytest.mark.parametrize("text", ["没有停车位", "无障碍设施太少", "很好，希望多办活动", "no parking nearby",
                                  "Nothing for teenagers to do", "Fine, but the queue is long"])
def test_answers_with_content_are_kept(text):
    assert not is_non_substantive(text)


def test_non_answers_are_kept_out_of_topic_fitting_and_the_stage_says_so():
    segments = planted_segments()
    extra = pd.DataFrame({"segment_id": [f"n{i}" for i in range(12)], "respondent_id": "r1", "lang": "zh",
                          "is_interviewer": False, "text": ["没有。", "无", "都挺好的。"] * 4})
    both = pd.concat([segments, extra], ignore_index=True)
    run = run_topic_stage(both, pd.DataFrame(columns=["segment_id", "code_id"]), respondents_of(both), CODEBOOK,
                          TopicSettings(k=2, seed=1))
    assert not set(run.segment_topics["segment_id"]) & set(extra["segment_id"])
    assert any(n.startswith("12 non-substantive answer(s)") for n in run.notes)
    assert not {"没有", "无", "都挺好"} & set(run.topics["term"])


def test_only_coherent_unexplained_topics_become_candidate_codes():
    topics = pd.DataFrame({"topic_id": ["zh-01", "zh-02"], "lang": "zh", "rank": 1, "term": ["停车", "没有"],
                           "label": ["停车", "没有"]})
    alignment = pd.DataFrame({"topic_id": ["zh-01", "zh-02"], "code_id": "X", "share": 0.0, "best": True})
    book = candidate_codes(topics, alignment, {}, coherence={"zh-01": 0.12, "zh-02": -0.3})
    assert [c.id for c in book.codes] == ["T-ZH-01"]
    assert candidate_codes(topics, alignment, {}, coherence={"zh-01": float("nan"), "zh-02": -0.3}) is None
