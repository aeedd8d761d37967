"""The project store's sentence-embedding cache (`embeddings` table), an `EmbeddingCache`.

Vectors are stored as raw little-endian float32 bytes (never pickled) and read back with
`numpy.frombuffer`; a row whose byte length does not match its `dim` (a damaged or foreign row)
is ignored, so the embedder computes that text again.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from sqlalchemy import select

from qualmine.coding.store import schema as s
from qualmine.coding.store.database import ProjectStore, insert_chunked

_LOOKUP_CHUNK = 500    # keys per IN (...) query: SQLite allows 999 parameters in old builds


class StoreEmbeddingCache:
    """Embeddings cached in a `ProjectStore` (see `coding.suggest.embeddings.EmbeddingCache`)."""

    def __init__(self, store: ProjectStore):
        self.store = store

    def get(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        t = s.embeddings
        with self.store.engine.connect() as conn:
            for i in range(0, len(keys), _LOOKUP_CHUNK):
                chunk = list(keys[i:i + _LOOKUP_CHUNK])
                rows = conn.execute(select(t.c.text_key, t.c.dim, t.c.vector)
                                    .where(t.c.model == model, t.c.text_key.in_(chunk)))
                for key, dim, blob in rows:
                    if isinstance(blob, (bytes, bytearray, memoryview)) and dim > 0 and len(blob) == 4 * dim:
                        out[key] = np.frombuffer(bytes(blob), dtype="<f4").astype(np.float32)
        return out

    def put(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        t = s.embeddings
        with self.store.writer.begin() as conn:   # under the write lock: a parallel run cannot insert the same key meanwhile
            keys = list(vectors)
            have: set[str] = set()
            for i in range(0, len(keys), _LOOKUP_CHUNK):
                have.update(conn.execute(select(t.c.text_key).where(
                    t.c.model == model, t.c.text_key.in_(keys[i:i + _LOOKUP_CHUNK]))).scalars())
            rows = [{"model": model, "text_key": k, "dim": int(v.shape[0]),
                     "vector": np.asarray(v, dtype="<f4").tobytes()} for k, v in vectors.items() if k not in have]
            insert_chunked(conn, t, rows)

    def count(self, model: str | None = None) -> int:
        """How many vectors are cached (for one model, or all)."""
        from sqlalchemy import func

        query = select(func.count()).select_from(s.embeddings)
        if model is not None:
            query = query.where(s.embeddings.c.model == model)
        with self.store.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)
