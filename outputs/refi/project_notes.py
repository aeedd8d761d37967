"""Memos across REFI-QDA: qualmine's decision notes out as `<Notes>`, other tools' memos in.

Out: the note of each exported coding (a coder's accept/add with a note) is a `<Note>` whose
`<PlainTextContent>` is the note, by that coder, at that time. It is referenced (`<NoteRef>`)
from its coding (that coder's coding of that code), as the standard allows, and from its source
(the first note per span and coder only: QualCoder's import stops at a second annotation on the
same span by the same coder), and carries a `<PlainTextSelection>` with the coded span, which is
how QualCoder attaches a memo (an "annotation") to text.

In: memos become rows of the `memos` table (MEMO_COLUMNS): every `<Note>` (inline text, or its
`plainTextPath` file in the archive), placed by the `<NoteRef>`s that point at it (a selection, a
source, a code, a case, the project) or, for QualCoder's annotations, by the span it carries; and
the human text of a source's, selection's or case's `<Description>` (a code's Description already
is its definition). A memo on a coding's span, by that coder (or by nobody named) and about that
code (or no code in particular), also rides on the coder's imported decision as its note.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd
from lxml import etree

from qualmine.outputs.refi.common import normalize_guid, split_description, stable_guid, project_tag as _q
from qualmine.outputs.refi.positions import OffsetMap, place

MEMO_COLUMNS = ["target", "doc_id", "code_id", "start", "end", "author", "created_at", "text", "note"]
# target: project | source | selection | code | case | unplaced; doc_id / code_id: what it is about
# (for a case: doc_id is the case's name);
# start/end: code-point offsets of the text it is about (selection, or QualCoder's annotated span);
# note: the REFI Note's GUID ('' for a Description).


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Memo:
    target: str
    text: str
    doc_id: str = ""
    code_id: str = ""
    start: int | None = None
    end: int | None = None
    author: str = ""
    created_at: str = ""
    note: str = ""


def memos_frame(memos: list[Memo]) -> pd.DataFrame:
    return pd.DataFrame([[m.target, m.doc_id, m.code_id, m.start, m.end, m.author, m.created_at, m.text, m.note]
                         for m in memos], columns=MEMO_COLUMNS).astype({"start": "Int64", "end": "Int64"})


def read_memos(root, sources: list, code_ids: dict[str, str], users: dict[str, str], rule: str,
               read_text: Callable[[str], str | None]) -> list[Memo]:
    """Every memo of the project. `sources`: (TextSource element, Document) pairs; `read_text`
    reads an `internal://` note file (None when it is missing)."""
    docs = {normalize_guid(src.get("guid", "")): (src, doc) for src, doc in sources}
    selections = {}
    for guid, (src, doc) in docs.items():
        for sel in src.findall(_q("PlainTextSelection")):
            selections[normalize_guid(sel.get("guid", ""))] = (sel, doc)
    cases = {normalize_guid(c.get("guid", "")): c.get("name") or "" for c in root.iter(_q("Case"))}
    refs: dict[str, list] = {}
    for ref in root.iter(_q("NoteRef")):
        refs.setdefault(normalize_guid(ref.get("targetGUID", "")), []).append(ref.getparent())
    memos: list[Memo] = []
    for src, doc in sources:
        human, _ = split_description(_text(src.find(_q("Description"))), "", None)
        if human:
            memos.append(Memo("source", human, doc.doc_id, author=_user(src, users), created_at=_when(src)))
        for sel in src.findall(_q("PlainTextSelection")):
            human, _ = split_description(_text(sel.find(_q("Description"))), "", None)
            placed = _place(sel, doc.text, rule)
            if human and placed:
                memos.append(Memo("selection", human, doc.doc_id, _codes(sel, code_ids), *placed,
                                  author=_user(sel, users), created_at=_when(sel)))
    for case in root.iter(_q("Case")):
        human, _ = split_description(_text(case.find(_q("Description"))), "", None)
        if human:
            memos.append(Memo("case", human, case.get("name") or "", author=_user(case, users)))
    for note in root.findall(f"{_q('Notes')}/{_q('Note')}"):
        guid = normalize_guid(note.get("guid", ""))
        inline = note.find(_q("PlainTextContent"))
        text = inline.text if inline is not None and inline.text else None
        if text is None and (note.get("plainTextPath") or "").startswith("internal://"):
            text = read_text(note.get("plainTextPath")[len("internal://"):])
        if not text or not text.strip():
            continue
        base = Memo("unplaced", text, author=_user(note, users), created_at=_when(note), note=guid)
        memos.append(_placed(base, refs.get(guid, []), note, docs, selections, cases, code_ids, rule))
    return memos


def _placed(memo: Memo, owners: list, note, docs, selections, cases, code_ids, rule) -> Memo:
    """The memo, about the most specific thing that refers to it."""
    from dataclasses import replace

    by_tag = {etree.QName(o).localname: o for o in owners if isinstance(o.tag, str)}
    if "Coding" in by_tag and etree.QName(by_tag["Coding"].getparent()).localname == "PlainTextSelection":
        coding = by_tag["Coding"]
        sel, doc = selections.get(normalize_guid(coding.getparent().get("guid", "")), (None, None))
        placed = _place(sel, doc.text, rule) if sel is not None else None
        if placed:
            return replace(memo, target="selection", doc_id=doc.doc_id, code_id=_codes(coding, code_ids),
                           start=placed[0], end=placed[1])
    if "PlainTextSelection" in by_tag:
        sel, doc = selections.get(normalize_guid(by_tag["PlainTextSelection"].get("guid", "")), (None, None))
        placed = _place(sel, doc.text, rule) if sel is not None else None
        if placed:
            return replace(memo, target="selection", doc_id=doc.doc_id, code_id=_codes(sel, code_ids),
                           start=placed[0], end=placed[1])
    if "TextSource" in by_tag:
        src, doc = docs.get(normalize_guid(by_tag["TextSource"].get("guid", "")), (None, None))
        if doc is not None:
            span = note.find(_q("PlainTextSelection"))   # QualCoder: the annotated span, in the source's counting
            placed = _place(span, doc.text, rule) if span is not None else None
            return replace(memo, target="selection" if placed else "source", doc_id=doc.doc_id,
                           start=placed[0] if placed else None, end=placed[1] if placed else None)
    if "Code" in by_tag:
        return replace(memo, target="code", code_id=code_ids.get(normalize_guid(by_tag["Code"].get("guid", "")), ""))
    if "Case" in by_tag:
        return replace(memo, target="case", doc_id=cases.get(normalize_guid(by_tag["Case"].get("guid", "")), ""))
    if "Project" in by_tag:
        return replace(memo, target="project")
    return memo


def _place(sel, text: str, rule: str) -> tuple[int, int] | None:
    try:
        placed = place(int(sel.get("startPosition")), int(sel.get("endPosition")), OffsetMap(text, rule))
    except (TypeError, ValueError):
        return None
    return None if isinstance(placed, str) else placed


def _codes(sel, code_ids: dict[str, str]) -> str:
    found = [code_ids.get(normalize_guid(ref.get("targetGUID", ""))) for ref in sel.iter(_q("CodeRef"))]
    return ",".join(dict.fromkeys(c for c in found if c))


def _text(el) -> str:
    return (el.text or "") if el is not None else ""


def _user(el, users: dict[str, str]) -> str:
    return users.get(normalize_guid(el.get("creatingUser") or el.get("modifyingUser") or ""), "")


def _when(el) -> str:
    return el.get("creationDateTime") or el.get("modifiedDateTime") or ""


def memo_for(memos: list[Memo], doc_id: str, start: int, end: int, user: str, code_id: str) -> str:
    """The memo text a coder's coding carries: memos on exactly that span, by that user or by nobody
    named, about that code (or about no code in particular)."""
    texts = [m.text.strip() for m in memos if m.target == "selection" and m.doc_id == doc_id
             and (m.start, m.end) == (start, end) and m.author in ("", user)
             and (not m.code_id or code_id in m.code_id.split(","))]
    return "\n\n".join(dict.fromkeys(t for t in texts if t))


# ------------------------------------------------------------------ out

def add_notes(root, sources_el, noted: list, offsets: dict[str, OffsetMap], user_guid: Callable[[str], str]) -> None:
    """`<Notes>` for the codings that carry a note (`noted`: objects with doc_id, start, end, code_id,
    user, note, noted_at), with NoteRefs from their selection and source."""
    if not noted:
        return
    notes_el = etree.Element(_q("Notes"))
    sources_el.addnext(notes_el)   # the schema's order: Sources, Notes, Links, Sets, ...
    by_guid = {s.get("guid"): s for s in sources_el.findall(_q("TextSource"))}
    from qualmine.outputs.refi.project_export import source_guid

    anchored: set[tuple] = set()
    for c in sorted(noted, key=lambda c: (c.doc_id, c.start, c.end, c.code_id, c.user)):
        guid = stable_guid("note", c.doc_id, c.start, c.end, c.code_id, c.user)
        attrs = {"guid": guid, "name": f"{c.code_id} ({c.user})", "creatingUser": user_guid(c.user)}
        if _iso(c.noted_at):
            attrs["creationDateTime"] = _iso(c.noted_at)
        note = etree.SubElement(notes_el, _q("Note"), **attrs)
        # XML 1.0 cannot hold control characters; a note typed elsewhere may (the exact note also rides in qualmine's block)
        etree.SubElement(note, _q("PlainTextContent")).text = _NOT_XML.sub("\ufffd", c.note)
        units = offsets[c.doc_id]
        etree.SubElement(note, _q("PlainTextSelection"), guid=stable_guid("note-span", guid),
                         startPosition=str(units.to_units(c.start)), endPosition=str(units.to_units(c.end)))
        src = by_guid[source_guid(c.doc_id)]
        coding = stable_guid("coding", c.doc_id, c.start, c.end, c.code_id, c.user)
        etree.SubElement(src.find(f"{_q('PlainTextSelection')}/{_q('Coding')}[@guid='{coding}']"), _q("NoteRef"),
                         targetGUID=guid)
        if (c.doc_id, c.start, c.end, c.user) not in anchored:
            # QualCoder keeps one annotation per (span, coder) and stops its import on a second one.
            anchored.add((c.doc_id, c.start, c.end, c.user))
            _source_ref(src, guid)


def _source_ref(src, guid: str) -> None:
    ref = etree.Element(_q("NoteRef"), targetGUID=guid)
    after = src.findall(_q("NoteRef")) or src.findall(_q("PlainTextSelection")) or src.findall(_q("Description"))
    if after:
        after[-1].addnext(ref)
    else:
        src.insert(0, ref)


def _iso(value) -> str:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return ""
    if pd.isna(stamp):
        return ""
    stamp = stamp.tz_convert("UTC") if stamp.tzinfo else stamp
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
