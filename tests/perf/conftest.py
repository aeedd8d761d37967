"""Fixtures for the fast-path tests: real texts from the shipped example and the shared corpora."""
from __future__ import annotations

from pathlib import Path

import pytest

from qualmine.corpus import ingest_corpus
from qualmine.corpus import EXAMPLE_CORPUS

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def example_corpus():
    return ingest_corpus(EXAMPLE_CORPUS)


@pytest.fixture(scope="session")
def shared_answers(shared_corpora, benchmark_module):
    """1,500 Chinese and 1,500 English real answers (seeded sample) from ../shared/corpora."""
    source_answers = benchmark_module("sample_corpus").source_answers

    zh, en = source_answers("zh", shared_corpora), source_answers("en", shared_corpora)
    return zh[::max(1, len(zh) // 1500)][:1500], en[::max(1, len(en) // 1500)][:1500]
