"""Vectorised steps around the fit give what their Python loops gave."""
import numpy as np
import pandas as pd
import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.models.alignment import topic_code_alignment
from qualmine.models.base import TopicModelError, check_docs
from qualmine.models.engines import make_topic_model
from qualmine.models.prepare import TextPreparer
from qualmine.models.tables import round_like_python, segment_topics_table


def test_rounding_is_pythons_on_real_topic_weights(example_answers):
    texts = example_answers["zh"]
    docs = TextPreparer("zh").fit_transform(texts)
    weights = make_topic_model("nmf", 6, random_state=13, lang="zh").fit(docs, texts=texts).doc_topic_.ravel()
    assert round_like_python(weights, 4).tolist() == [round(w, 4) for w in weights.tolist()]
    table = segment_topics_table([f"s{i}" for i in range(len(docs))], weights.reshape(len(docs), 6), "zh")
    assert table["weight"].dtype == np.float64


@pytest.mark.parametrize("digits", [2, 4, 6])
def test_rounding_is_pythons_at_halves_and_edges(digits):
    halves = (np.arange(-3000, 3000) + 0.5) / 10.0 ** digits     # x.xxx5: where scale-round-unscale can go wrong
    edges = np.array([0.0, -0.0, 1.0, 1e-300, 2.675, 0.125, 0.00015, 5e-5, np.nan, np.inf, -np.inf, 1 - 1e-16])
    values = np.concatenate([halves, np.nextafter(halves, 1), np.nextafter(halves, -1), edges,
                             np.random.default_rng(0).random(50_000)])
    mine, python = round_like_python(values, digits).tolist(), [round(v, digits) for v in values.tolist()]
    assert [repr(v) for v in mine] == [repr(v) for v in python]   # repr: -0.0, nan and inf count too


def test_empty_segment_topics_keep_their_column_types():
    table = segment_topics_table([], np.zeros((0, 3)), "zh")
    reference = pd.DataFrame({"weight": []})
    assert table.empty and table["weight"].dtype == reference["weight"].dtype


def test_check_docs_still_names_the_bad_document():
    with pytest.raises(TopicModelError, match="document 2 is not"):
        check_docs([["a", "b"], ["c"], ["d", 3]], 2, "NmfTopics")

    class Word(str):
        pass

    assert check_docs([[Word("a"), "b"], ["c"]], 2, "NmfTopics") == [["a", "b"], ["c"]]
    with pytest.raises(TopicModelError, match="only 1 document"):
        check_docs([["a"], []], 2, "NmfTopics")


def test_code_segments_count_only_modelled_segments():
    codebook = parse_codebook("""
name: t
codes:
  - id: A
    kind: problem
    label: {zh: 甲}
    keywords: {zh: [排队]}
""")
    dominant = pd.DataFrame({"segment_id": pd.array(["s1", "s2", "s3"], dtype="str"), "topic_id": ["zh-01"] * 3})
    applications = pd.DataFrame({"segment_id": pd.array(["s1", "s3", "s9", "s9"], dtype="str"), "code_id": "A"})
    topics = pd.DataFrame({"topic_id": ["zh-01"], "term": ["排队"]})
    row = topic_code_alignment(dominant, applications, topics, codebook, {"A": {"排队"}}).iloc[0]
    assert (row.code_segments, row.overlap_segments, row.topic_segments, row.term_overlap) == (2, 2, 3, 1)
