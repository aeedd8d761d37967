"""The run manifest: what went in (files with hashes, codebook hash), with which parameters and versions."""
from __future__ import annotations

import hashlib
import json
import platform
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

TRACKED_PACKAGES = ("qualmine", "pandas", "numpy", "jieba", "rjieba", "spacy", "spacy-lookups-data", "gensim",
                    "scikit-learn", "prefect", "pydantic", "pyahocorasick", "openpyxl", "python-docx")


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_versions(names: Iterable[str] = TRACKED_PACKAGES) -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def build_run_manifest(*, run_id: str, corpus_dir: Path, input_files: Iterable[Path], codebook_path: Path,
                       codebook_fingerprint: str, parameters: dict[str, Any], counts: dict[str, int],
                       outputs: Iterable[Path], started: datetime, notes: Iterable[str] = (),
                       extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything needed to say later exactly what a run read, how, and what it wrote."""
    corpus_dir = Path(corpus_dir)
    return {
        "run_id": run_id,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus_dir": str(corpus_dir),
        "input_files": [
            {"path": p.relative_to(corpus_dir).as_posix() if p.is_relative_to(corpus_dir) else str(p),
             "sha256": file_sha256(p), "bytes": p.stat().st_size}
            for p in sorted(Path(f) for f in input_files)
        ],
        "codebook": {"path": str(codebook_path), "sha256": file_sha256(codebook_path),
                     "content_fingerprint": codebook_fingerprint},
        "parameters": parameters,
        "counts": counts,
        "notes": list(notes),
        "outputs": sorted(Path(p).name for p in outputs),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        **(extra or {}),
    }


def write_run_manifest(manifest: dict[str, Any], out_dir: str | Path) -> Path:
    path = Path(out_dir) / "run_manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path
