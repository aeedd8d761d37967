"""Where a project keeps its files: `qualmine.toml` found upward from the working folder, as git and
pytest find theirs, else the working folder itself.

A project file names the corpus, the codebook, the store and the runs folder (paths relative to the
file). Without one, runs go to `./qualmine-runs/<run_id>/` and the store to
`./qualmine-runs/qualmine.sqlite`. `$QUALMINE_HOME` names the project folder outright, and
`$QUALMINE_STORE` / `--store` still win for the store. Nothing is ever written into the installed
package.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from qualmine import QualmineError

PROJECT_FILE = "qualmine.toml"
HOME_ENV = "QUALMINE_HOME"
RUNS_FOLDER = "qualmine-runs"
STORE_FILE = "qualmine.sqlite"
_KEYS = {"corpus", "codebook", "store", "outputs"}


class ProjectFileError(QualmineError, ValueError):
    """A qualmine.toml that cannot be read: names the file, the key and what was expected."""


@dataclass(frozen=True)
class Project:
    """A project's folder and what its qualmine.toml says (None: not set, use the defaults)."""

    root: Path
    file: Path | None = None
    corpus: Path | None = None
    codebook: Path | None = None
    store: str | None = None
    outputs: Path | None = None

    @property
    def runs_dir(self) -> Path:
        """Where run folders go by default."""
        return self.outputs or self.root / RUNS_FOLDER

    @property
    def default_store(self) -> str:
        """The store a command uses when neither --store nor $QUALMINE_STORE says."""
        return self.store or str(self.runs_dir / STORE_FILE)


def find_project_file(start: Path | None = None) -> Path | None:
    """The nearest qualmine.toml in `start` (default: the working folder) or a folder above it."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def parse_project_file(path: Path) -> Project:
    """Read a qualmine.toml: a `[project]` table with optional corpus, codebook, store, outputs."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProjectFileError(f"{path}: not a readable TOML file ({exc})") from exc
    table = data.get("project", {})
    if not isinstance(table, dict):
        raise ProjectFileError(f"{path}: [project] must be a table. Got {type(table).__name__} instead.")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ProjectFileError(f"{path}: [project] has unknown key(s) {', '.join(unknown)}; "
                               f"expected any of {', '.join(sorted(_KEYS))}")
    values = {}
    for key in sorted(_KEYS & set(table)):
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise ProjectFileError(f"{path}: [project] {key} must be a non-empty string. Got {value!r} instead.")
        if key == "store" and "://" in value:
            values[key] = value
        else:
            resolved = (path.parent / Path(value).expanduser()).resolve()
            values[key] = str(resolved) if key == "store" else resolved
    return Project(root=path.parent.resolve(), file=path, **values)


def current_project(start: Path | None = None) -> Project:
    """The project the working folder belongs to ($QUALMINE_HOME, else the nearest qualmine.toml, else cwd)."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        file = root / PROJECT_FILE
        return parse_project_file(file) if file.is_file() else Project(root=root)
    file = find_project_file(start)
    return parse_project_file(file) if file else Project(root=Path(start or Path.cwd()).resolve())
