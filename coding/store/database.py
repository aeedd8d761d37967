"""The project store: one database (SQLite file by default, any SQLAlchemy URL) per project.

`ProjectStore` reads the store into DataFrames and writes to it; every write method is one
transaction, so a crash or a kill in the middle leaves the store as it was before. Decisions are
append-only. Recording a pipeline run lives in `coding.store.sync`.
"""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import pandas as pd
from sqlalchemy import Engine, create_engine, event, func, insert, inspect, select, update
from sqlalchemy.engine import Connection, make_url

from qualmine.coding.store import schema as s
from qualmine.coding.codebook import Codebook, parse_codebook
from qualmine.coding.store.decision_rules import latest_per_coder
from qualmine.coding.store.project import current_project

DECISION_COLUMNS = ["decision_id", "segment_id", "code_id", "coder", "decision", "note", "decided_at",
                    "import_batch", "file_hash", "start", "end"]
INSERT_CHUNK = 500    # rows per executemany: keeps statements small for any backend
STORE_ENV = "QUALMINE_STORE"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def default_store_location() -> str:
    """$QUALMINE_STORE when set, else the project's store (qualmine.toml, else ./qualmine-runs/qualmine.sqlite)."""
    return os.environ.get(STORE_ENV) or current_project().default_store


def resolve_store_url(store: str | Path | None = None) -> str:
    """A SQLAlchemy URL from `--store`: a URL is kept, a path becomes a SQLite file URL."""
    if store is None or str(store) == "":
        store = default_store_location()
    text = str(store)
    if "://" in text:
        make_url(text)   # fail early on a malformed URL
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def store_folder(url: str) -> Path:
    """The folder a store's trained model and agreement tables live in: next to a SQLite file; for a
    server database (PostgreSQL...) its own folder under the project's qualmine-runs/stores/, one per
    host, port and database.

    Every project gets its own folder, so one project's training never overwrites another's model.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database).parent
    return current_project().runs_dir / "stores" / _namespace(url)


def _namespace(url: str) -> str:
    """A folder name for a server store: backend, host, port and database (never user or password),
    made file-name safe, plus a hash of the exact values so two names that clean up alike still differ."""
    import hashlib

    parsed = make_url(url)
    parts = [parsed.get_backend_name(), parsed.host or "", str(parsed.port or ""), parsed.database or ""]
    readable = "-".join("".join(ch if ch.isalnum() or ch in "._" else "_" for ch in part) for part in parts if part)
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:10]
    return f"{readable[:80]}-{digest}"


def model_path(url: str) -> Path:
    """Where `qualmine suggest train` saves the model for the store at `url` (a .npz, never a pickle)."""
    parsed = make_url(url)
    stem = Path(parsed.database).stem if parsed.get_backend_name() == "sqlite" and parsed.database else "project"
    return store_folder(url) / f"{stem}.suggester.npz"


def legacy_model_path(url: str) -> Path:
    """Where qualmine before issue #17 saved the store's model: a joblib pickle (shared by all server stores).

    Pickles were written only before the pickle-free format, when runtime data still lived in the
    package's own outputs/ folder (the move to <project>/qualmine-runs/ came later): a server
    store's pickle is there, never in a project's qualmine-runs/. That file was shared by every
    server store, so `--trust-model-file` converts it for whichever store asks first.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database).parent / f"{Path(parsed.database).stem}.suggester.joblib"
    return Path(__file__).resolve().parents[2] / "outputs" / "qualmine.suggester.joblib"


def redact_url(url: str) -> str:
    """The store URL with any password replaced by ***, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:   # not a URL (a path): nothing to hide
        return str(url)


def latest_decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    """Each coder's current decision per (segment, code): later rows supersede, nothing is deleted.

    The rules (latest wins, a retract means no decision) live in `coding.store.decision_rules`.
    """
    if decisions.empty:
        return decisions.copy()
    return latest_per_coder(decisions)


@dataclass(frozen=True)
class CodebookVersion:
    version_id: int
    fingerprint: str
    codebook: Codebook


@dataclass(frozen=True)
class StoreStatus:
    """What `qualmine store status` prints."""

    url: str
    store_id: str
    counts: dict[str, int]
    codebook_versions: pd.DataFrame      # version_id, fingerprint, name, version, recorded_at, codes, current
    coders: pd.DataFrame                 # coder, decisions, segments, last_decision
    orphaned: pd.DataFrame               # latest decisions on codes missing from the current codebook


class ProjectStore:
    """Access to one project store. Create with `ProjectStore(location)` (path, URL or None)."""

    def __init__(self, location: str | Path | None = None):
        self.url = resolve_store_url(location)
        self.display_url = redact_url(self.url)   # for messages: never the password
        self.engine = _engine(self.url)
        # Writes take the SQLite write lock when they begin; reads never wait for a writer (WAL).
        self.writer = self.engine.execution_options(qualmine_write=True)
        if not set(s.metadata.tables) <= set(inspect(self.engine).get_table_names()):
            with self.writer.begin() as conn:   # under the write lock: two first opens cannot race
                s.metadata.create_all(conn)
        self._add_missing_columns()
        self.store_id = self._ensure_identity()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "ProjectStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _add_missing_columns(self) -> None:
        """Bring a store written by an older version up to SCHEMA_VERSION: add the nullable columns
        added since (schema.ADDED_COLUMNS; portable ALTER TABLE ... ADD COLUMN), under the write
        lock, and record the new schema_version. Nothing is renamed or dropped."""
        def missing(connection) -> list[tuple[str, str]]:
            inspector = inspect(connection)
            return [(table, column) for table, column, _ in s.ADDED_COLUMNS
                    if column not in {c["name"] for c in inspector.get_columns(table)}]

        with self.engine.connect() as conn:
            if not missing(conn):
                return
        quote = self.engine.dialect.identifier_preparer.quote
        with self.writer.begin() as conn:   # a second opener waits here, then finds nothing missing
            for table, column in missing(conn):
                kind = s.metadata.tables[table].c[column].type.compile(dialect=self.engine.dialect)
                conn.exec_driver_sql(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column)} {kind}")
            conn.execute(update(s.store_meta).where(s.store_meta.c.key == "schema_version")
                         .values(value=s.SCHEMA_VERSION))

    # ------------------------------------------------------------------ identity and codebooks
    def _ensure_identity(self) -> str:
        query = select(s.store_meta.c.value).where(s.store_meta.c.key == "store_id")
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar()
        if found:
            return found
        with self.writer.begin() as conn:
            found = conn.execute(query).scalar()
            if found:
                return found
            store_id = uuid.uuid4().hex
            conn.execute(insert(s.store_meta), [
                {"key": "store_id", "value": store_id},
                {"key": "schema_version", "value": s.SCHEMA_VERSION},
                {"key": "created_at", "value": utcnow().isoformat()},
            ])
            return store_id

    def current_codebook(self) -> CodebookVersion | None:
        """The codebook of the latest pipeline run (or the latest recorded one)."""
        with self.engine.connect() as conn:
            version_id = conn.execute(
                select(s.runs.c.codebook_version_id).where(s.runs.c.kind == "pipeline",
                                                           s.runs.c.codebook_version_id.is_not(None))
                .order_by(s.runs.c.started_at.desc()).limit(1)).scalar()
            if version_id is None:
                version_id = conn.execute(select(func.max(s.codebook_versions.c.version_id))).scalar()
        return None if version_id is None else self.codebook_version(version_id)

    def codebook_version(self, version_id: int) -> CodebookVersion:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.codebook_versions).where(
                s.codebook_versions.c.version_id == version_id)).mappings().one()
        return CodebookVersion(row["version_id"], row["fingerprint"],
                               parse_codebook(row["content"], source=f"store codebook version {version_id}"))

    def codebook_versions(self) -> pd.DataFrame:
        query = (select(s.codebook_versions.c.version_id, s.codebook_versions.c.fingerprint,
                        s.codebook_versions.c.name, s.codebook_versions.c.version,
                        s.codebook_versions.c.recorded_at, func.count(s.codebook_codes.c.code_id).label("codes"))
                 .join(s.codebook_codes, s.codebook_codes.c.version_id == s.codebook_versions.c.version_id)
                 .group_by(s.codebook_versions.c.version_id).order_by(s.codebook_versions.c.version_id))
        return self._frame(query)

    def codes(self, version_id: int | None = None) -> pd.DataFrame:
        """Codes of one codebook version (default: the current one), in codebook order."""
        if version_id is None:
            current = self.current_codebook()
            if current is None:
                return self._frame(select(s.codebook_codes).where(s.codebook_codes.c.version_id == -1))
            version_id = current.version_id
        return self._frame(select(s.codebook_codes).where(s.codebook_codes.c.version_id == version_id)
                           .order_by(s.codebook_codes.c.position))

    # ------------------------------------------------------------------ reads
    def documents(self) -> pd.DataFrame:
        return self._frame(select(s.documents).order_by(s.documents.c.doc_id))

    def segments(self, segment_ids: Iterable[str] | None = None) -> pd.DataFrame:
        query = select(s.segments).order_by(s.segments.c.doc_id, s.segments.c.position)
        if segment_ids is None:
            return self._frame(query)
        ids = sorted(set(segment_ids))
        parts = [self._frame(query.where(s.segments.c.segment_id.in_(ids[i:i + INSERT_CHUNK])))
                 for i in range(0, len(ids), INSERT_CHUNK)]
        return pd.concat(parts, ignore_index=True) if parts else self._frame(query.where(s.segments.c.segment_id == ""))

    def suggestions(self, source: str | None = None) -> pd.DataFrame:
        query = select(s.suggestions).order_by(s.suggestions.c.suggestion_id)
        if source is not None:
            query = query.where(s.suggestions.c.source == source)
        return self._frame(query)

    def model_scored(self) -> pd.DataFrame:
        return self._frame(select(s.model_scored))

    def decisions(self, *, latest: bool = False, coder: str | None = None) -> pd.DataFrame:
        """Every decision (the audit trail) or, with latest=True, each coder's current ones."""
        query = select(s.decisions).order_by(s.decisions.c.decision_id)
        if coder is not None:
            query = query.where(s.decisions.c.coder == coder)
        frame = self._frame(query)
        frame["decided_at"] = pd.to_datetime(frame["decided_at"], utc=True)
        return latest_decisions(frame) if latest else frame

    def export_record(self, export_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.exports).where(s.exports.c.export_id == export_id)).mappings().first()
        return dict(row) if row else None

    def exports(self) -> pd.DataFrame:
        return self._frame(select(s.exports).order_by(s.exports.c.created_at))

    def export_rows(self, export_id: str | None = None) -> pd.DataFrame:
        """Rows of one export, or of all exports joined with their coder (for queue assignment)."""
        query = select(s.export_rows, s.exports.c.coder).join(
            s.exports, s.exports.c.export_id == s.export_rows.c.export_id)
        if export_id is not None:
            query = query.where(s.export_rows.c.export_id == export_id)
        return self._frame(query.order_by(s.export_rows.c.export_id, s.export_rows.c.item))

    def import_batch_for(self, coder: str, file_hash: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.import_batches).where(
                s.import_batches.c.coder == coder, s.import_batches.c.file_hash == file_hash)).mappings().first()
        return dict(row) if row else None

    def orphaned_decisions(self) -> pd.DataFrame:
        """Current decisions on codes that are not in the current codebook (reported, never dropped)."""
        latest = self.decisions(latest=True)
        current = set(self.codes()["code_id"])
        return latest[~latest["code_id"].isin(current)].reset_index(drop=True)

    def status(self) -> StoreStatus:
        counts = {}
        with self.engine.connect() as conn:
            for table in (s.documents, s.segments, s.runs, s.suggestions, s.exports, s.import_batches, s.decisions):
                counts[table.name] = int(conn.execute(select(func.count()).select_from(table)).scalar())
        all_decisions = self.decisions()
        latest = latest_decisions(all_decisions)
        counts["current_decisions"] = len(latest)
        counts["reviewed_segments"] = int(latest["segment_id"].nunique())
        versions = self.codebook_versions()
        current = self.current_codebook()
        versions["current"] = versions["version_id"] == (current.version_id if current else -1)
        if all_decisions.empty:
            coders = pd.DataFrame(columns=["coder", "decisions", "segments", "last_decision"])
        else:
            coders = (latest.groupby("coder").agg(decisions=("decision_id", "size"),
                                                   segments=("segment_id", "nunique"))
                      .join(all_decisions.groupby("coder")["decided_at"].max().rename("last_decision"))
                      .reset_index())
        return StoreStatus(self.url, self.store_id, counts, versions, coders, self.orphaned_decisions())

    # ------------------------------------------------------------------ writes (one transaction each)
    def record_export(self, export_id: str, coder: str, file_format: str, file_name: str | None,
                      codebook_version_id: int, queue: pd.DataFrame, parameters: dict) -> None:
        """Remember what was exported, so the import can tell edited rows and other stores apart."""
        with self.writer.begin() as conn:
            conn.execute(insert(s.exports).values(
                export_id=export_id, coder=coder, created_at=utcnow(), file_format=file_format,
                file_name=file_name, codebook_version_id=codebook_version_id, rows=len(queue),
                parameters=json.dumps(parameters, ensure_ascii=False, default=str)))
            rows = [{"export_id": export_id, "item": int(r.item), "segment_id": r.segment_id, "code_id": r.code_id}
                    for r in queue[["item", "segment_id", "code_id"]].itertuples(index=False)]
            insert_chunked(conn, s.export_rows, rows)

    def append_decisions(self, batch: dict, decisions: pd.DataFrame) -> int:
        """Append one import batch and its decisions atomically; returns the number appended."""
        now = utcnow()
        # An optional `decided_at` column keeps the time a decision was made elsewhere (a qualmine
        # project carried through another tool); missing or empty means now.
        rows = [{"segment_id": r.segment_id, "code_id": r.code_id, "coder": batch["coder"], "decision": r.decision,
                 "note": r.note or None, "decided_at": _decided_at(getattr(r, "decided_at", None), now),
                 "import_batch": batch["batch_id"], "file_hash": batch["file_hash"],
                 # a coded span that is not the whole segment keeps its document offsets (optional columns)
                 "start": _offset(getattr(r, "start", None)), "end": _offset(getattr(r, "end", None))}
                for r in decisions.itertuples(index=False)]
        with self.writer.begin() as conn:
            conn.execute(insert(s.import_batches).values(**batch, imported_at=now, decisions=len(rows)))
            for i in range(0, len(rows), INSERT_CHUNK):
                conn.execute(insert(s.decisions), rows[i:i + INSERT_CHUNK])
        return len(rows)

    # ------------------------------------------------------------------ helpers
    def _frame(self, query) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(query)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _offset(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _decided_at(value, now):
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return now
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return now
    return (stamp if stamp.tzinfo else stamp.tz_localize("UTC")).to_pydatetime()


def insert_chunked(conn: Connection, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), INSERT_CHUNK):
        conn.execute(insert(table), rows[i:i + INSERT_CHUNK])


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control from the sqlite3 module (it would BEGIN lazily, too late).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets coders read while one writes; busy_timeout makes a second writer wait, not fail.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # A write takes the lock up front (IMMEDIATE): two concurrent imports queue instead of
        # failing when a read lock cannot be upgraded. Reads begin deferred and see a snapshot.
        write = conn.get_execution_options().get("qualmine_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
