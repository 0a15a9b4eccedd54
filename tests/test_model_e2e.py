"""`sbs align` on the seed articles with the real model, end to end through the command line.

Two model-free assertions would prove little here: these check what the real aligner does with real news
(near-duplicate articles link, a conflicting casualty report links to its counterpart), that the default model
never imports torch (it runs on onnxruntime), and that a second run over the same articles is served by the
embedding cache and writes the same bytes.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.model

LINK_KINDS = {"same", "partial", "conflict"}
# An article on another subject entirely: aligned with every seed, it must stay unlinked.
CAKE = (
    "Whisk four eggs with the sugar until the mixture is pale and thick.\n"
    "Fold in the sifted flour, then the melted butter, a spoonful at a time.\n"
    "Bake the sponge at 180 degrees for twenty-five minutes, until it springs back.\n"
    "Let it cool on a wire rack before slicing it in half and filling it with cream.\n"
)
# Runs `sbs align` in-process, then reports whether torch was ever imported.
WARM_RUN = (
    "import sys\n"
    "from tui.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('TORCH_IMPORTED' if 'torch' in sys.modules else 'TORCH_ABSENT')\n"
    "sys.exit(code)\n"
)


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(SBS_CACHE_DIR=str(cache), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("SBS_MODEL", None)
    return env


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def runs(tmp_path_factory, seed_paths):
    """(cold rows, cold CSV bytes, warm process result, warm CSV bytes) for `sbs align seeds/*.txt`."""
    tmp = tmp_path_factory.mktemp("model-e2e")
    cache = tmp / "cache"
    cold, warm = tmp / "cold.csv", tmp / "warm.csv"
    cake = tmp / "cake.txt"
    cake.write_text(CAKE, encoding="utf-8")
    args = ["align", *map(str, seed_paths), str(cake), "--csv"]
    r = subprocess.run([sys.executable, "-c", WARM_RUN, *args, str(cold)], capture_output=True, text=True, cwd=ROOT,
                       env=_env(cache), timeout=900)
    assert r.returncode == 0, r.stderr
    # The default model runs on onnxruntime: even the cold run, which embeds every sentence, needs no torch.
    assert r.stdout.strip().splitlines()[-1] == "TORCH_ABSENT", r.stdout + r.stderr
    assert any(cache.rglob("*.npy")), "the cold run left nothing in the embedding cache"
    w = subprocess.run([sys.executable, "-c", WARM_RUN, *args, str(warm)], capture_output=True, text=True, cwd=ROOT,
                       env=_env(cache), timeout=300)
    assert w.returncode == 0, w.stderr
    return _rows(cold), cold.read_bytes(), w, warm.read_bytes()


def _pair(rows: list[dict], a: str, b: str) -> list[dict]:
    return [r for r in rows if r["pair"].startswith(a) and f" vs {b}" in r["pair"]]


def test_all_ten_seed_pairs_with_true_offsets(runs, seed_paths):
    rows = runs[0]
    assert len({r["pair"] for r in rows if "cake" not in r["pair"]}) == 10
    texts = {p.name: p.read_text(encoding="utf-8") for p in seed_paths}
    texts["cake.txt"] = CAKE
    for row in rows:
        for side in ("left", "right"):
            if row[f"{side}_doc"]:
                cell = row[f"{side}_text"]
                cell = cell[1:] if cell[:2] in {"'=", "'+", "'-", "'@"} else cell
                assert texts[row[f"{side}_doc"]][int(row[f"{side}_start"]):int(row[f"{side}_end"])] == cell
        if row["kind"] in LINK_KINDS:
            assert 0.0 <= float(row["score"]) <= 1.0


def test_near_duplicate_articles_are_mostly_linked_with_high_scores(runs, seed_paths):
    rows = _pair(runs[0], "000", "003")
    links = [r for r in rows if r["kind"] in LINK_KINDS]
    left_sentences = {r["left_start"] for r in rows if r["left_doc"]}
    linked_left = {r["left_start"] for r in links}
    assert len(linked_left) >= len(left_sentences) / 2, (len(linked_left), len(left_sentences))
    assert sum(float(r["score"]) >= 0.9 for r in links) >= 8
    # The sentences both articles carry word for word are linked as such.
    verbatim = [r for r in links if r["left_text"] == r["right_text"]]
    assert len(verbatim) >= 4 and all(float(r["score"]) >= 0.95 for r in verbatim)


def test_conflicting_casualty_reports_are_linked(runs):
    rows = _pair(runs[0], "001", "004")
    mine = [r for r in rows if "12 civilians were wounded" in r["left_text"]]
    assert mine, "the governor's sentence of 001 is missing"
    linked = [r for r in mine if r["kind"] in LINK_KINDS]
    assert any("no civilians had been harmed" in r["right_text"] for r in linked), [r["right_text"] for r in mine]


def test_an_article_on_another_subject_stays_unlinked(runs):
    rows = [r for r in runs[0] if "cake" in r["pair"]]
    assert len({r["pair"] for r in rows}) == 5
    assert rows and all(r["kind"] in ("left_only", "right_only") for r in rows)


def test_warm_cache_run_does_not_import_torch_and_gives_the_same_csv(runs):
    _, cold_bytes, warm, warm_bytes = runs
    assert warm.stdout.strip().splitlines()[-1] == "TORCH_ABSENT", warm.stdout + warm.stderr
    assert warm_bytes == cold_bytes
