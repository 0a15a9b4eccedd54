"""Embedders: sentences -> unit vectors, behind one small protocol (align.embed.base.Embedder).

One module a topic: `registry` (the models by name and where their weights come from), `onnx_graph` and `store`
(a model's ONNX graph, built once from its weights and checked before use), `onnx_encoder` (running it with
onnxruntime, no torch), `use` (the multilingual model), `ensemble` (models averaged), `hashing` (the model-free
test double), `torch_st` (any other sentence-transformers model, with the optional torch extra), `cached` (the
on-disk cache), `sources` (reading weights out of installed packages).
"""

from __future__ import annotations

import os
from pathlib import Path

from align.cache import EmbeddingCache
from align.embed.base import Embedder, ModelError, Progress, normalise
from align.embed.cached import CachedEmbedder
from align.embed.hashing import HashingEmbedder
from align.embed.registry import DEFAULT_MODEL, MODELS, ModelSpec, build_embedder, check_installed, spec_for
from align.embed.store import default_models_dir


def make_embedder(model: str | None = None, use_cache: bool = True, cache_dir: str | os.PathLike[str] | None = None,
                  models_dir: str | os.PathLike[str] | None = None) -> Embedder:
    """The embedder for a model name (None: the default) or a model directory, cached on disk unless told not
    to. Checks that the model's packages are installed (one line if not) but loads nothing yet."""
    name = model or DEFAULT_MODEL
    check_installed(name)
    cache = EmbeddingCache(cache_dir) if use_cache else None
    return _cached(build_embedder(name, Path(models_dir) if models_dir else default_models_dir()), cache)


def _cached(embedder: Embedder, cache: EmbeddingCache | None) -> Embedder:
    """Each member of an ensemble is cached on its own, so the models share their vectors across names."""
    from align.embed.ensemble import EnsembleEmbedder

    if cache is None:
        return embedder
    if isinstance(embedder, EnsembleEmbedder):
        embedder.members = [_cached(m, cache) for m in embedder.members]
        return embedder
    return CachedEmbedder(embedder, cache)


__all__ = ["DEFAULT_MODEL", "MODELS", "CachedEmbedder", "Embedder", "HashingEmbedder", "ModelError", "ModelSpec",
           "Progress", "make_embedder", "normalise", "spec_for"]
