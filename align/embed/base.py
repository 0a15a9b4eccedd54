"""What every embedder is: sentences in, L2-normalised float32 rows out, with an id for the cache."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

Progress = Callable[[int, int], None]  # (done, total)


class ModelError(Exception):
    """The model cannot be found, verified or loaded; the message is one line saying what would provide it."""


class Embedder(Protocol):
    #: Identifies the model for the cache: two embedders with the same id give the same vectors.
    model_id: str
    #: Which fitted score weights suit this model's similarities (a file in align/weights/).
    weights_name: str

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Return a float32 array (len(texts), dim) of L2-normalised rows (an empty text may give a zero row)."""
        ...


def normalise(m: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; an all-zero row stays zero, never NaN."""
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def empty(dim: int = 1) -> np.ndarray:
    return np.zeros((0, dim), dtype=np.float32)
