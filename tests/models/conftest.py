"""Real answers for the topic tests that compare a fast path with the reference it replaces."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from qualmine.corpus import EXAMPLE_CORPUS



@pytest.fixture(scope="session")
def example_answers() -> dict[str, list[str]]:
    """The shipped example corpus's respondent segments by language (934 zh / 179 en segments, less interviewers)."""
    from qualmine.corpus import ingest_corpus

    answers: dict[str, list[str]] = {"zh": [], "en": []}
    for segment in ingest_corpus(EXAMPLE_CORPUS).segments:
        if not segment.is_interviewer and segment.text.strip() and segment.lang in answers:
            answers[segment.lang].append(segment.text)
    return answers


@pytest.fixture(scope="session")
def neike_answers(shared_corpora) -> list[str]:
    """3,000 real Chinese patient questions (title + question) from ../shared/corpora."""
    frame = pd.read_csv(shared_corpora / "zh_medical_dialogue_neike" / "sample_neike_5000-6000.csv",
                        encoding="gb18030")
    return (frame["title"] + "。" + frame["ask"]).astype(str).tolist()[:3000]


@pytest.fixture(scope="session")
def nhs_answers(shared_corpora, benchmark_module) -> list[str]:
    """2,000 real English NHS Friends and Family Test answers from ../shared/corpora."""
    source_answers = benchmark_module("sample_corpus").source_answers

    answers = source_answers("en", shared_corpora)
    return answers[::max(1, len(answers) // 2000)][:2000]
