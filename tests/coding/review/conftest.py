"""Fixtures for the review loop: the example corpus coded by rules, recorded in a temporary store."""
from __future__ import annotations

import pytest

from review_helpers import EXAMPLE_CODEBOOK, EXAMPLE_CORPUS


@pytest.fixture(scope="session")
def example_run():
    """(codebook, documents, segments, rule applications) of the shipped example corpus."""
    from qualmine.coding.applications import applications_frame
    from qualmine.coding.codebook import load_codebook
    from qualmine.coding.rules import RuleCoder
    from qualmine.corpus import documents_frame, ingest_corpus, segments_frame

    codebook = load_codebook(EXAMPLE_CODEBOOK)
    corpus = ingest_corpus(EXAMPLE_CORPUS)
    applications = applications_frame(RuleCoder(codebook).apply(corpus.segments))
    return codebook, documents_frame(corpus), segments_frame(corpus), applications


@pytest.fixture()
def store(tmp_path, example_run):
    """A fresh store file with one recorded run of the example corpus."""
    from qualmine.coding.store.database import ProjectStore
    from qualmine.coding.store.sync import sync_run

    codebook, documents, segments, applications = example_run
    project = ProjectStore(tmp_path / "store.sqlite")
    sync_run(project, run_id="run-1", codebook=codebook, documents=documents, segments=segments,
             applications=applications)
    yield project
    project.close()
