"""models/coherence.py counts gensim's sliding windows exactly as gensim's accumulator does, so
c_npmi is gensim's to the last bit (real answers, real topics, and window edge cases)."""
import numpy as np
from gensim.corpora import Dictionary
from gensim.models.coherencemodel import CoherenceModel

from qualmine.models.coherence import sliding_window_accumulator, window_counts
from qualmine.models.engines import make_topic_model
from qualmine.models.prepare import TextPreparer
from qualmine.models.selection import npmi_coherence


def gensim_and_ours(docs, topics):
    """(gensim's accumulator and per-topic c_npmi, ours) on the same model inputs."""
    dictionary = Dictionary(docs)
    make = lambda: CoherenceModel(topics=topics, texts=docs, dictionary=dictionary,  # noqa: E731
                                  coherence="c_npmi", topn=10, processes=1)
    reference = make()
    counted = reference.estimate_probabilities()
    ours = make()
    filled = sliding_window_accumulator(ours)
    return (counted, reference.get_coherence_per_topic()), (filled, ours.get_coherence_per_topic())


def assert_same_counts(docs, topics) -> None:
    (counted, reference), (filled, ours) = gensim_and_ours(docs, topics)
    assert filled.num_docs == counted.num_docs
    np.testing.assert_array_equal(filled._occurrences, counted._occurrences)
    assert filled._co_occurrences.dtype == counted._co_occurrences.dtype
    assert (filled._co_occurrences != counted._co_occurrences).nnz == 0
    assert ours == reference                                   # float for float


def fitted_topics(texts, lang, k):
    docs = TextPreparer(lang).fit_transform(texts)
    model = make_topic_model("nmf", k, random_state=13, lang=lang).fit(docs, texts=texts)
    return docs, [[t for t, _ in topic[:10]] for topic in model.top_terms(10)]


def test_window_edge_cases():
    # empty, shorter than, as long as and longer than the window; words repeated inside a window
    # (gensim unmarks a word whose earlier copy leaves the window: that is counted as gensim does)
    docs = [[], ["a"], ["a", "b", "a"], list("abcabcabca"), list("aaaaaaaaaaaab"), list("abxxxxxxxxxxxxba"),
            list("xaxxxxxxxxaxxbxxxxxxxxxxb"), ["b"] * 30, []]
    assert_same_counts(docs, [["a", "b"], ["b", "x", "a"]])


def test_random_documents_with_many_repeats():
    rng = np.random.default_rng(0)
    docs = [list(rng.choice(list("abcdexyz"), size=rng.integers(0, 45))) for _ in range(2000)]
    assert_same_counts(docs, [["a", "b", "c"], ["x", "y", "a", "e"], ["z", "d"]])


def test_real_topics_on_the_example_corpus(example_answers):
    for lang, k in (("zh", 6), ("en", 4)):
        docs, topics = fitted_topics(example_answers[lang], lang, k)
        assert_same_counts(docs, topics)


def test_real_topics_on_real_chinese_questions(neike_answers):
    docs, topics = fitted_topics(neike_answers, "zh", 10)
    assert_same_counts(docs, topics)
    rng = np.random.default_rng(1)
    vocabulary = sorted({t for d in docs for t in d})
    assert_same_counts(docs, [list(rng.choice(vocabulary, 10, replace=False)) for _ in range(12)])


def test_real_topics_on_real_english_answers(nhs_answers):
    docs, topics = fitted_topics(nhs_answers, "en", 8)
    assert_same_counts(docs, topics)


def test_npmi_coherence_is_gensims(example_answers):
    docs, topics = fitted_topics(example_answers["zh"], "zh", 5)
    plain = CoherenceModel(topics=topics, texts=docs, dictionary=Dictionary(docs), coherence="c_npmi",
                           topn=10, processes=1).get_coherence()
    assert npmi_coherence(topics, docs) == plain


def test_window_counts_shape():
    windows, total = window_counts([["a", "b"], list("abcdefghijkl"), []], {"a": 0, "l": 1}, 10)
    assert total == 1 + 3 + 1 and windows.shape == (5, 2)
    assert windows.toarray().tolist() == [[1, 0], [1, 0], [0, 0], [0, 1], [0, 0]]
