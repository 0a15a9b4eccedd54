"""The export contract: CSV columns and order, offsets, kinds, pairs, formula safety, JSON, groups CSV."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from align.alignment import PairScores
from align.compare import compare
from align.document import document_from_text
from align.export import COLUMNS, ExportError, csv_text, write_csv, write_groups_csv, write_json
from tests.conftest import ROOT, SHARED

KINDS = {"same", "partial", "conflict", "left_only", "right_only"}


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def unprefix(cell: str) -> str:
    return cell[1:] if cell[:2] in {"'=", "'+", "'-", "'@"} else cell


def test_csv_rows_offsets_kinds_and_pairs(tmp_path, seed_comparison, seed_docs):
    out = tmp_path / "a.csv"
    n = write_csv(seed_comparison, str(out))
    rows = read_rows(out)
    assert len(rows) == n
    assert list(rows[0].keys())[: len(COLUMNS)] == COLUMNS
    texts = {d.name: d.text for d in seed_docs}
    pairs = []
    for row in rows:
        assert row["kind"] in KINDS
        if row["pair"] not in pairs:
            pairs.append(row["pair"])
        for side in ("left", "right"):
            if row[f"{side}_doc"]:
                t = texts[row[f"{side}_doc"]]
                assert t[int(row[f"{side}_start"]):int(row[f"{side}_end"])] == unprefix(row[f"{side}_text"])
            else:
                assert row["kind"] == ("right_only" if side == "left" else "left_only")
        if row["kind"] in {"same", "partial", "conflict"}:
            assert 0.0 <= float(row["score"]) <= 1.0
    assert len(pairs) == 5 * 4 // 2
    # Rows are grouped by pair (each pair one contiguous run) and linked rows follow the left article's order.
    runs = [row["pair"] for i, row in enumerate(rows) if i == 0 or rows[i - 1]["pair"] != row["pair"]]
    assert runs == pairs
    for p in pairs:
        starts = [int(r["left_start"]) for r in rows if r["pair"] == p and r["left_start"]]
        assert starts == sorted(starts)


def test_every_sentence_appears_in_each_pair(seed_comparison):
    text = csv_text(seed_comparison)
    rows = list(csv.DictReader(io.StringIO(text)))
    for i, j in seed_comparison.pairs:
        left, right = seed_comparison.documents[i], seed_comparison.documents[j]
        mine = [r for r in rows if r["left_doc"] == left.name or r["right_doc"] == right.name]
        assert {int(r["left_start"]) for r in mine if r["left_doc"] == left.name} == {s.start for s in left.sentences}
        assert {int(r["right_start"]) for r in mine if r["right_doc"] == right.name} == {s.start for s in right.sentences}


def test_formula_cells_are_neutralised_unless_raw(tmp_path, hashing):
    a = document_from_text("a.txt", "=HYPERLINK(\"http://x\") is how it starts.\n\n@mention says hello there.")
    b = document_from_text("b.txt", "=HYPERLINK(\"http://x\") is how it starts.\n\n-1 is the answer today.")
    c = compare([a, b], hashing)
    safe = tmp_path / "safe.csv"
    raw = tmp_path / "raw.csv"
    write_csv(c, str(safe))
    write_csv(c, str(raw), raw=True)
    cells = [v for r in read_rows(safe) for k, v in r.items() if k.endswith("_text") and v]
    assert cells and all(not v.startswith(("=", "+", "-", "@")) for v in cells)
    assert any(v.startswith("'=") for v in cells)
    raw_cells = [v for r in read_rows(raw) for k, v in r.items() if k.endswith("_text") and v]
    assert any(v.startswith("=") for v in raw_cells)


def test_pair_restricts_and_bad_pair_is_an_error(tmp_path, seed_comparison):
    out = tmp_path / "p.csv"
    write_csv(seed_comparison, str(out), only=("000", "003"))
    assert {r["pair"] for r in read_rows(out)} == {"000_4ec024135f4acf6f.txt vs 003_2727a3c2d7fb1d67.txt"}
    with pytest.raises(ExportError):
        write_csv(seed_comparison, str(out), only=("000", "999"))


def test_json_names_the_model_and_the_version(tmp_path, seed_comparison):
    """A result cited from the JSON says what made it, as the report does."""
    from align import __version__

    j = tmp_path / "a.json"
    write_json(seed_comparison, str(j), model="fast-53aa51172d14")
    data = json.loads(j.read_text(encoding="utf-8"))
    assert (data["model"], data["sidebyside"], data["threshold"]) == ("fast-53aa51172d14", __version__, 0.5)


def test_json_and_groups_csv(tmp_path, seed_comparison, seed_docs):
    j = tmp_path / "a.json"
    write_json(seed_comparison, str(j))
    data = json.loads(j.read_text(encoding="utf-8"))
    assert [d["name"] for d in data["documents"]] == [d.name for d in seed_docs]
    assert len(data["rows"]) == len(list(csv.DictReader(io.StringIO(csv_text(seed_comparison)))))
    only = [r for r in data["rows"] if r["kind"] == "left_only"]
    assert only and all(r["right_start"] is None and r["right_doc"] is None and r["score"] is None for r in only)
    assert all(isinstance(r["left_start"], int) for r in only)
    assert isinstance(data["groups"], list)
    assert data["model"] is None  # not said: null, not a guess
    g = tmp_path / "g.csv"
    write_groups_csv(seed_comparison, str(g))
    rows = read_rows(g)
    texts = {d.name: d.text for d in seed_docs}
    for r in rows:
        assert r["relation"] in {"same", "partial", "conflict", "silent"}
        if r["relation"] != "silent":
            assert texts[r["doc"]][int(r["start"]):int(r["end"])] == unprefix(r["text"])
    # Each group lists every article once or more (silent ones once).
    for gid in {r["group"] for r in rows}:
        assert {r["doc"] for r in rows if r["group"] == gid} == set(texts)


def test_a_conflict_row_names_the_rule_that_found_it(tmp_path, hashing):
    # The CSV's last column and the JSON's rows say which conflict rule (align/conflicts/<rule>.py) flagged a link.
    a = document_from_text("a.txt", "The governor said 12 civilians were injured. The bridge reopened on Monday.")
    b = document_from_text("b.txt", "The governor said no civilians were injured. The bridge reopened on Friday.")
    comparison = compare([a, b], hashing)
    out = tmp_path / "a.csv"
    write_csv(comparison, str(out))
    rows = read_rows(out)
    assert list(rows[0]) == COLUMNS and COLUMNS[-2:] == ["conflict", "conflict_rule"]
    flagged = {r["conflict_rule"]: r["conflict"] for r in rows if r["kind"] == "conflict"}
    assert flagged.keys() == {"counts", "dates"}, rows
    assert flagged["counts"].startswith("casualties: 12 civilians") and flagged["dates"].startswith("day: Monday")
    assert all(r["conflict_rule"] == "" for r in rows if r["kind"] != "conflict")
    j = tmp_path / "a.json"
    write_json(comparison, str(j))
    json_rows = json.loads(j.read_text(encoding="utf-8"))["rows"]
    assert [(r["conflict"], r["conflict_rule"]) for r in json_rows] == [(r["conflict"], r["conflict_rule"]) for r in rows]


def test_failed_export_leaves_nothing(tmp_path, seed_comparison):
    missing = tmp_path / "no" / "such" / "dir" / "x.csv"
    with pytest.raises(ExportError, match="does not exist"):
        write_csv(seed_comparison, str(missing))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="../shared/eval is not beside the repo")
def test_the_scorer_reads_the_export_unchanged(tmp_path, seed_paths):
    out = tmp_path / "out.csv"
    r = subprocess.run([sys.executable, "-m", "tui", "align", *map(str, seed_paths), "--model", "hashing",
                        "--csv", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    s = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "seeds", str(out),
                        str(SHARED / "eval" / "seeds-dev")], capture_output=True, text=True, timeout=60)
    assert s.returncode == 0, s.stderr
    last = s.stdout.strip().splitlines()[-1]
    assert last.startswith("P=") and "F1=" in last
    # Every dev pair was found in the export (links= counts rows the scorer matched to the pair).
    assert all("links=" in ln for ln in s.stdout.splitlines() if ln[:3].isdigit())


def test_the_diff_column_is_never_cut(tmp_path):
    from align.compare import Comparison
    from align.differences import word_diff

    a = document_from_text("a", " ".join(f"alpha{i} common" for i in range(40)) + ".")
    b = document_from_text("b", " ".join(f"beta{i} common" for i in range(40)) + ".")
    pairs = np.array([[0, 0]], dtype=np.int64)
    c = Comparison([a, b], {(0, 1): PairScores(a, b, pairs, np.array([0.9], np.float32))}, 0.5)
    out = tmp_path / "x.csv"
    write_csv(c, str(out), raw=True)
    [row] = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["kind"] not in ("left_only", "right_only")]
    assert row["diff"] == word_diff(a.sentences[0].text, b.sentences[0].text).full
    assert row["diff"].count("+beta") == 40 and "more)" not in row["diff"]
