"""Keeping a fitted `CodeSuggester`: joblib for the model, a JSON side-car describing it."""
from __future__ import annotations

import json
import platform
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from qualmine.coding.suggest.model import CodeSuggester


def metadata_path(path: str | Path) -> Path:
    """The JSON side-car of a saved model: `model.joblib` -> `model.joblib.json`."""
    path = Path(path)
    return path.with_name(path.name + ".json")


def save_model(model: CodeSuggester, path: str | Path, metadata: dict) -> None:
    """Write the fitted model (joblib) and a JSON side-car with `metadata` plus what describes it.

    Added to the caller's metadata unless given: codes, threshold, training size, parameters,
    library versions and the save date. Both files are written to temporary names and renamed,
    so a crash never leaves a half-written model.
    """
    import joblib
    import sklearn

    if not hasattr(model, "classes_"):
        raise ValueError("save_model needs a fitted CodeSuggester (call fit first)")
    path = Path(path)
    side = {
        "codes": list(model.classes_), "threshold": model.threshold_,
        "threshold_reviewed": getattr(model, "threshold_reviewed_", model.threshold_),
        "training_segments": model.n_training_,
        "skipped_codes": model.skipped_codes_, "params": {k: _jsonable(v) for k, v in model.get_params().items()},
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__, "pandas": pd.__version__, "qualmine": _qualmine_version()},
        **metadata,
    }
    tmp_model, tmp_meta = path.with_name(path.name + ".tmp"), metadata_path(path).with_name(path.name + ".json.tmp")
    joblib.dump(model, tmp_model, compress=3)
    tmp_meta.write_text(json.dumps(side, ensure_ascii=False, indent=2, default=_jsonable), encoding="utf-8")
    tmp_model.replace(path)
    tmp_meta.replace(metadata_path(path))


def load_model(path: str | Path) -> tuple[CodeSuggester, dict]:
    """(model, metadata) saved by `save_model`. Only load files you trust (joblib is pickle).

    Warns when the model was saved with another scikit-learn version.
    """
    import joblib
    import sklearn

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no saved model here")
    meta_file = metadata_path(path)
    if not meta_file.is_file():
        raise FileNotFoundError(f"{meta_file}: the model's metadata side-car is missing")
    from qualmine.coding.suggest.model import CodeSuggester

    model = joblib.load(path)
    if not isinstance(model, CodeSuggester):
        raise ValueError(f"{path}: expected a saved CodeSuggester, found {type(model).__name__}")
    metadata = json.loads(meta_file.read_text(encoding="utf-8"))
    saved_with = metadata.get("versions", {}).get("scikit-learn")
    if saved_with and saved_with != sklearn.__version__:
        warnings.warn(f"{path}: saved with scikit-learn {saved_with}, loaded with {sklearn.__version__}; "
                      "retrain if suggestions look wrong", UserWarning, stacklevel=2)
    return model, metadata


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, (datetime, Path)):
        return str(value)
    return value


def _qualmine_version() -> str:
    try:
        from importlib.metadata import version

        return version("qualmine")
    except Exception:   # running from a source tree that is not installed
        return "unknown"
