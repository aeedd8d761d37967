"""The Python API for notebooks: `qualmine.run(...)` runs the main flow, `qualmine.load_run(path)` reopens
a run folder; both return a `Run` whose tables are pandas DataFrames. The CLI calls the same flow.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qualmine import QualmineError

@dataclass
class Run:
    """A run folder: its manifest and its tables, each read (Parquet) on first access and kept.

    Every table the folder holds is an attribute (`run.segments`, `run.chains`, ...): the tables are
    what the folder has (outputs/README.md documents their columns), not a list kept here.
    """

    out_dir: Path
    manifest: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    _tables: dict = field(default_factory=dict, repr=False)

    @property
    def run_id(self) -> str:
        return str(self.manifest.get("run_id", self.out_dir.name))

    @property
    def report(self) -> Path | None:
        """report.html, when the run wrote one."""
        path = self.out_dir / "report.html"
        return path if path.exists() else None

    def table(self, name: str) -> pd.DataFrame:
        """One table by name (`run.table("chains")` is `run.chains`)."""
        if name not in self._tables:
            from qualmine.outputs.writers import read_table

            frame = read_table(self.out_dir, name)
            if frame is None:
                raise QualmineError(f"run folder {self.out_dir} has no table {name!r} "
                                    f"(it has: {', '.join(self.table_names()) or 'none'})")
            self._tables[name] = frame
        return self._tables[name]

    def table_names(self) -> list[str]:
        """The tables this run folder holds (each written as NAME.csv and NAME.parquet)."""
        return sorted({p.stem for pattern in ("*.parquet", "*.csv") for p in self.out_dir.glob(pattern)})

    def __getattr__(self, name: str) -> pd.DataFrame:
        # Only once constructed (copy and pickle look attributes up on a bare instance).
        if not name.startswith("_") and "out_dir" in self.__dict__ and name in self.table_names():
            return self.table(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def load_run(path: str | Path) -> Run:
    """Reopen a run folder written by `qualmine run` (or `qualmine.run`)."""
    out_dir = Path(path).expanduser().resolve()
    manifest_path = out_dir / "run_manifest.json"
    if not manifest_path.is_file():
        raise QualmineError(f"{out_dir} is not a qualmine run folder (no run_manifest.json)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QualmineError(f"{manifest_path}: not a readable run manifest ({exc})") from exc
    return Run(out_dir=out_dir, manifest=manifest, counts=dict(manifest.get("counts", {})))


def run(corpus: str | Path | None = None, codebook: str | Path | None = None, out: str | Path | None = None,
        **options) -> Run:
    """Run the main flow (ingest -> code -> tables -> topics -> report) and return the run.

    `corpus`/`codebook` default to the project's (qualmine.toml) or the shipped example; `out` to
    qualmine-runs/<run_id>. Other keywords are `RunSettings` fields: `topics=False`, `workers=2`,
    `store=None` (no project store), `max_segment_chars=...`.
    """
    from qualmine.codebooks import EXAMPLE_CODEBOOK
    from qualmine.coding.store.project import current_project
    from qualmine.corpus import EXAMPLE_CORPUS
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    project = current_project()
    settings = RunSettings(corpus_dir=Path(corpus or project.corpus or EXAMPLE_CORPUS),
                           codebook_path=Path(codebook or project.codebook or EXAMPLE_CODEBOOK),
                           out_dir=Path(out) if out else None, **options)
    result = run_pipeline(settings)
    loaded = load_run(result.out_dir)
    loaded.counts = dict(result.counts)
    return loaded
