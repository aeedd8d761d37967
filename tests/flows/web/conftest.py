"""Fixtures for the browser review page: a store of the example corpus plus one hostile answer."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from web_helpers import EXAMPLE_CODEBOOK, EXAMPLE_CORPUS, hostile_frames


@pytest.fixture(scope="session")
def web_store_template(tmp_path_factory) -> Path:
    """A store file with the example corpus coded by rules (and the hostile answer), built once."""
    from qualmine.coding.applications import applications_frame
    from qualmine.coding.codebook import load_codebook
    from qualmine.coding.rules import RuleCoder
    from qualmine.coding.store.database import ProjectStore
    from qualmine.coding.store.sync import sync_run
    from qualmine.corpus import documents_frame, ingest_corpus, segments_frame
    from qualmine.outputs import write_table

    folder = tmp_path_factory.mktemp("web-store")
    run_dir = folder / "run-1"
    codebook = load_codebook(EXAMPLE_CODEBOOK)
    corpus = ingest_corpus(EXAMPLE_CORPUS)
    applications = applications_frame(RuleCoder(codebook).apply(corpus.segments))
    h_docs, h_segs, h_apps, h_resp = hostile_frames()
    documents = pd.concat([documents_frame(corpus), h_docs], ignore_index=True)
    segments = pd.concat([segments_frame(corpus), h_segs], ignore_index=True)
    applications = pd.concat([applications, h_apps], ignore_index=True)
    respondents = pd.concat([corpus.respondents, pd.DataFrame([h_resp])], ignore_index=True).fillna("")
    write_table(respondents, run_dir, "respondents")   # the run folder the page reads attributes from
    path = folder / "store.sqlite"
    with ProjectStore(path) as store:
        sync_run(store, run_id="run-1", codebook=codebook, documents=documents, segments=segments,
                 applications=applications, parameters={"out_dir": str(run_dir)})
    return path


@pytest.fixture()
def store_path(tmp_path, web_store_template) -> Path:
    """A fresh copy of the template store for one test."""
    target = tmp_path / "store.sqlite"
    shutil.copyfile(web_store_template, target)
    return target


@pytest.fixture()
def client(store_path):
    """A test client of the review app on loopback (the host the app answers without a token)."""
    from fastapi.testclient import TestClient

    from qualmine.flows.web.server import create_app

    app = create_app(str(store_path))
    with TestClient(app, base_url="http://127.0.0.1:8765") as test_client:
        test_client.form_key = app.state.form_key
        yield test_client
