"""What the review pages show, read from the project store (the web app only renders it).

`ReviewSite` keeps the store open and caches what changes only when a run is recorded
(segments, documents, suggestions, codes, respondents, the model's uncertainty); decisions and
queue assignments are read afresh on every page, so two coders always see each other's work.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select

from qualmine import SEED
from qualmine.coding.store import schema as s
from qualmine.coding.review.queue import UNCODED, UNCODED_CHOICES
from qualmine.coding.review.web_queue import (
    QueueFilter, all_rows, coder_rows, context_segments, highlight_parts, item_key, pick_item, progress, split_item_key,
    with_status,
)
from qualmine.coding.review.web_store import RETRACT, ReviewNotFound, current_decisions
from qualmine.coding.store.database import ProjectStore, model_path

MAX_LISTED = 200          # segments listed per section on a code page
ROWS_CACHE_SIZE = 32      # (code, source, order) combinations kept


@dataclass(frozen=True)
class Snapshot:
    """The store's run-dependent tables, read once per recorded run."""

    key: tuple
    codes: pd.DataFrame
    segments: pd.DataFrame
    documents: pd.DataFrame          # without the text column
    suggestions: pd.DataFrame
    respondents: pd.DataFrame        # respondent_id + one column per attribute (may be empty)
    code_list: list[dict]            # the codes as template-ready dicts, in codebook order


class ReviewSite:
    """The data behind the pages of one store."""

    def __init__(self, store: ProjectStore, *, double_code: float = 0.0, seed: int = SEED, uncoded: str = "auto"):
        if uncoded not in UNCODED_CHOICES:
            raise ValueError(f"The 'uncoded' parameter of the review page must be one of "
                             f"{', '.join(UNCODED_CHOICES)}. Got {uncoded!r} instead.")
        self.store, self.double_code, self.seed, self.uncoded = store, double_code, seed, uncoded
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._uncertainty: tuple[tuple, pd.Series | None] | None = None
        self._rows_cache: dict[tuple, pd.DataFrame] = {}

    # ------------------------------------------------------------------ cached store reads
    def snapshot(self) -> Snapshot:
        with self.store.engine.connect() as conn:
            key = tuple(conn.execute(select(func.count(), func.max(s.runs.c.started_at))
                                     .select_from(s.runs)).one())
        with self._lock:
            if self._snapshot is None or self._snapshot.key != key:
                documents = self.store.documents().drop(columns=["text"])
                codes = self.store.codes()
                self._snapshot = Snapshot(key, codes, self.store.segments(), documents,
                                          self.store.suggestions(), self._respondents(), _code_dicts(codes))
            return self._snapshot

    def uncertainty(self, snap: Snapshot) -> pd.Series | None:
        """Per segment, how unsure the trained model is (None when no model is trained)."""
        path = model_path(self.store.url)
        key = (snap.key, path.stat().st_mtime if path.exists() else None)
        with self._lock:
            if self._uncertainty is None or self._uncertainty[0] != key:
                from qualmine.coding.suggest.learning import load_trained_model, segment_uncertainty

                from qualmine.coding.suggest.features import EmbeddingModelMismatch
                from qualmine.coding.suggest.persist import ModelFileError

                try:
                    loaded = load_trained_model(self.store) if key[1] is not None else None
                # not a model qualmine wrote (never loaded), or one needing another embedding model:
                # the page orders without it
                except (ModelFileError, EmbeddingModelMismatch):
                    loaded = None
                self._uncertainty = (key, segment_uncertainty(self.store, loaded[0]) if loaded else None)
            return self._uncertainty[1]

    def _respondents(self) -> pd.DataFrame:
        """Respondent attributes from the latest pipeline run's folder (the store has no such table)."""
        from qualmine.outputs import read_table

        with self.store.engine.connect() as conn:
            params = conn.execute(select(s.runs.c.parameters).where(s.runs.c.kind == "pipeline")
                                  .order_by(s.runs.c.started_at.desc()).limit(1)).scalar()
        try:
            out_dir = json.loads(params or "{}").get("out_dir")
        except ValueError:
            out_dir = None
        table = read_table(Path(out_dir), "respondents") if out_dir and Path(out_dir).is_dir() else None
        return table.astype(str) if table is not None else pd.DataFrame(columns=["respondent_id"])

    def decisions(self) -> pd.DataFrame:
        return current_decisions(self.store.decisions())

    def rows(self, queue_filter: QueueFilter, snap: Snapshot | None = None,
             decisions: pd.DataFrame | None = None) -> pd.DataFrame:
        snap = snap or self.snapshot()
        decisions = self.decisions() if decisions is None else decisions
        if queue_filter.code and queue_filter.code not in set(snap.codes["code_id"]):
            raise ReviewNotFound(f"unknown code id {queue_filter.code!r}: not in the store's current codebook")
        assignments = self.store.export_rows()[["segment_id", "coder"]]
        return coder_rows(queue_filter, self._all_rows(queue_filter, snap), decisions=decisions,
                          assignments=assignments, double_code=self.double_code, seed=self.seed)

    def _all_rows(self, queue_filter: QueueFilter, snap: Snapshot) -> pd.DataFrame:
        """The queue's rows before assignment, cached per run and (code, source, order)."""
        uncertainty = self.uncertainty(snap) if queue_filter.order == "uncertainty" else None
        key = (snap.key, id(uncertainty), queue_filter.code, queue_filter.source, queue_filter.order)
        with self._lock:
            found = self._rows_cache.get(key)
        if found is None:
            found = all_rows(queue_filter, suggestions=snap.suggestions, segments=snap.segments, codes=snap.codes,
                             uncertainty=uncertainty, uncoded=self.uncoded)
            with self._lock:
                if len(self._rows_cache) >= ROWS_CACHE_SIZE:
                    self._rows_cache.pop(next(iter(self._rows_cache)))
                self._rows_cache[key] = found
        return found

    # ------------------------------------------------------------------ pages
    def index_page(self, coder: str | None) -> dict:
        snap = self.snapshot()
        decisions = self.decisions()
        humans = decisions[~decisions["coder"].str.startswith("model:")]
        suggested = snap.suggestions.groupby("code_id")["segment_id"].nunique()
        accepted = humans[humans["decision"].isin(["accept", "add"])].groupby("code_id")["segment_id"].nunique()
        codes = [dict(code, suggested=int(suggested.get(code["code_id"], 0)),
                      accepted=int(accepted.get(code["code_id"], 0))) for code in snap.code_list]
        coders = sorted(set(humans["coder"]))
        mine = progress(self.rows(QueueFilter(coder=coder), snap, decisions)) if coder else None
        return {"codes": codes, "coders": coders, "coder": coder, "progress": mine,
                "segments": len(snap.segments), "suggestions": len(snap.suggestions)}

    def code_ids(self) -> set[str]:
        return set(self.snapshot().codes["code_id"])

    def queue_page(self, queue_filter: QueueFilter, *, at: str | None = None, after: str | None = None,
                   near: str | None = None) -> dict:
        snap = self.snapshot()
        decisions = self.decisions()
        rows = self.rows(queue_filter, snap, decisions)
        shown = with_status(rows, queue_filter.status)
        if at is not None:
            segment_id, code_id = split_item_key(at)
            if segment_id not in set(snap.segments["segment_id"]):
                raise ReviewNotFound(f"unknown segment id {segment_id!r}: no such segment in the store")
            if code_id != UNCODED and code_id not in set(snap.codes["code_id"]):
                raise ReviewNotFound(f"unknown code id {code_id!r}: not in the store's current codebook")
        item = pick_item(shown, at, after=after, near=near, everything=rows)
        if at is not None and item is None:
            raise ReviewNotFound(f"segment {segment_id} with code {code_id} is not in {queue_filter.coder}'s "
                                 f"queue with these filters (status {queue_filter.status})")
        page = {"filter": queue_filter, "progress": progress(rows), "shown": len(shown), "item": None,
                "codes": snap.code_list, "position": None}
        if item is None:
            return page
        page["position"] = int((shown["rank"] < item["rank"]).sum()) + 1
        page["item"] = self._item(item, snap, decisions, queue_filter.coder)
        return page

    def _item(self, row: pd.Series, snap: Snapshot, decisions: pd.DataFrame, coder: str) -> dict:
        segment_id = row["segment_id"]
        kind, context = context_segments(snap.segments, snap.documents, segment_id)
        spans = [tuple(x) for x in row["evidence_spans"]]
        segment = snap.segments[snap.segments["segment_id"] == segment_id].iloc[0]
        uncoded = row["code_id"] == UNCODED
        code = None if uncoded else next(c for c in snap.code_list if c["code_id"] == row["code_id"])
        mine = decisions[(decisions["coder"] == coder) & (decisions["segment_id"] == segment_id)]
        others = decisions[(decisions["coder"] != coder) & (decisions["segment_id"] == segment_id)
                           & ((decisions["code_id"] == row["code_id"]) | uncoded)]
        on_segment = snap.suggestions[snap.suggestions["segment_id"] == segment_id]
        return {
            "key": row["key"], "segment_id": segment_id, "doc_id": row["doc_id"], "code": code, "uncoded": uncoded,
            "source": row["source"], "score": None if pd.isna(row["score"]) else float(row["score"]),
            "status": row["status"], "decision": row["decision"], "note": row["note"],
            "parts": highlight_parts(str(segment["text"]), spans), "evidence": row["evidence"],
            "context_kind": kind,
            "context": [{"segment_id": c.segment_id, "speaker": _text(c.speaker), "question": _text(c.question),
                         "is_interviewer": bool(c.is_interviewer), "current": bool(c.current),
                         "parts": highlight_parts(str(c.text), spans) if c.current else [(str(c.text), False)]}
                        for c in context.itertuples(index=False)],
            "respondent_id": _text(segment["respondent_id"]), "speaker": _text(segment["speaker"]),
            "question": _text(segment["question"]), "source_file": _text(segment["source_file"]),
            "attributes": self._attributes(snap, _text(segment["respondent_id"])),
            "other_codes": sorted(set(on_segment["code_id"]) - {row["code_id"]}),
            "segment_codes": _segment_codes(on_segment, mine, snap.code_list, row["code_id"]),
            "added": sorted(mine.loc[mine["decision"] == "add", "code_id"]),
            "others": [{"coder": o.coder, "decision": o.decision + (f" {o.code_id}" if uncoded else "")}
                       for o in others.itertuples(index=False)],
        }

    def _attributes(self, snap: Snapshot, respondent_id: str) -> list[tuple[str, str]]:
        found = snap.respondents[snap.respondents["respondent_id"] == respondent_id]
        if found.empty:
            return []
        values = found.iloc[0].drop(labels=["respondent_id"])
        return [(str(k), str(v)) for k, v in values.items() if str(v) not in ("", "nan", "None")]

    def code_page(self, code_id: str) -> dict:
        snap = self.snapshot()
        codes = snap.code_list
        code = next((c for c in codes if c["code_id"] == code_id), None)
        if code is None:
            raise ReviewNotFound(f"unknown code id {code_id!r}: not in the store's current codebook")
        decisions = self.decisions()
        humans = decisions[~decisions["coder"].str.startswith("model:")]
        on_code = humans[humans["code_id"] == code_id]
        accepted = on_code[on_code["decision"].isin(["accept", "add"])]
        by_segment = accepted.groupby("segment_id")["coder"].agg(lambda v: ", ".join(sorted(set(v))))
        texts = snap.segments.set_index("segment_id")
        suggested = snap.suggestions[snap.suggestions["code_id"] == code_id]
        pending_ids = sorted(set(suggested["segment_id"]) - set(on_code["segment_id"]))
        evidence = _segment_spans(suggested, snap.segments)
        return {
            "code": code,
            "children": [c for c in codes if c["parent"] == code_id],
            "parent": next((c for c in codes if c["code_id"] == code["parent"]), None),
            "accepted": [_listed(sid, texts, evidence, coders=by_segment[sid]) for sid in by_segment.index[:MAX_LISTED]
                         if sid in texts.index],
            "accepted_total": len(by_segment),
            "rejected_total": int(on_code.loc[on_code["decision"] == "reject", "segment_id"].nunique()),
            "pending": [_listed(sid, texts, evidence) for sid in pending_ids[:MAX_LISTED] if sid in texts.index],
            "pending_total": len(pending_ids),
            "agreement": self._agreement(code_id, decisions),
            "max_listed": MAX_LISTED,
        }

    def _agreement(self, code_id: str, decisions: pd.DataFrame) -> dict:
        """Agreement rows for one code (coding.review.agreement), or why there are none.

        `decisions`: current decisions. Checked for a double-coded segment first, so a store
        reviewed by one coder never pays for importing the statistics (scikit-learn, NLTK).
        """
        humans = decisions[~decisions["coder"].astype(str).str.startswith("model:")]
        coders = humans.groupby("segment_id")["coder"].nunique() if len(humans) else pd.Series(dtype=int)
        if not (coders >= 2).any():
            return {"note": "no segment is double-coded yet (reviewed by two or more coders)", "rows": [],
                    "columns": []}
        from qualmine.coding.review.agreement import agreement_tables
        from qualmine.coding.suggest.learning import agreement_decisions

        units = agreement_decisions(self.store)
        # An undo's `retract` row means "no decision" (coding.review.web_store): the unit is missing.
        units = units[units["decision"] != RETRACT] if len(units) else units
        table = agreement_tables(units).agreement
        if "code_id" in table.columns:
            table = table[table["code_id"].isin([code_id, "(overall)"])]
        rows = [[_fmt(v) for v in r] for r in table.itertuples(index=False)]
        return {"note": "" if rows else "no double-coded segment on this code yet", "rows": rows,
                "columns": [str(c) for c in table.columns]}


def _segment_codes(on_segment: pd.DataFrame, mine: pd.DataFrame, code_list: list[dict], current: str) -> list[dict]:
    """Every code suggested on one segment, in codebook order, with the coder's own status on it,
    so one screen shows (and decides) all of a segment's suggestions."""
    status = {"accept": "accepted", "add": "accepted", "reject": "rejected"}
    own = dict(zip(mine["code_id"], mine["decision"]))
    best = on_segment.groupby("code_id").agg(source=("source", lambda v: ",".join(sorted(set(v)))),
                                             score=("score", "max")) if len(on_segment) else None
    listed = []
    for code in code_list:
        if best is None or code["code_id"] not in best.index:
            continue
        score = best.at[code["code_id"], "score"]
        listed.append({"code_id": code["code_id"], "label": code["label_zh"] or code["label_en"],
                       "label_en": code["label_en"], "source": best.at[code["code_id"], "source"],
                       "score": None if pd.isna(score) else float(score),
                       "status": status.get(own.get(code["code_id"], ""), "pending"),
                       "current": code["code_id"] == current})
    return listed


def _code_dicts(codes: pd.DataFrame) -> list[dict]:
    fields = ["code_id", "kind", "parent", "label_zh", "label_en", "definition_zh", "definition_en"]
    return [{f: _text(r[f]) for f in fields} for r in codes[fields].to_dict("records")]


def _segment_spans(suggested: pd.DataFrame, segments: pd.DataFrame) -> dict[str, list[tuple[int, int]]]:
    starts = segments.set_index("segment_id")["start"]
    spans: dict[str, list[tuple[int, int]]] = {}
    for sid, a, b in zip(suggested["segment_id"], suggested["start"], suggested["end"]):
        if pd.notna(a) and pd.notna(b) and sid in starts.index:
            spans.setdefault(sid, []).append((int(a) - int(starts[sid]), int(b) - int(starts[sid])))
    return spans


def _listed(segment_id: str, texts: pd.DataFrame, evidence: dict, coders: str = "") -> dict:
    row = texts.loc[segment_id]
    return {"segment_id": segment_id, "doc_id": row["doc_id"], "respondent_id": _text(row["respondent_id"]),
            "parts": highlight_parts(str(row["text"]), evidence.get(segment_id, [])), "coders": coders,
            "key": None}


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _fmt(value) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.3f}"
    return str(value)


__all__ = ["ReviewSite", "Snapshot", "item_key"]
