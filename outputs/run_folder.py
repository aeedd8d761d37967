"""A run folder appears whole or not at all: written in a fresh hidden folder, renamed into place.

Reusing a run folder used to mix runs (a second run without topics kept the first run's topic
tables, and its report showed them), a killed run left new tables beside the previous run's
manifest, and `--out` could be the corpus folder, which the next run then ingested (issue #17).
Now:

* `check_run_folder` before a run: `--out` inside the corpus, or holding the corpus or the
  codebook, is refused; an existing folder that is not empty needs `force`, and must be a run
  folder (`run_manifest.json`) so that `force` never clears someone's other files;
* `staging_folder` is a fresh empty `.<name>.partial-<id>` next to the target: every stage
  writes there, the manifest last;
* `publish` renames it into place (an old run moved aside first, then deleted), so the target
  never holds a mix; a killed run leaves only the hidden partial folder.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

MANIFEST = "run_manifest.json"


class RunFolderError(ValueError):
    """A run folder that cannot be written: inside the corpus, someone else's files, or an old run without --force."""


def check_run_folder(out_dir: Path, *, inputs: tuple[Path, ...] = (), force: bool = False) -> None:
    """Raise `RunFolderError` unless `out_dir` may receive a run (see the module docstring).

    `inputs`: the corpus folder and the codebook file; `out_dir` may be neither inside nor around them.
    """
    out = Path(out_dir).expanduser().resolve()
    for item in inputs:
        item = Path(item).expanduser().resolve()
        if out == item or item in out.parents:
            raise RunFolderError(f"--out {out} is inside the input {item}: the next run would read the outputs "
                                 "as data; choose a folder outside the corpus")
        if out in item.parents:
            raise RunFolderError(f"--out {out} contains the input {item}: writing the run there would replace it; "
                                 "choose another folder")
    if out.exists() and not out.is_dir():
        raise RunFolderError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MANIFEST).is_file():
            raise RunFolderError(f"--out {out} holds files that are not a qualmine run (no {MANIFEST}); "
                                 "choose a new or empty folder")
        if not force:
            raise RunFolderError(f"--out {out} holds another run; pass --force to replace it (its files are deleted)")


def staging_folder(out_dir: Path) -> Path:
    """A fresh, empty hidden folder beside `out_dir` to write the run into."""
    out = Path(out_dir).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    return staging


def publish(staging: Path, out_dir: Path, *, force: bool = False) -> Path:
    """Rename the finished `staging` folder to `out_dir`, replacing an old run there only with `force`."""
    out = Path(out_dir).resolve()
    old = None
    if out.exists():
        if out.is_dir() and not any(out.iterdir()):
            out.rmdir()
        else:
            check_run_folder(out, force=force)   # it may have appeared while this run ran
            old = out.parent / f".{out.name}.replaced-{uuid.uuid4().hex[:12]}"
            os.replace(out, old)
    os.replace(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out


def discard(staging: Path) -> None:
    """Remove a staging folder after a failed run (best effort)."""
    shutil.rmtree(staging, ignore_errors=True)


def relocate(paths: list[Path], staging: Path, out_dir: Path) -> list[Path]:
    """The written paths as they are after `publish` (under `out_dir` instead of `staging`)."""
    staging, out = Path(staging).resolve(), Path(out_dir).resolve()
    moved = []
    for path in paths:
        path = Path(path)
        try:
            moved.append(out / path.resolve().relative_to(staging))
        except ValueError:
            moved.append(path)
    return moved
