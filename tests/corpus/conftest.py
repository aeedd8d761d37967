"""Fixtures for the corpus-stage tests: throwaway corpus folders and the offset invariant."""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def make_corpus(tmp_path):
    """make_corpus({"a.txt": "问：…", "b.csv": b"..."}) -> a folder holding those files."""
    def make(files: dict[str, str | bytes], name: str = "corpus") -> Path:
        root = tmp_path / name
        root.mkdir(exist_ok=True)
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root
    return make


@pytest.fixture
def data_dir() -> Path:
    return DATA


def assert_offsets(corpus) -> None:
    """The stage's core invariant, on every segment of a Corpus."""
    docs = {d.doc_id: d for d in corpus.documents}
    for seg in corpus.segments:
        text = docs[seg.doc_id].text
        assert text[seg.start:seg.end] == seg.text, seg
        assert seg.text == seg.text.strip() and seg.text


@pytest.fixture
def check_offsets():
    return assert_offsets
