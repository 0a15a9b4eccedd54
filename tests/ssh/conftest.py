"""Fixtures for the SSH tests: tools (installed by .ci/system-deps when missing), keys, sshd, tmux, sbs serve."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from ssh_harness import ROOT, Sshd, Tmux, find_tools, keygen



def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.ssh)


@pytest.fixture(scope="session")
def ssh_tools() -> dict[str, str]:
    tools = find_tools()
    if not all(tools.values()):
        subprocess.run(["sh", str(ROOT / ".ci" / "system-deps")], capture_output=True, timeout=600)
        tools = find_tools()
    missing = [name for name, path in tools.items() if not path]
    if missing:
        pytest.skip(f"not installed (and .ci/system-deps could not install them): {', '.join(missing)}")
    return tools


@pytest.fixture(scope="session")
def ssh_dir(tmp_path_factory):
    # Short: tmux and ssh socket paths have a length limit.
    return tmp_path_factory.mktemp("ssh")


@pytest.fixture(scope="session")
def user_key(ssh_tools, ssh_dir):
    return keygen(ssh_dir / "id_reader")


@pytest.fixture(scope="session")
def other_key(ssh_tools, ssh_dir):
    return keygen(ssh_dir / "id_stranger")


@pytest.fixture(scope="session")
def sshd(ssh_tools, ssh_dir, user_key):
    server = Sshd(ssh_dir, user_key)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tmux(ssh_tools):
    short = Path(tempfile.mkdtemp(prefix="sbs-tmux-"))  # a Unix socket path must stay under ~100 bytes
    t = Tmux(short)
    yield t
    t.kill()
    shutil.rmtree(short, ignore_errors=True)
