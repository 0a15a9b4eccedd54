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
    (["align", "tests"], "directory has no articles (.txt, .md, .html, .pdf, .docx)"),
    (["align", "seeds", "--model", "no-such-model"], "model no-such-model: not a model name"),
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


@pytest.mark.parametrize("option", ["--csv", "--json", "--groups-csv"])
def test_an_output_never_replaces_an_article(tmp_path, option):
    story = tmp_path / "story.txt"
    story.write_text("The fire killed three people on Friday. Police closed the road.\n", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("Three people died in the fire on Friday. The road was closed.\n", encoding="utf-8")
    link = tmp_path / "alias.txt"
    link.symlink_to(story)
    before = story.read_bytes()
    for target in (story, link):
        r = sbs("align", str(story), str(other), "--model", "hashing", option, str(target))
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert r.stderr.strip() == f"sbs: {target}: is one of the articles being compared (story.txt); choose another file"
        assert story.read_bytes() == before


def test_two_outputs_never_share_a_file(tmp_path, seed_paths):
    out = tmp_path / "out.csv"
    r = sbs("align", *map(str, seed_paths[:2]), "--model", "hashing", "--csv", str(out), "--groups-csv", str(out))
    assert r.returncode == 1 and r.stderr.strip() == f"sbs: {out}: given for two outputs; each needs a file of its own"
    assert not out.exists()
    r = sbs("align", *map(str, seed_paths[:2]), "--model", "hashing", "--csv", "-", "--json", "-")
    assert r.returncode == 1 and "standard output" in r.stderr and not r.stdout


def test_a_file_written_is_said_on_standard_error(tmp_path, seed_paths):
    out, facts = tmp_path / "out.csv", tmp_path / "facts.csv"
    r = sbs("align", *map(str, seed_paths[:2]), "--model", "hashing", "--csv", str(out), "--groups-csv", str(facts))
    assert r.returncode == 0 and not r.stdout
    rows = len(list(csv.DictReader(out.open(encoding="utf-8"))))
    assert r.stderr.splitlines() == [f"sbs: wrote {rows:,} rows to {out}",
                                     f"sbs: wrote {len(list(csv.DictReader(facts.open(encoding='utf-8')))):,} rows "
                                     f"to {facts}"]


def test_save_text_makes_its_folder_once_the_run_succeeds(tmp_path, seed_paths):
    """`--save-text texts/` as the README shows it: the folder is made (as `sbs batch --out` makes its own), after
    everything else worked; a file in the way is one line before any work, and a failed run makes no folder."""
    texts = tmp_path / "new" / "texts"
    bad = sbs("align", str(seed_paths[0]), "nope.txt", "--model", "hashing", "--csv", str(tmp_path / "o.csv"),
              "--save-text", str(texts))
    assert bad.returncode == 1 and not (tmp_path / "new").exists()
    r = sbs("align", *map(str, seed_paths[:2]), "--model", "hashing", "--csv", str(tmp_path / "o.csv"),
            "--save-text", str(texts))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in texts.iterdir()) == sorted(p.name for p in seed_paths[:2])
    assert (texts / seed_paths[0].name).read_text(encoding="utf-8") == seed_paths[0].read_text(encoding="utf-8")
    (tmp_path / "afile").write_text("x")
    for target in (tmp_path / "afile", tmp_path / "afile" / "texts"):
        r = sbs("align", *map(str, seed_paths[:2]), "--model", "hashing", "--csv", str(tmp_path / "o2.csv"),
                "--save-text", str(target))
        assert r.returncode == 1 and r.stderr.count("\n") == 1 and "is a file, not a folder" in r.stderr, r.stderr
        assert not (tmp_path / "o2.csv").exists()


def test_a_format_added_to_the_registry_is_an_sbs_align_option(tmp_path, seed_paths, monkeypatch, capsys):
    """align.export.FORMATS is the one place a format is added: the app's dialog offers it and `sbs align`
    takes `--NAME OUT` for it, with no change to the command line's code."""
    import align.export
    from align.export import FORMATS, ExportFormat
    from tui.cli import main

    def write_pairs(comparison, path, options):
        names = [(comparison.documents[i].name, comparison.documents[j].name) for i, j in comparison.pairs]
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(f"{a} vs {b}\n" for a, b in names if options.only in (None, (a, b)))
        return len(names)

    pairs = ExportFormat("pair-list", "pair list", ".pairs", "alignment", write_pairs, frozenset({"only"}),
                         cli_help="write the pairs compared")
    monkeypatch.setattr(align.export, "FORMATS", FORMATS + (pairs,))
    out = tmp_path / "p.pairs"
    assert main(["align", *map(str, seed_paths[:3]), "--model", "hashing", "--pair-list", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert f"sbs: wrote 3 rows to {out}" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["align", "--help"])
    assert "--pair-list OUT" in capsys.readouterr().out
