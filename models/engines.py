"""The topic engines by name: `--engine nmf|lda` resolves here, and a new engine is one entry."""
from __future__ import annotations

from models.base import TopicModel, param_error
from models.lda import LdaTopics
from models.nmf import NmfTopics

ENGINES: dict[str, type[TopicModel]] = {"nmf": NmfTopics, "lda": LdaTopics}
DEFAULT_ENGINE = "nmf"   # see models/README.md: best coherence at a fraction of LDA's time on short answers


def make_topic_model(engine: str, k: int, random_state: int | None = 0, **params: object) -> TopicModel:
    """A new, unfitted engine `engine` with `k` topics and seed `random_state`."""
    if engine not in ENGINES:
        raise param_error("make_topic_model", "engine", "one of " + ", ".join(repr(e) for e in ENGINES), engine)
    return ENGINES[engine](k=k, random_state=random_state, **params)
