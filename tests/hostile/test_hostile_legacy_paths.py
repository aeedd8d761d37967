"""Issue #17 item 8: `--trust-model-file` must look for an old pickle where an older qualmine wrote it.

Pickles were written only before the pickle-free format (commit 979413f); a server store's model
was then `<package>/outputs/qualmine.suggester.joblib` (the package's outputs/ folder: runtime
data moved to <project>/qualmine-runs/ later, when no pickle was written any more)."""
from __future__ import annotations

from pathlib import Path

import qualmine.outputs
from qualmine.coding.store.database import legacy_model_path


def test_a_server_stores_old_pickle_is_looked_for_in_the_packages_outputs_folder():
    package_outputs = Path(qualmine.outputs.__file__).resolve().parent
    assert legacy_model_path("postgresql+psycopg://u:pw@h/A") == package_outputs / "qualmine.suggester.joblib"


def test_a_sqlite_stores_old_pickle_is_next_to_the_store(tmp_path):
    assert legacy_model_path(f"sqlite:///{tmp_path}/team.sqlite") == tmp_path / "team.suggester.joblib"
