"""Writing a file whole or not at all: a temporary file beside it, then one rename.

Every file sidebyside writes (exports, reports, caches, built models, kept pages, the batch's markers) goes through
here, so a full disk, a crash or ctrl+c leaves either the old file or the new one, never half of one, and no
temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Temporary files are hidden and say whose they are, so a stray one (a killed process) is recognisable.
PREFIX = ".sbs-"
SUFFIX = ".sbs-tmp"


def atomic_write(path: str | os.PathLike[str], write: Callable[[Any], object], *, binary: bool = False,
                 mode: int | None = None, fsync: bool = False) -> None:
    """Call `write` with a file open on a temporary file in `path`'s folder, then rename it to `path`.

    `binary`: the file is opened "wb", else text (UTF-8, newlines as written). `mode`: the permissions the file
    gets (mkstemp's are 0600). `fsync`: flush to the disk before the rename (for what a user keeps). OSError
    propagates; on any error or interrupt the temporary file is removed and `path` is left as it was.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=PREFIX, suffix=SUFFIX)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as f:
            write(f)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_bytes(path: str | os.PathLike[str], data: bytes, **options: Any) -> None:
    """Write `data` to `path` atomically (`options` as for atomic_write)."""
    atomic_write(path, lambda f: f.write(data), binary=True, **options)
