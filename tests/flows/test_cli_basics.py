"""The command line's own manners: --version, flags without a value type, init, errors without tracebacks."""
import re

from typer.testing import CliRunner

import qualmine
from qualmine.flows.cli.app import app, main


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"qualmine {qualmine.__version__}"


def test_flags_are_shown_without_a_value_type():
    result = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "--no-topics" in result.output
    assert "<bool>" not in result.output
    assert re.search(r"--corpus\s+<path>", result.output)   # options that take a value still say what
    assert re.search(r"--semantic-top-prototypes\s+<int>", result.output)


def test_init_writes_a_starter_project_and_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    from qualmine.coding.codebook import load_codebook
    from qualmine.coding.store.project import current_project

    result = CliRunner().invoke(app, ["init", str(tmp_path / "study")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "study" / "corpus").is_dir() and not any((tmp_path / "study" / "corpus").iterdir())
    load_codebook(tmp_path / "study" / "codebook.yaml")            # the template is a valid codebook
    monkeypatch.delenv("QUALMINE_HOME", raising=False)
    monkeypatch.chdir(tmp_path / "study")
    project = current_project()
    assert project.corpus == (tmp_path / "study" / "corpus").resolve()
    assert project.codebook == (tmp_path / "study" / "codebook.yaml").resolve()
    (tmp_path / "study" / "codebook.yaml").write_text("# my edits\n", encoding="utf-8")
    again = CliRunner().invoke(app, ["init", str(tmp_path / "study")])
    assert again.exit_code == 2 and "already exist" in again.output and "--force" in again.output
    assert (tmp_path / "study" / "codebook.yaml").read_text(encoding="utf-8") == "# my edits\n"


def test_a_qualmine_error_is_one_escaped_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    (tmp_path / "qualmine.toml").write_text("[project]\ncorpus = 3\n", encoding="utf-8")
    bracketed = tmp_path / "[draft]"
    bracketed.mkdir()
    (bracketed / "qualmine.toml").write_text("[project]\ncorpus = 3\n", encoding="utf-8")
    monkeypatch.chdir(bracketed)
    monkeypatch.delenv("QUALMINE_HOME", raising=False)
    monkeypatch.setattr("sys.argv", ["qualmine", "run", "--no-topics", "--store", "none"])
    try:
        main()
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "[draft]" in err and "corpus must be a non-empty string" in err
