"""The topic engines by name: `--engine nmf|lda` resolves here, and a new engine is one entry."""
from __future__ import annotations

from qualmine.models.base import TopicModel, param_error
from qualmine.models.lda import LdaTopics
from qualmine.models.nmf import NmfTopics

ENGINES: dict[str, type[TopicModel]] = {"nmf": NmfTopics, "lda": LdaTopics}
DEFAULT_ENGINE = "nmf"   # see models/README.md: best coherence at a fraction of LDA's time on short answers

# Per-language settings an engine gets unless the caller overrides them. Chinese NMF also models
# characters: words come from a segmenter whose errors characters survive (models/nmf.py).
LANGUAGE_DEFAULTS: dict[tuple[str, str], dict[str, object]] = {("nmf", "zh"): {"characters": True}}


def make_topic_model(engine: str, k: int, random_state: int | None = 0, lang: str | None = None,
                     **params: object) -> TopicModel:
    """A new, unfitted engine `engine` with `k` topics and seed `random_state` (and `lang`'s defaults)."""
    if engine not in ENGINES:
        raise param_error("make_topic_model", "engine", "one of " + ", ".join(repr(e) for e in ENGINES), engine)
    return ENGINES[engine](k=k, random_state=random_state, **{**LANGUAGE_DEFAULTS.get((engine, lang or ""), {}),
                                                               **params})
