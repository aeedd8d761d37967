"""Optional sections (topics, agreement), the reviewed-codes switch, the CLI and Prefect artifacts."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from lxml import html
from typer.testing import CliRunner

from qualmine.coding.codebook import load_codebook
from qualmine.flows.settings import EXAMPLE_CODEBOOK
from qualmine.outputs.report.codes import select_applications
from qualmine.outputs.report.data import ReportInputError, assemble_report_data, load_report_data, read_run_tables
from qualmine.outputs.writers import write_table

CANDIDATES = """name: candidate themes
codes:
  - id: T-PARKING
    kind: theme
    label: {zh: 停车难, en: Parking}
    keywords: {zh: [停车, 车位]}
    examples: ["门口根本没地方停车。"]
"""


@pytest.fixture
def with_topics(run_copy):
    # Shapes as models/tables.py and models/alignment.py write them.
    topics = pd.DataFrame({"topic_id": ["zh-01"] * 3 + ["zh-02"] * 2, "lang": "zh", "engine": "nmf",
                           "rank": [1, 2, 3, 1, 2], "term": ["排队", "窗口", "等候", "停车", "车位"],
                           "weight": [0.5, 0.3, 0.2, 0.6, 0.4],
                           "label": ["排队 / 窗口 / 等候"] * 3 + ["停车 / 车位"] * 2})
    prevalence = pd.DataFrame({"topic_id": ["zh-01", "zh-02", "zh-01"], "lang": "zh", "label": "",
                               "attribute": ["(all)", "(all)", "role"], "value": ["(all)", "(all)", "居民"],
                               "segments": [40, 9, 30], "segment_share": 0.1, "respondents": [31, 8, 25],
                               "respondents_in_group": 100, "respondent_share": 0.3})
    alignment = pd.DataFrame({"topic_id": ["zh-01", "zh-01", "zh-02"],
                              "code_id": ["P-OPERATION-HOURS", "N-ELDERLY", "N-HEALTH"], "code_label": "",
                              "topic_segments": [40, 40, 9], "code_segments": [28, 50, 30],
                              "overlap_segments": [20, 2, 1], "share": [0.5, 0.05, 0.1111],
                              "term_overlap": [1, 0, 0], "shared_terms": ["排队", "", ""], "best": [True, False, True]})
    agreement = pd.DataFrame({"code_id": ["P-OPERATION-HOURS", "(all)"], "coders": [2, 2], "units": [40, 300],
                              "percent_agreement": [0.925, 0.95], "cohen_kappa": [0.8123, 0.7], "krippendorff_alpha":
                              [0.8101, 0.69]})
    for name, frame in (("topics", topics), ("topic_prevalence", prevalence), ("topic_code_alignment", alignment),
                        ("agreement", agreement)):
        write_table(frame, run_copy, name)
    (run_copy / "candidate_codes.yaml").write_text(CANDIDATES, encoding="utf-8")
    return run_copy


def test_topics_candidates_and_agreement_are_shown_when_present(with_topics):
    from qualmine.outputs.report.build import write_report

    result = write_report(with_topics, use_store=False)
    page = html.fromstring((with_topics / "report.html").read_text(encoding="utf-8"))
    text = re.sub(r"\s+", " ", page.text_content())
    assert "排队 / 窗口 / 等候" in text and "开放时间与排队等候 (50%)" in text
    # Topic 0 aligns with P-OPERATION-HOURS, whose parent P-OPERATION's chain recommends R-GUARANTEE.
    rows = [re.sub(r"\s+", " ", r.text_content()) for r in page.xpath("//tr[td]")]
    topic0 = next(r for r in rows if r.startswith("zh-01 排队"))
    assert "建立科学合理的运行保障机制" in topic0 and "31" in topic0
    topic1 = next(r for r in rows if r.startswith("zh-02 停车"))
    assert "a candidate new theme" in topic1
    assert "停车难" in text and "门口根本没地方停车。" in text
    assert "0.812" in text and "krippendorff_alpha" in text
    assert "No topic model was fitted" not in text and "No inter-coder agreement" not in text
    assert not any("topic" in n or "agreement" in n for n in result.notes)
    md = (with_topics / "report.md").read_text(encoding="utf-8")
    assert "停车难" in md and "0.812" in md


def test_reviewed_only_without_a_store_says_so_and_falls_back(run_copy, tmp_path):
    data = load_report_data(run_copy, mode="reviewed", store=tmp_path / "none.sqlite")
    assert data.mode == "suggestions"
    assert any("Reviewed codes were asked for" in n and "none.sqlite" in n for n in data.notes)


def test_reviewed_mode_recomputes_every_count_from_the_reviewed_codes(run_copy):
    tables = read_run_tables(run_copy)
    apps, segs = tables.code_applications, tables.segments
    hours = apps[apps.code_id == "P-OPERATION-HOURS"].head(4)
    latest = pd.DataFrame({"decision_id": range(len(hours)), "segment_id": hours.segment_id.values,
                           "code_id": hours.code_id.values, "coder": "ana", "decision": "accept",
                           "decided_at": pd.Timestamp("2024-01-01", tz="UTC")})
    selected = select_applications("reviewed", apps, segs, latest)
    data = assemble_report_data(tables, selected, load_codebook(EXAMPLE_CODEBOOK), run_id="r")
    people = segs[segs.segment_id.isin(hours.segment_id)].respondent_id.nunique()
    chain = next(c for c in data.chains if c.problem.code_id == "P-OPERATION-HOURS")
    assert (chain.problem_respondents, chain.problem_segments) == (people, 4)
    assert all(c.problem_respondents == 0 for c in data.chains if c.problem.code_id != "P-OPERATION-HOURS")
    assert data.overview.code_applications == 4 and data.mode == "reviewed"
    assert set(data.links.from_respondents[data.links.from_id == "P-OPERATION-HOURS"]) == {people}
    assert data.cooccurrence.loc["P-OPERATION-HOURS", "P-OPERATION-HOURS"] == people


def test_cli_writes_the_report_and_names_missing_tables(run_copy, tmp_path):
    from qualmine.flows.cli.app import app

    runner = CliRunner()
    done = runner.invoke(app, ["report", "--run", str(run_copy), "--store", str(tmp_path / "none.sqlite")])
    assert done.exit_code == 0, done.output
    assert (run_copy / "report.html").is_file() and (run_copy / "report.docx").is_file()
    assert "suggestions" in done.output
    (run_copy / "chains.parquet").unlink()
    (run_copy / "chains.csv").unlink()
    failed = runner.invoke(app, ["report", "--run", str(run_copy)])
    assert failed.exit_code == 2 and "chains" in failed.output
    with pytest.raises(ReportInputError, match="not a run folder"):
        read_run_tables(tmp_path / "missing")


def test_the_report_flow_publishes_prefect_artifacts(run_copy, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from qualmine.flows.report import run_report

    result = run_report(run_copy, "suggestions", None, str(EXAMPLE_CODEBOOK))
    assert result.artifacts == 4 and (run_copy / "report.html").is_file()
    keys = ["qualmine-report", "qualmine-chains", "qualmine-code-frequency", "qualmine-links"]
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=keys)))
    by_key = {}
    for artifact in found:
        by_key.setdefault(artifact.key, artifact)
    assert set(by_key) == set(keys)
    assert by_key["qualmine-report"].type == "markdown" and "CH001" in by_key["qualmine-report"].data
    assert by_key["qualmine-chains"].type == "table"
