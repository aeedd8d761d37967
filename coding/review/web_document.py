"""The review page's document view: a whole transcript (or a respondent's answers) cut into pieces
that carry their codes, so a template can highlight coded spans and suggestions in place.

Pure functions over DataFrames. Offsets are document offsets (indices into documents.text, in
code points, as Python counts them); every piece knows where it starts, so the browser can turn a
selection back into (start, end) exactly (static/review.js).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qualmine.coding.store.decision_rules import PRESENT

MAX_ANSWERS = 100          # a survey respondent's answers shown at most in one document view
CODE_COLOURS = 10          # colour classes in review.css (code-c0 .. code-c9), by codebook position


@dataclass(frozen=True)
class Mark:
    """One span of a document to highlight: coded (a current decision) or suggested (pending)."""

    start: int
    end: int
    code_id: str
    kind: str               # "coded" | "suggested"


def view_documents(documents: pd.DataFrame, doc_id: str) -> tuple[str, pd.DataFrame]:
    """(kind, documents) the view of `doc_id` shows: the transcript itself, or every answer of the
    same respondent in the same survey file (one document per answer), in doc_id order.

    Raises KeyError when `doc_id` is not a stored document.
    """
    doc = documents[documents["doc_id"] == doc_id]
    if doc.empty:
        raise KeyError(doc_id)
    row = doc.iloc[0]
    respondent = row["respondent_id"]
    if row["kind"] == "survey" and isinstance(respondent, str) and respondent:
        same = documents[(documents["kind"] == "survey") & (documents["source_file"] == row["source_file"])
                         & (documents["respondent_id"] == respondent)]
        return "survey", same.sort_values("doc_id", kind="stable").head(MAX_ANSWERS).reset_index(drop=True)
    return "transcript", doc.reset_index(drop=True)


def document_marks(segments: pd.DataFrame, suggestions: pd.DataFrame, decisions: pd.DataFrame, coder: str,
                   known_codes: set[str]) -> list[Mark]:
    """The marks of one document's segments.

    coded: every person's current accept/add (a span decision marks its own offsets, a segment
    decision the whole segment). suggested: suggestions of known codes that `coder` has not
    decided yet, at their evidence offsets (the whole segment when a suggestion has none).
    segments: segment_id, start, end (of one document); suggestions: segment_id, code_id, start,
    end; decisions: current decisions (coding.store.decision_rules), with start/end when present.
    """
    found = marks_by_segment(segments, suggestions, decisions, coder, known_codes)
    return sorted({m for marks in found.values() for m in marks}, key=lambda m: (m.start, m.end, m.kind, m.code_id))


def marks_by_segment(segments: pd.DataFrame, suggestions: pd.DataFrame, decisions: pd.DataFrame, coder: str,
                     known_codes: set[str]) -> dict[str, list[Mark]]:
    """`document_marks` for the segments of any number of documents, per segment_id (one pass)."""
    bounds = {sid: (int(a), int(b)) for sid, a, b in zip(segments["segment_id"], segments["start"], segments["end"])}
    found: dict[str, list[Mark]] = {}
    people = decisions[decisions["segment_id"].isin(set(bounds))
                       & ~decisions["coder"].astype(str).str.startswith("model:")]
    present = people[people["decision"].isin(PRESENT)]
    for sid, code_id, start, end in _rows(present):
        found.setdefault(sid, []).append(Mark(*_span(start, end, bounds[sid]), str(code_id), "coded"))
    mine = people[people["coder"] == coder]
    decided = set(zip(mine["segment_id"], mine["code_id"]))
    pending = suggestions[suggestions["segment_id"].isin(set(bounds)) & suggestions["code_id"].isin(known_codes)]
    for sid, code_id, start, end in _rows(pending):
        if (sid, code_id) not in decided:
            found.setdefault(sid, []).append(Mark(*_span(start, end, bounds[sid]), str(code_id), "suggested"))
    return found


def _rows(frame: pd.DataFrame):
    missing = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    return zip(frame["segment_id"], frame["code_id"], frame["start"] if "start" in frame else missing,
               frame["end"] if "end" in frame else missing)


def _span(start, end, segment: tuple[int, int]) -> tuple[int, int]:
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return segment
    return int(start), int(end)


def document_pieces(text: str, marks: list[Mark], colours: dict[str, int] | None = None,
                    cuts: set[int] = frozenset()) -> list[dict]:
    """`text` cut at every mark boundary: one dict per piece with its `start` offset, its `text`,
    the `coded` and `suggested` code ids covering it (sorted), and `colour` (the first coded
    code's colour class number, from `colours`; None when nothing is coded there).

    The pieces' texts joined are `text` exactly, so the browser's offsets are the document's.
    `cuts`: more offsets to cut at (where the page puts something after a piece, e.g. segment ends).
    """
    size = len(text)
    clipped = [(max(0, min(size, m.start)), max(0, min(size, m.end)), m) for m in marks]
    cuts = sorted({0, size} | {a for a, _, _ in clipped} | {b for _, b, _ in clipped}
                  | {c for c in cuts if 0 < c < size})
    colours = colours or {}
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        if start >= end:
            continue
        over = [m for a, b, m in clipped if a <= start and end <= b]
        coded = sorted({m.code_id for m in over if m.kind == "coded"}, key=lambda c: (colours.get(c, 1 << 30), c))
        suggested = sorted({m.code_id for m in over if m.kind == "suggested"} - set(coded))
        pieces.append({"start": start, "end": end, "text": text[start:end], "coded": coded, "suggested": suggested,
                       "colour": colours.get(coded[0], 0) % CODE_COLOURS if coded else None})
    return pieces or [{"start": 0, "end": 0, "text": "", "coded": [], "suggested": [], "colour": None}]


def colour_classes(code_ids: list[str]) -> dict[str, int]:
    """Each code's colour number by codebook position (stable across pages)."""
    return {code_id: i % CODE_COLOURS for i, code_id in enumerate(code_ids)}
