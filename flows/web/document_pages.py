"""What the document pages show: the list of documents, and one document (a transcript or a
survey respondent's answers) with coded spans and pending suggestions in place.

Built on `ReviewSite`'s cached snapshot (flows/web/pages.py); the cutting into highlighted
pieces is `coding.review.web_document`.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from qualmine.coding.store import schema as s
from qualmine.coding.review.web_document import colour_classes, document_pieces, marks_by_segment, view_documents
from qualmine.coding.review.web_store import ReviewNotFound
from qualmine.flows.web.pages import ReviewSite

MAX_DOCUMENTS_LISTED = 2000


def documents_page(site: ReviewSite, coder: str | None) -> dict:
    """Every transcript, and every survey respondent (one entry per respondent and file), with counts."""
    snap = site.snapshot()
    documents, segments = snap.documents, snap.segments
    decisions = site.decisions()
    people = decisions[~decisions["coder"].astype(str).str.startswith("model:")]
    coded_ids = set(people.loc[people["decision"].isin(["accept", "add"]), "segment_id"])
    suggested_ids = set(snap.suggestions["segment_id"])
    per_doc = pd.DataFrame({"doc_id": segments["doc_id"], "segments": 1,
                            "coded": segments["segment_id"].isin(coded_ids).astype(int),
                            "suggested": segments["segment_id"].isin(suggested_ids).astype(int)}) \
        .groupby("doc_id").sum()
    respondent = documents["respondent_id"].where(documents["respondent_id"].notna(), "").astype(str)
    survey = (documents["kind"] == "survey") & (respondent != "")
    # One entry per transcript, one per (survey file, respondent): its first answer opens the view.
    table = documents.assign(respondent_id=respondent, kind=survey.map({True: "survey", False: "transcript"}),
                             group=documents["doc_id"].where(~survey, documents["source_file"].astype(str) + "\0" + respondent))
    table = table.join(per_doc, on="doc_id").fillna({"segments": 0, "coded": 0, "suggested": 0})
    entries = table.groupby("group", sort=False).agg(
        doc_id=("doc_id", "min"), kind=("kind", "first"), source_file=("source_file", "first"),
        respondent_id=("respondent_id", "first"), segments=("segments", "sum"), coded=("coded", "sum"),
        suggested=("suggested", "sum"))
    entries = entries.assign(_t=entries["kind"] != "transcript").sort_values(
        ["_t", "source_file", "respondent_id", "doc_id"], kind="stable")
    listed = [{**r, "segments": int(r["segments"]), "coded": int(r["coded"]), "suggested": int(r["suggested"])}
              for r in entries.drop(columns="_t").head(MAX_DOCUMENTS_LISTED).to_dict("records")]
    return {"documents": listed, "total": len(entries), "coder": coder or "", "max_listed": MAX_DOCUMENTS_LISTED}


def document_page(site: ReviewSite, doc_id: str, coder: str) -> dict:
    """One document view: each shown document's pieces, the codes used in it, and the codebook."""
    snap = site.snapshot()
    try:
        kind, shown = view_documents(snap.documents, doc_id)
    except KeyError:
        raise ReviewNotFound(f"unknown document id {doc_id!r}: no such document in the store") from None
    ids = list(shown["doc_id"])
    with site.store.engine.connect() as conn:
        texts = dict(conn.execute(select(s.documents.c.doc_id, s.documents.c.text)
                                  .where(s.documents.c.doc_id.in_(ids))).all())
    code_ids = [c["code_id"] for c in snap.code_list]
    colours = colour_classes(code_ids)
    labels = {c["code_id"]: c for c in snap.code_list}
    # Everything narrowed to the shown documents once (a respondent may have many answers).
    all_segs = snap.segments[snap.segments["doc_id"].isin(set(ids))]
    in_view = set(all_segs["segment_id"])
    all_on = snap.suggestions[snap.suggestions["segment_id"].isin(in_view)]
    decisions = site.decisions()
    decisions = decisions[decisions["segment_id"].isin(in_view)]
    mine = decisions[decisions["coder"] == coder]
    decided = set(zip(mine["segment_id"], mine["code_id"]))
    found = marks_by_segment(all_segs, all_on, decisions, coder, set(code_ids))
    segments_of = all_segs.groupby("doc_id", sort=False)["segment_id"].agg(list).to_dict()
    chips_of = _chips(all_segs, all_on, labels, decided)
    blocks, used = [], set()
    for doc in shown.itertuples(index=False):
        sids = segments_of.get(doc.doc_id, [])
        marks = sorted({m for sid in sids for m in found.get(sid, [])}, key=lambda m: (m.start, m.end, m.kind, m.code_id))
        used |= {m.code_id for m in marks if m.kind == "coded"}   # the legend names the colours in use
        chips = chips_of.get(doc.doc_id, {})
        text = texts.get(doc.doc_id, "")
        pieces = document_pieces(text, marks, colours, cuts=set(chips))
        blocks.append({"doc_id": doc.doc_id, "question": _text(doc.question), "length": len(text),
                       "pieces": pieces, "chips": chips})
    first = shown.iloc[0]
    legend = [dict(labels[c], colour=colours[c]) for c in code_ids if c in used]
    return {"kind": kind, "doc_id": doc_id, "source_file": _text(first["source_file"]),
            "respondent_id": _text(first["respondent_id"]), "blocks": blocks, "legend": legend,
            "codes": snap.code_list, "coder": coder,
            "attributes": site._attributes(snap, _text(first["respondent_id"]))}


def _chips(segments: pd.DataFrame, suggestions: pd.DataFrame, labels: dict,
           decided: set) -> dict[str, dict[int, list[dict]]]:
    """The coder's pending suggestions, to decide in place after the end of their segment:
    {doc_id: {offset: chips}}."""
    ends = dict(zip(segments["segment_id"], segments["end"]))
    docs = dict(zip(segments["segment_id"], segments["doc_id"]))
    chips: dict[str, dict[int, list[dict]]] = {}
    seen = set()
    for sid, code_id, source in zip(suggestions["segment_id"], suggestions["code_id"], suggestions["source"]):
        if (sid, code_id) in decided or (sid, code_id) in seen or code_id not in labels:
            continue
        seen.add((sid, code_id))
        code = labels[code_id]
        chips.setdefault(docs[sid], {}).setdefault(int(ends[sid]), []).append({"segment_id": sid, "code_id": code_id, "source": source,
                                                     "label": code["label_zh"] or code["label_en"]})
    return chips


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)
