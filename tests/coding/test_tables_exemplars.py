"""coding.tables.code_exemplars: the candidate cap, the semantic fit per (segment, code) pair, and the
order, columns and dtypes of the table a report writer reads; code_frequency's zero rows."""
from __future__ import annotations

import textwrap

import pandas as pd

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.tables import ALL, EXEMPLAR_COLUMNS, code_exemplars, code_frequency

QUEUE = "waiting in a long queue at the counter"
BOOK = parse_codebook(textwrap.dedent(f"""\
    name: t
    codes:
      - {{id: P-QUEUE, kind: problem, label: {{en: Queue}}, definition: {{en: {QUEUE}}}}}
    """))


def _candidates(rows: list[tuple[str, int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(segment_id, hits) -> (applications of P-QUEUE, segments), one respondent per segment."""
    segments = pd.DataFrame({"segment_id": [s for s, _ in rows], "respondent_id": [f"r-{s}" for s, _ in rows],
                             "text": [f"the counter queue again {s}" for s, _ in rows]})
    apps = pd.DataFrame({"segment_id": [s for s, _ in rows], "code_id": "P-QUEUE", "hits": [h for _, h in rows]})
    return apps, segments


def _kept(apps, segments, cap, reviewed=frozenset()) -> set[str]:
    # k as large as the candidates: every candidate that survives the cap is quoted
    out = code_exemplars(BOOK, apps, segments, reviewed, k=len(apps), max_candidates=cap)
    return set(out["segment_id"])


def test_the_candidate_cap_keeps_reviewed_pairs_then_most_hits_then_lowest_segment_id():
    apps, segments = _candidates([("s1", 1), ("s2", 3), ("s3", 1), ("s4", 3), ("s5", 3), ("s6", 1)])
    reviewed = frozenset({("s6", "P-QUEUE")})
    # s6: a coder accepted it (whatever its hits); then hits 3: s2, s4, s5 tie, the lowest ids win
    assert _kept(apps, segments, 3, reviewed) == {"s6", "s2", "s4"}
    assert _kept(apps, segments, 4, reviewed) == {"s6", "s2", "s4", "s5"}
    assert _kept(apps, segments, 3) == {"s2", "s4", "s5"}
    # at the cap nothing is dropped; one over it, the weakest (fewest hits, then highest id) goes
    assert _kept(apps, segments, 6, reviewed) == {f"s{i}" for i in range(1, 7)}
    assert _kept(apps, segments, 5) == {"s1", "s2", "s3", "s4", "s5"}          # s6, unreviewed now
    # the reviewed pair keeps its place in the ranking: first
    ranked = code_exemplars(BOOK, apps, segments, reviewed, k=3, max_candidates=3)
    assert ranked["segment_id"].iloc[0] == "s6" and ranked["reviewed"].tolist() == [True, False, False]


def test_the_candidate_cap_without_hits_keeps_reviewed_pairs_then_lowest_segment_id():
    apps, segments = _candidates([("s4", 1), ("s2", 1), ("s3", 1), ("s1", 1)])
    apps = apps.drop(columns="hits")
    assert _kept(apps, segments, 2, frozenset({("s3", "P-QUEUE")})) == {"s3", "s1"}
    assert _kept(apps, segments, 2) == {"s1", "s2"}


def test_the_default_cap_is_2000_candidates_per_code():
    def first_quote(n: int) -> str:
        # n - 1 off-topic segments where three terms fired; the last (highest id, one hit) talks
        # exactly like the code's definition: the best quote, unless the cap drops it first
        ids = [f"s{i:04d}" for i in range(n)]
        segments = pd.DataFrame({"segment_id": ids, "respondent_id": [f"r{i}" for i in range(n)],
                                 "text": ["x" * 20] * (n - 1) + [QUEUE]})
        apps = pd.DataFrame({"segment_id": ids, "code_id": "P-QUEUE", "hits": [3] * (n - 1) + [1]})
        return code_exemplars(BOOK, apps, segments)["segment_id"].iloc[0]

    assert first_quote(2000) == "s1999"
    assert first_quote(2001) == "s0000"


def test_the_fit_is_read_per_segment_and_code_pair():
    book = parse_codebook(textwrap.dedent("""\
        name: t
        codes:
          - {id: P-A, kind: problem, label: {en: a}}
          - {id: P-B, kind: problem, label: {en: b}}
        """))
    segments = pd.DataFrame({"segment_id": ["s1", "s2", "s3"], "respondent_id": ["A", "B", "C"],
                             "text": ["one", "two", "three"]})
    apps = pd.DataFrame({"segment_id": ["s1", "s2", "s3"] * 2, "code_id": ["P-A"] * 3 + ["P-B"] * 3})
    # the same segments read oppositely for the two codes: s3 central to P-A and contradicting P-B
    fit = pd.DataFrame({"segment_id": ["s1", "s2", "s3", "s1", "s2", "s3"],
                        "code_id": ["P-A", "P-A", "P-A", "P-B", "P-B", "P-B"],
                        "fit": [0.1, 0.5, 0.9, 0.9, 0.5, 0.1],
                        "contradicts": [True, False, False, False, False, True]})
    out = code_exemplars(book, apps, segments, fit=fit)
    by_code = {c: g["segment_id"].tolist() for c, g in out.groupby("code_id")}
    assert by_code == {"P-A": ["s3", "s2"], "P-B": ["s1", "s2"]}
    # a coder accepted s1 for P-A: quoted although the fit reads it as contradicting the code
    kept = code_exemplars(book, apps, segments, frozenset({("s1", "P-A")}), fit=fit)
    assert kept[kept.code_id == "P-A"]["segment_id"].tolist() == ["s1", "s3", "s2"]


def test_exemplars_come_in_the_callers_code_order_ranked_from_one_with_fixed_columns_and_dtypes():
    book = parse_codebook(textwrap.dedent("""\
        name: t
        codes:
          - {id: Z-FIRST, kind: problem, label: {en: z}}
          - {id: A-SECOND, kind: problem, label: {en: a}}
          - {id: M-THIRD, kind: problem, label: {en: m}}
        """))
    segments = pd.DataFrame({"segment_id": ["s1", "s2", "s3", "s4"], "respondent_id": ["A", "B", "C", "D"],
                             "text": ["one", "two", "three", "four"]})
    # applied in neither the codebook's nor the alphabet's order
    apps = pd.DataFrame({"segment_id": ["s1", "s2", "s3", "s1", "s4", "s2"],
                         "code_id": ["M-THIRD", "M-THIRD", "A-SECOND", "Z-FIRST", "Z-FIRST", "A-SECOND"],
                         "score": [0.9, 0.8, 0.9, 0.5, 0.9, 0.7]})
    out = code_exemplars(book, apps, segments)
    assert list(out.columns) == list(EXEMPLAR_COLUMNS)
    assert list(out.index) == list(range(6))
    assert list(zip(out["code_id"], out["rank"], out["segment_id"])) == [
        ("Z-FIRST", 1, "s4"), ("Z-FIRST", 2, "s1"), ("A-SECOND", 1, "s3"), ("A-SECOND", 2, "s2"),
        ("M-THIRD", 1, "s1"), ("M-THIRD", 2, "s2")]
    assert out.dtypes[["rank", "reviewed", "support"]].astype(str).tolist() == ["int64", "bool", "float64"]
    # code_ids: the caller's order, not the codebook's
    picked = code_exemplars(book, apps, segments, code_ids=["M-THIRD", "Z-FIRST"])
    assert list(dict.fromkeys(picked["code_id"])) == ["M-THIRD", "Z-FIRST"]
    assert picked["rank"].tolist() == [1, 2, 1, 2]
    # nothing coded: the same columns and dtypes, no rows
    empty = code_exemplars(book, apps.iloc[0:0], segments)
    assert list(empty.columns) == list(EXEMPLAR_COLUMNS) and empty.empty
    assert empty.dtypes[["rank", "reviewed", "support"]].astype(str).tolist() == ["int64", "bool", "float64"]


def test_a_code_nobody_used_has_a_zero_row_in_every_group():
    book = parse_codebook(textwrap.dedent("""\
        name: t
        codes:
          - {id: P-USED, kind: problem, label: {en: used}}
          - {id: P-NEVER, kind: problem, label: {en: never}}
          - {id: P-NEVER-CHILD, kind: problem, parent: P-NEVER, label: {en: never either}}
        """))
    segments = pd.DataFrame({"segment_id": ["s1", "s2"], "respondent_id": ["A", "B"], "text": ["one", "two"]})
    respondents = pd.DataFrame({"respondent_id": ["A", "B", "C"], "role": ["居民", "居民", "工作人员"]})
    apps = pd.DataFrame({"segment_id": ["s1", "s2"], "code_id": ["P-USED", "P-USED"]})
    freq = code_frequency(book, apps, segments, respondents)
    counts = ["segments", "respondents", "segments_incl_children", "respondents_incl_children",
              "respondent_share", "respondent_share_incl_children"]
    expected = [(ALL, ALL, 3), ("role", "居民", 2), ("role", "工作人员", 1)]
    for code_id in ("P-NEVER", "P-NEVER-CHILD"):
        rows = freq[freq.code_id == code_id]
        assert list(zip(rows["attribute"], rows["value"], rows["respondents_in_group"])) == expected
        assert (rows[counts] == 0).all().all()
    # a code used, but by nobody of one group: zeros in that group's row too
    staff = freq[(freq.code_id == "P-USED") & (freq.value == "工作人员")].iloc[0]
    assert staff[counts].tolist() == [0] * len(counts) and staff["respondents_in_group"] == 1
