"""Shared test fixtures: an isolated Prefect home, the Prefect test harness, paths to shipped data."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports prefect: an isolated, throwaway PREFECT_HOME for the whole session.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="qualmine-prefect-"))
# Pipeline runs record into a project store: never the repository's outputs/qualmine.sqlite in tests.
os.environ.setdefault("QUALMINE_STORE", os.path.join(tempfile.mkdtemp(prefix="qualmine-store-"), "qualmine.sqlite"))

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLE_CORPUS = REPO / "corpus" / "examples"
EXAMPLE_CODEBOOK = REPO / "codebooks" / "community_governance.yaml"


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every flow test in the session (~10 s to start, once)."""
    import flows.prefect_env  # noqa: F401
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def shared_corpora() -> Path:
    """The real labelled corpora in ../shared/corpora; tests using them skip in a user's clone."""
    path = SHARED / "corpora"
    if not path.is_dir():
        pytest.skip("../shared/corpora is not present (only on the team's machines)")
    return path
