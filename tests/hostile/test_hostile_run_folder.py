"""Issue #17 items 4 and 9: run folders never mix runs or lie, and no command overwrites a file without --force."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qualmine.flows.cli.app import app
from qualmine.flows.settings import EXAMPLE_CODEBOOK
from qualmine.outputs.run_folder import RunFolderError, check_run_folder

TRANSCRIPT = "访谈员：您觉得社区服务怎么样？\n受访者：排队时间太长，人手紧张。\n"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "interview.txt").write_text(TRANSCRIPT, encoding="utf-8")
    return folder


def _old_run(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "run_manifest.json").write_text(json.dumps({"run_id": "old"}), encoding="utf-8")
    (folder / "topics.csv").write_text("topic_id\nold\n", encoding="utf-8")


def test_out_inside_or_around_the_corpus_is_refused(corpus):
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--out", str(corpus / "run"), "--no-topics"])
    assert result.exit_code == 2 and "inside the input" in result.output
    with pytest.raises(RunFolderError, match="inside the input"):
        check_run_folder(corpus, inputs=(corpus,))
    with pytest.raises(RunFolderError, match="contains the input"):
        check_run_folder(corpus.parent, inputs=(corpus,), force=True)
    assert (corpus / "interview.txt").is_file() and not (corpus / "run").exists()


def test_an_existing_run_needs_force_and_other_files_are_never_cleared(tmp_path, corpus):
    _old_run(tmp_path / "out")
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--no-topics"])
    assert result.exit_code == 2 and "--force" in result.output
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(RunFolderError, match="not a qualmine run"):
        check_run_folder(mine, force=True)
    check_run_folder(tmp_path / "new")            # a new folder is fine
    (tmp_path / "empty").mkdir()
    check_run_folder(tmp_path / "empty")          # and so is an empty one


def test_a_forced_run_replaces_the_old_one_whole(tmp_path, corpus, prefect_harness):
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    out = tmp_path / "out"
    _old_run(out)
    settings = RunSettings(corpus_dir=corpus, codebook_path=EXAMPLE_CODEBOOK, out_dir=out, topics=False, store=None)
    with pytest.raises(RunFolderError):
        run_pipeline(settings)
    result = run_pipeline(settings, force=True)
    assert not (out / "topics.csv").exists()                 # the old run's topic table is gone
    manifest = json.loads((out / "run_manifest.json").read_text(encoding="utf-8"))
    assert manifest["run_id"] == settings.run_id
    assert all(out.resolve() in p.parents for p in result.outputs), result.outputs
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no staging folder left


def test_a_run_that_dies_leaves_the_previous_run_untouched(tmp_path, corpus, prefect_harness, monkeypatch):
    from qualmine.flows import pipeline
    from qualmine.flows.settings import RunSettings

    out = tmp_path / "out"
    _old_run(out)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed mid-run")

    monkeypatch.setattr(pipeline, "links_task", killed)   # tables are written, the run dies before its manifest
    settings = RunSettings(corpus_dir=corpus, codebook_path=EXAMPLE_CODEBOOK, out_dir=out, topics=False, store=None)
    with pytest.raises(BaseException, match="killed mid-run"):
        pipeline.run_pipeline(settings, force=True)
    assert sorted(p.name for p in out.iterdir()) == ["run_manifest.json", "topics.csv"]
    assert json.loads((out / "run_manifest.json").read_text(encoding="utf-8"))["run_id"] == "old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_exchange_commands_refuse_to_overwrite_without_force(tmp_path):
    target = tmp_path / "book.qdc"
    target.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["export", "qdc", "--codebook", str(EXAMPLE_CODEBOOK), "--out", str(target)])
    assert result.exit_code == 2 and "--force" in result.output and target.read_text(encoding="utf-8") == "mine"
    ok = CliRunner().invoke(app, ["export", "qdc", "--codebook", str(EXAMPLE_CODEBOOK), "--out", str(target), "--force"])
    assert ok.exit_code == 0, ok.output
    yaml_out = tmp_path / "my_codebook.yaml"
    yaml_out.write_text("my work", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "qdc", str(target), "--out", str(yaml_out)])
    assert result.exit_code == 2 and yaml_out.read_text(encoding="utf-8") == "my work"
    assert CliRunner().invoke(app, ["import", "qdc", str(target), "--out", str(yaml_out), "--force"]).exit_code == 0
    run = tmp_path / "run"
    _old_run(run)
    qdpx = tmp_path / "p.qdpx"
    qdpx.write_bytes(b"someone's project")
    result = CliRunner().invoke(app, ["export", "qdpx", "--run", str(run), "--out", str(qdpx)])
    assert result.exit_code == 2 and qdpx.read_bytes() == b"someone's project"


def test_import_qdpx_refuses_an_existing_run_folder(tmp_path):
    out = tmp_path / "imported"
    _old_run(out)
    project = tmp_path / "x.qdpx"
    project.write_bytes(b"PK")   # never read: the run folder is checked first
    result = CliRunner().invoke(app, ["import", "qdpx", str(project), "--coder", "ana", "--out", str(out)])
    assert result.exit_code == 2 and "--force" in result.output
    assert (out / "topics.csv").is_file()
