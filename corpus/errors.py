"""Errors of the corpus stage, and the container one file reader hands back.

Two kinds of failure are kept apart on purpose: `CorpusError` stops the whole run (the corpus
folder is missing, manifest.yaml is invalid) because continuing would silently ingest the wrong
thing; `Rejected` concerns one file only and becomes an IngestionRecord, so one bad file never
stops the others.
"""
from __future__ import annotations

from qualmine import QualmineError
from dataclasses import dataclass, field

from qualmine.corpus.records import Document, IngestionRecord, Segment


class CorpusError(QualmineError):
    """A fatal problem with the corpus as a whole (missing folder, invalid manifest.yaml)."""


class Rejected(Exception):
    """Raised inside a file reader: the file is rejected for `reason` (a human-readable text)."""

    def __init__(self, reason: str, *, encoding: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.encoding = encoding   # known when the file decoded but was rejected later


@dataclass
class FileResult:
    """Everything read from one corpus file; ingest.py concatenates these in file order."""

    documents: list[Document] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    records: list[IngestionRecord] = field(default_factory=list)
    # (respondent_id, attributes) in order of appearance; ingest.py merges them into a frame
    respondents: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
