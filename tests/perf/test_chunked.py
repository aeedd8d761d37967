"""Chunked, streamed ingestion + coding gives exactly the whole-corpus path's frames, whatever the
chunk size, in one process or in a pool of worker processes; no answer at a chunk edge is lost
or doubled."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chunked_reference import assert_same, chunked, reference, survey_chunks
from qualmine.coding.codebook import load_codebook
from qualmine.corpus.chunked import Chunk, SurveyEnd, plan_chunks
from qualmine.corpus import EXAMPLE_CORPUS
from qualmine.codebooks import EXAMPLE_CODEBOOK

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(EXAMPLE_CODEBOOK)


@pytest.fixture(scope="module")
def example_reference(codebook):
    return reference(EXAMPLE_CORPUS, codebook)


@pytest.mark.parametrize("rows,files", [(1, 1), (7, 3), (168, 20), (100_000, 100)])
def test_chunked_run_equals_whole_corpus_run(codebook, example_reference, rows, files):
    got = chunked(EXAMPLE_CORPUS, codebook, rows=rows, files=files)
    assert_same(got, example_reference)
    assert got.counts()["code_applications"] == len(example_reference["applications"]) > 300


def test_worker_processes_give_the_same_frames(codebook, example_reference):
    assert_same(chunked(EXAMPLE_CORPUS, codebook, rows=25, files=4, workers=2), example_reference)


def _write_survey(folder: Path, rows: list[list[str]], manifest: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "survey.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["编号", "街道", "意见"], *rows])
    if manifest:
        (folder / "manifest.yaml").write_text(
            "files:\n  - path: survey.csv\n    kind: survey\n    id_column: 编号\n    open_columns: [意见]\n"
            "    attribute_columns: [街道]\n", encoding="utf-8")


def tricky_rows() -> list[list[str]]:
    """Answers with line breaks inside quotes, blank rows, empty and repeated ids, empty answers."""
    rows = []
    for i in range(1, 41):
        answer = f"第{i}个回答：办事流程太复杂，排队时间太长。\n希望增加窗口！" if i % 3 else f"answer {i}: the opening hours are too short."
        rows.append([f"R{i:03d}", "东湖" if i % 2 else "锦华", answer])
    rows[5][2] = ""                      # empty answer -> a 'skipped' record
    rows[9][0] = ""                      # empty id -> rejected row
    rows[14][0] = "R002"                 # repeated id -> rejected row
    rows.insert(20, ["", "", ""])        # a blank row inside the data
    return rows


@pytest.mark.parametrize("rows", [1, 2, 5, 13])
def test_chunk_edges_never_lose_or_double_an_answer(tmp_path, codebook, rows):
    _write_survey(tmp_path, tricky_rows())
    want = reference(tmp_path, codebook)
    got = chunked(tmp_path, codebook, rows=rows, files=1)
    assert_same(got, want)
    assert got.segments["segment_id"].is_unique
    assert len(got.documents) == 37        # 40 rows - 1 empty id - 1 repeated id - 1 empty answer
    statuses = got.report["status"].value_counts().to_dict()
    assert statuses == {"ingested": 39, "rejected": 2, "skipped": 1}   # 38 rows + the file line; 2 bad rows; 1 empty answer


def test_survey_split_into_chunks_reports_one_file_line(tmp_path, codebook):
    _write_survey(tmp_path, tricky_rows())
    plan = plan_chunks(tmp_path, chunk_rows=4)
    items = list(plan.stream)
    chunks = [i for i in items if isinstance(i, Chunk)]
    assert len(chunks) == 10 and isinstance(items[-1], SurveyEnd)   # 40 data rows (the blank one is skipped) / 4
    assert sum(len(c.rows) for c in chunks) == 40
    numbers = [n for c in chunks for n, _, _ in c.rows]
    assert numbers == sorted(set(numbers))                            # every sheet row once, in order
    assert items[-1].rows == 40 and items[-1].ingested_rows == 38


def test_surveys_to_guess_stream_and_rejected_ones_go_whole(tmp_path, codebook):
    _write_survey(tmp_path / "guess", tricky_rows(), manifest=False)
    assert_same(chunked(tmp_path / "guess", codebook, rows=3, files=1), reference(tmp_path / "guess", codebook))
    assert len(survey_chunks(tmp_path / "guess", "survey.csv", 3)) == 14     # 40 data rows / 3
    broken = tmp_path / "broken"
    _write_survey(broken, [["R1", "东湖", "好"]])
    (broken / "manifest.yaml").write_text("files:\n  - path: survey.csv\n    kind: survey\n    id_column: nope\n"
                                          "    open_columns: [意见]\n    attribute_columns: [街道]\n", encoding="utf-8")
    got = chunked(broken, codebook, rows=1, files=1)
    assert_same(got, reference(broken, codebook))
    assert "missing id column" in got.report["reason"].iloc[0]
    assert survey_chunks(broken, "survey.csv", 1) == []
