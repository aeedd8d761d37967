"""How coding.tables.exemplar_quotes ranks a chain's quotes: highest score first, then the length
closest to 60 characters (|len - 60|), then segment id; one quote per respondent."""
from __future__ import annotations

import pandas as pd

from qualmine.coding.tables import exemplar_quotes


def quotes_frame(rows: list[tuple[str, str, float, int]]) -> pd.DataFrame:
    """(segment_id, respondent_id, score, length) -> a coded frame whose texts have those lengths."""
    return pd.DataFrame([{"segment_id": seg, "respondent_id": who, "score": score, "code_id": "P",
                          "text": "排" * length} for seg, who, score, length in rows])


def test_the_highest_score_comes_first_whatever_its_length():
    coded = quotes_frame([("s1", "A", 0.5, 60), ("s2", "B", 0.9, 200), ("s3", "C", 0.7, 60)])
    assert [who for _, who in exemplar_quotes(coded)] == ["B", "C", "A"]


def test_at_equal_score_the_length_nearest_sixty_characters_comes_first():
    # |len - 60|: 61 -> 1, 45 -> 15, 90 -> 30, 20 -> 40. Shortest-first would give D, B, A, C.
    coded = quotes_frame([("s1", "A", 0.8, 90), ("s2", "B", 0.8, 45), ("s3", "C", 0.8, 61), ("s4", "D", 0.8, 20)])
    assert [who for _, who in exemplar_quotes(coded, k=4)] == ["C", "B", "A", "D"]
    assert [who for _, who in exemplar_quotes(coded)] == ["C", "B", "A"]     # k = 3 by default: no more


def test_ties_fall_to_the_segment_id_and_a_respondent_gives_one_quote():
    # A and B tie on score and on |len - 60| (10): s1 before s2. A's second segment gives no quote.
    coded = quotes_frame([("s2", "A", 0.8, 70), ("s1", "B", 0.8, 50), ("s3", "A", 0.7, 60)])
    assert [(len(text), who) for text, who in exemplar_quotes(coded)] == [(50, "B"), (70, "A")]


def test_sixty_characters_is_the_centre_of_the_length_rule():
    # 61 and 59 characters are both 1 from 60: a tie the segment id breaks (s1 first); were the centre
    # 59, the 59-character quote would come first.
    coded = quotes_frame([("s2", "B", 0.8, 59), ("s1", "A", 0.8, 61)])
    assert [who for _, who in exemplar_quotes(coded)] == ["A", "B"]
