"""Shared test fixtures: an isolated Prefect home, the Prefect test harness, paths to shipped data."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from qualmine.corpus import EXAMPLE_CORPUS
from qualmine.codebooks import EXAMPLE_CODEBOOK

# Before anything imports prefect: an isolated, throwaway PREFECT_HOME for the whole session.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="qualmine-prefect-"))
# Pipeline runs record into a project store: never the repository's qualmine-runs/qualmine.sqlite in tests.
# The semantic stage (flows/semantic.py) embeds every sentence: pipeline tests run without it unless
# they ask for it (RunSettings(semantic=True) / --semantic), so the suite stays fast.
os.environ.setdefault("QUALMINE_SEMANTIC", "off")
os.environ.setdefault("QUALMINE_STORE", os.path.join(tempfile.mkdtemp(prefix="qualmine-store-"), "qualmine.sqlite"))

# Under CI=true a test skipped for want of ../shared or chromium fails the run (tests/ci_skips.py).
from ci_skips import pytest_configure  # noqa: E402,F401

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def _load_benchmark_module(name: str):
    import importlib.util
    import sys

    qualified = f"benchmarks.{name}"
    if qualified not in sys.modules:
        spec = importlib.util.spec_from_file_location(qualified, REPO / "benchmarks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = module
        spec.loader.exec_module(module)
    return sys.modules[qualified]


@pytest.fixture(scope="session")
def benchmark_module():
    """Loads a module of benchmarks/ from its file: the repo root is not on sys.path in tests, so a
    bare `import models` or `import corpus` anywhere fails here as it would for a user."""
    return _load_benchmark_module


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every flow test in the session (~10 s to start, once)."""
    import qualmine.flows.runtime.env  # noqa: F401
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


@pytest.fixture(scope="session")
def migrated_prefect_home(tmp_path_factory) -> Path:
    """A PREFECT_HOME whose database a real API server has created once (Prefect's migrations take
    ~10 s on every fresh home): tests that start servers in fresh processes copy it (`prefect_home`)."""
    from qualmine.flows.runtime.env import DEFAULTS
    from qualmine.flows.runtime.launch import LaunchedServer, free_port, server_process, wait_healthy

    home = tmp_path_factory.mktemp("prefect-home-template")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({**DEFAULTS, "PREFECT_HOME": str(home)})
    port = free_port()
    with tempfile.TemporaryFile() as log:
        server = LaunchedServer(server_process(env, port, log), port, log)
        try:
            wait_healthy(server, 120)
        finally:
            server.stop()
    return home


@pytest.fixture
def prefect_home(migrated_prefect_home, tmp_path) -> Path:
    """`tmp_path / "prefect-home"`: this test's own PREFECT_HOME, its database already created."""
    home = tmp_path / "prefect-home"
    shutil.copytree(migrated_prefect_home, home)
    return home
