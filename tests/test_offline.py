"""The real model runs with the network unplugged: no download, no connection attempted."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.model


def _can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


def test_align_seeds_with_no_network_and_no_connect(tmp_path, seed_paths):
    out = tmp_path / "out.csv"
    cmd = [sys.executable, "-m", "tui", "align", *map(str, seed_paths), "--csv", str(out), "--no-cache"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    trace = tmp_path / "trace.txt"
    if shutil.which("strace"):
        cmd = ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace), *cmd]
    if _can_unshare():
        cmd = ["unshare", "-n", *cmd]
    elif not shutil.which("strace"):
        pytest.skip("neither unshare -n nor strace is available to prove the run is offline")
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len({row["pair"] for row in rows}) == 10
    assert any(row["kind"] in {"same", "partial", "conflict"} for row in rows)
    if trace.exists():
        connects = [ln for ln in trace.read_text().splitlines() if "AF_INET" in ln]
        assert connects == [], connects
