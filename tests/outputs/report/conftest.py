"""Fixtures for the report tests: the example corpus run (the real pipeline, once per session)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualmine.flows.settings import EXAMPLE_CODEBOOK, EXAMPLE_CORPUS


@pytest.fixture(scope="session")
def example_run(tmp_path_factory, prefect_harness) -> tuple[Path, object]:
    """The main flow on the shipped example corpus (topics off): the run folder and its RunResult."""
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    out = tmp_path_factory.mktemp("report-run")
    result = run_pipeline(RunSettings(corpus_dir=EXAMPLE_CORPUS, codebook_path=EXAMPLE_CODEBOOK, out_dir=out,
                                      topics=False))
    return out, result


@pytest.fixture
def run_copy(example_run, tmp_path) -> Path:
    """A private copy of the example run's tables and manifest, without its report files."""
    src, _ = example_run
    dst = tmp_path / "run"
    dst.mkdir()
    for path in src.iterdir():
        if path.is_file() and not path.name.startswith("report"):
            shutil.copy2(path, dst / path.name)
    return dst
