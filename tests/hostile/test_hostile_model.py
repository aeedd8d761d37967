"""Issue #17 item 1-2: no code runs from a model file, and every project has its own model file."""
from __future__ import annotations

import io
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from qualmine.coding.store.database import ProjectStore, legacy_model_path, model_path, redact_url
from qualmine.coding.suggest.learning import load_trained_model
from qualmine.coding.suggest.model import CodeSuggester
from qualmine.coding.suggest.persist import ModelFileError, UntrustedModelFile, load_model, save_model
from qualmine.flows.cli.app import app

WORDS = {"wait": "waited hours in the queue", "staff": "the nurse was kind", "park": "no parking spaces"}


class Payload:
    """What an attacker pickles: unpickling it creates `marker` (a harmless stand-in for any code)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


@pytest.fixture(scope="module")
def fitted():
    texts, labels = [], []
    for i in range(36):
        chosen = sorted(WORDS)[i % 3: i % 3 + 1 + i % 2]
        texts.append(" and ".join(WORDS[c] for c in chosen) + f" visit {i}")
        labels.append(set(chosen))
    model = CodeSuggester(random_state=0, calibration_folds=3).fit(texts, labels, ["en"] * len(texts))
    return model, texts


def test_a_pickle_beside_the_store_is_never_unpickled(tmp_path):
    store_file = tmp_path / "project.sqlite"
    marker = tmp_path / "pwned"
    with ProjectStore(store_file) as store:
        joblib.dump(Payload(marker), legacy_model_path(store.url))
        with pytest.raises(UntrustedModelFile, match="--trust-model-file"):
            load_trained_model(store)
    assert not marker.exists()
    result = CliRunner().invoke(app, ["suggest", "apply", "--store", str(store_file)])
    assert result.exit_code == 2, result.output
    assert "trust-model-file" in result.output and not marker.exists()


def test_a_pickle_under_the_new_model_name_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    with ProjectStore(tmp_path / "project.sqlite") as store:
        joblib.dump(Payload(marker), model_path(store.url))
        with pytest.raises(UntrustedModelFile, match="pickled"):
            load_trained_model(store)
        model_path(store.url).write_bytes(b"PK\x03\x04 not really a zip")
        with pytest.raises(ModelFileError, match="project.suggester.npz"):
            load_trained_model(store)
    assert not marker.exists()


def test_model_files_differ_per_project_and_never_hold_a_password():
    a = model_path("postgresql+psycopg://u:s3cret@db.example/A")
    b = model_path("postgresql+psycopg://u:s3cret@db.example/B")
    other_port = model_path("postgresql+psycopg://u@db.example:5433/A")
    default = model_path("sqlite:////tmp/outputs/qualmine.sqlite")
    assert len({a, b, other_port, default}) == 4
    assert a == model_path("postgresql+psycopg://someone_else@db.example/A")   # one model per database
    assert "s3cret" not in str(a) and "s3cret" not in redact_url("postgresql+psycopg://u:s3cret@db.example/A")
    assert a.suffix == ".npz" and a.parent != b.parent


def test_round_trip_without_pickle(tmp_path, fitted):
    model, texts = fitted
    path = tmp_path / "m.suggester.npz"
    save_model(model, path, {"store_id": "abc"})
    with zipfile.ZipFile(path) as archive:   # nothing in the file is a pickle
        for name in archive.namelist():
            np.load(io.BytesIO(archive.read(name)), allow_pickle=False)
    loaded, metadata = load_model(path)
    pd.testing.assert_frame_equal(loaded.predict_proba(texts, ["en"] * len(texts)),
                                  model.predict_proba(texts, ["en"] * len(texts)))
    assert loaded.threshold_ == model.threshold_ and metadata["store_id"] == "abc"
    assert loaded.get_params() == model.get_params()


@pytest.mark.parametrize("tamper, message", [
    (lambda a: a.update(extra=np.zeros(2)), "entries"),
    (lambda a: a.update(coef=np.zeros((3, 1))), "coef has shape"),
    (lambda a: a.update(intercept=np.array(["x", "y", "z"])), "must hold floats"),
    (lambda a: a.update(header=np.frombuffer(b'{"format": "other/9"}', dtype=np.uint8)), "expected 'qualmine.suggester/1'"),
])
def test_a_file_qualmine_did_not_write_is_refused(tmp_path, fitted, tamper, message):
    model, _ = fitted
    good = tmp_path / "good.npz"
    save_model(model, good, {})
    with np.load(good, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    tamper(arrays)
    bad = tmp_path / "bad.npz"
    with open(bad, "wb") as handle:
        np.savez(handle, **arrays)
    with pytest.raises(ModelFileError, match=message):
        load_model(bad)


def test_object_arrays_are_refused_not_unpickled(tmp_path, fitted):
    model, _ = fitted
    good = tmp_path / "good.npz"
    save_model(model, good, {})
    with np.load(good, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    marker = tmp_path / "pwned"
    arrays["intercept"] = np.array([Payload(marker)], dtype=object)
    bad = tmp_path / "bad.npz"
    with open(bad, "wb") as handle:
        np.savez(handle, **arrays)
    with pytest.raises(ModelFileError):
        load_model(bad)
    assert not marker.exists()


def test_a_trusted_old_pickle_with_pre_move_module_names_converts(tmp_path, fitted, monkeypatch):
    from qualmine.coding.suggest import features, model as model_module
    from qualmine.coding.suggest.persist import _legacy_module_names

    model, texts = fitted
    store_file = tmp_path / "project.sqlite"
    with ProjectStore(store_file) as store:
        old = legacy_model_path(store.url)
        # Pickle as qualmine did before the move: classes named coding.suggest / coding.features.
        with _legacy_module_names():
            monkeypatch.setattr(model_module.CodeSuggester, "__module__", "coding.suggest")
            monkeypatch.setattr(features.SegmentFeatures, "__module__", "coding.features")
            joblib.dump(model, old)
        monkeypatch.undo()
        raw = old.read_bytes()
        assert b"coding.suggest" in raw and b"qualmine" not in raw
        with pytest.raises(UntrustedModelFile):
            load_trained_model(store)
        loaded, _ = load_trained_model(store, trust_model_file=True)
        assert model_path(store.url).is_file()          # converted: the next load needs no trust
        again, _ = load_trained_model(store)
    langs = ["en"] * len(texts)
    pd.testing.assert_frame_equal(again.predict_proba(texts, langs), model.predict_proba(texts, langs))
    assert loaded.threshold_ == model.threshold_
