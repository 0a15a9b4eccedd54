"""Any sentence-transformers model directory, run by sentence-transformers itself (the optional `torch` extra).

Used for models the ONNX builder does not cover, and by the tests that check the ONNX graph against the
reference implementation. Imported lazily: `import sentence_transformers` costs about 6.5 s here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from align.embed.base import ModelError, Progress, empty, normalise


class SentenceTransformerEmbedder:
    batch_size = 64

    def __init__(self, path: str, model_id: str, weights_name: str = "fast", device: str = "cpu") -> None:
        self.path = path
        self.model_id = model_id
        self.weights_name = weights_name
        self.device = device
        self._model: Any = None  # a SentenceTransformer once loaded

    def load(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise ModelError(f"model {self.path}: needs sentence-transformers and torch (pip install "
                                 f"'sidebyside[torch]'), or a BERT or MPNet model that runs without them") from None
            try:
                # local_files_only: everything is on disk; nothing may reach for the network.
                self._model = SentenceTransformer(self.path, device=self.device, local_files_only=True)
            except Exception as exc:  # a broken model directory must be one line, not a traceback
                raise ModelError(f"model {self.path}: cannot load ({type(exc).__name__}: {exc})".splitlines()[0]) from None
        return self._model

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Each distinct text once; a text longer than the model's window by pieces (align.pieces)."""
        from align.pieces import encode_texts

        if not len(texts):
            return empty()
        return encode_texts(texts, self._encode, self.window, self._offsets, progress)

    @property
    def window(self) -> int:
        """Word pieces the model reads at once, special tokens excluded (all-MiniLM-L6-v2: 254)."""
        model = self.load()
        return int(model.max_seq_length) - model.tokenizer.num_special_tokens_to_add(False)

    def _offsets(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        """Character offsets of each text's word pieces, as the model's tokenizer cuts them (no truncation)."""
        enc = self.load().tokenizer(texts, add_special_tokens=False, truncation=False, return_offsets_mapping=True,
                                    return_attention_mask=False, return_token_type_ids=False, verbose=False)
        return enc["offset_mapping"]

    def _encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return empty()
        model = self.load()
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # similar lengths per batch
        out: np.ndarray | None = None
        done = 0
        for b in range(0, len(order), self.batch_size):
            idx = order[b:b + self.batch_size]
            vecs = model.encode([texts[i] for i in idx], batch_size=self.batch_size, convert_to_numpy=True,
                                normalize_embeddings=True, show_progress_bar=False)
            if out is None:
                out = np.zeros((len(texts), vecs.shape[1]), dtype=np.float32)
            out[idx] = vecs
            done += len(idx)
            if progress:
                progress(done, len(texts))
        assert out is not None
        return normalise(out)
