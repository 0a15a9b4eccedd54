"""The server's host key: generated on first run, then kept, so returning readers see the same fingerprint."""

from __future__ import annotations

from pathlib import Path

import asyncssh

from align.util.atomic import atomic_bytes


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
        atomic_bytes(path, key.export_private_key(), mode=0o600, fsync=True)  # private from the start
    except OSError as exc:
        raise HostKeyError(f"host key {path}: cannot create it ({exc.strerror or exc})") from None
    return key, True
