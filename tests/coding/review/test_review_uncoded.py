"""A bare codebook gets off the ground: uncoded rows in the queue, their add_codes imported, no traceback
on an empty suggestion set, and a preview that claims nothing."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualmine.coding.review.diverse import diverse_order
from qualmine.coding.review.queue import UNCODED, QueueOptions, build_queue

from review_helpers import export, fill_xlsx, read_csv_rows, write_csv_rows

SEGMENTS = pd.DataFrame({
    "segment_id": ["s1", "s2", "s3", "s4", "s5"], "doc_id": ["d1", "d1", "d2", "d3", "d4"],
    "respondent_id": ["r1", "r1", "r2", "r3", "r4"], "lang": ["zh", "zh", "en", "en", "en"],
    "start": [0, 10, 0, 0, 0], "position": [0, 1, 0, 0, 0],
    "text": ["排队太久了", "工作人员态度很好", "The queue was long", "The queue was very long", "Parking is hard"],
})
CODES = pd.DataFrame({"code_id": ["A", "B"], "label_zh": ["排队", "态度"], "label_en": ["Queue", "Attitude"],
                      "definition_zh": ["", ""], "definition_en": ["", ""]})
ONE_SUGGESTION = pd.DataFrame({"segment_id": ["s1"], "code_id": ["A"], "source": ["rule"], "score": [0.9],
                               "evidence": ["排队"], "start": [0], "end": [2]})
NO_DECISIONS = pd.DataFrame(columns=["segment_id", "code_id", "coder", "decision"])
NO_EXPORTS = pd.DataFrame(columns=["segment_id", "coder"])


def queue(suggestions=ONE_SUGGESTION, decisions=NO_DECISIONS, assignments=NO_EXPORTS, **options):
    return build_queue(QueueOptions(coder="ann", **options), suggestions=suggestions, segments=SEGMENTS,
                       codes=CODES, decisions=decisions, assignments=assignments)


def test_no_suggestions_at_all_offers_every_segment_once_without_a_code():
    # A store's empty tables, read without rows, may not even carry their columns.
    q = queue(suggestions=pd.DataFrame(), decisions=pd.DataFrame(), assignments=pd.DataFrame(), uncoded="auto")
    assert sorted(q["segment_id"]) == ["s1", "s2", "s3", "s4", "s5"]
    assert set(q["code_id"]) == {UNCODED} and set(q["code_label"]) == {""} and q["score"].isna().all()
    assert list(q["item"]) == [1, 2, 3, 4, 5]
    assert queue(suggestions=pd.DataFrame(), decisions=pd.DataFrame(), assignments=pd.DataFrame()).empty   # never


def test_uncoded_rows_follow_suggestions_and_respect_decisions_and_other_coders():
    q = queue(uncoded="auto", order="document")          # 1 of 5 segments suggested: too little
    assert list(q["code_id"]) == ["A", "", "", "", ""] and q.iloc[0]["segment_id"] == "s1"
    decided = pd.DataFrame({"segment_id": ["s2"], "code_id": ["B"], "coder": ["ann"], "decision": ["add"]})
    taken = pd.DataFrame({"segment_id": ["s3"], "coder": ["bob"]})
    q = queue(uncoded="always", order="document", decisions=decided, assignments=taken)
    assert list(q["segment_id"]) == ["s1", "s4", "s5"]   # s2 decided by ann, s3 exported to bob
    assert queue(uncoded="always", codes=("A",))["segment_id"].tolist() == ["s1"]   # a code filter: its rows only


def test_auto_fills_a_limit_and_stays_out_when_suggestions_cover_most_segments():
    assert len(queue(uncoded="auto", limit=3, order="document")) == 3
    many = pd.DataFrame({"segment_id": ["s1", "s2", "s3"], "code_id": ["A", "B", "A"], "source": "rule",
                         "score": 0.8, "evidence": "", "start": np.nan, "end": np.nan})
    assert set(queue(suggestions=many, uncoded="auto")["code_id"]) == {"A", "B"}          # 3 of 5 covered
    assert (queue(suggestions=many, uncoded="auto", limit=5)["code_id"] == UNCODED).sum() == 2


def test_uncertainty_order_of_uncoded_rows_is_diverse_without_a_model_and_by_uncertainty_with_one():
    q = queue(suggestions=pd.DataFrame(), uncoded="always", order="uncertainty")
    first_three = list(q["segment_id"][:3])
    # The two near-duplicate queue answers are not both picked before the other kinds of answer.
    assert not {"s3", "s4"} <= set(first_three)
    unsure = pd.Series({"s1": 0.1, "s2": 0.2, "s3": 0.3, "s4": 0.9, "s5": 0.5})
    q = build_queue(QueueOptions(coder="ann", uncoded="always", order="uncertainty"), suggestions=pd.DataFrame(), segments=SEGMENTS,
                    codes=CODES, decisions=NO_DECISIONS, assignments=NO_EXPORTS, uncertainty=unsure)
    assert list(q["segment_id"]) == ["s4", "s5", "s3", "s2", "s1"]


def test_diverse_order_is_a_permutation_that_spreads_out_duplicates():
    texts = ["queue long"] * 5 + ["parking hard", "staff kind", "", "food cold"]
    order = diverse_order(texts, seed=1)
    assert sorted(order.tolist()) == list(range(len(texts)))
    head = [texts[i] for i in order[:4]]
    assert head.count("queue long") == 1 and "" not in head
    assert order[-1] == 7 or texts[order[-1]] == "queue long"
    assert diverse_order([]).tolist() == [] and diverse_order(["", " "]).tolist() == [0, 1]
    assert diverse_order(texts, n=2).tolist()[2:] == sorted(set(range(len(texts))) - set(order[:2].tolist()))


def test_diverse_order_offers_answers_before_near_empty_ones():
    answers = ["The staff on the ward were kind and listened to us", "Waited four hours in A&E to be seen",
               "Food was cold and there was no choice for my diet", "Parking at the hospital is impossible",
               "停车位太少了，每次来都要转好几圈", "护士态度很好，解释得也很清楚"]
    noise = ["?", "N/A", "Nil", "w", "Ok"]
    texts = noise[:2] + answers[:3] + noise[2:] + answers[3:] + ["  "]
    order = diverse_order(texts, seed=3).tolist()
    # half the median length (10 characters here) is the floor: every answer first, then the noise, blank last
    assert {texts[i] for i in order[:6]} == set(answers)
    assert {texts[i] for i in order[6:11]} == set(noise) and texts[order[-1]] == "  "
    # without the floor every text is a pick, ordered farthest-first: the noise comes early
    plain = diverse_order(texts, seed=3, min_chars=0).tolist()
    assert set(noise) & {texts[i] for i in plain[:6]}
    # the typical text the order starts from is never one under the floor, however central
    central = ["good", "good staff and good food overall", "a good doctor and good nurses, good care",
               "really good nurses, good ward", "good parking and a good cafe", "good"]
    assert diverse_order(central, seed=0, min_chars=0)[0] == 0          # "good" is the most typical text
    assert diverse_order(central, seed=0).tolist()[-2:] in ([0, 5], [5, 0])
    assert sorted(diverse_order(texts, n=3, min_chars=40).tolist()) == list(range(len(texts)))


def test_diverse_order_picks_the_most_typical_answer_of_each_kind_largest_kind_first():
    kinds = {
        "queue": ["waited two hours in the queue at reception", "the queue at reception took two hours",
                  "two hours waiting in the reception queue", "the reception queue was two hours long",
                  "a two hour queue at reception, again"],
        "parking": ["no parking spaces near the clinic", "parking near the clinic is impossible",
                    "could not find parking near the clinic"],
        "staff": ["the nurses were kind and patient", "kind patient nurses on the ward"],
    }
    outlier = "my neighbour's cat sat on the clinic roof all afternoon"
    texts = kinds["parking"] + [outlier] + kinds["staff"] + kinds["queue"]
    order = diverse_order(texts, n=3, seed=0).tolist()
    picked = [texts[i] for i in order[:3]]
    # one pick per kind, the largest kind (queue) first; the odd one out is not picked
    assert picked[0] in kinds["queue"] and {picked[1], picked[2]} & set(kinds["parking"])
    assert {picked[1], picked[2]} & set(kinds["staff"]) and outlier not in picked
    assert order[3:] == sorted(set(range(len(texts))) - set(order[:3]))      # the rest in their given order
    # a repeated answer is picked once
    doubled = diverse_order(kinds["staff"] * 3 + kinds["parking"], n=5, seed=0).tolist()
    assert len({(kinds["staff"] * 3 + kinds["parking"])[i] for i in doubled[:5]}) == 5


def test_diverse_order_without_a_limit_starts_with_the_same_first_batch_as_with_one():
    from qualmine.coding.review.diverse import FIRST_BATCH

    topics = ["the queue at reception", "parking near the clinic", "kind nurses on the ward", "cold food at lunch",
              "the phone line to book", "noise on the ward at night", "the discharge letter"]
    moods = ["was awful", "was fine", "could be better", "was great", "took ages", "needs fixing", "surprised me",
             "worried my mum", "was never explained", "is the same every time"]
    texts = [f"{t} {m}" for t in topics for m in moods]                 # 70 distinct answers
    whole = diverse_order(texts, seed=2).tolist()
    assert sorted(whole) == list(range(len(texts)))
    # the first round is FIRST_BATCH typical picks whatever comes after: a coder who reviews only
    # those sees what a coder exporting exactly that many would see
    assert whole[:FIRST_BATCH] == diverse_order(texts, n=FIRST_BATCH, seed=2).tolist()[:FIRST_BATCH]
    assert whole[FIRST_BATCH:] != sorted(whole[FIRST_BATCH:])           # the second round is ordered too


def test_bad_uncoded_option_is_refused():
    with pytest.raises(ValueError, match="'uncoded' parameter"):
        QueueOptions(coder="ann", uncoded="sometimes")


@pytest.fixture()
def bare_store(tmp_path, example_run):
    """The example corpus recorded with a codebook whose codes have no keywords: no suggestion at all."""
    from qualmine.coding.codebook import parse_codebook
    from qualmine.coding.store.database import ProjectStore
    from qualmine.coding.store.sync import sync_run

    _, documents, segments, applications = example_run
    codebook = parse_codebook(BARE_CODEBOOK)
    project = ProjectStore(tmp_path / "bare.sqlite")
    sync_run(project, run_id="run-1", codebook=codebook, documents=documents, segments=segments,
             applications=applications.iloc[0:0])
    yield project
    project.close()


BARE_CODEBOOK = """
name: bare
version: "1"
codes:
  - id: PARKING
    kind: problem
    label: {zh: 停车, en: Parking}
  - id: NOISE
    kind: problem
    label: {zh: 噪音, en: Noise}
"""


def test_bare_codebook_export_and_import_of_added_codes(bare_store, tmp_path):
    from qualmine.coding.review.importing import ReviewImportError, import_review_file

    coder_segments = bare_store.segments()
    coder_segments = coder_segments[~coder_segments["is_interviewer"].astype(bool)]
    result = export(bare_store, "ann", tmp_path / "q.csv", uncoded="auto", order="uncertainty")
    assert result.rows == result.segments == result.uncoded_segments == len(coder_segments)
    rows = read_csv_rows(tmp_path / "q.csv")
    header = rows[0]
    assert rows[1][header.index("code_id")] == "" and rows[1][header.index("score")] == ""
    rows[1][header.index("add_codes")] = "PARKING; NOISE"
    rows[2][header.index("add_codes")] = "NOISE"
    write_csv_rows(tmp_path / "q.csv", rows)
    imported = import_review_file(bare_store, tmp_path / "q.csv", "ann")
    assert imported.appended == 3
    mine = bare_store.decisions(coder="ann")
    first = rows[1][header.index("segment_id")]
    assert set(mine.loc[mine["segment_id"] == first, "code_id"]) == {"PARKING", "NOISE"}
    assert set(mine["decision"]) == {"add"}
    # The two coded segments leave ann's next queue; a decision on a code-less row is refused.
    again = export(bare_store, "ann", tmp_path / "q2.xlsx", uncoded="auto")
    assert again.uncoded_segments == len(coder_segments) - 2
    fill_xlsx(tmp_path / "q2.xlsx", {2: {"decision": "accept"}})
    with pytest.raises(ReviewImportError, match="no suggested code to accept"):
        import_review_file(bare_store, tmp_path / "q2.xlsx", "ann")


def test_preview_claims_nothing_and_cannot_be_imported(bare_store, tmp_path):
    from qualmine.coding.review.importing import ReviewImportError, import_review_file

    from qualmine.coding.review.export import export_review_queue

    seen = export_review_queue(bare_store, QueueOptions(coder="bob", uncoded="always"), tmp_path / "p.csv",
                               claim=False)
    assert not seen.claimed and seen.export_id.startswith("preview-") and seen.rows > 0
    assert bare_store.exports().empty
    # ann still gets every segment the preview listed.
    assert export(bare_store, "ann", tmp_path / "a.csv", uncoded="always").rows == seen.rows
    with pytest.raises(ReviewImportError, match="unknown to this store"):
        import_review_file(bare_store, tmp_path / "p.csv", "bob")
