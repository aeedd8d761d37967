"""Record a pipeline run (documents, segments, suggestions, codebook version) and model suggestions.

Re-recording the same corpus updates segments in place (ids are stable), and a run's suggestions
replace every pipeline suggestion on that run's segments, whatever their source: a `--no-semantic`
run after a semantic one leaves no stale semantic rows behind (the learned model's rows, source
"model", are `record_model_suggestions`' and stay). One exception keeps what a coder saw: a stored
suggestion on a (segment, code) pair that has a decision is kept unless the new run suggests the
same pair from the same source (then the new row replaces it), so the record of which source put
the pair a coder accepted or rejected in front of them, which per-source agreement reads, survives.
Decisions themselves are never touched: decisions on codes the new codebook no longer has are
reported in `SyncReport.orphaned`, not dropped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from qualmine.coding.store import schema as s
from qualmine.coding.codebook import Codebook, dump_codebook
from qualmine.coding.store.database import INSERT_CHUNK, ProjectStore, insert_chunked, utcnow

DOCUMENT_FIELDS = ["doc_id", "source_file", "kind", "respondent_id", "question", "text"]
SEGMENT_FIELDS = ["segment_id", "doc_id", "source_file", "respondent_id", "speaker", "is_interviewer", "question",
                  "lang", "start", "end", "position", "turn", "text"]
SUGGESTION_FIELDS = ["segment_id", "code_id", "source", "score", "evidence", "start", "end"]
# Sources written by other writers than a pipeline run: a pipeline run never replaces them.
NOT_PIPELINE_SOURCES = ("model",)


@dataclass(frozen=True)
class SyncReport:
    """What recording a run changed in the store."""

    run_id: str
    codebook_version_id: int
    codebook_changed: bool                 # a codebook version not seen before was recorded
    new_segments: int
    updated_segments: int
    missing_segments: int                  # in the store, absent from this run (kept, with their decisions)
    suggestions: int
    orphaned: pd.DataFrame = field(default_factory=pd.DataFrame)   # decisions on codes gone from the codebook
    other_corpora: tuple[str, ...] = ()    # corpus folders of earlier runs in this store, not this run's

    def notes(self) -> list[str]:
        out = []
        if self.codebook_changed:
            out.append(f"store: recorded codebook version {self.codebook_version_id}")
        if self.missing_segments and self.other_corpora:
            # One store is one project: review queues offer every stored segment, whichever run it came from.
            out.append(f"store: it also holds {self.missing_segments} segment(s) of another corpus "
                       f"({', '.join(self.other_corpora)}); review queues draw on every segment in the store, so give "
                       "each project its own store (--store PATH or $QUALMINE_STORE)")
        elif self.missing_segments:
            out.append(f"store: {self.missing_segments} stored segment(s) are not in this run (kept with their decisions)")
        if len(self.orphaned):
            codes = ", ".join(sorted(set(self.orphaned["code_id"])))
            out.append(f"store: {len(self.orphaned)} decision(s) on codes no longer in the codebook: {codes} "
                       f"(kept; see `qualmine store status`)")
        return out


def record_codebook(conn: Connection, codebook: Codebook, source_path: str | None) -> tuple[int, bool]:
    """The version id of `codebook` in the store, recording it first if its content is new."""
    fingerprint = codebook.fingerprint()
    found = conn.execute(select(s.codebook_versions.c.version_id)
                         .where(s.codebook_versions.c.fingerprint == fingerprint)).scalar()
    if found is not None:
        return found, False
    version_id = conn.execute(insert(s.codebook_versions).values(
        fingerprint=fingerprint, name=codebook.name, version=str(codebook.version), source_path=source_path,
        content=dump_codebook(codebook), recorded_at=utcnow())).inserted_primary_key[0]
    insert_chunked(conn, s.codebook_codes, [
        {"version_id": version_id, "code_id": c.id, "kind": c.kind, "parent": c.parent, "label_zh": c.label.zh,
         "label_en": c.label.en, "definition_zh": c.definition.zh, "definition_en": c.definition.en, "position": i}
        for i, c in enumerate(codebook.codes)])
    return version_id, True


def sync_run(store: ProjectStore, *, run_id: str, codebook: Codebook, documents: pd.DataFrame,
             segments: pd.DataFrame, applications: pd.DataFrame, codebook_path: str | Path | None = None,
             corpus_dir: str | Path | None = None, parameters: dict | None = None) -> SyncReport:
    """Record one pipeline run in one transaction (see the module docstring)."""
    docs = _records(documents, DOCUMENT_FIELDS)
    segs = _records(segments, SEGMENT_FIELDS)
    for seg in segs:
        seg["is_interviewer"] = bool(seg["is_interviewer"])
    apps = applications[SUGGESTION_FIELDS].copy() if len(applications) else pd.DataFrame(columns=SUGGESTION_FIELDS)
    now = utcnow()
    with store.writer.begin() as conn:
        version_id, changed = record_codebook(conn, codebook, str(codebook_path) if codebook_path else None)
        others = tuple(sorted(set(conn.execute(
            select(s.runs.c.corpus_dir).where(s.runs.c.kind == "pipeline", s.runs.c.corpus_dir.is_not(None),
                                              s.runs.c.corpus_dir != str(corpus_dir or ""))).scalars())))
        conn.execute(insert(s.runs).values(
            run_id=run_id, kind="pipeline", started_at=now, corpus_dir=str(corpus_dir) if corpus_dir else None,
            codebook_version_id=version_id, segments=len(segs), suggestions=len(apps),
            parameters=json.dumps(parameters or {}, ensure_ascii=False, default=str)))
        _upsert(conn, s.documents, "doc_id", docs, run_id)
        new, updated = _upsert(conn, s.segments, "segment_id", segs, run_id)
        seg_ids = [seg["segment_id"] for seg in segs]
        _replace_pipeline_suggestions(conn, seg_ids, apps)
        insert_chunked(conn, s.suggestions, [
            {**row, "run_id": run_id, "created_at": now} for row in _records(apps, SUGGESTION_FIELDS)])
        total = conn.execute(select(s.segments.c.segment_id)).scalars().all()
    missing = len(set(total) - set(seg_ids))
    return SyncReport(run_id, version_id, changed, new, updated, missing, len(apps), store.orphaned_decisions(),
                      others if corpus_dir else ())


def record_model_suggestions(store: ProjectStore, *, run_id: str, scored_segment_ids: Iterable[str],
                             suggestions: pd.DataFrame, threshold: float, parameters: dict | None = None) -> int:
    """Replace the model's suggestions on the scored segments with `suggestions` (one transaction).

    `suggestions`: segment_id, code_id, score (only codes at or above `threshold`). Segments the
    model did not score (those already reviewed) keep the suggestions a coder saw.
    """
    ids = list(dict.fromkeys(scored_segment_ids))
    now = utcnow()
    rows = [{"segment_id": r.segment_id, "code_id": r.code_id, "source": "model", "score": float(r.score),
             "evidence": None, "start": None, "end": None, "run_id": run_id, "created_at": now}
            for r in suggestions.itertuples(index=False)]
    with store.writer.begin() as conn:
        conn.execute(insert(s.runs).values(run_id=run_id, kind="model", started_at=now, segments=len(ids),
                                           suggestions=len(rows), parameters=json.dumps(parameters or {}, default=str)))
        _delete_for_segments(conn, s.suggestions, ids, s.suggestions.c.source == "model")
        _delete_for_segments(conn, s.model_scored, ids)
        insert_chunked(conn, s.suggestions, rows)
        insert_chunked(conn, s.model_scored, [{"segment_id": i, "run_id": run_id, "threshold": threshold,
                                               "scored_at": now} for i in ids])
    return len(rows)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    present = [c for c in columns if c in frame.columns]
    out = frame[present].astype(object).where(frame[present].notna(), None).to_dict("records")
    for row in out:
        for c in columns:
            row.setdefault(c, None)
            if c in ("start", "end", "position", "turn") and row[c] is not None:
                row[c] = int(row[c])
            if c == "score" and row[c] is not None:
                row[c] = float(row[c])
    return out


def _upsert(conn: Connection, table, key: str, rows: list[dict], run_id: str) -> tuple[int, int]:
    """Insert new rows, update existing ones by key (portable: no dialect-specific ON CONFLICT)."""
    existing = set(conn.execute(select(table.c[key])).scalars().all())
    new = [{**r, "first_run_id": run_id, "last_run_id": run_id} for r in rows if r[key] not in existing]
    # Bound names must differ from column names in an UPDATE's SET clause, hence the "b_" prefix.
    old = [{f"b_{c}": v for c, v in {**r, "last_run_id": run_id}.items()} for r in rows if r[key] in existing]
    insert_chunked(conn, table, new)
    if old:
        columns = [c[2:] for c in old[0] if c != f"b_{key}"]
        statement = update(table).where(table.c[key] == bindparam(f"b_{key}")).values(
            {c: bindparam(f"b_{c}") for c in columns})
        for i in range(0, len(old), INSERT_CHUNK):
            conn.execute(statement, old[i:i + INSERT_CHUNK])
    return len(new), len(old)


def _replace_pipeline_suggestions(conn: Connection, segment_ids: list[str], apps: pd.DataFrame) -> int:
    """Delete the stored pipeline suggestions on `segment_ids` that the new run's `apps` replace.

    Every source goes (see the module docstring), except a row on a decided (segment, code) pair
    that `apps` does not suggest again from the same source. Returns the number of rows deleted.
    """
    fresh = set(zip(apps["segment_id"].astype(str), apps["code_id"].astype(str), apps["source"].astype(str)))
    doomed: list[int] = []
    for i in range(0, len(segment_ids), INSERT_CHUNK):
        chunk = segment_ids[i:i + INSERT_CHUNK]
        decided = set(conn.execute(select(s.decisions.c.segment_id, s.decisions.c.code_id).where(
            s.decisions.c.segment_id.in_(chunk))).tuples())
        stored = conn.execute(select(s.suggestions.c.suggestion_id, s.suggestions.c.segment_id,
                                     s.suggestions.c.code_id, s.suggestions.c.source).where(
            s.suggestions.c.segment_id.in_(chunk), s.suggestions.c.source.not_in(NOT_PIPELINE_SOURCES))).tuples()
        doomed += [sid for sid, seg, code, source in stored
                   if (seg, code) not in decided or (seg, code, source) in fresh]
    for i in range(0, len(doomed), INSERT_CHUNK):
        conn.execute(delete(s.suggestions).where(s.suggestions.c.suggestion_id.in_(doomed[i:i + INSERT_CHUNK])))
    return len(doomed)


def _delete_for_segments(conn: Connection, table, segment_ids: list[str], *conditions) -> None:
    for i in range(0, len(segment_ids), INSERT_CHUNK):
        conn.execute(delete(table).where(table.c.segment_id.in_(segment_ids[i:i + INSERT_CHUNK]), *conditions))
