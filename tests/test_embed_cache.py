"""The embedding cache: hits skip the model, a corrupt file is rebuilt, an unwritable cache only costs speed."""

from __future__ import annotations

import numpy as np
import pytest

from align.cache import EmbeddingCache
from align.embed import CachedEmbedder, HashingEmbedder, ModelError, make_embedder


class CountingEmbedder(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def encode(self, texts, progress=None):
        self.calls += 1
        return super().encode(texts, progress)


TEXTS = ["Twelve civilians were injured.", "No civilians were harmed.", "Kyiv denied any role."]


def test_second_encode_is_a_hit(tmp_path):
    inner = CountingEmbedder()
    emb = CachedEmbedder(inner, EmbeddingCache(tmp_path))
    a = emb.encode(TEXTS)
    b = emb.encode(TEXTS)
    assert inner.calls == 1
    np.testing.assert_array_equal(a, b)
    assert emb.cached(TEXTS) is not None
    assert emb.cached(TEXTS[:2]) is None  # keyed by the exact texts


def test_key_depends_on_model_and_text(tmp_path):
    cache = EmbeddingCache(tmp_path)
    assert cache.path("m1", TEXTS) != cache.path("m2", TEXTS)
    assert cache.path("m1", TEXTS) != cache.path("m1", [t + " " for t in TEXTS])
    assert cache.path("m1", ["ab", "c"]) != cache.path("m1", ["a", "bc"])


@pytest.mark.parametrize("damage", [b"", b"not a numpy file", None])
def test_corrupt_cache_file_is_rebuilt(tmp_path, damage):
    inner = CountingEmbedder()
    emb = CachedEmbedder(inner, EmbeddingCache(tmp_path))
    good = emb.encode(TEXTS)
    path = emb.cache.path(emb.model_id, TEXTS)
    if damage is None:  # right format, wrong shape
        np.save(path, np.zeros((2, 3), np.float32))
    else:
        path.write_bytes(damage)
    again = emb.encode(TEXTS)
    assert inner.calls == 2
    np.testing.assert_allclose(again, good)
    np.testing.assert_allclose(np.load(path), good)  # rewritten


def test_unwritable_cache_is_not_fatal(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    emb = CachedEmbedder(CountingEmbedder(), EmbeddingCache(blocker / "sub"))  # a file where a folder should be
    assert emb.encode(TEXTS).shape[0] == 3


def test_vectors_are_unit_length():
    v = HashingEmbedder().encode(TEXTS + [""])
    norms = np.linalg.norm(v, axis=1)
    np.testing.assert_allclose(norms[:3], 1.0, rtol=1e-5)
    assert norms[3] == 0.0  # nothing to embed stays zero, never NaN


def test_unknown_model_is_one_clear_error(tmp_path):
    with pytest.raises(ModelError, match="not a model name"):
        make_embedder("no-such-model")
    (tmp_path / "dir").mkdir()
    with pytest.raises(ModelError, match="no config.json"):
        make_embedder(str(tmp_path / "dir"))
