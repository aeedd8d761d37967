"""Typed records that cross the corpus stage boundary.

A `Document` is one unit of original text (a whole transcript, or one survey answer cell);
a `Segment` is one coding unit inside a document, with `doc.text[start:end] == segment.text`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Callable, Literal, TypeVar

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


_R = TypeVar("_R")


def positional_constructor(cls: type[_R]) -> Callable[..., _R]:
    """A function making `cls` records from every field, positionally, ~2.5x faster than `cls(...)`.

    For ingestion's hot loops (a million answers make millions of records). A frozen
    dataclass's `__init__` must set each field through `object.__setattr__` (its own
    `__setattr__` refuses), ~0.2 us a field; here the fields are stored with plain attribute
    stores on an instance of a twin class with the very same slots, which then becomes a `cls`
    (`__class__` assignment is allowed between classes of identical layout). The record is
    indistinguishable from `cls(...)`'s: same type, fields, equality, hash, frozenness.
    """
    if hasattr(cls, "__post_init__") or not hasattr(cls, "__slots__"):
        # The fast path skips __init__: a record that validates itself, or has no slots, needs the real one.
        raise TypeError(f"positional_constructor needs a slots dataclass without __post_init__; got {cls.__name__}")
    names = [f.name for f in fields(cls)]
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": cls.__slots__})
    args = ", ".join(names)
    body = "".join(f"    o.{n} = {n}\n" for n in names)
    source = f"def new({args}):\n    o = twin()\n{body}    o.__class__ = cls\n    return o\n"
    namespace: dict = {"twin": twin, "cls": cls}
    exec(source, namespace)   # generated like dataclasses' own __init__, so every store is a plain one
    new = namespace["new"]
    new.__qualname__ = new.__name__ = f"new_{cls.__name__.lower()}"
    new.__doc__ = f"`{cls.__name__}({args})`, faster (see corpus.records.positional_constructor)."
    return new


new_segment = positional_constructor(Segment)
new_document = positional_constructor(Document)
new_ingestion_record = positional_constructor(IngestionRecord)

_sha1 = hashlib.sha1


def make_segment_id(doc_id: str, text: str, occurrence: int) -> str:
    """Stable id from the document id, the segment text and which occurrence of that text it is.

    Offsets are deliberately not part of the id: an edit earlier in a transcript shifts offsets
    but must not detach coders' decisions from unchanged segments.

    >>> make_segment_id("interview_01.txt", "开放时间太短了。", 0)
    'seg_1a4bd34edfd0d003'
    >>> make_segment_id("interview_01.txt", "开放时间太短了。", 1) != make_segment_id("interview_01.txt", "开放时间太短了。", 0)
    True
    """
    return "seg_" + _sha1(f"{doc_id}\x1f{text}\x1f{occurrence}".encode()).hexdigest()[:16]


def make_doc_id(source_file: str, respondent_id: str | None = None, question: str | None = None) -> str:
    """Readable, stable document id: the relative path, plus respondent and column for surveys."""
    if respondent_id is None:
        return source_file
    return f"{source_file}#{respondent_id}/{question}"
