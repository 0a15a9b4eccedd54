"""A persistent embedding cache: one .npy file per (model, list of texts), in the user cache directory.

The folder is given by the caller (the command line resolves SBS_CACHE_DIR); `default_cache_dir` is the user
cache folder, which platformdirs picks on each OS (XDG_CACHE_HOME on Linux). A file that fails to load or has
the wrong shape is deleted and recomputed, never fatal.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from align.util.atomic import atomic_write


def default_cache_dir() -> Path:
    """The user cache folder for embeddings (the command line's default when SBS_CACHE_DIR is not set)."""
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
        """Vectors under `directory` (None: the user cache folder)."""
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
            atomic_write(p, lambda f: np.save(f, np.asarray(vectors, dtype=np.float32), allow_pickle=False),
                         binary=True)
        except OSError:
            pass  # a cache that cannot be written (read-only home, full disk) only costs speed

    @staticmethod
    def _drop(p: Path) -> None:
        try:
            p.unlink()
        except OSError:
            pass


#: Texts shorter than this are segmented every time: an article takes milliseconds, a book seconds.
UNITS_MIN_CHARS = 100_000
_KINDS = ("sentence", "heading", "bullet", "credit")


def segmenter_version() -> str:
    """Changes whenever the segmenter's code or syntok does, so a cached segmentation is never stale."""
    from importlib import metadata

    h = hashlib.sha256((Path(__file__).with_name("segment.py")).read_bytes())
    try:
        h.update(metadata.version("syntok").encode())
    except metadata.PackageNotFoundError:
        pass
    return h.hexdigest()[:16]


class UnitCache:
    """A book's segmentation on disk (offsets, kinds, paragraphs), so reopening it paints at once.

    Stored in `directory`/units, next to the embeddings; an entry that does not fit the text exactly is dropped
    and recomputed.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory) / "units"

    def path(self, text: str) -> Path:
        h = hashlib.sha256(segmenter_version().encode())
        h.update(b"\x00")
        h.update(text.encode("utf-8", "surrogatepass"))
        key = h.hexdigest()
        return self.directory / key[:2] / f"{key}.npy"

    def get(self, text: str):
        from align.document import Sentence

        p = self.path(text)
        try:
            arr = np.load(p, allow_pickle=False)
        except FileNotFoundError:
            return None
        except Exception:  # corrupt or truncated: rebuild
            EmbeddingCache._drop(p)
            return None
        n = len(text)
        ok = arr.ndim == 2 and arr.shape[1] == 4 and arr.dtype.kind == "i" and arr.shape[0] > 0
        if ok:
            starts, ends, kinds, _paras = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]
            ok = bool((starts >= 0).all() and (ends <= n).all() and (starts < ends).all()
                      and (starts[1:] >= ends[:-1]).all() and ((kinds >= 0) & (kinds < len(_KINDS))).all())
        if not ok:
            EmbeddingCache._drop(p)
            return None
        return [Sentence(i, s, e, text[s:e], _KINDS[k], g) for i, (s, e, k, g) in enumerate(arr.tolist())]

    def put(self, text: str, units) -> None:
        if not units:
            return
        arr = np.array([(u.start, u.end, _KINDS.index(u.kind), u.paragraph) for u in units], dtype=np.int64)
        p = self.path(text)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(p, lambda f: np.save(f, arr, allow_pickle=False), binary=True)
        except OSError:
            pass  # a cache that cannot be written only costs speed
