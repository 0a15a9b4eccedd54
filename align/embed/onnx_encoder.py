"""A sentence-transformers model run by onnxruntime and tokenizers: no torch, the same vectors.

The graph is built once from the package's weights (align.embed.store) and loaded on first use, so resolving
the model (the command line does it before the screen opens) costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from align.embed.base import ModelError, Progress, empty, normalise
from align.embed.store import BuiltModel, build, load_built

#: Tokens per batch (batch size x padded length): bounds memory for long sentences, keeps short ones batched.
TOKENS_PER_BATCH = 8192
MAX_BATCH = 64


class OnnxEncoder:
    def __init__(self, name: str, model_id: str, source, expected_sha256: str | None, directory: Path,
                 weights_name: str) -> None:
        self.name = name
        self.model_id = model_id
        self.weights_name = weights_name
        self.source = source
        self.expected_sha256 = expected_sha256
        self.directory = directory
        self._model: Any = None  # an onnxruntime InferenceSession once loaded
        self._tokenizer: Any = None
        self._counter: Any = None  # the same tokenizer without truncation: how many word pieces a text has, and where
        self._window = 0  # word pieces the model reads at once, special tokens excluded
        self.built: BuiltModel | None = None

    @property
    def max_tokens(self) -> int:
        return self.ensure_built().max_tokens

    def ensure_built(self) -> BuiltModel:
        if self.built is None:
            self.built = load_built(self.directory) or build(self.source, self.name, self.expected_sha256,
                                                             self.directory)
        return self.built

    def load(self):
        if self._model is None:
            built = self.ensure_built()
            try:
                import onnxruntime as ort
                import tokenizers
            except ImportError as exc:
                raise ModelError(f"model {self.name}: {exc.name} is not installed; pip install onnxruntime tokenizers") from None
            try:
                options = ort.SessionOptions()
                options.log_severity_level = 3
                session = ort.InferenceSession(str(built.onnx), options, providers=["CPUExecutionProvider"])
                tok = tokenizers.Tokenizer.from_file(str(built.tokenizer))
                counter = tokenizers.Tokenizer.from_file(str(built.tokenizer))
            except Exception as exc:  # a file that passed its checksum but does not load: say so, in one line
                raise ModelError(f"model {self.name}: cannot load {built.directory} ({type(exc).__name__}); "
                                 f"delete that folder to rebuild it") from None
            tok.enable_truncation(built.max_tokens)
            tok.no_padding()
            counter.no_truncation()
            counter.no_padding()
            self._window = built.max_tokens - len(counter.encode("").ids)  # [CLS] and [SEP], or <s> and </s>
            self._tokenizer, self._counter, self._model = tok, counter, session
        return self._model

    @property
    def window(self) -> int:
        """Word pieces the model reads at once, special tokens excluded (all-MiniLM-L6-v2: 254)."""
        self.load()
        return self._window

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Each distinct text once; a text longer than the model's window by pieces (align.pieces)."""
        from align.pieces import encode_texts

        if not len(texts):
            return empty()
        return encode_texts(texts, self._encode, self.window, self._offsets, progress)

    def _offsets(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        """Character offsets of each text's word pieces (no special tokens, no truncation)."""
        assert self._counter is not None
        return [e.offsets for e in self._counter.encode_batch(texts, add_special_tokens=False)]

    def _encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return empty()
        session = self.load()
        assert self.built is not None and self._tokenizer is not None
        encodings = self._tokenizer.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")  # longest first: batches of similar lengths pad little
        out = np.zeros((len(texts), self.built.dim), np.float32)
        done = 0
        while done < len(order):
            width = int(lengths[order[done]])
            size = max(1, min(MAX_BATCH, TOKENS_PER_BATCH // max(1, width)))
            idx = order[done:done + size]
            ids = np.full((len(idx), width), self.built.pad_id, np.int64)
            mask = np.zeros((len(idx), width), np.int64)
            for row, k in enumerate(idx):
                e = encodings[k].ids
                ids[row, :len(e)] = e
                mask[row, :len(e)] = 1
            out[idx] = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            done += len(idx)
            if progress:
                progress(done, len(texts))
        return normalise(out)
