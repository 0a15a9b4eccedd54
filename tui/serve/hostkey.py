"""The server's host key: generated on first run, then kept, so returning readers see the same fingerprint."""

from __future__ import annotations

import os
from pathlib import Path

import asyncssh


class HostKeyError(Exception):
    """The host key file exists but cannot be used: one-line message."""


def default_host_key_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("sidebyside")) / "ssh_host_ed25519_key"


def load_or_create_host_key(path: Path) -> tuple[asyncssh.SSHKey, bool]:
    """(key, created). A new Ed25519 key is written with mode 0600, atomically (never half a key on disk)."""
    if path.exists():
        try:
            return asyncssh.read_private_key(str(path)), False
        except (OSError, asyncssh.KeyImportError, ValueError) as exc:
            raise HostKeyError(f"host key {path}: cannot read it ({exc})") from None
    key = asyncssh.generate_private_key("ssh-ed25519")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key.export_private_key())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise HostKeyError(f"host key {path}: cannot create it ({exc.strerror or exc})") from None
    return key, True
