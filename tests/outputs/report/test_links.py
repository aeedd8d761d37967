"""The links table on a small hand-checked case: counts, lift, connective sentences, candidates."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.links import (
    LinkThresholds, aligned_codes, link_pairs, link_sentences, link_strength, links, topic_recommendations,
)

CODEBOOK = """
name: tiny
codes:
  - {id: P-A, kind: problem, label: {en: Long queues}, keywords: {en: [queue]}, causes: [C-A], recommendations: [R-A]}
  - {id: P-A-KID, kind: problem, parent: P-A, label: {en: Weekend queues}, keywords: {en: [weekend]}}
  - {id: P-B, kind: problem, label: {en: Boring events}, keywords: {en: [boring]}, causes: [C-B]}
  - {id: C-A, kind: cause, label: {en: Too few staff}, keywords: {en: [few staff]}, recommendations: [R-A]}
  - {id: C-B, kind: cause, label: {en: No budget}, keywords: {en: [budget]}, recommendations: [R-B]}
  - {id: R-A, kind: recommendation, label: {en: Hire staff}, keywords: {en: [hire]}}
  - {id: R-B, kind: recommendation, label: {en: More events}, keywords: {en: [more events]}}
"""

# (doc, respondent, turn, interviewer, text, {code: evidence}) in document order.
ROWS = [
    ("d1", "r1", 1, False, "The queue is long because there are too few staff.", {"P-A": "queue", "C-A": "too few staff"}),
    ("d1", "r1", 3, False, "More events please.", {"R-B": "More events"}),
    ("d2", "r2", 1, False, "We queue for hours.", {"P-A": "queue"}),
    ("d2", "r2", 1, False, "That is because of too few staff.", {"C-A": "too few staff"}),
    ("d2", "r2", 3, False, "More events would help.", {"R-B": "More events"}),
    ("d3", "r3", 1, False, "The queue is long.", {"P-A": "queue"}),
    ("d3", "r3", 2, True, "Why is that?", {}),
    ("d3", "r3", 3, False, "Because of too few staff.", {"C-A": "too few staff"}),   # another turn: not adjacent
    ("d3", "r3", 3, False, "More events, maybe.", {"R-B": "More events"}),
    ("d4", "r4", 1, False, "Too few staff and a long queue so that nobody comes.", {"P-A": "queue", "C-A": "Too few staff"}),
    ("d5", "r5", 1, False, "Boring events.", {"P-B": "Boring"}),
    ("d6", "r6", 1, False, "No budget.", {"C-B": "budget"}),
    ("d7", "r7", 1, False, "Boring events due to no budget.", {"P-B": "Boring", "C-B": "budget"}),
    ("d8", "r8", 1, False, "Hire staff.", {"R-A": "Hire"}),
    ("d9", "r9", 1, False, "Nothing to add.", {}),
    ("d10", "r10", 0, True, "Interviewer only: the queue?", {}),   # not a codable respondent: not in the base
]


@pytest.fixture(scope="module")
def book():
    return parse_codebook(CODEBOOK)


@pytest.fixture(scope="module")
def frames():
    segs, apps, offsets, positions = [], [], {}, {}
    for n, (doc, who, turn, interviewer, text, codes) in enumerate(ROWS):
        start = offsets.get(doc, 0)
        position = positions.get(doc, 0)
        seg_id = f"s{n:02d}"
        segs.append({"segment_id": seg_id, "doc_id": doc, "respondent_id": who, "is_interviewer": interviewer,
                     "lang": "en", "start": start, "end": start + len(text), "position": position, "turn": turn,
                     "text": text})
        for code_id, evidence in codes.items():
            local = text.index(evidence)
            apps.append({"segment_id": seg_id, "code_id": code_id, "source": "rule", "start": start + local,
                         "end": start + local + len(evidence), "evidence": evidence, "score": 0.9,
                         "matched": evidence, "hits": 1})
        offsets[doc], positions[doc] = start + len(text) + 1, position + 1
    return pd.DataFrame(apps), pd.DataFrame(segs)


def row(table, a, b):
    hit = table[(table.from_id == a) & (table.to_id == b)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_every_pair_once_with_the_codebooks_word(book):
    pairs = {(p.from_id, p.to_id): p for p in link_pairs(book)}
    assert len(pairs) == 3 * 2 + 3 * 2 + 2 * 2
    assert pairs[("P-A", "C-A")].codebook_basis == "P-A.causes lists C-A"
    assert pairs[("P-A-KID", "C-A")].codebook_basis == "P-A.causes lists C-A"        # inherited from the parent
    assert pairs[("P-B", "R-B")].codebook_basis == "via cause C-B: C-B.recommendations lists R-B"
    assert pairs[("C-A", "R-A")].codebook_linked and not pairs[("P-A", "R-B")].codebook_linked
    assert not pairs[("P-B", "C-A")].codebook_linked


def test_connective_sentences_in_one_segment_and_across_adjacent_segments(book, frames):
    apps, segs = frames
    said = link_sentences(book, apps, segs)
    got = sorted(zip(said.from_id, said.to_id, said.scope, said.respondent_id, said.connective))
    assert got == [("P-A", "C-A", "adjacent", "r2", "because"), ("P-A", "C-A", "segment", "r1", "because"),
                   ("P-B", "C-B", "segment", "r7", "due to")]
    adjacent = said[said.scope == "adjacent"].iloc[0]
    assert adjacent.text == "We queue for hours. That is because of too few staff."
    # r3's cause is in another turn (after the interviewer's question); r4's "so that" follows both spans.
    assert not set(said.respondent_id) & {"r3", "r4"}


def test_counts_and_lift_by_hand(book, frames):
    apps, segs = frames
    table = links(book, apps, segs)
    assert set(table.respondents_base) == {9}                # r1..r9; r10 only has an interviewer turn
    pa_ca = row(table, "P-A", "C-A")
    assert (pa_ca.from_respondents, pa_ca.to_respondents, pa_ca.respondents_both) == (4, 4, 4)
    assert pa_ca.segments_both == 2                          # r1's and r4's sentences carry both codes
    assert pa_ca.lift == pytest.approx(4 * 9 / (4 * 4))
    assert pa_ca.p_value == pytest.approx(1 / 126, abs=1e-6)  # Fisher one-sided: C(9,4) tables, one as extreme
    assert pa_ca.connective_sentences == 2
    assert pa_ca.connective_example == "The queue is long because there are too few staff."
    assert pa_ca.codebook_linked and not pa_ca.candidate_link   # strong, but the codebook says so already
    pb_cb = row(table, "P-B", "C-B")
    assert (pb_cb.respondents_both, pb_cb.lift, pb_cb.connective_sentences) == (1, pytest.approx(2.25), 1)
    kid = row(table, "P-A-KID", "C-A")
    assert kid.codebook_linked and kid.from_respondents == 0 and math.isnan(kid.lift)


def test_candidate_links_are_strong_unlisted_pairs(book, frames):
    apps, segs = frames
    table = links(book, apps, segs)
    pa_rb = row(table, "P-A", "R-B")
    assert not pa_rb.codebook_linked and pa_rb.respondents_both == 3
    assert pa_rb.lift == pytest.approx(3 * 9 / (4 * 3))
    assert pa_rb.p_value == pytest.approx(4 / 84, abs=1e-6)
    assert sorted(zip(table[table.candidate_link].from_id, table[table.candidate_link].to_id)) == [
        ("C-A", "R-B"), ("P-A", "R-B")]
    strict = links(book, apps, segs, LinkThresholds(min_respondents=4))
    assert not strict.candidate_link.any()
    loose = links(book, apps, segs, LinkThresholds(min_respondents=1, min_lift=1.0, max_p_value=1.0))
    assert ("P-B", "C-A") not in set(zip(loose[loose.candidate_link].from_id, loose[loose.candidate_link].to_id))


def test_topics_inherit_the_recommendations_of_their_aligned_codes(book):
    alignment = pd.DataFrame({"topic_id": ["T1", "T1", "T2", "T3"], "code_id": ["P-A", "R-B", "P-B", "C-A"],
                              "share": [0.6, 0.1, 0.5, 0.3]})   # T1's R-B is below the 30 % threshold
    recs = topic_recommendations(book, alignment)
    got = sorted(zip(recs.topic_id, recs.code_id, recs.recommendation_id))
    assert got == [("T1", "P-A", "R-A"), ("T2", "P-B", "R-B"), ("T3", "C-A", "R-A")]
    assert recs[recs.topic_id == "T2"].basis.iloc[0].startswith("via cause C-B")
    assert topic_recommendations(book, None).empty


def test_alignment_without_share_uses_the_best_match_flag():
    alignment = pd.DataFrame({"topic_id": [1, 1], "code_id": ["P-A", "R-B"], "is_best": [True, False]})
    assert list(aligned_codes(alignment).code_id) == ["P-A"]
    with pytest.raises(ValueError, match="share column"):
        aligned_codes(pd.DataFrame({"topic_id": [1], "code_id": ["P-A"]}))


def test_the_alignment_threshold_is_the_topic_stages_explained_share():
    from qualmine.coding.links import MIN_ALIGNMENT_SHARE
    from qualmine.models.alignment import EXPLAINED_SHARE

    # A topic the topic stage calls unexplained (a candidate theme) must inherit nothing.
    assert MIN_ALIGNMENT_SHARE == EXPLAINED_SHARE


def test_a_connective_in_a_sentence_between_two_coded_ones_of_one_turn_joins_them(book):
    rows = [("We queue for hours at the counter.", {"P-A": "queue"}), ("It is like this every month.", {}),
            ("Because there are too few staff.", {}), ("They have too few staff anyway.", {"C-A": "too few staff"})]
    segs, apps, at = [], [], 0
    for i, (sentence, codes) in enumerate(rows):
        segs.append({"segment_id": f"t{i}", "doc_id": "d", "respondent_id": "r", "start": at, "end": at + len(sentence),
                     "text": sentence, "position": i, "turn": 1, "lang": "en", "is_interviewer": False})
        for code, term in codes.items():
            local = sentence.index(term)
            apps.append({"segment_id": f"t{i}", "code_id": code, "start": at + local, "end": at + local + len(term)})
        at += len(sentence) + 1
    said = link_sentences(book, pd.DataFrame(apps), pd.DataFrame(segs))
    assert said[["from_id", "to_id", "scope", "connective"]].values.tolist() == [["P-A", "C-A", "turn", "because"]]
    assert said.text.iloc[0] == " ".join(sentence for sentence, _ in rows)


def test_link_strength_in_words_from_its_numbers(book, frames):
    apps, segs = frames
    table = links(book, apps, segs)
    assert row(table, "P-A", "C-A").strength == "strong"          # 4 of 9 people, p = 1/126, 2 sentences
    assert row(table, "P-B", "C-B").strength == "some"            # 1 person, but said with "due to"
    assert link_strength(1, 0.72, 0) == "none" and link_strength(6, 0.002, 0) == "strong"
    assert link_strength(3, 0.03, 0) == "some" and link_strength(3, 0.03, 1) == "strong"
    assert link_strength(2, 0.2, 0) == "none" and link_strength(0, float("nan"), 0) == "none"
