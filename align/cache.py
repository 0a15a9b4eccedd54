"""A persistent embedding cache: one .npy file per (model, list of texts), in the user cache directory.

platformdirs picks the right place on each OS (XDG_CACHE_HOME on Linux); SBS_CACHE_DIR overrides it.
A file that fails to load or has the wrong shape is deleted and recomputed, never fatal.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

CACHE_ENV = "SBS_CACHE_DIR"


def default_cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("sidebyside")) / "embeddings"


def cache_key(model_id: str, texts: Sequence[str]) -> str:
    h = hashlib.sha256(model_id.encode("utf-8", "surrogatepass"))
    h.update(b"\x00")
    for t in texts:
        b = t.encode("utf-8", "surrogatepass")
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


class EmbeddingCache:
    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory else default_cache_dir()

    def path(self, model_id: str, texts: Sequence[str]) -> Path:
        key = cache_key(model_id, texts)
        return self.directory / key[:2] / f"{key}.npy"

    def get(self, model_id: str, texts: Sequence[str]) -> np.ndarray | None:
        p = self.path(model_id, texts)
        try:
            arr = np.load(p, allow_pickle=False)
        except FileNotFoundError:
            return None
        except Exception:  # corrupt or truncated: rebuild
            self._drop(p)
            return None
        if arr.ndim != 2 or arr.shape[0] != len(texts) or not np.isfinite(arr).all():
            self._drop(p)
            return None
        return arr.astype(np.float32, copy=False)

    def put(self, model_id: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        p = self.path(model_id, texts)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=p.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                np.save(f, np.asarray(vectors, dtype=np.float32), allow_pickle=False)
            os.replace(tmp, p)
        except OSError:
            # A cache that cannot be written (read-only home, full disk) only costs speed.
            try:
                os.unlink(tmp)  # type: ignore[possibly-undefined]
            except Exception:
                pass

    @staticmethod
    def _drop(p: Path) -> None:
        try:
            p.unlink()
        except OSError:
            pass
