"""Shared inputs of the browser review tests: paths and one hostile survey answer."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from qualmine.corpus import EXAMPLE_CORPUS
from qualmine.codebooks import EXAMPLE_CODEBOOK

REPO = Path(__file__).resolve().parents[3]

# A survey answer that would run script and break markup if the page did not escape it.
HOSTILE_TEXT = '<script>alert("pwned")</script>排队时间太长了<b>bold</b> & "quotes"'
HOSTILE_SEGMENT = "seg_hostile000000001"
HOSTILE_RESPONDENT = "S999"


def hostile_frames():
    """documents, segments, rule applications and respondent row for the hostile answer."""
    doc_id = f"survey_2023.csv#{HOSTILE_RESPONDENT}/q_dissatisfied"
    documents = pd.DataFrame([{"doc_id": doc_id, "source_file": "survey_2023.csv", "kind": "survey",
                               "respondent_id": HOSTILE_RESPONDENT, "question": "q_dissatisfied",
                               "text": HOSTILE_TEXT}])
    segments = pd.DataFrame([{"segment_id": HOSTILE_SEGMENT, "doc_id": doc_id, "source_file": "survey_2023.csv",
                              "respondent_id": HOSTILE_RESPONDENT, "speaker": "q_dissatisfied",
                              "is_interviewer": False, "question": "q_dissatisfied", "lang": "zh", "start": 0,
                              "end": len(HOSTILE_TEXT), "position": 0, "turn": 0, "text": HOSTILE_TEXT}])
    start = HOSTILE_TEXT.index("排队")
    applications = pd.DataFrame([{"segment_id": HOSTILE_SEGMENT, "code_id": "P-OPERATION-HOURS", "source": "rule",
                                  "score": 0.9, "evidence": "排队", "start": start, "end": start + 2}])
    respondent = {"respondent_id": HOSTILE_RESPONDENT, "role": "<i>居民</i>", "district": "新岭社区"}
    return documents, segments, applications, respondent
