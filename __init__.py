"""qualmine: reproducible qualitative coding of interviews and open-ended survey answers.

The repository's top-level folders are this package's subpackages (`qualmine.corpus` is corpus/,
`qualmine.flows` is flows/, ...): pyproject.toml maps them with setuptools' `package-dir`.

For notebooks::

    import qualmine
    run = qualmine.run(corpus="my_interviews/", codebook="my_codebook.yaml", out="results/run1")
    run.segments, run.code_applications, run.chains          # pandas DataFrames
    again = qualmine.load_run("results/run1")

This module stays light: `run` and `load_run` import the pipeline only when first used.
"""
from __future__ import annotations

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("qualmine")
except _metadata.PackageNotFoundError:   # a checkout that was never installed
    __version__ = "0+unknown"

# The one default seed: the same inputs and seed give the same topics, queues and models.
SEED = 13


def cache_dir() -> "Path":
    """qualmine's cache folder: `$QUALMINE_CACHE_DIR`, else `$XDG_CACHE_HOME/qualmine` (~/.cache/qualmine).

    Prefect's home and jieba's dictionary cache live below it; each user creates what it needs.
    """
    import os
    from pathlib import Path

    explicit = os.environ.get("QUALMINE_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "qualmine"


class QualmineError(Exception):
    """Something a user can cause and fix (a bad file, a bad option): the CLI prints it, no traceback."""


class QualmineParameterError(QualmineError, ValueError):
    """A parameter outside its allowed values."""


def param_error(owner: str, name: str, expected: str, got: object) -> QualmineParameterError:
    """The single wording of every parameter error (scikit-learn's, so users read one shape).

    >>> str(param_error("LdaTopics", "k", "an int in the range [2, 500]", 1))
    "The 'k' parameter of LdaTopics must be an int in the range [2, 500]. Got 1 instead."
    """
    return QualmineParameterError(f"The {name!r} parameter of {owner} must be {expected}. Got {got!r} instead.")


def __getattr__(name: str):
    # `qualmine.run` / `qualmine.load_run` / `qualmine.Run` without importing Prefect at `import qualmine`.
    if name in ("run", "load_run", "Run"):
        from qualmine.flows import api

        return getattr(api, name)
    raise AttributeError(f"module 'qualmine' has no attribute {name!r}")


__all__ = ["QualmineError", "cache_dir", "QualmineParameterError", "Run", "SEED", "load_run", "param_error", "run", "__version__"]
