"""The topic stage on small planted runs: tables, per-language models, and bad input."""
import numpy as np
import pandas as pd
import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.models.base import TopicModelError
from qualmine.models.stage import TopicSettings, run_topic_stage

CODEBOOK = parse_codebook("""
name: test
codes:
  - id: P-HOURS
    kind: problem
    label: {zh: 开放时间与排队}
    keywords: {zh: [排队, 开放时间], en: [queue, opening hours]}
""")
ZH_A = ["排队", "窗口", "等候", "取号", "开放时间", "下班"]
ZH_B = ["志愿者", "活动", "年轻人", "周末", "报名", "组织"]


def planted_segments(n: int = 40, seed: int = 0, stop_only: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        words = ZH_A if i % 2 == 0 else ZH_B
        rows.append("，".join(rng.choice(words, size=4)) + "。")
    rows += ["我们觉得这个吧。"] * stop_only
    return pd.DataFrame({
        "segment_id": [f"s{i:03d}" for i in range(len(rows))], "respondent_id": [f"r{i % 10}" for i in range(len(rows))],
        "lang": "zh", "is_interviewer": False, "text": rows,
    })


def respondents_of(segments):
    ids = sorted(segments["respondent_id"].unique())
    return pd.DataFrame({"respondent_id": ids, "role": ["居民" if int(i[1:]) < 5 else "工作人员" for i in ids]})


def test_stage_tables_on_a_planted_run():
    segments = planted_segments(stop_only=3)
    applications = pd.DataFrame({"segment_id": segments["segment_id"][::2][:10], "code_id": "P-HOURS"})
    run = run_topic_stage(segments, applications, respondents_of(segments), CODEBOOK,
                          TopicSettings(k=2, seed=1), run_id="t")
    assert set(run.topics["topic_id"]) == {"zh-01", "zh-02"}
    assert run.topics.groupby("topic_id")["rank"].max().le(15).all()
    assert list(run.topics.columns) == ["topic_id", "lang", "engine", "rank", "term", "weight", "label", "coherence"]
    dominant = run.segment_topics[run.segment_topics["dominant"]]
    assert dominant["segment_id"].is_unique and len(dominant) == 40      # the 3 stop-word answers get no topic
    assert any("3 of 43 segment(s) had only stop words" in n for n in run.notes)
    overall = run.topic_prevalence[run.topic_prevalence["attribute"] == "(all)"]
    assert overall["segments"].sum() == 40 and overall["segment_share"].sum() == pytest.approx(1.0)
    by_role = run.topic_prevalence[run.topic_prevalence["attribute"] == "role"]
    assert set(by_role["value"]) == {"居民", "工作人员"}
    # the queueing topic is explained by P-HOURS (10 of its 20 segments coded); the other is a candidate
    best = run.topic_code_alignment[run.topic_code_alignment["best"]].set_index("topic_id")
    queue_topic = run.topics[run.topics["term"] == "排队"]["topic_id"].iloc[0]
    assert best.loc[queue_topic, "code_id"] == "P-HOURS" and best.loc[queue_topic, "share"] == 0.5
    assert [c.id for c in run.candidate_codes.codes] == [f"T-{'ZH-02' if queue_topic == 'zh-01' else 'ZH-01'}"]
    assert run.topic_k_scores["chosen"].tolist() == [True]
    section = run.manifest_section()
    assert section["languages"][0]["k"] == 2 and "K=2 was given" in section["languages"][0]["explanation"]


def test_k_search_scores_every_k_and_is_reproducible():
    segments = planted_segments(n=60)
    empty = pd.DataFrame(columns=["segment_id", "code_id"])
    a = run_topic_stage(segments, empty, respondents_of(segments), CODEBOOK, TopicSettings(k_min=2, k_max=5, seed=4))
    b = run_topic_stage(segments, empty, respondents_of(segments), CODEBOOK, TopicSettings(k_min=2, k_max=5, seed=4))
    assert a.topic_k_scores["k"].tolist() == [2, 3, 4, 5]
    assert a.topic_k_scores["chosen"].sum() == 1
    pd.testing.assert_frame_equal(a.topics, b.topics)
    pd.testing.assert_frame_equal(a.segment_topics, b.segment_topics)


def test_languages_are_modelled_separately_and_a_small_one_is_skipped():
    segments = planted_segments()
    english = pd.DataFrame({"segment_id": ["e1", "e2"], "respondent_id": "r1", "lang": "en",
                            "is_interviewer": False, "text": ["The queue was long", "Nice volunteers"]})
    both = pd.concat([segments, english], ignore_index=True)
    run = run_topic_stage(both, pd.DataFrame(columns=["segment_id", "code_id"]), respondents_of(segments),
                          CODEBOOK, TopicSettings(seed=1))
    assert {m.lang for m in run.languages} == {"zh"}
    assert any(n.startswith("topics skipped for en (2 segments):") and "needs at least" in n for n in run.notes)


def test_all_stop_word_segments_are_a_clear_error():
    segments = planted_segments(n=0, stop_only=30)
    with pytest.raises(TopicModelError, match=r"zh: none of the 30 segment\(s\) has a word left.*--no-topics"):
        run_topic_stage(segments, pd.DataFrame(columns=["segment_id", "code_id"]), respondents_of(segments),
                        CODEBOOK, TopicSettings(k=2))


def test_too_few_segments_for_k_is_a_clear_error():
    segments = planted_segments(n=6)
    with pytest.raises(TopicModelError, match=r"K=8 topics were asked for but only 6 segment\(s\).*--k"):
        run_topic_stage(segments, pd.DataFrame(columns=["segment_id", "code_id"]), respondents_of(segments),
                        CODEBOOK, TopicSettings(k=8))


def test_no_respondent_segments_is_a_clear_error():
    segments = planted_segments().assign(is_interviewer=True)
    with pytest.raises(TopicModelError, match="no \\(non-interviewer\\) segments to model"):
        run_topic_stage(segments, pd.DataFrame(columns=["segment_id", "code_id"]), respondents_of(segments), CODEBOOK)


@pytest.mark.parametrize("kwargs, field", [({"k": 0}, "k"), ({"engine": "bert"}, "engine"),
                                           ({"k_min": 5, "k_max": 3}, "k_max")])
def test_bad_settings(kwargs, field):
    with pytest.raises(ValueError, match=rf"The '{field}' parameter of TopicSettings must be"):
        TopicSettings(**kwargs)


def test_run_settings_k_range_reaches_the_topic_stage(tmp_path):
    from qualmine.flows.settings import RunSettings
    from qualmine.flows.topics import topic_settings_for

    settings = topic_settings_for(RunSettings(out_dir=tmp_path, topic=TopicSettings(k_min=4, k_max=6), seed=7))
    assert (settings.k, settings.k_min, settings.k_max, settings.seed) == (None, 4, 6, 7)
