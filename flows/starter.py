"""`qualmine init`: a starter project a researcher fills in (qualmine.toml, a codebook, a corpus folder)."""
from __future__ import annotations

from pathlib import Path

from qualmine import QualmineError
from qualmine.codebooks import EXAMPLE_CODEBOOK
from qualmine.coding.store.project import PROJECT_FILE, RUNS_FOLDER

PROJECT_TOML = f"""# A qualmine project: `qualmine run` in this folder (or any folder below it) uses these.
# Paths are relative to this file. Delete a line to use the default.
[project]
# corpus/: interview transcripts (.txt .md .docx; speaker turns such as 问：/答： or Interviewer:/R1:
# at line start) and survey exports (.csv .xlsx, one row a respondent). Every file in it is read.
corpus = "corpus"
codebook = "codebook.yaml"     # check it with: qualmine codebook check codebook.yaml
outputs = "{RUNS_FOLDER}"      # run folders go here, one per run
store = "{RUNS_FOLDER}/qualmine.sqlite"   # segments, suggestions and coders' decisions
"""

def write_starter_project(folder: Path, force: bool = False) -> list[Path]:
    """Write qualmine.toml and codebook.yaml (the example codebook, to adapt), make an empty corpus/
    (every file in it is ingested, so nothing else goes there); return the files written."""
    folder = Path(folder).expanduser()
    files = {
        folder / PROJECT_FILE: PROJECT_TOML,
        folder / "codebook.yaml": EXAMPLE_CODEBOOK.read_text(encoding="utf-8"),
    }
    existing = [p for p in files if p.exists()]
    if existing and not force:
        raise QualmineError(f"{', '.join(map(str, existing))} already exist(s): nothing was written "
                            "(--force overwrites them)")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "corpus").mkdir(parents=True, exist_ok=True)
    return list(files)
