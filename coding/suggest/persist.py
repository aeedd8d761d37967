"""Keeping a fitted `CodeSuggester` without pickle: numbers in a NumPy .npz, everything else in JSON.

Why not joblib/pickle: loading a pickle runs whatever code the file names, so a crafted
`*.suggester.joblib` placed beside a store ran its payload in `suggest apply`, `review export` and
`qualmine run --store` (issue #17). A fitted suggester is only arrays (SVM weights, intercepts,
Platt calibration, IDF weights), two vocabularies and a few scalars, so `save_model` writes those
and `load_model` rebuilds the estimator from them:

* `<name>.npz` (`numpy.savez_compressed`, read with `allow_pickle=False`) holds the float arrays
  plus `header`: UTF-8 JSON with the format tag `qualmine.suggester/1`, the parameters, the
  learned scalars, the vocabularies (terms in column order) and the caller's metadata;
* `<name>.npz.json` is the same metadata for people to read (not needed to load).

A model trained with sentence embeddings also holds `embedding_mean` and names its embedding model
(`embedding_model`); the embedder is the installed model, attached by `load_model(path, embedder=...)`.

A file that is not what qualmine wrote (no format tag, other entries, wrong dtypes or shapes,
unknown parameters, an archive that would inflate beyond `MAX_INFLATED_BYTES`) is refused with
`ModelFileError` naming the file and what was expected. Models saved by qualmine before this
format (`*.suggester.joblib`) load only through `load_legacy_model(..., trust=True)` (the CLI's
`--trust-model-file`), which maps the pre-move module paths (`coding.suggest`, `coding.features`)
to today's and re-saves the model in the new format.
"""
from __future__ import annotations

import io
import json
import platform
import sys
import warnings
import zipfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from qualmine.coding.suggest.model import CodeSuggester

FORMAT = "qualmine.suggester/1"
MODEL_SUFFIX = ".npz"
LEGACY_SUFFIXES = (".joblib", ".pkl", ".pickle")
# Largest total the .npz may inflate to: a 200k-feature model with 100 codes is ~80 MB of weights.
MAX_INFLATED_BYTES = 2 * 1024**3
_FLOAT_ARRAYS = ("coef", "intercept", "calibration", "prevalence", "word_idf", "char_idf")
_ENTRIES = {f"{name}.npy" for name in (*_FLOAT_ARRAYS, "header")}
# Written since models learn from sentence embeddings (empty without them); files before lack it.
_EMBEDDING_ENTRY = "embedding_mean.npy"
# Old pickles name the modules as they were before the one-import-root move.
LEGACY_MODULES = {
    "coding.suggest": "qualmine.coding.suggest.model",
    "coding.suggest_io": "qualmine.coding.suggest.persist",
    "coding.features": "qualmine.coding.suggest.features",
    "coding.suggest.model": "qualmine.coding.suggest.model",
    "coding.suggest.features": "qualmine.coding.suggest.features",
}


class ModelFileError(ValueError):
    """A model file that is not a model qualmine wrote (or is damaged): never loaded."""


class UntrustedModelFile(ModelFileError):
    """A pickled model from an older qualmine: loading it would run code, so it needs explicit trust."""


def metadata_path(path: str | Path) -> Path:
    """The JSON side-car of a saved model: `model.npz` -> `model.npz.json`."""
    path = Path(path)
    return path.with_name(path.name + ".json")


def save_model(model: CodeSuggester, path: str | Path, metadata: dict) -> None:
    """Write the fitted model (.npz, no pickle) and a JSON side-car with `metadata` plus what describes it.

    Added to the caller's metadata unless given: codes, threshold, training size, parameters,
    library versions and the save date. Both files are written to temporary names and renamed,
    so a crash never leaves a half-written model.
    """
    import sklearn

    if not hasattr(model, "classes_"):
        raise ValueError("save_model needs a fitted CodeSuggester (call fit first)")
    path = Path(path)
    side = {
        "embedding_model": getattr(model, "embedding_model_", None),
        "codes": list(model.classes_), "threshold": model.threshold_,
        "threshold_reviewed": getattr(model, "threshold_reviewed_", model.threshold_),
        "training_segments": model.n_training_,
        "skipped_codes": model.skipped_codes_, "params": _saved_params(model),
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__, "pandas": pd.__version__, "qualmine": _qualmine_version()},
        **metadata,
    }
    side = json.loads(json.dumps(side, ensure_ascii=False, default=_jsonable))
    features = model.features_
    header = {
        "format": FORMAT,
        "params": _saved_params(model),
        "embedding_model": getattr(model, "embedding_model_", None),
        "classes": [str(c) for c in model.classes_],
        "threshold": float(model.threshold_),
        "threshold_reviewed": float(getattr(model, "threshold_reviewed_", model.threshold_)),
        "n_training": int(model.n_training_),
        "skipped_codes": {str(k): str(v) for k, v in model.skipped_codes_.items()},
        "word_vocabulary": _terms(features.word_vectorizer_),
        "char_vocabulary": _terms(features.char_vectorizer_),
        "metadata": side,
    }
    arrays = {
        "coef": np.asarray(model.coef_, dtype=np.float32),
        "intercept": np.asarray(model.intercept_, dtype=np.float64),
        "calibration": np.asarray(model.calibration_, dtype=np.float64),
        "prevalence": np.asarray(getattr(model, "prevalence_", np.zeros(len(model.classes_))), dtype=np.float64),
        "word_idf": _idf(features.word_vectorizer_), "char_idf": _idf(features.char_vectorizer_),
        "embedding_mean": np.asarray(getattr(features, "embedding_mean_", np.zeros(0)), dtype=np.float64),
        "header": np.frombuffer(json.dumps(header, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
    }
    tmp_model, tmp_meta = path.with_name(path.name + ".tmp"), path.with_name(path.name + ".json.tmp")
    with open(tmp_model, "wb") as handle:   # a file object: savez would append .npz to a name
        np.savez_compressed(handle, **arrays)
    tmp_meta.write_text(json.dumps(side, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp_model.replace(path)
    tmp_meta.replace(metadata_path(path))


def load_model(path: str | Path, embedder: Any = None) -> tuple[CodeSuggester, dict]:
    """(model, metadata) saved by `save_model`; never unpickles anything.

    Raises FileNotFoundError when `path` is missing, `UntrustedModelFile` for a pickle (an old
    `.joblib` model: see `load_legacy_model`), `ModelFileError` for any file qualmine did not write.
    Warns when the model was saved with another scikit-learn version. A model trained with
    sentence embeddings gets `embedder` attached (`EmbeddingModelMismatch` when it embeds with
    another model; without one it loads, and scoring raises `EmbeddingModelMismatch`).
    """
    import sklearn

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no saved model here")
    if path.suffix.lower() in LEGACY_SUFFIXES or not zipfile.is_zipfile(path):
        if _looks_pickled(path):
            raise UntrustedModelFile(
                f"{path}: a pickled model (an older qualmine's format, or someone else's file); loading a pickle "
                "can run any code it names, so it is refused. Retrain with `qualmine suggest train`, or, if you "
                "made this file yourself, convert it once with `qualmine suggest apply --trust-model-file`")
        raise ModelFileError(f"{path}: not a qualmine model file (expected a .npz archive written by "
                             "`qualmine suggest train`)")
    arrays, header = _read_npz(path)
    model = _rebuild(path, arrays, header)
    if model.embedding_model_ is not None and embedder is not None:
        model.features_.check_embedder(embedder)
        model.set_params(embedder=embedder)
    metadata = header.get("metadata") if isinstance(header.get("metadata"), dict) else {}
    saved_with = metadata.get("versions", {}).get("scikit-learn") if isinstance(metadata.get("versions"), dict) else None
    if saved_with and saved_with != sklearn.__version__:
        warnings.warn(f"{path}: saved with scikit-learn {saved_with}, loaded with {sklearn.__version__}; "
                      "retrain if suggestions look wrong", UserWarning, stacklevel=2)
    return model, metadata


def load_legacy_model(path: str | Path, *, trust: bool = False, convert_to: str | Path | None = None
                      ) -> tuple[CodeSuggester, dict]:
    """An old pickled (joblib) model, only with `trust=True`; re-saved without pickle at `convert_to`.

    Pickles written before the one-import-root move name `coding.suggest.CodeSuggester` and
    `coding.features.SegmentFeatures`; those names are mapped to today's modules while loading.
    """
    path = Path(path)
    if not trust:
        raise UntrustedModelFile(
            f"{path}: a pickled model from an older qualmine; loading a pickle can run any code it names. "
            "Retrain with `qualmine suggest train`, or, if you made this file yourself, convert it once with "
            "`qualmine suggest apply --trust-model-file`")
    import joblib

    from qualmine.coding.suggest.model import CodeSuggester

    with _legacy_module_names():
        model = joblib.load(path)
    if not isinstance(model, CodeSuggester):
        raise ModelFileError(f"{path}: expected a saved CodeSuggester, found {type(model).__name__}")
    meta_file = metadata_path(path)
    try:
        metadata = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    except ValueError:
        metadata = {}
    if convert_to is not None:
        Path(convert_to).parent.mkdir(parents=True, exist_ok=True)
        save_model(model, convert_to, {**metadata, "converted_from": str(path)})
    return model, metadata


@contextmanager
def _legacy_module_names() -> Iterator[None]:
    import importlib

    added = []
    for old, new in {"coding": "qualmine.coding", **LEGACY_MODULES}.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)
            added.append(old)
    try:
        yield
    finally:
        for old in added:
            sys.modules.pop(old, None)


def _looks_pickled(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(4)
    # pickle protocol 2+ starts with 0x80; joblib's compressed pickles are zlib/gzip/xz/lz4 streams
    return head[:1] == b"\x80" or head[:2] in (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda", b"\x1f\x8b") \
        or head.startswith(b"\xfd7zXZ") or head.startswith(b"\x04\x22\x4d\x18") or head.startswith(b"ZF")


def _read_npz(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if names - {_EMBEDDING_ENTRY} != _ENTRIES or len(infos) != len(names):
                raise ModelFileError(f"{path}: not a qualmine model file: entries {sorted(names)[:10]}, "
                                     f"expected {sorted(_ENTRIES | {_EMBEDDING_ENTRY})}")
            inflated = sum(info.file_size for info in infos)
            if inflated > MAX_INFLATED_BYTES:
                raise ModelFileError(f"{path}: would inflate to {inflated} bytes, more than the "
                                     f"{MAX_INFLATED_BYTES} a qualmine model may hold")
            arrays = {}
            for info in infos:
                with archive.open(info) as entry:
                    data = entry.read(MAX_INFLATED_BYTES + 1)
                if len(data) != info.file_size:   # the size in the directory is a claim; check it
                    raise ModelFileError(f"{path}: entry {info.filename} inflates to another size than it declares")
                arrays[info.filename[:-4]] = np.load(io.BytesIO(data), allow_pickle=False)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelFileError(f"{path}: damaged model archive ({exc})") from None
    except ValueError as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(f"{path}: not a qualmine model file ({exc})") from None
    raw = arrays.pop("header")
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ModelFileError(f"{path}: header must be UTF-8 bytes; found {raw.dtype} with {raw.ndim} dimension(s)")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelFileError(f"{path}: header is not UTF-8 JSON ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise ModelFileError(f"{path}: header format is {found!r}, expected {FORMAT!r}")
    for name, array in arrays.items():
        if array.dtype.kind != "f":
            raise ModelFileError(f"{path}: array {name} must hold floats; found {array.dtype}")
    return arrays, header


def _rebuild(path: Path, arrays: dict[str, np.ndarray], header: dict) -> CodeSuggester:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from qualmine.coding.suggest.features import SegmentFeatures
    from qualmine.coding.suggest.model import CodeSuggester

    def bad(what: str) -> ModelFileError:
        return ModelFileError(f"{path}: {what}")

    defaults = {k: v for k, v in CodeSuggester().get_params().items() if k not in _UNSAVED_PARAMS}
    params = header.get("params")
    if not isinstance(params, dict) or set(params) - set(defaults):
        unknown = sorted(set(params) - set(defaults)) if isinstance(params, dict) else params
        raise bad(f"params: unknown parameter(s) {unknown}; expected some of {sorted(defaults)}")
    kwargs = {}
    for name, value in params.items():
        default = defaults[name]
        if isinstance(default, tuple):
            if not (isinstance(value, list) and len(value) == len(default) and all(type(v) is int for v in value)):
                raise bad(f"params.{name}: expected {len(default)} integers, got {value!r}")
            value = tuple(value)
        elif value is not None and not isinstance(value, (int, float, str, bool)):
            raise bad(f"params.{name}: expected a number, text or null, got {type(value).__name__}")
        kwargs[name] = value
    model = CodeSuggester(**kwargs)
    try:
        model._validate_params()
    except ValueError as exc:
        raise bad(f"params: {exc}") from None

    classes = header.get("classes")
    if not (isinstance(classes, list) and classes and all(isinstance(c, str) for c in classes)):
        raise bad("classes: expected a non-empty list of code ids")
    vocabularies = {}
    for part in ("word", "char"):
        terms = header.get(f"{part}_vocabulary")
        if terms is not None and not (isinstance(terms, list) and all(isinstance(t, str) for t in terms)
                                      and len(set(terms)) == len(terms)):
            raise bad(f"{part}_vocabulary: expected null or a list of distinct strings")
        vocabularies[part] = terms
    embedding_model = header.get("embedding_model")
    if not (embedding_model is None or (isinstance(embedding_model, str) and embedding_model)):
        raise bad(f"embedding_model: expected null or the embedding model's name, got {embedding_model!r}")
    embedding_mean = arrays.get("embedding_mean", np.zeros(0))
    if (embedding_model is None) != (embedding_mean.size == 0):
        raise bad(f"embedding_mean has {embedding_mean.size} values for embedding_model {embedding_model!r}: "
                  "expected values exactly when an embedding model is named")
    n_features = sum(len(t or ()) for t in vocabularies.values()) + embedding_mean.size
    k = len(classes)
    expected = {"coef": (n_features, k), "intercept": (k,), "calibration": (k, 2), "prevalence": (k,),
                "word_idf": (len(vocabularies["word"] or ()),), "char_idf": (len(vocabularies["char"] or ()),),
                "embedding_mean": (embedding_mean.size,)}
    for name, shape in expected.items():
        array = arrays.get(name, embedding_mean)
        if array.shape != shape:
            raise bad(f"array {name} has shape {array.shape}, expected {shape}")
        if not np.isfinite(array).all():
            raise bad(f"array {name} holds NaN or infinite values")
    scalars = {}
    for name in ("threshold", "threshold_reviewed"):
        value = header.get(name)
        if not (isinstance(value, (int, float)) and 0.0 < value < 1.0):
            raise bad(f"{name}: expected a number between 0 and 1, got {value!r}")
        scalars[name] = float(value)
    n_training = header.get("n_training")
    if not (type(n_training) is int and n_training >= 0):
        raise bad(f"n_training: expected a count, got {n_training!r}")
    skipped = header.get("skipped_codes", {})
    if not (isinstance(skipped, dict) and all(isinstance(v, str) for v in skipped.values())):
        raise bad("skipped_codes: expected a mapping of code id -> reason")

    features = SegmentFeatures(min_df=model.min_df, word_ngrams=model.word_ngrams, char_ngrams=model.char_ngrams,
                               embedding_weight=model.embedding_weight)
    features.embedding_model_, features.embedding_mean_ = embedding_model, embedding_mean.astype(np.float64)
    # The same constructor arguments as SegmentFeatures.fit_transform; the vocabulary is given, not learned.
    vectorizers = {
        "word": dict(token_pattern=r"\S+", lowercase=False, ngram_range=tuple(model.word_ngrams)),
        "char": dict(analyzer="char_wb", ngram_range=tuple(model.char_ngrams)),
    }
    for part, kwargs_ in vectorizers.items():
        terms = vocabularies[part]
        vectorizer = None
        if terms:
            vectorizer = TfidfVectorizer(**kwargs_, min_df=model.min_df, sublinear_tf=True, dtype=np.float64,
                                         vocabulary={t: i for i, t in enumerate(terms)})
            vectorizer.idf_ = arrays[f"{part}_idf"]
        setattr(features, f"{part}_vectorizer_", vectorizer)
    features.n_features_out_ = n_features
    model.features_ = features
    model.embedding_model_ = embedding_model
    model.classes_ = list(classes)
    model.coef_ = arrays["coef"].astype(np.float32, copy=False)
    model.intercept_, model.calibration_ = arrays["intercept"], arrays["calibration"]
    model.prevalence_ = arrays["prevalence"]
    model.threshold_, model.threshold_reviewed_ = scalars["threshold"], scalars["threshold_reviewed"]
    model.n_training_ = n_training
    model.skipped_codes_ = dict(skipped)
    return model


_UNSAVED_PARAMS = ("embedder",)   # the installed model, not part of the file


def _saved_params(model: CodeSuggester) -> dict:
    return {k: _jsonable(v) for k, v in model.get_params().items() if k not in _UNSAVED_PARAMS}


def _terms(vectorizer: Any) -> list[str] | None:
    if vectorizer is None:
        return None
    vocabulary = vectorizer.vocabulary_
    terms = [""] * len(vocabulary)
    for term, index in vocabulary.items():
        terms[index] = term
    return terms


def _idf(vectorizer: Any) -> np.ndarray:
    return np.zeros(0) if vectorizer is None else np.asarray(vectorizer.idf_, dtype=np.float64)


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
