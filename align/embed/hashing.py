"""A tiny deterministic embedder (hashed words and character trigrams) for tests and for `--model hashing`.

Similar wording gives similar vectors; it knows nothing of meaning. No model files, no native libraries.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from align.embed.base import Progress, normalise


class HashingEmbedder:
    weights_name = "fast"  # it stands in for the fast model in tests, so it scores with that model's weights

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hashing-{dim}"

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        from align.pieces import encode_texts

        return encode_texts(texts, self._encode, progress=progress)  # each distinct text once; no window

    def _encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            if progress and i and i % 512 == 0:
                progress(i, len(texts))
            words = re.findall(r"\w+", t.lower())
            feats = words + [w[j:j + 3] for w in words for j in range(max(1, len(w) - 2))]
            for f in feats:
                h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 63) else -1.0
        if progress:
            progress(len(texts), len(texts))
        return normalise(out)
