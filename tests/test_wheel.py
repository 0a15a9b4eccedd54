"""The built wheel carries what a user needs outside a checkout: the seed articles, the score weights, the conflict
rules' word lists, the styles.

Built with pip (no network: no build isolation), unpacked into a folder of its own and run from another folder, so
nothing is read from the repository."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                        str(out), str(ROOT)], capture_output=True, text=True, timeout=300)
    if r.returncode != 0 and "No module named" in r.stderr:
        pytest.skip(f"cannot build a wheel here: {r.stderr.strip().splitlines()[-1]}")
    assert r.returncode == 0, r.stderr
    (built,) = out.glob("sidebyside-*.whl")
    return built


def test_the_wheel_holds_the_seeds_weights_and_styles(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    seeds = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    assert len(seeds) == 5
    assert {f"tui/seeds/{n}" for n in seeds} <= names
    assert {f"align/weights/{m}.json" for m in ("fast", "accurate", "mpnet", "multilingual")} <= names
    assert "align/report.css" in names
    words = sorted(p.name for p in (ROOT / "align" / "conflicts" / "data").glob("*.txt"))
    assert words and {f"align/conflicts/data/{n}" for n in words} <= names  # the conflict rules' word lists
    assert any(n.endswith(".tcss") for n in names)


def test_sbs_runs_on_the_bundled_seeds_outside_a_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(site),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "SBS_CACHE_DIR": str(tmp_path / "cache")}
    script = ("import sys, tui; from tui.cli import main, seed_paths; paths = seed_paths(); "
              "print(tui.__file__); print(len(paths)); "
              "sys.exit(main(['align', *paths, '--model', 'hashing', '--csv', 'out.csv']))")
    r = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    where, count = r.stdout.splitlines()[:2]
    assert Path(where).is_relative_to(site)  # the installed copy, not the checkout
    assert count == "5"
    import csv

    with open(work / "out.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt")}
    assert len({r["pair"] for r in rows}) == 10  # every pair of the five articles
    linked = [r for r in rows if r["left_start"] and r["right_start"]]
    assert len(linked) > 20
    for r in linked:  # offsets count into the bundled texts, which are the repository's
        assert texts[r["left_doc"]][int(r["left_start"]):int(r["left_end"])] == r["left_text"]
        assert texts[r["right_doc"]][int(r["right_start"]):int(r["right_end"])] == r["right_text"]
