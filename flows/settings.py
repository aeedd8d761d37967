"""Run parameters in one dataclass; the run id and output paths are derived here and nowhere else."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CORPUS = REPO_ROOT / "corpus" / "examples"
EXAMPLE_CODEBOOK = REPO_ROOT / "codebooks" / "community_governance.yaml"
DEFAULT_OUTPUTS = REPO_ROOT / "outputs"


def _param_error(name: str, expected: str, got: object) -> ValueError:
    # One wording for every parameter error, like scikit-learn's: users learn to read one shape.
    return ValueError(f"The {name!r} parameter of RunSettings must be {expected}. Got {got!r} instead.")


@dataclass(frozen=True)
class RunSettings:
    """Everything a pipeline run depends on. Paths are absolute after construction."""

    corpus_dir: Path = EXAMPLE_CORPUS
    codebook_path: Path = EXAMPLE_CODEBOOK
    out_dir: Path | None = None            # the run folder; default outputs/<run_id>
    code_interviewer: bool = False
    max_segment_chars: int = 300
    batch_size: int = 5000                 # segments per coding task: coarse, never one task per answer
    workers: int = 1
    topics: bool = True
    topic_engine: str = "nmf"
    topic_k: int | None = None
    seed: int = 13
    run_id: str = field(default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "corpus_dir", Path(self.corpus_dir).expanduser().resolve())
        object.__setattr__(self, "codebook_path", Path(self.codebook_path).expanduser().resolve())
        if self.max_segment_chars < 20:
            raise _param_error("max_segment_chars", "an int >= 20", self.max_segment_chars)
        if self.batch_size < 1:
            raise _param_error("batch_size", "an int >= 1", self.batch_size)
        if self.workers < 1:
            raise _param_error("workers", "an int >= 1", self.workers)
        if not self.run_id:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
            digest = hashlib.sha1(f"{self.corpus_dir}|{self.codebook_path}".encode()).hexdigest()[:6]
            object.__setattr__(self, "run_id", f"{stamp}-{digest}")
        out = Path(self.out_dir).expanduser() if self.out_dir else DEFAULT_OUTPUTS / self.run_id
        object.__setattr__(self, "out_dir", out.resolve())

    def parameters(self) -> dict[str, object]:
        """JSON-ready parameters for the run manifest."""
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
