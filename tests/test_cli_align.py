"""`sbs align` end to end through the real command line (subprocess), with the model-free embedder."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def sbs(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT, timeout=120, **kw)


def test_align_csv_to_stdout_offsets_are_true(seed_paths):
    r = sbs("align", *map(str, seed_paths), "--model", "hashing", "--csv", "-")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    texts = {p.name: p.read_text(encoding="utf-8") for p in seed_paths}
    assert {r_["pair"] for r_ in rows} and len({r_["pair"] for r_ in rows}) == 10
    for row in rows:
        assert row["kind"] in {"same", "partial", "conflict", "left_only", "right_only"}
        for side in ("left", "right"):
            if row[f"{side}_doc"]:
                t = texts[row[f"{side}_doc"]]
                cell = row[f"{side}_text"]
                cell = cell[1:] if cell[:2] in {"'=", "'+", "'-", "'@"} else cell
                assert t[int(row[f"{side}_start"]):int(row[f"{side}_end"])] == cell


@pytest.mark.parametrize("args, needle", [
    (["align", "nope.txt", "seeds"], "nope.txt: no such file"),
    (["align", "seeds/000_4ec024135f4acf6f.txt"], "at least two"),
    (["align", "tests"], "directory has no text files"),
    (["align", "seeds", "--model", "no-such-model"], "model no-such-model: not installed"),
])
def test_user_errors_are_one_line(args, needle):
    r = sbs(*args)
    assert r.returncode != 0
    assert needle in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_version_and_help():
    assert sbs("--version").stdout.startswith("sidebyside ")
    out = sbs("--help").stdout
    assert "sbs align" in out
