"""Several models as one: each sentence's unit vectors side by side, scaled so that the cosine of two sentences is
the mean of the models' cosines. Averaging two models' judgements cancels some of each one's noise
(docs/quality.md: all-mpnet-base-v2 with all-MiniLM-L6-v2 beats either alone on held-out news pairs)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from align.embed.base import Embedder, Progress, empty


class EnsembleEmbedder:
    def __init__(self, members: Sequence[Embedder], weights_name: str) -> None:
        self.members = list(members)
        self.weights_name = weights_name
        self.model_id = "mean(" + ", ".join(m.model_id for m in self.members) + ")"

    @property
    def _model(self):
        """Set once every member is loaded (what the app asks before it says 'loading the model')."""
        return True if all(getattr(m, "_model", True) is not None for m in self.members) else None

    def load(self) -> None:
        for m in self.members:
            if hasattr(m, "load"):
                m.load()

    def cached(self, texts: Sequence[str]) -> np.ndarray | None:
        parts = []
        for m in self.members:
            hit = m.cached(texts) if hasattr(m, "cached") else None
            if hit is None:
                return None
            parts.append(hit)
        return self._join(parts)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        if not len(texts):
            return empty()
        k = len(self.members)
        parts = []
        for i, m in enumerate(self.members):
            def step(done: int, total: int, i: int = i) -> None:
                if progress:  # in sentences, like every embedder: member i of k covers the i-th k-th of the way
                    progress(min(total - 1, (i * total + done) // k), total)
            parts.append(m.encode(texts, step))
        if progress:
            progress(len(texts), len(texts))
        return self._join(parts)

    def _join(self, parts: list[np.ndarray]) -> np.ndarray:
        return (np.hstack(parts) / np.sqrt(len(parts))).astype(np.float32)
