"""coding/links.py at its boundaries: the strength words, the candidate thresholds (each one met
exactly), how far apart in one turn a connective still joins two sentences, and who counts in
the respondent base. The hand-checked whole table is tests/outputs/report/test_links.py."""
from __future__ import annotations

import pandas as pd
import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.links import (
    LINK_SENTENCE_COLUMNS, MAX_TURN_SPAN, TOPIC_RECOMMENDATION_COLUMNS, LinkThresholds, link_pairs, link_sentences,
    link_strength, links, topic_recommendations,
)

BOOK = parse_codebook("""
name: edges
codes:
  - {id: P-Q, kind: problem, label: {en: Long queues}, keywords: {en: [queue]}, causes: [C-S]}
  - {id: P-Q-WEEKEND, kind: problem, parent: P-Q, label: {en: Weekend queues}, keywords: {en: [weekend]}}
  - {id: P-N, kind: problem, label: {en: Noise}, keywords: {en: [noise]}}
  - {id: C-S, kind: cause, label: {en: Too few staff}, keywords: {en: [few staff]}, recommendations: [R-H]}
  - {id: C-S-SICK, kind: cause, parent: C-S, label: {en: Staff off sick}, keywords: {en: [sick]}}
  - {id: R-H, kind: recommendation, label: {en: Hire staff}, keywords: {en: [hire]}}
  - {id: R-W, kind: recommendation, label: {zh: 加窗口}, keywords: {en: [window]}}
""")


def frames(people: list[list[tuple[str, dict[str, str]]]], interviewer: str = "False"):
    """Segments and applications: one document and one turn per respondent, one segment per sentence."""
    segs, apps = [], []
    for r, sentences in enumerate(people):
        at = 0
        for i, (text, codes) in enumerate(sentences):
            seg_id = f"r{r}s{i}"
            segs.append({"segment_id": seg_id, "doc_id": f"d{r}", "respondent_id": f"r{r}", "start": at,
                         "end": at + len(text), "text": text, "position": i, "turn": 1, "lang": "en",
                         "is_interviewer": interviewer})
            for code_id, term in codes.items():
                local = text.index(term)
                apps.append({"segment_id": seg_id, "code_id": code_id, "start": at + local,
                             "end": at + local + len(term)})
            at += len(text) + 1
    return pd.DataFrame(apps, columns=["segment_id", "code_id", "start", "end"]), pd.DataFrame(segs)


def row(table: pd.DataFrame, a: str, b: str) -> pd.Series:
    hit = table[(table.from_id == a) & (table.to_id == b)]
    assert len(hit) == 1
    return hit.iloc[0]


@pytest.mark.parametrize("both, p, said, expected", [
    (3, 0.01, 0, "strong"),      # three people and p at 0.01: strong on co-occurrence alone
    (2, 0.01, 0, "some"),        # two people are never strong
    (3, 0.0101, 0, "some"),      # p just over 0.01 needs a connective sentence
    (3, 0.05, 1, "strong"),      # p at 0.05 with one sentence
    (3, 0.0501, 1, "some"),
    (2, 0.1, 0, "some"),         # two people and p at 0.1
    (1, 0.1, 0, "none"),         # one person, no sentence
    (2, 0.1001, 0, "none"),
    (0, float("nan"), 1, "some"),  # one connective sentence is some support by itself
    (0, 0.0, 0, "none"),
    (5, float("nan"), 0, "none"),  # no p-value (nobody coded): never support
    (3, 0.05, 2, "strong"),        # two sentences count as one or more
    (0, float("nan"), 2, "some"),
])
def test_strength_words_at_their_thresholds(both, p, said, expected):
    assert link_strength(both, p, said) == expected


def test_strength_reads_a_missing_sentence_count_as_none_said():
    assert link_strength(2, 0.5, None) == "none"


def test_a_parent_link_is_inherited_by_both_childrens_pairs_and_the_basis_names_the_stating_code():
    pairs = {(p.from_id, p.to_id): p for p in link_pairs(BOOK)}
    assert pairs[("P-Q-WEEKEND", "C-S-SICK")].codebook_basis == "P-Q.causes lists C-S"
    assert pairs[("C-S-SICK", "R-H")].codebook_basis == "C-S.recommendations lists R-H"
    assert pairs[("P-Q-WEEKEND", "R-H")].codebook_basis == "via cause C-S: C-S.recommendations lists R-H"
    assert not pairs[("P-N", "C-S")].codebook_linked and pairs[("P-N", "C-S")].codebook_basis == ""
    assert not pairs[("C-S", "R-W")].codebook_linked
    assert [p.link_type for p in link_pairs(BOOK)].count("problem-cause") == 3 * 2


def _noise_and_window(together: int, noise_only: int, window_only: int, neither: int):
    people = ([[("The noise, and a window please.", {"P-N": "noise", "R-W": "window"})]] * together
              + [[("So much noise.", {"P-N": "noise"})]] * noise_only
              + [[("Open a window.", {"R-W": "window"})]] * window_only
              + [[("All fine.", {})]] * neither)
    return frames(people)


def test_a_candidate_meets_each_threshold_exactly():
    from scipy.stats import fisher_exact

    apps, segs = _noise_and_window(together=3, noise_only=1, window_only=0, neither=5)
    p = float(fisher_exact([[3, 1], [0, 5]], alternative="greater").pvalue)
    lift = 3 * 9 / (4 * 3)
    exact = links(BOOK, apps, segs, LinkThresholds(min_respondents=3, min_lift=lift, max_p_value=p))
    pair = row(exact, "P-N", "R-W")
    assert (pair.respondents_both, pair.respondents_base, pair.lift) == (3, 9, pytest.approx(lift))
    assert pair.candidate_link
    for stricter in (LinkThresholds(min_respondents=4, min_lift=lift, max_p_value=p),
                     LinkThresholds(min_respondents=3, min_lift=lift + 1e-9, max_p_value=p),
                     LinkThresholds(min_respondents=3, min_lift=lift, max_p_value=p * (1 - 1e-9))):
        assert not row(links(BOOK, apps, segs, stricter), "P-N", "R-W").candidate_link


def test_a_codebook_link_is_never_a_candidate_and_an_uncoded_pair_has_no_lift():
    people = [[("The queue, too few staff.", {"P-Q": "queue", "C-S": "few staff"})]] * 4 + [[("Fine.", {})]] * 4
    apps, segs = frames(people)
    table = links(BOOK, apps, segs, LinkThresholds(min_respondents=1, min_lift=0.0, max_p_value=1.0))
    linked = row(table, "P-Q", "C-S")
    assert linked.respondents_both == 4 and linked.lift == pytest.approx(2.0) and not linked.candidate_link
    nobody = row(table, "P-N", "R-W")
    assert nobody.from_respondents == 0 and pd.isna(nobody.lift) and pd.isna(nobody.p_value)
    assert not nobody.candidate_link and nobody.strength == "none"


def test_segments_both_counts_segments_not_people():
    people = [[("A queue.", {"P-Q": "queue"}), ("Too few staff.", {"C-S": "few staff"})],
              [("A queue with too few staff, twice.", {"P-Q": "queue", "C-S": "few staff"}),
               ("Again a queue, too few staff.", {"P-Q": "queue", "C-S": "few staff"})]]
    apps, segs = frames(people)
    pair = row(links(BOOK, apps, segs), "P-Q", "C-S")
    assert (pair.respondents_both, pair.segments_both) == (2, 2)


def test_interviewer_segments_given_as_text_flags_leave_the_base():
    apps, segs = frames([[("A queue.", {"P-Q": "queue"})], [("Why?", {})], [("And?", {})]])
    segs["is_interviewer"] = ["False", "1", "true"]
    assert set(links(BOOK, apps, segs).respondents_base) == {1}
    segs["is_interviewer"] = ["False", "0", "no"]
    assert set(links(BOOK, apps, segs).respondents_base) == {3}


def _turn(gap: int, opening: int = 0):
    """`opening` greetings, a queue sentence, `gap - 1` filler sentences, then 'Because of too few staff.'."""
    sentences = ([("Hello.", {})] * opening + [("We queue for hours.", {"P-Q": "queue"})]
                 + [("It is like that.", {})] * (gap - 1) + [("Because of too few staff.", {"C-S": "few staff"})])
    return frames([sentences])


@pytest.mark.parametrize("opening", [0, 1, 2])
def test_a_connective_joins_sentences_up_to_max_turn_span_apart_in_one_turn(opening):
    apps, segs = _turn(MAX_TURN_SPAN, opening)
    said = link_sentences(BOOK, apps, segs)
    assert said[["from_id", "to_id", "scope", "connective"]].values.tolist() == [["P-Q", "C-S", "turn", "because"]]
    assert said.text.iloc[0] == " ".join(segs.text[opening:])
    apps, segs = _turn(MAX_TURN_SPAN + 1, opening)
    assert link_sentences(BOOK, apps, segs).empty


def test_next_sentence_is_adjacent_and_a_new_turn_or_document_breaks_the_join():
    apps, segs = _turn(1)
    said = link_sentences(BOOK, apps, segs)
    assert said[["scope", "segment_id", "next_segment_id"]].values.tolist() == [["adjacent", "r0s0", "r0s1"]]
    moved = segs.copy()
    moved.loc[1, "turn"] = 2
    assert link_sentences(BOOK, apps, moved).empty
    moved = segs.copy()
    moved.loc[1, "doc_id"] = "other"
    assert link_sentences(BOOK, apps, moved).empty
    moved = segs.copy()
    moved["turn"] = [2, 1]              # any other turn number is another turn, lower ones too
    assert link_sentences(BOOK, apps, moved).empty


def test_a_chinese_turn_is_quoted_without_spaces():
    sentences = [("排队要等一个钟头。", {"P-Q": "排队"}), ("因为人手不够。", {"C-S": "人手不够"})]
    apps, segs = frames([sentences])
    segs["lang"] = "zh"
    said = link_sentences(BOOK, apps, segs)
    assert said.text.tolist() == ["排队要等一个钟头。因为人手不够。"] and said.connective.tolist() == ["因为"]


def test_the_pair_is_reported_in_codebook_direction_whichever_code_comes_first():
    apps, segs = frames([[("Too few staff, because of that the queue.", {"C-S": "few staff", "P-Q": "queue"})]])
    said = link_sentences(BOOK, apps, segs)
    assert said[["from_id", "to_id", "scope"]].values.tolist() == [["P-Q", "C-S", "segment"]]


def test_the_example_sentence_is_the_first_one_said_with_its_respondent():
    people = [[("The queue is long because there are too few staff.", {"P-Q": "queue", "C-S": "few staff"})],
              [("The queue grows because of too few staff.", {"P-Q": "queue", "C-S": "few staff"})]]
    apps, segs = frames(people)
    pair = row(links(BOOK, apps, segs), "P-Q", "C-S")
    assert pair.connective_sentences == 2
    assert (pair.connective_example, pair.connective_example_respondent) == (people[0][0][0], "r0")


@pytest.mark.parametrize("order", [("P-N", "R-W", "P-Q", "C-S"), ("P-Q", "R-W", "C-S", "P-N"), ("P-Q", "P-N", "C-S", "R-W")])
def test_every_pair_of_codes_in_one_segment_is_read_whatever_their_order(order):
    text = "Noise, a window, and the queue is long because of too few staff."
    terms = {"P-N": "Noise", "R-W": "window", "P-Q": "queue", "C-S": "few staff"}
    apps, segs = frames([[(text, {code: terms[code] for code in order})]])
    said = link_sentences(BOOK, apps, segs)
    assert ("problem-cause", "P-Q", "C-S", "segment") in set(zip(said.link_type, said.from_id, said.to_id, said.scope))
    assert list(said.columns) == list(LINK_SENTENCE_COLUMNS) and list(said.index) == list(range(len(said)))


@pytest.mark.parametrize("opening", [[], [("Hello there.", {})]])
def test_a_connective_before_the_first_evidence_does_not_join_a_later_sentence(opening):
    sentences = opening + [("Because of the rain, we queue for hours.", {"P-Q": "queue"}), ("It is like that.", {}),
                           ("There are too few staff.", {"C-S": "few staff"})]
    apps, segs = frames([sentences])
    assert link_sentences(BOOK, apps, segs).empty


def test_evidence_offsets_are_made_local_to_their_segment():
    # The second sentence's connective comes after its evidence: it joins nothing.
    apps, segs = frames([[("Filler sentence here.", {}), ("We queue for hours.", {"P-Q": "queue"}),
                          ("Too few staff, because of the budget.", {"C-S": "few staff"})]])
    assert link_sentences(BOOK, apps, segs).empty
    # The first sentence's connective after its evidence joins the next sentence.
    apps, segs = frames([[("Filler sentence here.", {}), ("We queue for hours, so that nobody comes.", {"P-Q": "queue"}),
                          ("Too few staff.", {"C-S": "few staff"})]])
    said = link_sentences(BOOK, apps, segs)
    assert said[["scope", "connective"]].values.tolist() == [["adjacent", "so that"]]


def test_lift_and_the_one_sided_fisher_p_of_the_respondent_table_rounded():
    from scipy.stats import fisher_exact

    apps, segs = _noise_and_window(together=1, noise_only=2, window_only=3, neither=4)
    pair = row(links(BOOK, apps, segs), "P-N", "R-W")
    assert (pair.from_respondents, pair.to_respondents, pair.respondents_both, pair.respondents_base) == (3, 4, 1, 10)
    p = float(fisher_exact([[1, 2], [3, 4]], alternative="greater").pvalue)
    assert pair.p_value == round(p, 6) and pair.lift == round(1 * 10 / (3 * 4), 4) == 0.8333


def test_the_default_thresholds_are_three_people_half_again_chance_and_p_five_percent():
    assert LinkThresholds() == LinkThresholds(min_respondents=3, min_lift=1.5, max_p_value=0.05)


def test_more_people_than_the_minimum_still_make_a_candidate():
    apps, segs = _noise_and_window(together=3, noise_only=1, window_only=0, neither=5)
    loose = links(BOOK, apps, segs, LinkThresholds(min_respondents=2, min_lift=1.0, max_p_value=0.5))
    assert row(loose, "P-N", "R-W").candidate_link


def test_a_pair_with_one_uncoded_side_has_no_p_value_and_labels_fall_back_in_order():
    apps, segs = frames([[("A queue.", {"P-Q": "queue"})], [("Fine.", {})]])
    table = links(BOOK, apps, segs)
    pair = row(table, "P-Q", "R-W")
    assert pair.from_respondents == 1 and pair.to_respondents == 0 and pd.isna(pair.p_value) and pd.isna(pair.lift)
    assert (pair.from_label, pair.to_label) == ("Long queues", "加窗口")        # en only, zh only


def test_a_problem_later_in_the_turn_joins_a_cause_stated_first():
    apps, segs = frames([[("There are too few staff.", {"C-S": "few staff"}),
                          ("Because of that we queue for hours.", {"P-Q": "queue"})]])
    said = link_sentences(BOOK, apps, segs)
    assert said[["from_id", "to_id", "scope", "segment_id"]].values.tolist() == [["P-Q", "C-S", "adjacent", "r0s0"]]


def test_an_unpaired_code_next_to_the_evidence_does_not_hide_the_pair():
    apps, segs = frames([[("We queue for hours.", {"P-Q": "queue"}),
                          ("Because of noise and too few staff.", {"P-N": "noise", "C-S": "few staff"})]])
    said = link_sentences(BOOK, apps, segs)
    assert ("P-Q", "C-S", "adjacent") in set(zip(said.from_id, said.to_id, said.scope))


def test_long_interviews_past_256_turns_and_segments_still_join():
    people = [[("Hello.", {})] * 300 + [("We queue for hours.", {"P-Q": "queue"}),
                                        ("Because of too few staff.", {"C-S": "few staff"})]]
    apps, segs = frames(people)
    segs["turn"] = [n // 2 for n in range(300)] + [300, 300]
    said = link_sentences(BOOK, apps, segs)
    assert said[["scope", "segment_id", "next_segment_id"]].values.tolist() == [["adjacent", "r0s300", "r0s301"]]


def test_topic_recommendations_keep_their_columns_and_a_clean_index():
    alignment = pd.DataFrame({"topic_id": ["T1", "T1"], "code_id": ["P-Q", "C-S"], "share": [0.5, 0.5]})
    recs = topic_recommendations(BOOK, alignment)
    assert list(recs.columns) == list(TOPIC_RECOMMENDATION_COLUMNS) and list(recs.index) == list(range(len(recs)))


def test_the_turn_reach_is_four_sentences():
    assert MAX_TURN_SPAN == 4      # the documented reach; the boundary tests above use it


def test_thresholds_and_pairs_are_immutable_records():
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        LinkThresholds().min_lift = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        link_pairs(BOOK)[0].codebook_linked = False


def test_a_connective_in_the_very_next_sentence_joins_across_it():
    apps, segs = frames([[("We queue for hours.", {"P-Q": "queue"}), ("Because it is slow.", {}),
                          ("There are too few staff.", {"C-S": "few staff"})]])
    said = link_sentences(BOOK, apps, segs)
    assert said[["link_type", "from_id", "to_id", "scope"]].values.tolist() == [["problem-cause", "P-Q", "C-S", "turn"]]


def test_a_coded_sentence_in_between_does_not_end_the_search():
    apps, segs = frames([[("We queue for hours.", {"P-Q": "queue"}), ("The noise too.", {"P-N": "noise"}),
                          ("Because of too few staff.", {"C-S": "few staff"})]])
    said = link_sentences(BOOK, apps, segs)
    assert ("P-Q", "C-S", "turn") in set(zip(said.from_id, said.to_id, said.scope))


def test_when_everyone_raised_one_of_the_two_the_fisher_table_has_an_empty_cell():
    from scipy.stats import fisher_exact

    apps, segs = _noise_and_window(together=2, noise_only=2, window_only=1, neither=0)
    pair = row(links(BOOK, apps, segs), "P-N", "R-W")
    assert pair.respondents_base == 5 and pair.connective_sentences == 0
    assert pair.p_value == round(float(fisher_exact([[2, 2], [1, 0]], alternative="greater").pvalue), 6)


def test_a_share_that_is_not_a_number_aligns_nothing_and_a_recommendation_answers_itself():
    from qualmine.coding.links import aligned_codes, code_recommendations

    alignment = pd.DataFrame({"topic_id": ["T1", "T2"], "code_id": ["P-Q", "C-S"], "share": ["n/a", "0.4"]})
    assert aligned_codes(alignment)["code_id"].tolist() == ["C-S"]
    assert code_recommendations(BOOK)["R-H"] == [("R-H", "the code is this recommendation")]


def test_codes_on_interviewer_segments_count_for_nobody():
    # Bug: the interviewer's coded question counted its respondent as raising the code, outside the
    # base (here 2 - 2 - 1 + 0 = -1 people in the 'neither' cell).
    apps, segs = frames([[("Why so much noise?", {"P-N": "noise"}), ("Open a window.", {"R-W": "window"})],
                         [("Open a window.", {"R-W": "window"})]])
    segs["is_interviewer"] = ["true", "false", "false"]
    pair = row(links(BOOK, apps, segs), "P-N", "R-W")
    assert (pair.from_respondents, pair.to_respondents, pair.respondents_both, pair.respondents_base) == (0, 2, 0, 2)
    assert pair.segments_both == 0 and pair.p_value != pair.p_value   # no one raised the noise: no test


@pytest.mark.parametrize("filler", range(1, 40))
def test_a_connective_between_two_codes_joins_them_wherever_the_segment_starts(filler):
    # The evidence offsets index the document; the connective is found in the segment's own text.
    apps, segs = frames([[("x" * filler + ".", {}),
                          ("The queue is long because there are too few staff.", {"P-Q": "queue", "C-S": "few staff"})],
                         [("y" * filler + ".", {}),
                          ("So few staff because of the queue.", {"P-Q": "queue", "C-S": "few staff"})]])
    said = link_sentences(BOOK, apps, segs)
    assert said[["from_id", "to_id", "scope", "segment_id", "connective"]].values.tolist() == [
        ["P-Q", "C-S", "segment", "r0s1", "because"], ["P-Q", "C-S", "segment", "r1s1", "because"]]


def test_a_share_that_is_not_a_number_is_no_share_at_all():
    from qualmine.coding.links import aligned_codes

    alignment = pd.DataFrame({"topic_id": ["T1", "T2"], "code_id": ["P-Q", "C-S"], "share": ["n/a", "0.4"]})
    assert aligned_codes(alignment, min_share=0.0).values.tolist() == [["T1", "P-Q", 0.0], ["T2", "C-S", 0.4]]
    assert aligned_codes(alignment, min_share=-1.0)["share"].tolist() == [0.0, 0.4]


@pytest.mark.parametrize("first", ["We queue for hours.", "We queue for many hours."])
def test_a_connective_after_the_next_sentences_evidence_speaks_of_something_else(first):
    apps, segs = frames([[(first, {"P-Q": "queue"}),
                          ("There were few staff today, because of the flu.", {"C-S": "few staff"})]])
    assert link_sentences(BOOK, apps, segs).empty
