"""The streaming column guesser (corpus/columns.py) guesses what the whole-list functions it replaced
did: the same id column and the same open questions, on real answers, across batch edges."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import qualmine.corpus.columns as columns
from qualmine.corpus.columns import ColumnGuesser, cjk_total, guess_id_column, looks_open, ranked_id_columns
from qualmine.corpus.lang import is_cjk
from qualmine.corpus.surveys import read_table

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SURVEY = REPO / "corpus" / "examples" / "survey_2023.csv"
_NUMERIC_LIKE = re.compile(r"[\d\s.,:/\-+%年月日时分秒]+")


def reference_id_column(header: list[str], rows: list[tuple[int, list[str]]]) -> str | None:
    """The whole-list guess read_survey made before: the first ranked column all non-empty and unique."""
    ranked = ranked_id_columns(header)
    for col in ranked:
        values = [cells[header.index(col)].strip() for _, cells in rows]
        if all(values) and len(set(values)) == len(values):
            return col
    return ranked[0] if ranked else None


def reference_looks_open(values: list[str]) -> bool:
    """The whole-list test read_survey made before (exact sets, is_cjk per character)."""
    values = [v.strip() for v in values if v.strip() and v.strip().lower() != "nan"]
    if not values:
        return False
    if sum(bool(_NUMERIC_LIKE.fullmatch(v)) for v in values) >= 0.8 * len(values):
        return False
    mean_len = sum(len(v) + sum(map(is_cjk, v)) for v in values) / len(values)
    return mean_len >= 8 and len(set(values)) / len(values) > 0.5


def streamed_guesses(header: list[str], rows) -> tuple[str | None, dict[str, bool]]:
    guesser = ColumnGuesser(header, ranked_id_columns(header), header)
    for _, cells in rows:
        guesser.add(cells)
    return guesser.id_column(), {c: guesser.is_open(c) for c in header}


def reference_guesses(header: list[str], rows) -> tuple[str | None, dict[str, bool]]:
    return reference_id_column(header, rows), {
        c: reference_looks_open([cells[header.index(c)] for _, cells in rows]) for c in header}


@pytest.fixture(params=[4096, 7, 1], ids=["batch4096", "batch7", "batch1"])
def batch(request, monkeypatch):
    """Small batches put every column's counts across many batch edges."""
    monkeypatch.setattr(columns, "_BATCH", request.param)
    return request.param


def test_example_survey_guesses(batch):
    header, rows, _, _ = read_table(EXAMPLE_SURVEY)
    got = streamed_guesses(header, rows)
    assert got == reference_guesses(header, rows)
    assert got[0] == "respondent_id"
    assert [c for c, is_open in got[1].items() if is_open] == ["q_dissatisfied", "q_needs", "q_suggestions"]


def test_ambiguous_ids_fall_back_like_before(batch):
    header = ["id", "编号", "user_id", "answer"]
    rows = [(n, [f"A{n % 5}", f"B{n}" if n != 9 else "", f"U{n}", f"回答第{n}条，内容各不相同"]) for n in range(2, 40)]
    assert streamed_guesses(header, rows)[0] == reference_id_column(header, rows) == "user_id"
    duplicated = [(n, [cells[0], cells[0], cells[0], cells[3]]) for n, cells in rows]
    assert streamed_guesses(header, duplicated)[0] == reference_id_column(header, duplicated) == "id"
    assert streamed_guesses(["a", "b"], [(2, ["x", "y"])])[0] is None


def _real_columns(answers: list[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Columns made of real answers: plain, repeated at the distinct threshold, numbers, gaps."""
    n = len(answers) // 2 * 2
    distinct = list(dict.fromkeys(answers))
    assert len(distinct) > n // 2
    header = ["respondent_id", "answer", "half_distinct", "over_half_distinct", "answer_sparse", "score",
              "short", "nan_mostly"]
    rows = []
    for i, text in enumerate(answers[:n]):
        rows.append((i + 2, [
            f"R{i:05d}", text,
            distinct[i % (n // 2)],                         # exactly half the values distinct: not open
            distinct[i % (n // 2 + 1)],                     # one more distinct value: open
            text if i % 7 == 0 else ("NaN" if i % 7 == 1 else "  "),
            f"{i % 11}.5",
            text[:3],
            "nan" if i % 5 else text,
        ]))
    return header, rows


def test_real_answers_guesses(shared_answers, batch):
    zh, en = shared_answers
    for answers in (zh, en, zh[:500] + en[:500]):
        header, rows = _real_columns(answers)
        got = streamed_guesses(header, rows)
        assert got == reference_guesses(header, rows)
        assert got == ("respondent_id", {"respondent_id": False, "answer": True, "half_distinct": False,
                                         "over_half_distinct": True, "answer_sparse": True, "score": False,
                                         "short": False, "nan_mostly": True})


def test_distinct_counts_survive_merges():
    values = [f"v{i % 70_001}" for i in range(150_000)]       # past the 65,536-hash merge threshold
    stats = columns._DistinctCount()
    for start in range(0, len(values), 4096):
        stats.add(values[start:start + 4096])
    assert stats.count() == len(set(values)) == 70_001
    assert looks_open(values) == reference_looks_open(values)


def test_wrappers_match_the_references():
    header, rows, _, _ = read_table(EXAMPLE_SURVEY)
    assert guess_id_column(header, rows) == reference_id_column(header, rows)
    for c in header:
        values = [cells[header.index(c)] for _, cells in rows]
        assert looks_open(values) == reference_looks_open(values)
    assert looks_open([]) is reference_looks_open([]) is False


def test_cjk_total_is_is_cjks_count():
    edges = "".join(chr(c) for lo, hi in columns._CJK_BLOCKS for c in (lo - 1, lo, hi, hi + 1))
    for text in (edges, "ascii only", "", EXAMPLE_SURVEY.read_text(encoding="utf-8-sig")):
        assert cjk_total(text) == sum(map(is_cjk, text))


def test_cjk_total_on_real_answers(shared_answers):
    for answers in shared_answers:
        text = "".join(answers)
        assert cjk_total(text) == sum(map(is_cjk, text))
