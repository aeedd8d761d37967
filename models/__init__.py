"""Topic models over the coded segments, tied back to the codebook.

One estimator interface (`TopicModel`: fit / transform / top_terms), two engines (`NmfTopics`,
`LdaTopics`), text preparation (`TextPreparer`), K selection, topic-to-code alignment and the
topic stage as one plain function (`run_topic_stage`). See models/README.md.
"""
from qualmine.models.base import TopicModel, TopicModelError
from qualmine.models.engines import DEFAULT_ENGINE, ENGINES, make_topic_model
from qualmine.models.lda import LdaTopics
from qualmine.models.nmf import NmfTopics
from qualmine.models.prepare import TextPreparer
from qualmine.models.stage import TopicRun, TopicSettings, run_topic_stage

__all__ = [
    "DEFAULT_ENGINE", "ENGINES", "LdaTopics", "NmfTopics", "TextPreparer", "TopicModel", "TopicModelError",
    "TopicRun", "TopicSettings", "make_topic_model", "run_topic_stage",
]
