"""K selection: diversity, the choice rule, every K's score kept, and ranges that cannot work."""
import dataclasses
import math

import pandas as pd
import pytest

from qualmine.models.base import TopicModelError
from qualmine.models.engines import make_topic_model
from qualmine.models.selection import MIN_DIVERSITY, choose_k, k_range, npmi_coherence, select_k, topic_diversity


def test_topic_diversity():
    assert topic_diversity([["a", "b"], ["c", "d"]]) == 1.0
    assert topic_diversity([["a", "b"], ["a", "b"]]) == 0.5
    assert topic_diversity([[("a", 0.6), ("b", 0.4)], [("a", 0.5), ("c", 0.5)]]) == 0.75


def test_npmi_prefers_words_that_co_occur():
    docs = [["queue", "wait"]] * 10 + [["club", "event"]] * 10
    together = npmi_coherence([["queue", "wait"], ["club", "event"]], docs)
    apart = npmi_coherence([["queue", "club"], ["wait", "event"]], docs)
    assert together > 0.9 and apart < 0


def test_choice_rule_highest_coherence_among_diverse_enough():
    scores = pd.DataFrame({"k": [3, 4, 5, 6], "c_npmi": [0.10, 0.15, 0.20, 0.15],
                           "diversity": [0.9, 0.8, 0.4, 0.6]})
    k, why = choose_k(scores, min_diversity=0.5)
    assert k == 4        # K=5 is more coherent but its topics repeat each other; 4 ties 6 on c_npmi, smaller wins
    assert "K=4" in why and "diversity >= 0.50" in why and "3 of 4" in why
    k, why = choose_k(scores.assign(diversity=[0.3, 0.2, 0.1, 0.2]), min_diversity=0.5)
    assert k == 3 and "no K" in why


def test_select_k_keeps_every_score_and_marks_the_choice():
    # Three topics that share no word: K=3 is the unambiguous answer whatever the library version.
    docs = ([["queue", "wait", "hour"]] * 8 + [["club", "event", "youth"]] * 8 + [["rent", "price", "flat"]] * 8)
    choice = select_k(docs, lambda k: make_topic_model("nmf", k, random_state=0), [2, 3, 4])
    scores = choice.scores
    assert list(scores["k"]) == [2, 3, 4]                                   # every K tried is kept
    assert scores["chosen"].sum() == 1 and scores.loc[scores["chosen"], "k"].item() == choice.k
    assert choice.model.k == choice.k
    # The rule: the best coherence among the K whose diversity passes the floor (ties: smaller K).
    diverse = scores[scores["diversity"] >= MIN_DIVERSITY]
    best = diverse.sort_values(["c_npmi", "k"], ascending=[False, True]).iloc[0]
    assert choice.k == best["k"]
    assert choice.k == 3
    assert scores.loc[scores["k"] == 3, "diversity"].item() == 1.0


def test_top_terms_leave_out_numerical_noise():
    docs = ([["queue", "wait", "hour"]] * 8 + [["club", "event", "youth"]] * 8 + [["rent", "price", "flat"]] * 8)
    model = make_topic_model("nmf", 3, random_state=0).fit(docs)
    clusters = [{"queue", "wait", "hour"}, {"club", "event", "youth"}, {"rent", "price", "flat"}]
    for topic in model.top_terms(10):
        terms = {t for t, _ in topic}
        # NMF leaves weights like 1e-49 on other clusters' words; they are not part of the topic.
        assert terms in clusters, topic
    assert sorted(map(sorted, ({t for t, _ in topic} for topic in model.top_terms(10)))) == \
        sorted(map(sorted, clusters))


def test_k_range_caps_by_corpus_size_and_explains_when_too_small():
    assert k_range(100, 3, 12) == list(range(3, 13))
    assert k_range(30, 3, 12) == [3, 4, 5, 6]
    with pytest.raises(TopicModelError, match=r"only 9 document\(s\).*needs at least 15.*--k N with 2 <= N <= 9"):
        k_range(9, 3, 12)
    with pytest.raises(TopicModelError, match="--k-max >= --k-min"):
        k_range(100, 8, 4)


def test_coherence_is_counted_on_a_fixed_sample_of_large_corpora(monkeypatch):
    from qualmine.models import selection

    docs = [[f"w{i % 7}", f"w{i % 5}"] for i in range(100)]
    assert selection.coherence_sample(docs, size=100) is docs          # small corpora: every document
    sample = selection.coherence_sample(docs, size=30)
    assert len(sample) == 30 and sample == selection.coherence_sample(docs, size=30)   # seeded: the same sample
    assert all(d in docs for d in sample)
    counted = []
    real = selection.npmi_coherence
    monkeypatch.setattr(selection, "COHERENCE_SAMPLE_DOCS", 30)
    monkeypatch.setattr(selection.coherence_sample, "__defaults__", (30,))
    monkeypatch.setattr(selection, "npmi_coherence", lambda top, d, **kw: counted.append(len(d)) or real(top, d, **kw))
    selection.select_k(docs, lambda k: make_topic_model("nmf", k, random_state=0), [2, 3])
    assert counted == [30, 30]


def test_diversity_floor_is_inclusive():
    # K=4 sits exactly on the floor: it qualifies, and its coherence beats K=3's.
    scores = pd.DataFrame({"k": [3, 4], "c_npmi": [0.1, 0.3], "diversity": [0.9, MIN_DIVERSITY]})
    k, why = choose_k(scores, min_diversity=MIN_DIVERSITY)
    assert k == 4 and "2 of 2 K qualified" in why and "among K in 3..4 with" in why
    # a hair below the floor it does not: K=3 is then the only diverse enough K
    k, why = choose_k(scores.assign(diversity=[0.9, MIN_DIVERSITY - 1e-4]), min_diversity=MIN_DIVERSITY)
    assert k == 3 and "1 of 2 K qualified" in why


def test_k_range_edges():
    assert k_range(100, 2, 5) == [2, 3, 4, 5]          # K=2 is allowed; an odd top is included
    assert k_range(100, 3, 3) == [3]                    # one K: k_max == k_min
    assert k_range(15, 3, 12) == [3]                    # 15 documents carry exactly 3 topics
    with pytest.raises(TopicModelError, match="starts below 2"):
        k_range(100, 1, 4)
    with pytest.raises(TopicModelError, match=r"only 14 document\(s\)"):
        k_range(14, 3, 12)


def test_a_single_k_is_reported_as_given():
    k, why = choose_k(pd.DataFrame({"k": [4], "c_npmi": [0.2], "diversity": [0.3]}))
    assert k == 4 and why == "K=4 was given (c_npmi 0.200, topic diversity 0.30)"


def test_fit_seconds_is_each_fits_own_duration(monkeypatch):
    import sys
    import time

    from qualmine.models import selection

    # A clock for select_k alone (other callers keep the real one): fits of K=2 and K=3 take 5 and 3.5 s.
    ticks, real = iter([2.0, 7.12345, 10.0, 13.5]), time.perf_counter

    def clock():
        return next(ticks) if sys._getframe(1).f_globals.get("__name__") == selection.__name__ else real()

    monkeypatch.setattr(selection.time, "perf_counter", clock)
    docs = [["queue", "wait", "hour"]] * 8 + [["club", "event", "youth"]] * 8
    choice = select_k(docs, lambda k: make_topic_model("nmf", k, random_state=0), [2, 3])
    assert choice.scores["fit_seconds"].tolist() == [5.123, 3.5]      # milliseconds
    with pytest.raises(dataclasses.FrozenInstanceError):
        choice.k = 3


def test_when_no_k_is_diverse_enough_the_most_diverse_scored_k_wins_the_smaller_on_a_tie():
    scores = pd.DataFrame({"k": [2, 3, 4, 5], "c_npmi": [0.1, 0.2, float("nan"), 0.3],
                           "diversity": [0.4, 0.4, 0.45, 0.3]})
    k, why = choose_k(scores)          # the default floor is 0.5: none reaches it
    assert k == 2 and why.startswith("K=2: no K in") and "2..5 reached topic diversity 0.50" in why   # K=4 has no coherence
    k, _ = choose_k(scores.assign(diversity=[0.4, 0.55, 0.45, 0.3]))
    assert k == 3


def test_diversity_and_coherence_edges():
    assert topic_diversity([]) == 0.0
    topics = [[f"a{i}" for i in range(24)] + ["x", "y"], [f"b{i}" for i in range(24)] + ["x", "y"]]
    assert topic_diversity(topics) == 49 / 50            # the first 25 terms: 'x' is shared, 'y' not counted
    docs = [["queue", "wait"], ["queue", "hour"], ["club", "youth"]] * 5
    assert math.isnan(npmi_coherence([["queue"], ["club"]], docs))     # one-term topics have no pairs
    assert npmi_coherence([["queue"], ["queue", "wait"]], docs) == npmi_coherence([["queue", "wait"]], docs)


def test_the_coherence_sample_is_without_replacement_and_20000_documents_at_most():
    from qualmine.models import selection

    docs = [[f"w{i}"] for i in range(20_001)]
    assert selection.coherence_sample(docs[:20_000]) == docs[:20_000]
    sample = selection.coherence_sample(docs)
    assert len(sample) == 20_000 and len({d[0] for d in sample}) == 20_000


def test_scores_are_the_first_ten_terms_npmi_and_the_diversity_to_four_decimals():
    import random

    # Three topics of 20 words sharing 10 common ones: 25 terms a topic, some repeated across topics.
    rng = random.Random(0)
    shared = [f"common{i}" for i in range(10)]
    groups = [[f"{name}{i}" for i in range(20)] for name in ("queue", "club", "rent")]
    docs = [rng.sample(g, 6) + rng.sample(shared, 2) for g in groups for _ in range(20)]
    choice = select_k(docs, lambda k: make_topic_model("nmf", k, random_state=0), [3])
    top = choice.model.top_terms(25)
    npmi, diversity = npmi_coherence(top, docs, top_n=10), topic_diversity(top, top_n=25)
    # the fixture tells the rule apart: 9 or 11 terms score otherwise, and 3 or 5 decimals differ
    assert len({round(npmi, 4), round(npmi_coherence(top, docs, top_n=9), 4),
                round(npmi_coherence(top, docs, top_n=11), 4)}) == 3
    assert len({round(npmi, 3), round(npmi, 4), round(npmi, 5)}) == 3
    assert len({round(diversity, 3), round(diversity, 4), round(diversity, 5)}) == 3
    assert choice.scores[["c_npmi", "diversity"]].values.tolist() == [[round(npmi, 4), round(diversity, 4)]]


def test_each_topics_own_coherence_and_nan_below_two_known_terms():
    from qualmine.models.selection import topic_coherences

    docs = ([["queue", "wait", "hour"]] * 6 + [["club", "event", "youth"]] * 6 + [["rent", "price", "flat"]] * 6
            + [["queue", "rent", "club"]] * 2)
    topics = [["queue", "wait", "hour"], ["club"], ["ghost", "unknown"], ["rent", "price", "ghost"]]
    got = topic_coherences(topics, docs)
    assert len(got) == 4 and math.isnan(got[1]) and math.isnan(got[2])     # one term; no known term
    assert got[0] == pytest.approx(npmi_coherence([topics[0]], docs))       # a topic's own score: the mean of one
    assert got[3] == pytest.approx(npmi_coherence([["rent", "price"]], docs))
    assert 0 < got[3] <= 1 and got[0] != got[3]
    # documents as tuples, or as one-pass iterables of words, are read the same as lists
    assert topic_coherences(topics, [tuple(d) for d in docs]) == pytest.approx(got, nan_ok=True)
    assert topic_coherences(topics, [(w for w in d) for d in docs]) == pytest.approx(got, nan_ok=True)
    assert all(math.isnan(v) for v in topic_coherences([["club"], ["ghost"]], docs))
