"""align.util.atomic: a file is written whole or not at all, and no temporary file is left behind."""

import errno
import os
import stat

import numpy as np
import pytest

from align.util.atomic import atomic_bytes, atomic_write


def test_writes_text_and_bytes(tmp_path):
    atomic_write(tmp_path / "a.txt", lambda f: f.write("é\r\n"))
    atomic_bytes(tmp_path / "b.bin", b"\x00\xff")
    assert (tmp_path / "a.txt").read_bytes() == "é\r\n".encode()  # newlines as written
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.bin"]


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "disk full"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, failure):
    target = tmp_path / "vectors.npy"
    atomic_write(target, lambda f: np.save(f, np.ones(3)), binary=True)

    def half_then_fail(f):
        f.write(b"x" * 100_000)
        raise failure

    with pytest.raises(type(failure)):
        atomic_write(target, half_then_fail, binary=True)
    assert np.load(target).tolist() == [1.0, 1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.npy"]


def test_mode_is_applied(tmp_path):
    atomic_bytes(tmp_path / "key", b"secret", mode=0o600, fsync=True)
    atomic_bytes(tmp_path / "page", b"public", mode=0o644)
    assert stat.S_IMODE(os.stat(tmp_path / "key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "page").st_mode) == 0o644


def test_no_writer_of_files_keeps_its_own_temporary_file_logic():
    """Every atomic write goes through align.util.atomic: no other module makes temporary files to rename."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    offenders = []
    for folder in ("align", "tui"):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in files:
                path = os.path.join(dirpath, name)
                if not name.endswith(".py") or path.endswith(os.path.join("util", "atomic.py")):
                    continue
                text = open(path, encoding="utf-8").read()
                if "mkstemp" in text or "os.replace(" in text or "NamedTemporaryFile" in text:
                    offenders.append(os.path.relpath(path, root))
    assert offenders == []
