"""The shared contract every topic engine passes, on a planted two-theme corpus."""
import numpy as np
import pytest

from qualmine.models.base import TopicModelError
from qualmine.models.engines import ENGINES, make_topic_model

QUEUE = ["queue", "wait", "hour", "counter", "slow", "ticket"]
YOUTH = ["volunteer", "youth", "activity", "weekend", "club", "event"]


def planted_corpus(n_per_theme: int = 30, seed: int = 0) -> tuple[list[list[str]], list[int]]:
    """Two obvious themes: each document draws 5 words from one theme's words only."""
    rng = np.random.default_rng(seed)
    docs, themes = [], []
    for i in range(2 * n_per_theme):
        theme = i % 2
        words = QUEUE if theme == 0 else YOUTH
        docs.append([str(w) for w in rng.choice(words, size=5)])
        themes.append(theme)
    return docs, themes


@pytest.fixture(params=sorted(ENGINES))
def engine(request) -> str:
    return request.param


def test_two_planted_themes_come_out_as_two_topics(engine):
    docs, themes = planted_corpus()
    model = make_topic_model(engine, 2, random_state=1)
    weights = model.fit_transform(docs)
    dominant = weights.argmax(axis=1)
    theme_topic = {t: dominant[[i for i, x in enumerate(themes) if x == t]] for t in (0, 1)}
    # every document of a theme gets the same dominant topic, and the themes get different ones
    assert len(set(theme_topic[0])) == 1 and len(set(theme_topic[1])) == 1
    assert theme_topic[0][0] != theme_topic[1][0]
    top = {topic: {t for t, _ in terms[:6]} for topic, terms in enumerate(model.top_terms(6))}
    assert top[theme_topic[0][0]] == set(QUEUE)
    assert top[theme_topic[1][0]] == set(YOUTH)


def test_learned_state_and_shapes(engine):
    docs, _ = planted_corpus()
    model = make_topic_model(engine, 2, random_state=1).fit(docs)
    assert model.components_.shape == (2, len(QUEUE) + len(YOUTH))
    assert np.allclose(model.components_.sum(axis=1), 1.0)
    new = model.transform([["queue", "wait"], ["club", "event", "youth"], ["unknownword"], []])
    assert new.shape == (4, 2)
    assert np.allclose(new[:2].sum(axis=1), 1.0) and not new[2:].any()
    terms = model.top_terms(3)
    assert all(w1 >= w2 for topic in terms for (_, w1), (_, w2) in zip(topic, topic[1:]))
    assert model.get_params()["k"] == 2    # scikit-learn estimator: params stored untouched


def test_same_seed_same_topics(engine):
    docs, _ = planted_corpus(seed=3)
    a = make_topic_model(engine, 3, random_state=7).fit(docs)
    b = make_topic_model(engine, 3, random_state=7).fit(docs)
    assert a.top_terms(5) == b.top_terms(5)
    assert np.array_equal(a.transform(docs), b.transform(docs))
    assert np.array_equal(a.transform(docs), a.transform(docs))


@pytest.mark.parametrize("k", [0, 1, 501, 2.5, True])
def test_bad_k_uses_the_parameter_error_template(engine, k):
    docs, _ = planted_corpus()
    cls = ENGINES[engine].__name__
    with pytest.raises(ValueError, match=rf"The 'k' parameter of {cls} must be an int in the range \[2, 500\]\. Got "):
        make_topic_model(engine, k).fit(docs)


def test_k_larger_than_documents_is_a_clear_error(engine):
    with pytest.raises(TopicModelError, match=r"K=5 topics were asked for but only 3 document\(s\) have words.*K <= 3"):
        make_topic_model(engine, 5).fit([["queue", "wait"], ["club", "event"], ["hour", "slow"], []])


def test_all_empty_documents_is_a_clear_error(engine):
    with pytest.raises(TopicModelError, match="no document has any word left"):
        make_topic_model(engine, 2).fit([[], [], []])


def test_unknown_engine():
    with pytest.raises(ValueError, match=r"The 'engine' parameter of make_topic_model must be one of 'nmf', 'lda'\. Got 'bert'"):
        make_topic_model("bert", 3)
