"""End to end: the main flow on the shipped example corpus, checked against known segments."""
from __future__ import annotations

import json

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qualmine.flows.settings import EXAMPLE_CODEBOOK, EXAMPLE_CORPUS, REPO_ROOT as REPO

# (file, exact respondent sentence, code it must carry) — written with the example corpus.
EXPECTED_CODES = [
    ("interview_02_staff.txt", "最大的困难是人手紧张。", "P-OPERATION-STAFF"),
    ("interview_02_staff.txt", "说实话，我们一半时间在做台账、填报表，真正面对面服务居民的时间不多。", "C-GOVERNANCE"),
    ("interview_01_resident.txt", "最好有个长者饭堂，中午有口热饭吃，现在最近的那个要走二十分钟。", "N-ELDERLY"),
    ("interview_03_resident_gbk.txt", "跟孩子一起的活动我会很感兴趣。", "N-CHILDCARE"),
    ("interview_04_volunteer_bom.txt", "老实讲，形式比较单一，主要是唱歌、跳舞、讲座。", "P-CULTURE"),
    ("interview_05_social_org.md", "居民参与的积极性不高，而且很集中。", "P-PARTICIPATION"),
    ("interview_06_resident.docx", "如果中心能办一个四点半课堂，有大学生志愿者辅导作业，收费合理一点，我第一个报名。", "N-CHILDCARE"),
    ("survey_2023.csv", "排队时间太长，月初去认证要等一个多小时。", "P-OPERATION-HOURS"),
    ("survey_2023.csv", "定期开居民议事会，议事结果要公开。", "R-COCONSTRUCTION"),
    ("interview_08_volunteer_coordinator_en.txt", "Parents ask about homework help all the time.", "N-CHILDCARE"),
    ("survey_2023.csv", "Only one clerk was working and she was quite impatient.", "P-OPERATION-STAFF"),
    ("survey_2023.csv", "Job fairs and vocational training for young people.", "N-EMPLOYMENT"),
]
# Negated mentions: the keyword is there, the problem is not.
EXPECTED_NOT = [
    ("interview_01_resident.txt", "对我们来说开放时间没有问题，白天都有空。", "P-OPERATION-HOURS"),
    ("interview_06_resident.docx", "排队倒不是问题，我一般是请了假工作日上午去，人不多。", "P-OPERATION-HOURS"),
    ("survey_2023.csv", "The opening hours are not a problem for me.", "P-OPERATION-HOURS"),
    ("interview_07_expat_en.txt", "Opening hours are not a problem for me", "P-OPERATION-HOURS"),
]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, prefect_harness):
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    out = tmp_path_factory.mktemp("run")
    result = run_pipeline(RunSettings(corpus_dir=EXAMPLE_CORPUS, codebook_path=EXAMPLE_CODEBOOK, out_dir=out,
                                      topics=False))
    assert result.out_dir == out.resolve()
    return out


def table(run_dir, name):
    return pd.read_parquet(run_dir / f"{name}.parquet")


def codes_of(run_dir, source_file, text_fragment):
    segs, apps = table(run_dir, "segments"), table(run_dir, "code_applications")
    hit = segs[(segs.source_file == source_file) & segs.text.str.contains(text_fragment, regex=False)]
    assert len(hit) >= 1, f"no segment of {source_file} contains {text_fragment!r}"
    return set(apps[apps.segment_id.isin(hit.segment_id)].code_id)


@pytest.mark.parametrize("source_file,sentence,code_id", EXPECTED_CODES)
def test_known_segments_get_their_codes(run_dir, source_file, sentence, code_id):
    assert code_id in codes_of(run_dir, source_file, sentence)


@pytest.mark.parametrize("source_file,sentence,code_id", EXPECTED_NOT)
def test_negated_mentions_are_not_coded(run_dir, source_file, sentence, code_id):
    assert code_id not in codes_of(run_dir, source_file, sentence)


def test_offsets_index_the_original_documents(run_dir):
    docs = table(run_dir, "documents").set_index("doc_id")["text"]
    segs = table(run_dir, "segments")
    for row in segs.itertuples():
        assert docs[row.doc_id][row.start:row.end] == row.text
    apps = table(run_dir, "code_applications").merge(segs[["segment_id", "doc_id"]], on="segment_id")
    assert len(apps) > 100
    for row in apps.itertuples():
        assert docs[row.doc_id][row.start:row.end] == row.evidence


def test_chains_have_rows_for_each_problem_with_support(run_dir):
    chains = table(run_dir, "chains")
    for problem in ("P-OPERATION", "P-PARTICIPATION", "P-CULTURE"):
        rows = chains[chains.problem_id == problem]
        assert len(rows) >= 1
        assert (rows.problem_respondents > 0).all() and (rows.cause_id != "").all()
        assert rows.iloc[0].quote_1 != ""
    apps, segs = table(run_dir, "code_applications"), table(run_dir, "segments")
    op = chains[chains.problem_id == "P-OPERATION"].iloc[0]
    coded = apps[apps.code_id == "P-OPERATION"].merge(segs, on="segment_id")
    assert op.problem_respondents == coded.respondent_id.nunique()


def test_ingestion_accounts_for_every_survey_row(run_dir):
    report = table(run_dir, "ingestion_report")
    rows = report[(report.source_file == "survey_2023.csv") & report.row.notna()]
    survey = pd.read_csv(EXAMPLE_CORPUS / "survey_2023.csv", encoding="utf-8-sig", dtype=str)
    data_rows = rows[rows.status.isin(["ingested", "rejected"])]
    assert data_rows.row.nunique() == len(survey) == 168
    assert set(report[report.row.isna()].source_file) >= {"survey_2023.csv", "interview_01_resident.txt"}
    assert (report[report.row.isna()].status == "ingested").all()


def test_code_frequency_breaks_down_by_role(run_dir):
    freq = table(run_dir, "code_frequency")
    roles = set(freq[freq.attribute == "role"].value)
    assert {"居民", "工作人员"} <= roles
    overall = freq[(freq.attribute == "(all)") & (freq.code_id == "P-OPERATION-HOURS")].iloc[0]
    by_role = freq[(freq.attribute == "role") & (freq.code_id == "P-OPERATION-HOURS")]
    assert by_role.respondents.sum() == overall.respondents


def test_manifest_records_inputs_and_parameters(run_dir):
    manifest = json.loads((run_dir / "run_manifest.json").read_text(encoding="utf-8"))
    paths = {f["path"] for f in manifest["input_files"]}
    assert "survey_2023.csv" in paths and "interview_06_resident.docx" in paths
    assert all(len(f["sha256"]) == 64 for f in manifest["input_files"])
    assert manifest["codebook"]["sha256"] and manifest["parameters"]["max_segment_chars"] == 300
    # the test session turns the semantic stage off ($QUALMINE_SEMANTIC, tests/conftest.py): recorded so
    assert manifest["semantic"] == {"enabled": False} and manifest["parameters"]["semantic"] is None
    assert manifest["counts"]["rejected"] == 0 and manifest["packages"]["pandas"]
    assert (run_dir / "codebook.yaml").read_bytes() == EXAMPLE_CODEBOOK.read_bytes()
    assert "codebook.yaml" in manifest["outputs"]
    csv = (run_dir / "segments.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel shows Chinese


def test_segment_ids_are_stable_across_runs(run_dir, tmp_path):
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    again = run_pipeline(RunSettings(corpus_dir=EXAMPLE_CORPUS, codebook_path=EXAMPLE_CODEBOOK, out_dir=tmp_path,
                                     topics=False))
    first, second = table(run_dir, "segments"), table(again.out_dir, "segments")
    assert first.segment_id.tolist() == second.segment_id.tolist()
    pd.testing.assert_frame_equal(table(run_dir, "code_applications"), table(again.out_dir, "code_applications"))


def test_cli_codebook_check_reports_problems_with_lines(tmp_path):
    from qualmine.flows.cli.app import app

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncodes:\n  - id: P-A\n    kind: problem\n    label: {zh: 问题}\n    causes: [C-NONE]\n",
                   encoding="utf-8")
    result = CliRunner().invoke(app, ["codebook", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:6: code P-A [causes.0]" in result.output and "C-NONE" in result.output
    ok = CliRunner().invoke(app, ["codebook", "check", str(EXAMPLE_CODEBOOK)])
    assert ok.exit_code == 0 and "OK" in ok.output


def test_cli_run_on_a_small_corpus(tmp_path, prefect_harness):
    from qualmine.flows.cli.app import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "talk.txt").write_text("问：您觉得中心怎么样？\n答：开放时间太短了，下班以后就关门了。\n", encoding="utf-8")
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4 not really")
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--no-topics"])
    assert result.exit_code == 0, result.output
    assert "rejected" in result.output and str(tmp_path / "out") in result.output.replace("\n", "")
    report = pd.read_csv(tmp_path / "out" / "ingestion_report.csv", encoding="utf-8-sig")
    assert "unsupported file type '.pdf'" in report[report.source_file == "notes.pdf"].reason.iloc[0]
    apps = pd.read_csv(tmp_path / "out" / "code_applications.csv", encoding="utf-8-sig")
    assert "P-OPERATION-HOURS" in set(apps.code_id)


def test_cli_run_missing_corpus_is_a_clear_error(tmp_path):
    from qualmine.flows.cli.app import app

    result = CliRunner().invoke(app, ["run", "--corpus", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_packages_import_from_the_installed_project(tmp_path):
    import importlib
    import subprocess
    import sys
    from importlib import metadata

    dist = metadata.distribution("qualmine")
    assert dist.entry_points.select(group="console_scripts", name="qualmine")
    names = ("corpus", "coding", "models", "flows", "outputs", "codebooks")
    for name in names:
        module = importlib.import_module(f"qualmine.{name}")
        assert Path(module.__file__).resolve().parent == REPO / name, name
    # One import root: a bare `models` or `corpus` is not qualmine's. Asked from a neutral folder in a
    # fresh interpreter: `python -m pytest` run in the checkout puts the checkout itself on sys.path,
    # where the bare names are the source folders (that is the caller's path, not the install).
    probe = ("import importlib.util, sys\n"
             f"found = [n for n in {names!r} if importlib.util.find_spec(n) is not None]\n"
             "print(','.join(found))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"bare top-level packages importable after install: {out.stdout.strip()}"