"""The segment_topics table on a hand-checked weight matrix."""
import numpy as np

from qualmine.models.tables import segment_topics_table


def test_segment_topics_lists_heavy_topics_dominant_first_and_skips_empty_segments():
    weights = np.array([
        [0.05, 0.60, 0.35],     # topics 2 then 3; topic 1 below the 0.1 threshold
        [0.00, 0.00, 0.00],     # no modelled word: no row
        [0.50, 0.50, 0.00],     # a tie: the lower topic index ranks first
        [0.04, 0.03, 0.02],     # all below the threshold: still its dominant topic
    ])
    table = segment_topics_table(["a", "b", "c", "d"], weights, "zh")
    got = list(table.itertuples(index=False, name=None))
    assert got == [
        ("a", "zh-02", 0.6, 1, True), ("a", "zh-03", 0.35, 2, False),
        ("c", "zh-01", 0.5, 1, True), ("c", "zh-02", 0.5, 2, False),
        ("d", "zh-01", 0.04, 1, True),
    ]
    assert str(table["rank"].dtype) == "int64" and table["dominant"].dtype == bool


def test_segment_topics_of_no_segments_has_the_columns():
    table = segment_topics_table([], np.zeros((0, 4)), "en")
    assert list(table.columns) == ["segment_id", "topic_id", "weight", "rank", "dominant"] and table.empty
