"""Which files in a folder qualmine wrote, so a command may regenerate them without `--force`.

The rule (README "Overwriting files"): a command that writes a file refuses to replace an existing
one without `--force`, except a file qualmine itself wrote there and nobody changed since; that one
is regenerated and the command says so. `agreement` and `report` are run again and again on the
same store and run folder, and demanding `--force` each time would teach users to type it always,
which protects nothing; a hand-edited report.md or agreement.csv, though, is someone's work.

What qualmine wrote is recorded in a small ledger in the folder (`.qualmine-written.json`: file
name -> sha256 of the bytes written). A run folder made before the ledger existed lists its
report files in run_manifest.json's `outputs`; those count as qualmine's too.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from qualmine import QualmineError
from qualmine.outputs.manifest import file_sha256

LEDGER_NAME = ".qualmine-written.json"


class OverwriteRefused(QualmineError):
    """Writing would replace a file qualmine did not write, or one changed since it did."""


def _ledger(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / LEDGER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _manifest_outputs(folder: Path) -> set[str]:
    try:
        data = json.loads((folder / "run_manifest.json").read_text(encoding="utf-8"))
        return {str(name) for name in data.get("outputs", [])}
    except (OSError, ValueError, AttributeError):
        return set()


def check_replace(folder: str | Path, names: Iterable[str], *, force: bool, option: str = "--force") -> list[Path]:
    """The existing files among `names` (relative to `folder`) that writing them would replace.

    Raises OverwriteRefused, naming each such file qualmine did not write there or that changed
    since it did, unless `force`.
    """
    folder = Path(folder)
    ledger, listed = _ledger(folder), None
    existing, foreign = [], []
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        existing.append(path)
        recorded = ledger.get(Path(name).as_posix())
        if recorded is not None:
            if recorded != file_sha256(path):
                foreign.append(f"{path} (changed since qualmine wrote it)")
            continue
        listed = _manifest_outputs(folder) if listed is None else listed
        if path.name not in listed:
            foreign.append(f"{path} (not written by qualmine here)")
    if foreign and not force:
        raise OverwriteRefused(f"would replace {'; '.join(foreign)}: move it away, choose another folder, "
                               f"or pass {option} to overwrite")
    return existing


def record_written(folder: str | Path, paths: Iterable[Path]) -> None:
    """Remember the files just written into `folder` (their sha256) as qualmine's own."""
    folder = Path(folder)
    ledger = _ledger(folder)
    for path in paths:
        path = Path(path)
        if path.is_file():
            ledger[path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name] = file_sha256(path)
    (folder / LEDGER_NAME).write_text(json.dumps(ledger, indent=1, sort_keys=True), encoding="utf-8")
