"""The library stays lint- and type-clean: `ruff check align` and `mypy align` with the settings in pyproject.toml.

Both are in the dev extra (`make test` installs them); where one is missing the test says so and skips.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run_tool(module: str, *args: str, timeout: int) -> subprocess.CompletedProcess:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[dev]')")
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_ruff_is_clean_on_align():
    r = run_tool("ruff", "check", "align", timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_mypy_is_clean_on_align():
    # About 45 s on 2 cores with an empty cache (.mypy_cache in the checkout), a few seconds after that.
    r = run_tool("mypy", "align", timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("Success: no issues found"), r.stdout
