"""The topic stage inside the main flow and as `qualmine topics --run`, on the shipped example."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from qualmine.flows.settings import EXAMPLE_CODEBOOK, EXAMPLE_CORPUS
from qualmine.models.stage import TopicSettings

TOPIC_TABLES = ("topics", "segment_topics", "topic_prevalence", "topic_code_alignment", "topic_k_scores")


@pytest.fixture(scope="module")
def topic_run(tmp_path_factory, prefect_harness):
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    out = tmp_path_factory.mktemp("topic-run")
    result = run_pipeline(RunSettings(corpus_dir=EXAMPLE_CORPUS, codebook_path=EXAMPLE_CODEBOOK, out_dir=out,
                                      topic=TopicSettings(k=5), store=None))
    return out, result


def test_main_flow_writes_topic_tables_and_manifest(topic_run):
    out, result = topic_run
    for name in TOPIC_TABLES:
        assert (out / f"{name}.parquet").exists() and (out / f"{name}.csv").exists()
    topics = pd.read_parquet(out / "topics.parquet")
    assert set(topics["lang"]) == {"zh", "en"}          # each language modelled on its own
    assert topics.groupby("topic_id").size().le(15).all()
    segments = pd.read_parquet(out / "segments.parquet")
    seg_topics = pd.read_parquet(out / "segment_topics.parquet")
    assert set(seg_topics["segment_id"]) <= set(segments.loc[~segments["is_interviewer"], "segment_id"])
    manifest = json.loads((out / "run_manifest.json").read_text(encoding="utf-8"))
    langs = {m["lang"]: m for m in manifest["topics"]["languages"]}
    assert langs["zh"]["k"] == 5 and "K=5 was given" in langs["zh"]["explanation"]
    assert langs["zh"]["k_scores"][0]["k"] == 5
    assert "topics.parquet" in manifest["outputs"]


def test_candidate_codes_and_view_of_a_real_run(topic_run):
    from qualmine.coding.codebook import load_codebook

    out, _ = topic_run
    alignment = pd.read_parquet(out / "topic_code_alignment.parquet")
    assert alignment.groupby("topic_id")["best"].sum().eq(1).all()
    topics = pd.read_parquet(out / "topics.parquet").drop_duplicates("topic_id").set_index("topic_id")
    coherent = set(topics.index[topics["coherence"] > 0])
    manifest = json.loads((out / "run_manifest.json").read_text(encoding="utf-8"))
    if (out / "candidate_codes.yaml").exists():
        book = load_codebook(out / "candidate_codes.yaml")      # validates, or raises listing every problem
        assert all(c.id.startswith("T-") and c.kind == "theme" and c.examples for c in book.codes)
        # Only coherent topics are proposed as codes (issue 18: no candidate from a topic of non-answers).
        assert {c.id[2:].lower() for c in book.codes} <= coherent
    else:
        # The example is small: its topics' terms co-occur less than chance, and the run says so.
        assert not coherent - set(alignment.loc[alignment["best"] & (alignment["share"] >= 0.3), "topic_id"])
        assert any("not proposed as candidate codes" in n for n in manifest["topics"]["notes"])
    html = (out / "topics.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    first = pd.read_parquet(out / "topics.parquet")["label"].iloc[0]
    assert first in html


def test_topics_command_on_an_existing_run(topic_run):
    from qualmine.flows.cli.app import app

    out, _ = topic_run
    result = CliRunner().invoke(app, ["topics", "--run", str(out), "--engine", "lda", "--k", "4", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "K=4 was given" in result.output
    topics = pd.read_parquet(out / "topics.parquet")
    assert set(topics["engine"]) == {"lda"} and topics["topic_id"].nunique() == 8
    manifest = json.loads((out / "run_manifest.json").read_text(encoding="utf-8"))
    assert manifest["topics"]["parameters"]["engine"] == "lda"
    assert manifest["counts"]["segments"] > 0          # the rest of the manifest is kept


def test_topics_command_bad_input_names_the_problem(tmp_path, prefect_harness):
    from qualmine.flows.cli.app import app

    runner = CliRunner()
    result = runner.invoke(app, ["topics", "--run", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "does not exist" in result.output
    result = runner.invoke(app, ["topics", "--run", str(tmp_path)])
    assert result.exit_code == 2 and "not a run folder" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["topics", "--run", str(tmp_path), "--k", "0"])
    assert result.exit_code == 2 and "The 'k' parameter of TopicSettings must be an int in the range [2, 500]" in result.output
    result = runner.invoke(app, ["topics"])
    assert result.exit_code == 2 and "either --run DIR" in result.output


def test_too_small_corpus_skips_topics_with_a_note(tmp_path, prefect_harness):
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tiny.txt").write_text("问：您觉得中心怎么样？\n答：排队太久了。\n", encoding="utf-8")
    result = run_pipeline(RunSettings(corpus_dir=corpus, codebook_path=EXAMPLE_CODEBOOK, out_dir=tmp_path / "out",
                                      store=None))
    assert any(n.startswith("topics skipped:") for n in result.notes)
    manifest = json.loads((tmp_path / "out" / "run_manifest.json").read_text(encoding="utf-8"))
    assert "skipped" in manifest["topics"]
    assert not (tmp_path / "out" / "topics.parquet").exists()
