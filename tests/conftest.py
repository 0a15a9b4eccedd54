"""Shared fixtures. Most tests use the deterministic HashingEmbedder; tests marked `model` use the real one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test session gets its own embedding cache, so tests never depend on a user's cache."""
    monkeypatch.setenv("SBS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "embedding-cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    # Nor on a user's keymap: the keys the tests press are the defaults.
    monkeypatch.setenv("SBS_KEYMAP", str(tmp_path_factory.getbasetemp() / "no-keymap"))


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    assert len(SEEDS) == 5, SEEDS
    return SEEDS


@pytest.fixture(scope="session")
def seed_docs(seed_paths):
    from align.document import read_document

    return [read_document(p) for p in seed_paths]


@pytest.fixture(scope="session")
def hashing():
    from align.embed import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture(scope="session")
def seed_comparison(seed_docs, hashing):
    from align.compare import compare

    return compare(seed_docs, hashing)


@pytest.fixture(scope="session")
def real_embedder():
    """The default model (all-MiniLM-L6-v2 on onnxruntime), uncached (one load per test session)."""
    from align.embed import make_embedder

    return make_embedder(use_cache=False)
