"""An embedder with an on-disk cache keyed by model id and the exact texts (align.cache)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from align.cache import EmbeddingCache
from align.embed.base import Embedder, Progress


class CachedEmbedder:
    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.model_id = inner.model_id
        self.weights_name = inner.weights_name

    def cached(self, texts: Sequence[str]) -> np.ndarray | None:
        return self.cache.get(self.model_id, texts)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        hit = self.cache.get(self.model_id, texts)
        if hit is not None:
            if progress:
                progress(len(texts), len(texts))
            return hit
        vecs = self.inner.encode(texts, progress)
        self.cache.put(self.model_id, texts, vecs)
        return vecs
