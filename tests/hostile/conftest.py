"""Hostile-input fixtures: small inputs built in the test, never large files in the repo."""
from __future__ import annotations

import pandas as pd
import pytest

from qualmine.codebooks import EXAMPLE_CODEBOOK

TEXT = "排队时间太长了"


@pytest.fixture
def one_segment_store(tmp_path):
    """A store holding one survey answer (TEXT) with one rule suggestion on it; yields its path."""
    from qualmine.coding.codebook import load_codebook
    from qualmine.coding.store.database import ProjectStore
    from qualmine.coding.store.sync import sync_run

    doc = "survey.csv#R1/q"
    documents = pd.DataFrame([{"doc_id": doc, "source_file": "survey.csv", "kind": "survey", "respondent_id": "R1",
                               "question": "q", "text": TEXT}])
    segments = pd.DataFrame([{"segment_id": "seg1", "doc_id": doc, "source_file": "survey.csv", "respondent_id": "R1",
                              "speaker": "q", "is_interviewer": False, "question": "q", "lang": "zh", "start": 0,
                              "end": len(TEXT), "position": 0, "turn": 0, "text": TEXT}])
    applications = pd.DataFrame([{"segment_id": "seg1", "code_id": "P-OPERATION-HOURS", "source": "rule",
                                  "score": 0.9, "evidence": "排队", "start": 0, "end": 2}])
    path = tmp_path / "store.sqlite"
    with ProjectStore(path) as store:
        sync_run(store, run_id="run-1", codebook=load_codebook(EXAMPLE_CODEBOOK), documents=documents,
                 segments=segments, applications=applications, parameters={})
    return path
