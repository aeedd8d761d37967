"""Typed records that cross the corpus stage boundary.

A `Document` is one unit of original text (a whole transcript, or one survey answer cell);
a `Segment` is one coding unit inside a document, with `doc.text[start:end] == segment.text`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

DocumentKind = Literal["transcript", "survey"]
IngestStatus = Literal["ingested", "rejected", "skipped"]


@dataclass(frozen=True, slots=True)
class Document:
    """One original text that segment offsets index into."""

    doc_id: str
    source_file: str          # path relative to the corpus folder, '/'-separated
    kind: DocumentKind
    text: str                 # exactly as decoded from the file (offsets index into this)
    respondent_id: str
    attributes: dict[str, str] = field(default_factory=dict)
    question: str | None = None   # survey: the open-question column this answer belongs to


@dataclass(frozen=True, slots=True)
class Segment:
    """One coding unit: a sentence-sized piece of a respondent turn, or one survey answer."""

    segment_id: str
    doc_id: str
    respondent_id: str
    speaker: str              # transcript speaker label (e.g. '答', 'R1'), or the survey column
    is_interviewer: bool      # interviewer turns are kept as context but not coded by default
    lang: str                 # 'zh' or 'en'
    start: int
    end: int
    text: str
    position: int             # order of the segment inside its document, from 0
    turn: int                 # index of the speaker turn inside its document (0 for surveys)
    question: str | None = None


@dataclass(frozen=True, slots=True)
class IngestionRecord:
    """One line of the ingestion report: a file, or a survey row/answer, and what became of it."""

    source_file: str
    status: IngestStatus
    reason: str = ""
    row: int | None = None    # 1-based spreadsheet row (header = row 1) for survey rows
    respondent_id: str | None = None
    doc_id: str | None = None
    segments: int = 0
    encoding: str | None = None
    kind: str | None = None


def make_segment_id(doc_id: str, text: str, occurrence: int) -> str:
    """Stable id from the document id, the segment text and which occurrence of that text it is.

    Offsets are deliberately not part of the id: an edit earlier in a transcript shifts offsets
    but must not detach coders' decisions from unchanged segments.
    """
    digest = hashlib.sha1(f"{doc_id}\x1f{text}\x1f{occurrence}".encode("utf-8")).hexdigest()
    return f"seg_{digest[:16]}"


def make_doc_id(source_file: str, respondent_id: str | None = None, question: str | None = None) -> str:
    """Readable, stable document id: the relative path, plus respondent and column for surveys."""
    if respondent_id is None:
        return source_file
    return f"{source_file}#{respondent_id}/{question}"
