"""Where a project's runs and store go: qualmine.toml found upward, QUALMINE_HOME, the working folder."""
import pytest

from qualmine.coding.store.database import default_store_location, store_folder
from qualmine.coding.store.project import ProjectFileError, current_project, find_project_file


@pytest.fixture
def no_project_env(monkeypatch):
    monkeypatch.delenv("QUALMINE_HOME", raising=False)
    monkeypatch.delenv("QUALMINE_STORE", raising=False)


def test_without_a_project_file_runs_and_store_go_to_the_working_folder(tmp_path, monkeypatch, no_project_env):
    monkeypatch.chdir(tmp_path)
    project = current_project()
    assert project.file is None and project.root == tmp_path.resolve()
    assert project.runs_dir == tmp_path.resolve() / "qualmine-runs"
    assert default_store_location() == str(tmp_path.resolve() / "qualmine-runs" / "qualmine.sqlite")


def test_project_file_is_found_upward_and_its_paths_are_relative_to_it(tmp_path, monkeypatch, no_project_env):
    (tmp_path / "qualmine.toml").write_text('[project]\ncorpus = "data"\ncodebook = "book.yaml"\n'
                                            'outputs = "runs"\nstore = "db/project.sqlite"\n', encoding="utf-8")
    deep = tmp_path / "notes" / "2024"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert find_project_file() == tmp_path / "qualmine.toml"
    project = current_project()
    assert project.corpus == tmp_path.resolve() / "data"
    assert project.codebook == tmp_path.resolve() / "book.yaml"
    assert project.runs_dir == tmp_path.resolve() / "runs"
    assert default_store_location() == str(tmp_path.resolve() / "db" / "project.sqlite")
    # QUALMINE_STORE still wins over the project file.
    monkeypatch.setenv("QUALMINE_STORE", str(tmp_path / "elsewhere.sqlite"))
    assert default_store_location() == str(tmp_path / "elsewhere.sqlite")


def test_qualmine_home_names_the_project_folder(tmp_path, monkeypatch, no_project_env):
    monkeypatch.setenv("QUALMINE_HOME", str(tmp_path / "proj"))
    monkeypatch.chdir(tmp_path)
    assert current_project().runs_dir == (tmp_path / "proj").resolve() / "qualmine-runs"
    # A database URL's trained model goes to its own folder in the project's runs folder, not into the package.
    a, b = store_folder("postgresql+psycopg://u@h/A"), store_folder("postgresql+psycopg://u@h/B")
    assert a != b and a.parent == b.parent == (tmp_path / "proj").resolve() / "qualmine-runs" / "stores"


@pytest.mark.parametrize("text, expected", [
    ("[project]\ncorpus = 3\n", "corpus must be a non-empty string. Got 3 instead"),
    ("[project]\ncorpse = 'x'\n", "unknown key(s) corpse"),
    ("[project\n", "not a readable TOML file"),
])
def test_a_bad_project_file_names_the_file_and_the_key(tmp_path, monkeypatch, no_project_env, text, expected):
    (tmp_path / "qualmine.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectFileError) as info:
        current_project()
    assert str(tmp_path / "qualmine.toml") in str(info.value) and expected in str(info.value)
