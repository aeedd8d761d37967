"""Tables of the project store (SQLAlchemy Core): portable SQL only, so a PostgreSQL URL works too.

The store keeps what a review loop must never lose: documents and segments (ids are stable
across runs), every codebook version, the current suggestions and the append-only decisions.
`decisions` rows are only ever inserted: a later decision supersedes an earlier one in queries.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text,
    UniqueConstraint,
)

SCHEMA_VERSION = "2"
# Columns added to an existing table since version 1: (table, column, version). A store opened by
# this version gets the missing ones added (nullable, so every older row stays valid) and its
# store_meta schema_version raised; tables added later are simply created (create_all).
ADDED_COLUMNS = (("decisions", "start", "2"), ("decisions", "end", "2"))
metadata = MetaData()

# One row per key: store_id (a uuid telling stores apart), schema_version, created_at.
store_meta = Table(
    "store_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

codebook_versions = Table(
    "codebook_versions", metadata,
    Column("version_id", Integer, primary_key=True, autoincrement=True),
    Column("fingerprint", String(64), nullable=False, unique=True),   # Codebook.fingerprint()
    Column("name", Text, nullable=False),
    Column("version", String(64), nullable=False),                   # the codebook's own version field
    Column("source_path", Text, nullable=True),
    Column("content", Text, nullable=False),                         # the codebook as YAML
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

codebook_codes = Table(
    "codebook_codes", metadata,
    Column("version_id", Integer, ForeignKey("codebook_versions.version_id"), primary_key=True),
    Column("code_id", String(128), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("parent", String(128), nullable=True),
    Column("label_zh", Text, nullable=True),
    Column("label_en", Text, nullable=True),
    Column("definition_zh", Text, nullable=True),
    Column("definition_en", Text, nullable=True),
    Column("position", Integer, nullable=False),
)

runs = Table(
    "runs", metadata,
    Column("run_id", String(128), primary_key=True),
    Column("kind", String(32), nullable=False),          # pipeline | model
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("corpus_dir", Text, nullable=True),
    Column("codebook_version_id", Integer, ForeignKey("codebook_versions.version_id"), nullable=True),
    Column("segments", Integer, nullable=False, default=0),
    Column("suggestions", Integer, nullable=False, default=0),
    Column("parameters", Text, nullable=True),           # JSON
)

documents = Table(
    "documents", metadata,
    Column("doc_id", String(512), primary_key=True),
    Column("source_file", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("respondent_id", String(256), nullable=True),
    Column("question", Text, nullable=True),
    Column("text", Text, nullable=False),
    Column("first_run_id", String(128), nullable=True),
    Column("last_run_id", String(128), nullable=True),
)

segments = Table(
    "segments", metadata,
    Column("segment_id", String(64), primary_key=True),
    Column("doc_id", String(512), nullable=False, index=True),
    Column("source_file", Text, nullable=True),
    Column("respondent_id", String(256), nullable=True),
    Column("speaker", Text, nullable=True),
    Column("is_interviewer", Boolean, nullable=False, default=False),
    Column("question", Text, nullable=True),
    Column("lang", String(8), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("turn", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("first_run_id", String(128), nullable=True),
    Column("last_run_id", String(128), nullable=True),   # a segment absent from the latest run is kept
)

suggestions = Table(
    "suggestions", metadata,
    Column("suggestion_id", Integer, primary_key=True, autoincrement=True),
    Column("segment_id", String(64), nullable=False),
    Column("code_id", String(128), nullable=False),
    Column("source", String(32), nullable=False),        # rule | semantic | model | topic
    Column("score", Float, nullable=True),
    Column("evidence", Text, nullable=True),
    Column("start", Integer, nullable=True),             # document offsets of the evidence
    Column("end", Integer, nullable=True),
    Column("run_id", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_suggestions_segment_source", "segment_id", "source"),
)

# Which segments the latest model run scored (one row per segment): a segment scored with no
# code above the threshold is the model saying "none of them", which agreement must count.
model_scored = Table(
    "model_scored", metadata,
    Column("segment_id", String(64), primary_key=True),
    Column("run_id", String(128), nullable=False),
    Column("threshold", Float, nullable=False),
    Column("scored_at", DateTime(timezone=True), nullable=False),
)

exports = Table(
    "exports", metadata,
    Column("export_id", String(64), primary_key=True),
    Column("coder", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("file_format", String(8), nullable=False),
    Column("file_name", Text, nullable=True),
    Column("codebook_version_id", Integer, ForeignKey("codebook_versions.version_id"), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("parameters", Text, nullable=True),           # JSON: order, limit, code, double_code, seed
)

export_rows = Table(
    "export_rows", metadata,
    Column("export_id", String(64), ForeignKey("exports.export_id"), primary_key=True),
    Column("item", Integer, primary_key=True),          # the queue's `item` column, 1..n
    Column("segment_id", String(64), nullable=False, index=True),
    Column("code_id", String(128), nullable=False),
)

import_batches = Table(
    "import_batches", metadata,
    Column("batch_id", String(64), primary_key=True),
    Column("export_id", String(64), ForeignKey("exports.export_id"), nullable=False),
    Column("coder", String(128), nullable=False),
    Column("file_name", Text, nullable=True),
    Column("file_hash", String(64), nullable=False),     # sha256 of the file's bytes
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("decisions", Integer, nullable=False),
    UniqueConstraint("coder", "file_hash", name="uq_import_coder_file"),
)

decisions = Table(
    "decisions", metadata,
    Column("decision_id", Integer, primary_key=True, autoincrement=True),
    Column("segment_id", String(64), nullable=False),
    Column("code_id", String(128), nullable=False),
    Column("coder", String(128), nullable=False),
    Column("decision", String(16), nullable=False),      # accept | reject | add | retract (undo)
    Column("note", Text, nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("import_batch", String(64), ForeignKey("import_batches.batch_id"), nullable=True),
    Column("file_hash", String(64), nullable=True),
    # Document offsets of the coded span (a span coded in the review page's document view), so
    # documents.text[start:end] is what the coder selected; NULL for a decision on a whole segment.
    Column("start", Integer, nullable=True),
    Column("end", Integer, nullable=True),
    Index("ix_decisions_segment_code_coder", "segment_id", "code_id", "coder"),
)

# Sentence-embedding cache (coding/suggest/embeddings.py): one float32 vector per (model, text key).
# A cache, not project data: rows are only added, and deleting them only costs time. Added after
# schema_version 1 without a version bump: an older store gets the table on its next open (create_all
# adds missing tables), and nothing else reads it.
embeddings = Table(
    "embeddings", metadata,
    Column("model", String(128), primary_key=True),      # EmbeddingBackend.name
    Column("text_key", String(64), primary_key=True),    # embeddings.text_key(text, kind)
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),       # little-endian float32, dim * 4 bytes
)

DECISION_VALUES = ("accept", "reject", "add", "retract")   # retract: an undo in the review page

# One row per undo in the review page: the decision row it appended and the decision row it undid
# (coding/review/web_store.py). Stores made before it existed get it when next opened.
review_undos = Table(
    "review_undos", metadata,
    Column("decision_id", Integer, ForeignKey(decisions.c.decision_id), primary_key=True),
    Column("undoes_decision_id", Integer, ForeignKey(decisions.c.decision_id), nullable=False, unique=True),
)
