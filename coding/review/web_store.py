"""Store operations the browser review page needs: one decision per transaction, and undo.

A browser decision is the same record as a spreadsheet decision: one row appended to the
store's `decisions` table (segment_id, code_id, coder, decision, note, decided_at), with no
import batch; a span coded in the document view also carries its document offsets (start, end). Nothing is ever deleted or updated. Undo appends a row too: it restores the
coder's previous decision on that (segment, code), or, when there was none, appends a
`retract` row saying "no decision" (`coding.store.decision_rules`: the latest-decision queries drop
those). Which row an undo undid
is kept in the small `review_undos` table (coding/store/schema.py) so repeated undos walk back one
decision at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Collection

import pandas as pd
from sqlalchemy import insert, select

from qualmine import QualmineError
from qualmine.coding.store import schema as s
from qualmine.coding.store.decision_rules import RETRACT   # "no decision any more": appended by undo only
from qualmine.coding.store.database import ProjectStore, latest_decisions, utcnow

BROWSER_DECISIONS = ("accept", "reject", "add")
MAX_NOTE_CHARS = 4000
MAX_BULK = 2000          # segments one bulk decision may name (a code page lists at most a few hundred)

class ReviewNotFound(QualmineError, LookupError):
    """A segment or code id the store does not know (the page answers 404)."""


class ReviewInputError(QualmineError, ValueError):
    """A decision that cannot be recorded as asked (the page answers 400)."""


@dataclass(frozen=True)
class SavedDecision:
    decision_id: int
    segment_id: str
    code_id: str
    coder: str
    decision: str
    note: str | None
    decided_at: str
    appended: bool          # False when it equalled the coder's current decision (nothing appended)
    start: int | None = None   # document offsets of a coded span (document view); None: the whole segment
    end: int | None = None


@dataclass(frozen=True)
class UndoResult:
    undone: SavedDecision   # the decision taken back
    restored: SavedDecision  # the row appended: the earlier decision again, or a `retract`


def check_coder(coder: str | None) -> str:
    """The coder name, stripped; the same rules as the spreadsheet queue (no 'model:' names)."""
    name = (coder or "").strip()
    if not name:
        raise ReviewInputError("The 'coder' parameter must be a non-empty name. Got '' instead.")
    if name.startswith("model:"):
        raise ReviewInputError(f"The 'coder' parameter must be a person's name (names starting with 'model:' "
                               f"are reserved). Got {name!r} instead.")
    if len(name) > 128:
        raise ReviewInputError(f"The 'coder' parameter must be at most 128 characters. Got {len(name)} instead.")
    return name


def current_decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    """Each coder's current decision per (segment, code): the latest row, unless it is a retract."""
    return latest_decisions(decisions)


def record_decision(store: ProjectStore, *, segment_id: str, code_id: str, coder: str, decision: str,
                    note: str | None = None, known_codes: Collection[str] | None = None,
                    span: tuple[int, int] | None = None) -> SavedDecision:
    """Append one decision in its own transaction (nothing when it equals the coder's current one).

    The segment must be in the store and the code in the current codebook (`known_codes`, when
    the caller has them at hand: reading the codebook from the store parses it); raises
    ReviewNotFound / ReviewInputError with a message naming the field otherwise. `span`: the
    document offsets (start, end) of a span coded in the document view (`span_segment` checks them).
    """
    coder, note = _checked(coder, decision, note)
    check_ids(store, segment_id, code_id, known_codes)
    with store.writer.begin() as conn:   # BEGIN IMMEDIATE: two coders' writes queue, neither is lost
        return _append(conn, segment_id, code_id, coder, decision, note, span)


def record_decisions(store: ProjectStore, *, segment_ids: Collection[str], code_id: str, coder: str, decision: str,
                     note: str | None = None, known_codes: Collection[str] | None = None) -> list[SavedDecision]:
    """One decision on `code_id` for each segment, all in one transaction (bulk accept / reject).

    Every id is checked before anything is written: one unknown segment and nothing is recorded.
    """
    coder, note = _checked(coder, decision, note)
    segment_ids = list(dict.fromkeys(segment_ids))
    if not segment_ids:
        raise ReviewInputError("The 'segment_id' parameter must name at least one segment. Got none instead.")
    if len(segment_ids) > MAX_BULK:
        raise ReviewInputError(f"The 'segment_id' parameter may name at most {MAX_BULK} segments at once. "
                               f"Got {len(segment_ids)} instead.")
    check_ids(store, segment_ids[0], code_id, known_codes)
    with store.engine.connect() as conn:
        found = set(conn.execute(select(s.segments.c.segment_id).where(s.segments.c.segment_id.in_(segment_ids)))
                    .scalars())
    unknown = [sid for sid in segment_ids if sid not in found]
    if unknown:
        raise ReviewNotFound(f"unknown segment id {unknown[0]!r}: no such segment in the store {store.url}"
                             + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""))
    with store.writer.begin() as conn:
        return [_append(conn, sid, code_id, coder, decision, note, None) for sid in segment_ids]


def record_segment_decisions(store: ProjectStore, *, segment_id: str, code_ids: Collection[str], coder: str,
                             decision: str, note: str | None = None,
                             known_codes: Collection[str] | None = None) -> list[SavedDecision]:
    """One decision for each of `code_ids` on one segment, all in one transaction (a segment's
    suggestions accepted or rejected at once). Every id is checked before anything is written."""
    coder, note = _checked(coder, decision, note)
    code_ids = list(dict.fromkeys(code_ids))
    if not code_ids:
        raise ReviewInputError("The 'code_id' parameter must name at least one code. Got none instead.")
    known = set(store.codes()["code_id"] if known_codes is None else known_codes)
    for code_id in code_ids:
        check_ids(store, segment_id, code_id, known)
    with store.writer.begin() as conn:
        return [_append(conn, segment_id, code_id, coder, decision, note, None) for code_id in code_ids]


def _checked(coder: str, decision: str, note: str | None) -> tuple[str, str | None]:
    coder = check_coder(coder)
    if decision not in BROWSER_DECISIONS:
        raise ReviewInputError(f"The 'decision' parameter must be one of {', '.join(BROWSER_DECISIONS)}. "
                               f"Got {decision!r} instead.")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise ReviewInputError(f"The 'note' parameter must be at most {MAX_NOTE_CHARS} characters. "
                               f"Got {len(note)} instead.")
    return coder, note


def _append(conn, segment_id: str, code_id: str, coder: str, decision: str, note: str | None,
            span: tuple[int, int] | None) -> SavedDecision:
    start, end = span if span is not None else (None, None)
    current = _latest_row(conn, segment_id, code_id, coder)
    if current is not None and current["decision"] == decision and current["note"] == note \
            and (current["start"], current["end"]) == (start, end):
        return _saved(current, appended=False)
    row = {"segment_id": segment_id, "code_id": code_id, "coder": coder, "decision": decision, "note": note,
           "decided_at": utcnow(), "import_batch": None, "file_hash": None, "start": start, "end": end}
    decision_id = conn.execute(insert(s.decisions).values(**row)).inserted_primary_key[0]
    return _saved({**row, "decision_id": decision_id}, appended=True)


def span_segment(store: ProjectStore, doc_id: str, start: int, end: int, quote: str | None = None) -> str:
    """The segment a span of document `doc_id` is recorded on: the one it overlaps most.

    Checks the offsets against the stored document text (0 <= start < end <= len) and, with
    `quote` (the text the browser says was selected), that text[start:end] is that text, so a
    recorded span is always what the coder saw. Raises ReviewNotFound / ReviewInputError.
    """
    with store.engine.connect() as conn:
        text = conn.execute(select(s.documents.c.text).where(s.documents.c.doc_id == doc_id)).scalar()
        if text is None:
            raise ReviewNotFound(f"unknown document id {doc_id!r}: no such document in the store {store.url}")
        if not 0 <= start < end <= len(text):
            raise ReviewInputError(f"The 'start' and 'end' parameters must satisfy 0 <= start < end <= {len(text)} "
                                   f"(the length of document {doc_id!r}). Got start={start}, end={end} instead.")
        if quote is not None and _same_text(text[start:end]) != _same_text(quote):
            raise ReviewInputError(f"The selected text {quote[:80]!r} is not at offsets {start}-{end} of document "
                                   f"{doc_id!r} (there: {text[start:end][:80]!r}); reload the page and select again.")
        seg = s.segments
        rows = conn.execute(select(seg.c.segment_id, seg.c.start, seg.c.end).where(
            seg.c.doc_id == doc_id, seg.c.start < end, seg.c.end > start)).all()
    if not rows:
        raise ReviewInputError(f"The span {start}-{end} of document {doc_id!r} is outside every segment "
                               f"(a heading or a speaker label?); select text of an answer or a turn.")
    best = max(rows, key=lambda r: (min(end, r.end) - max(start, r.start), -r.start))
    return best.segment_id


def _same_text(value: str) -> str:
    # The browser normalises line ends (CR LF and CR become LF) in what it displays.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def undo_last_decision(store: ProjectStore, coder: str) -> UndoResult | None:
    """Take back `coder`'s latest browser decision not undone yet (None when there is none).

    One transaction: pick the decision, append the state before it, remember the pair.
    Spreadsheet imports are not undone here (they have their own file as the record).
    """
    coder = check_coder(coder)
    d, u = s.decisions, s.review_undos
    with store.writer.begin() as conn:
        undo_rows = select(u.c.decision_id)
        undone_rows = select(u.c.undoes_decision_id)
        target = conn.execute(
            select(d).where(d.c.coder == coder, d.c.import_batch.is_(None),
                            d.c.decision_id.not_in(undo_rows), d.c.decision_id.not_in(undone_rows))
            .order_by(d.c.decision_id.desc()).limit(1)).mappings().first()
        if target is None:
            return None
        later = _latest_row(conn, target["segment_id"], target["code_id"], coder)
        # An undo row after the target (it undid a later decision) put back the target's state.
        restored_by_undo = conn.execute(select(u.c.undoes_decision_id).where(
            u.c.decision_id == later["decision_id"])).scalar()
        if later["decision_id"] != target["decision_id"] and not (restored_by_undo or 0) > target["decision_id"]:
            # A later decision (e.g. an imported spreadsheet) already superseded it: undoing the
            # older one would silently overwrite the newer, so refuse and say which one it is.
            raise ReviewInputError(f"cannot undo decision #{target['decision_id']} ({target['decision']} "
                                   f"{target['code_id']} on {target['segment_id']}): decision "
                                   f"#{later['decision_id']} superseded it since")
        before = conn.execute(
            select(d).where(d.c.segment_id == target["segment_id"], d.c.code_id == target["code_id"],
                            d.c.coder == coder, d.c.decision_id < target["decision_id"])
            .order_by(d.c.decided_at.desc(), d.c.decision_id.desc()).limit(1)).mappings().first()
        restored = {"segment_id": target["segment_id"], "code_id": target["code_id"], "coder": coder,
                    "decision": before["decision"] if before else RETRACT,
                    "note": before["note"] if before else None,
                    "decided_at": utcnow(), "import_batch": None, "file_hash": None,
                    "start": before["start"] if before else None, "end": before["end"] if before else None}
        if before is not None and before["decision"] == RETRACT:
            restored["note"] = restored["start"] = restored["end"] = None
        new_id = conn.execute(insert(d).values(**restored)).inserted_primary_key[0]
        conn.execute(insert(u).values(decision_id=new_id, undoes_decision_id=target["decision_id"]))
    return UndoResult(_saved(target, appended=False), _saved({**restored, "decision_id": new_id}, appended=True))


def check_ids(store: ProjectStore, segment_id: str, code_id: str | None = None,
              known_codes: Collection[str] | None = None) -> None:
    """Raise ReviewNotFound naming the id when the segment (or the code) is unknown to the store."""
    with store.engine.connect() as conn:
        found = conn.execute(select(s.segments.c.segment_id).where(s.segments.c.segment_id == segment_id)).first()
    if found is None:
        raise ReviewNotFound(f"unknown segment id {segment_id!r}: no such segment in the store {store.display_url}")
    if code_id is not None and code_id not in set(store.codes()["code_id"] if known_codes is None else known_codes):
        raise ReviewNotFound(f"unknown code id {code_id!r}: not in the store's current codebook")


def _latest_row(conn, segment_id: str, code_id: str, coder: str):
    d = s.decisions
    return conn.execute(
        select(d).where(d.c.segment_id == segment_id, d.c.code_id == code_id, d.c.coder == coder)
        .order_by(d.c.decided_at.desc(), d.c.decision_id.desc()).limit(1)).mappings().first()


def _saved(row, *, appended: bool) -> SavedDecision:
    decided_at = row["decided_at"]
    return SavedDecision(int(row["decision_id"]), row["segment_id"], row["code_id"], row["coder"], row["decision"],
                         row["note"], decided_at.isoformat() if hasattr(decided_at, "isoformat") else str(decided_at),
                         appended, row.get("start"), row.get("end"))
