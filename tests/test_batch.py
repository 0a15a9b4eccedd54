"""`sbs batch` and align.batch: a manifest of clusters in, each cluster's exports and one summary out, resumably,
on a local process pool or a Dask cluster. The model-free hashing embedder keeps these fast; one test uses the
real model."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from align import batch
from align.batch import BatchError, ManifestError, read_manifest
from align.batch.cluster import MARKER, OUTPUTS
from align.batch.manifest import parse_manifest
from tests.conftest import ROOT

FIRE = [
    "Fire at the Mill Road warehouse\n\nA fire destroyed a warehouse on Mill Road on Friday night. Three people were "
    "injured, police said. The road stayed closed until Saturday morning.\n",
    "Warehouse blaze on Mill Road\n\nThree people were hurt when fire swept through a Mill Road warehouse late on "
    "Friday. The cause is not yet known. Police closed the road overnight.\n",
    "Mill Road fire: no one hurt\n\nNo one was injured in a fire at a warehouse on Mill Road on Friday, the fire "
    "service said. Firefighters worked through the night.\n",
]
VOTE = [
    "The council voted 7 to 2 on Tuesday to close the old bridge for repairs. Work starts in May.\n",
    "On Tuesday the city council approved, by seven votes to two, closing the old bridge. Repairs begin in May.\n",
]


def run_batch(*args, **kw):
    """align.batch.run_batch with the test session's cache folder (the library never reads SBS_CACHE_DIR)."""
    kw.setdefault("cache_dir", os.environ["SBS_CACHE_DIR"])
    return batch.run_batch(*args, **kw)


def sbs(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, **kw)


def write_articles(folder: Path, prefix: str, texts: list[str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, t in enumerate(texts):
        p = folder / f"{prefix}{k}.txt"
        p.write_text(t, encoding="utf-8")
        paths.append(str(p))
    return paths


def write_jsonl(path: Path, clusters: dict[str, list[str]]) -> Path:
    path.write_text("".join(json.dumps({"cluster": c, "articles": a}) + "\n" for c, a in clusters.items()),
                    encoding="utf-8")
    return path


@pytest.fixture
def clusters(tmp_path, seed_paths) -> dict[str, list[str]]:
    """Four small clusters: the five seeds (as a folder), two seeds, three made-up fire reports, two on a vote."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for p in seed_paths:
        (seeds / p.name).write_bytes(p.read_bytes())
    return {
        "seeds": [str(seeds)],
        "pair": [str(seeds / seed_paths[0].name), str(seeds / seed_paths[3].name)],
        "fire": write_articles(tmp_path / "fire", "fire", FIRE),
        "vote": write_articles(tmp_path / "vote", "vote", VOTE),
    }


def outputs(out: Path, cluster: str) -> dict[str, bytes]:
    return {name: (out / cluster / name).read_bytes() for name in OUTPUTS}


def summary(out: Path) -> list[dict]:
    with open(out / "summary.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def align_outputs(tmp_path: Path, cluster: str, articles: list[str]) -> dict[str, bytes]:
    """What `sbs align` writes for the cluster (the same three files), through the real command line."""
    d = tmp_path / "by-align" / cluster
    d.mkdir(parents=True)
    r = sbs("align", *articles, "--model", "hashing", "--csv", str(d / OUTPUTS[0]), "--json", str(d / OUTPUTS[1]),
            "--groups-csv", str(d / OUTPUTS[2]))
    assert r.returncode == 0, r.stderr
    return {name: (d / name).read_bytes() for name in OUTPUTS}


# --- the manifest ---------------------------------------------------------------------------------------------


def test_manifest_jsonl_and_csv_give_the_same_clusters(tmp_path):
    (tmp_path / "m.jsonl").write_text(
        '# clusters of the day\n\n{"cluster": "c1", "articles": ["a.txt", "/abs/b.txt"], "title": "kept aside"}\n'
        '{"id": 7, "articles": ["https://example.org/x", "~/d.md"]}\n', encoding="utf-8")
    (tmp_path / "m.csv").write_text('cluster,articles\nc1,a.txt,/abs/b.txt\n\n7,https://example.org/x,~/d.md,,\n',
                                    encoding="utf-8")
    base = str(tmp_path)
    a, b = read_manifest(tmp_path / "m.jsonl"), read_manifest(tmp_path / "m.csv")
    assert [(s.cluster, s.sources, s.error) for s in a] == [(s.cluster, s.sources, s.error) for s in b] == [
        ("c1", (os.path.join(base, "a.txt"), "/abs/b.txt"), ""),
        ("7", ("https://example.org/x", os.path.expanduser("~/d.md")), ""),
    ]
    assert [s.line for s in a] == [3, 4] and [s.line for s in b] == [2, 4]


def test_manifest_bad_lines_are_named_with_their_line_numbers():
    text = ('{"cluster": "ok", "articles": ["a", "b"]}\n'
            'not json\n'
            '["a", "b"]\n'
            '{"articles": ["a", "b"]}\n'
            '{"cluster": "nothing", "articles": []}\n'
            '{"cluster": "ok", "articles": ["c", "d"]}\n'
            '{"cluster": "../up", "articles": ["a", "b"]}\n'
            '{"cluster": "bad", "articles": "a.txt"}\n'
            '{"cluster": "summary.csv", "articles": ["a", "b"]}\n'
            '{"cluster": "stdin", "articles": ["a", "-"]}\n')
    specs = parse_manifest(text, "jsonl")
    assert [(s.line, s.error.split(":")[0] if s.error else "") for s in specs] == [
        (1, ""), (2, "malformed line"), (3, "malformed line"), (4, "malformed line"), (5, "empty cluster"),
        (6, "duplicate cluster id 'ok' (first on line 1)"), (7, "cluster id '../up'"), (8, "malformed line"),
        (9, "cluster id 'summary.csv'"), (10, "- (standard input) cannot be an article of a batch; name a file")]


def test_csv_manifest_line_numbers_count_quoted_line_breaks():
    specs = parse_manifest('c1,"a\nb.txt",c.txt\nc2,d.txt\nc3\n', "csv")
    assert [(s.cluster, s.line, s.error) for s in specs] == [
        ("c1", 1, ""), ("c2", 3, ""), ("c3", 4, "empty cluster: no articles")]


@pytest.mark.parametrize("name, content, needle", [
    ("missing.jsonl", None, "missing.jsonl: no such file"),
    ("binary.csv", b"\x7fELF\x02\x01\x01\x00" * 20, "binary file (program), not text"),
    ("latin.csv", "c1,caf\xe9.txt,b.txt\n".encode("latin-1"), "not UTF-8 text"),
    ("empty.jsonl", b"\n# nothing\n", "no clusters in it"),
    ("garbage.jsonl", b"hello\nworld\n", "not JSON lines (line 1: malformed line: not JSON"),
    ("array.json", b'[{"cluster": "c1", "articles": ["a", "b"]}]\n', "a JSON array; write one cluster object per line"),
    ("folder", "dir", "is a directory, not a manifest"),
], ids=lambda v: v if isinstance(v, str) and "." in v[1:] and len(v) < 20 else "")
def test_a_manifest_that_cannot_be_used_is_one_line_and_exit_2(tmp_path, name, content, needle):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(ManifestError, match=None) as err:
        read_manifest(path)
    assert needle in str(err.value) and "\n" not in str(err.value)
    r = sbs("batch", str(path), "--out", str(tmp_path / "out"), "--model", "hashing")
    assert r.returncode == 2
    assert r.stderr.splitlines() == [f"sbs: {err.value}"]
    assert not (tmp_path / "out" / "summary.csv").exists()


# --- results --------------------------------------------------------------------------------------------------


def test_each_cluster_gets_the_bytes_sbs_align_writes(tmp_path, clusters):
    manifest = write_jsonl(tmp_path / "m.jsonl", clusters)
    out = tmp_path / "out"
    report = run_batch(manifest, out, model="hashing", workers=2)
    assert [(r.cluster, r.status, r.error) for r in report.results] == [(c, "done", "") for c in clusters]
    for cluster, articles in clusters.items():
        assert outputs(out, cluster) == align_outputs(tmp_path, cluster, articles), cluster
    rows = {r["cluster"]: r for r in summary(out)}
    for cluster in clusters:
        csv_rows = list(csv.DictReader((out / cluster / "alignment.csv").open(encoding="utf-8", newline="")))
        groups = json.loads((out / cluster / "alignment.json").read_text("utf-8"))["groups"]
        docs = json.loads((out / cluster / "alignment.json").read_text("utf-8"))["documents"]
        row = rows[cluster]
        assert int(row["links"]) == sum(r["kind"] in ("same", "partial", "conflict") for r in csv_rows)
        assert int(row["conflicts"]) == sum(r["kind"] == "conflict" for r in csv_rows)
        assert int(row["facts"]) == len(groups)
        assert int(row["facts_in_all"]) == sum(g["sources"] == len(docs) for g in groups)
        assert int(row["articles"]) == len(docs) and int(row["sentences"]) == sum(d["sentences"] for d in docs)
        # The time as measured, rounded for the table (a cluster of the hashing embedder can take under 5 ms,
        # which the table shows as 0.00: a CI run saw that).
        result = next(r for r in report.results if r.cluster == cluster)
        assert row["status"] == "done" and row["error"] == "" and result.seconds > 0
        assert row["seconds"] == f"{result.seconds:.2f}"
    assert rows["fire"]["conflicts"] != "0"  # "three people were injured" against "no one was injured"


def test_a_csv_manifest_names_articles_relative_to_itself(tmp_path, clusters):
    """Run from another folder (the repository): the articles are found beside the manifest."""
    (tmp_path / "m.csv").write_text("cluster,articles\r\nfire,fire/fire0.txt,fire/fire1.txt,fire/fire2.txt\r\n"
                                    "vote,vote\r\n", encoding="utf-8")
    out = tmp_path / "out"
    r = sbs("batch", str(tmp_path / "m.csv"), "--out", str(out), "--model", "hashing")
    assert r.returncode == 0, r.stderr
    assert outputs(out, "fire") == align_outputs(tmp_path, "fire", clusters["fire"])
    assert outputs(out, "vote") == align_outputs(tmp_path, "vote", [str(tmp_path / "vote")])
    assert [(x["line"], x["cluster"], x["articles"]) for x in summary(out)] == [("2", "fire", "3"), ("3", "vote", "2")]


def test_a_pattern_in_a_manifest_stands_for_the_files_it_matches(tmp_path, clusters):
    """`fire/fire*.txt` is the three fire reports, as a shell would expand it; a pattern matching nothing fails
    its cluster with one line and the rest run; a new file the pattern matches makes the cluster run again."""
    (tmp_path / "m.csv").write_text("fire,fire/fire*.txt\nnone,fire/nothing*.txt,vote/vote0.txt\n", encoding="utf-8")
    out = tmp_path / "out"
    r = sbs("batch", str(tmp_path / "m.csv"), "--out", str(out), "--model", "hashing")
    assert r.returncode == 1
    assert "cluster none: " in r.stderr and "fire/nothing*.txt: no file matches" in r.stderr
    assert outputs(out, "fire") == align_outputs(tmp_path, "fire", clusters["fire"])
    assert [(x["cluster"], x["status"], x["articles"]) for x in summary(out)] == [("fire", "done", "3"),
                                                                               ("none", "failed", "")]
    (tmp_path / "fire" / "fire9.txt").write_text(VOTE[0], encoding="utf-8")
    r = sbs("batch", str(tmp_path / "m.csv"), "--out", str(out), "--model", "hashing")
    assert [(x["cluster"], x["status"], x["articles"]) for x in summary(out)][0] == ("fire", "done", "4")


def test_web_pages_pdf_and_word_files_as_sbs_align_reads_them(tmp_path, seed_paths):
    """A cluster of an HTML page, a PDF, a Word file and a text file (through a folder), and one of web
    addresses served on 127.0.0.1: what `sbs align` writes for the same sources."""
    pytest.importorskip("trafilatura")
    from tests.samples.formats import docx_bytes, news_page, press_release_pdf
    from tests.test_fetch import Handler

    folder = tmp_path / "formats"
    folder.mkdir()
    (folder / "page.html").write_bytes(news_page())
    (folder / "release.pdf").write_bytes(press_release_pdf())
    (folder / "statement.docx").write_bytes(docx_bytes())
    (folder / "seed.txt").write_bytes(seed_paths[4].read_bytes())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    web = [f"http://127.0.0.1:{httpd.server_address[1]}/story", f"http://127.0.0.1:{httpd.server_address[1]}/other"]
    try:
        manifest = write_jsonl(tmp_path / "m.jsonl", {"formats": [str(folder)], "web": web})
        out = tmp_path / "out"
        report = run_batch(manifest, out, model="hashing", workers=2)
        assert [(r.cluster, r.status, r.articles) for r in report.results] == [("formats", "done", 4),
                                                                              ("web", "done", 2)]
        assert outputs(out, "formats") == align_outputs(tmp_path, "formats", [str(folder)])
        assert outputs(out, "web") == align_outputs(tmp_path, "web", web)  # the pages kept in the one cache folder
        kept = [d["kept"] for d in json.loads((out / "web" / "alignment.json").read_text("utf-8"))["documents"]]
        assert [Path(k).parent for k in kept] == [Path(os.environ["SBS_CACHE_DIR"]) / "pages"] * 2
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_bad_lines_are_named_in_the_summary_and_the_rest_run(tmp_path, clusters):
    lines = [
        json.dumps({"cluster": "fire", "articles": clusters["fire"]}),
        json.dumps({"cluster": "gone", "articles": [clusters["vote"][0], str(tmp_path / "no-such.txt")]}),
        json.dumps({"cluster": "empty", "articles": []}),
        json.dumps({"cluster": "fire", "articles": clusters["vote"]}),
        '{"cluster": "broken", "articles": [',
        json.dumps({"cluster": "alone", "articles": clusters["vote"][:1]}),
        json.dumps({"cluster": "=HYPERLINK(1)", "articles": clusters["vote"]}),
    ]
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    r = sbs("batch", str(manifest), "--out", str(out), "--model", "hashing", "--workers", "2")
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [
        f"sbs batch: line 2: cluster gone: {tmp_path / 'no-such.txt'}: no such file",
        "sbs batch: line 3: cluster empty: empty cluster: no articles",
        "sbs batch: line 4: cluster fire: duplicate cluster id 'fire' (first on line 1)",
        "sbs batch: line 5: malformed line: not JSON (Expecting value at column 36)",
        "sbs batch: line 6: cluster alone: needs at least two articles, got 1",
        f"sbs batch: 7 clusters: 2 done, 0 skipped (done before), 5 failed; summary in {out / 'summary.csv'}",
    ]
    rows = summary(out)
    assert [(x["line"], x["cluster"], x["status"]) for x in rows] == [
        ("1", "fire", "done"), ("2", "gone", "failed"), ("3", "empty", "failed"), ("4", "fire", "failed"),
        ("5", "", "failed"), ("6", "alone", "failed"), ("7", "'=HYPERLINK(1)", "done")]
    assert rows[1]["links"] == "" and rows[1]["error"].endswith("no-such.txt: no such file")
    # The duplicate neither ran nor touched the first cluster's files; the failed ones wrote nothing.
    assert outputs(out, "fire") == align_outputs(tmp_path, "fire", clusters["fire"])
    assert not (out / "gone").exists() and not (out / "alone").exists()
    assert (out / "=HYPERLINK(1)" / MARKER).is_file()


def test_rerun_skips_what_is_done_and_redoes_what_changed(tmp_path, clusters):
    manifest = write_jsonl(tmp_path / "m.jsonl", clusters)
    out = tmp_path / "out"
    run_batch(manifest, out, model="hashing", workers=2)
    stamp = {c: (out / c / MARKER).stat().st_mtime_ns for c in clusters}
    time.sleep(0.01)

    report = run_batch(manifest, out, model="hashing", workers=2)
    assert [r.status for r in report.results] == ["skipped"] * 4
    assert {c: (out / c / MARKER).stat().st_mtime_ns for c in clusters} == stamp
    assert [x["status"] for x in summary(out)] == ["skipped"] * 4
    assert summary(out)[0]["links"] != ""  # a skipped cluster's figures come from its marker

    # An article edited, a manifest line changed, an output deleted: those three clusters run again.
    Path(clusters["fire"][2]).write_text(FIRE[2].replace("No one was", "Two people were"), encoding="utf-8")
    clusters["pair"] = list(reversed(clusters["pair"]))
    write_jsonl(manifest, clusters)
    (out / "seeds" / "groups.csv").unlink()
    report = run_batch(manifest, out, model="hashing", workers=2)
    assert {r.cluster: r.status for r in report.results} == {"seeds": "done", "pair": "done", "fire": "done",
                                                            "vote": "skipped"}
    assert outputs(out, "fire") == align_outputs(tmp_path, "fire", clusters["fire"])
    assert outputs(out, "pair") == align_outputs(tmp_path, "pair", clusters["pair"])

    # Other options make other outputs: a new threshold redoes all; --force redoes all.
    assert {r.status for r in run_batch(manifest, out, model="hashing", threshold=0.4).results} == {"done"}
    assert {r.status for r in run_batch(manifest, out, model="hashing", threshold=0.4).results} == {"skipped"}
    assert {r.status for r in run_batch(manifest, out, model="hashing", threshold=0.4, force=True).results} == {"done"}


def test_a_cluster_that_fails_on_rerun_leaves_no_older_files(tmp_path, clusters):
    manifest = write_jsonl(tmp_path / "m.jsonl", {"vote": clusters["vote"]})
    out = tmp_path / "out"
    assert run_batch(manifest, out, model="hashing").results[0].status == "done"
    Path(clusters["vote"][1]).unlink()
    result = run_batch(manifest, out, model="hashing").results[0]
    assert result.status == "failed" and result.error == f"{clusters['vote'][1]}: no such file"
    assert sorted(p.name for p in (out / "vote").iterdir()) == []


def test_two_runs_never_write_one_folder_at_once(tmp_path, clusters):
    import fcntl

    manifest = write_jsonl(tmp_path / "m.jsonl", {"vote": clusters["vote"]})
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".sbs-batch.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BatchError, match="another sbs batch is writing there"):
            run_batch(manifest, out, model="hashing")
    assert run_batch(manifest, out, model="hashing").results[0].status == "done"


def test_output_folder_that_is_a_file_is_one_line_exit_2(tmp_path, clusters):
    manifest = write_jsonl(tmp_path / "m.jsonl", {"vote": clusters["vote"]})
    (tmp_path / "taken").write_text("x")
    r = sbs("batch", str(manifest), "--out", str(tmp_path / "taken"), "--model", "hashing")
    assert r.returncode == 2 and r.stderr.splitlines() == [f"sbs: {tmp_path / 'taken'}: exists and is not a folder"]


def test_without_dask_scheduler_is_one_line(tmp_path, clusters):
    """Dask absent (an import that fails, as on a machine without the extra): one line, exit 2."""
    blocker = tmp_path / "no-dask"
    blocker.mkdir()
    (blocker / "distributed.py").write_text("raise ImportError('No module named distributed')\n")
    manifest = write_jsonl(tmp_path / "m.jsonl", {"vote": clusters["vote"]})
    r = sbs("batch", str(manifest), "--out", str(tmp_path / "out"), "--model", "hashing", "--scheduler", "local",
            env={**os.environ, "PYTHONPATH": str(blocker)})
    assert r.returncode == 2
    assert r.stderr.splitlines() == ["sbs: --scheduler needs Dask: pip install 'sidebyside[dask]'"]


@pytest.mark.parametrize("address, reason", [
    ("nonsense", "missing port number in address 'nonsense'"),
    ("http://127.0.0.1:1", "unknown address scheme 'http'"),
    ("tls://127.0.0.1:1", "TLS expects a `ssl_context` argument"),
])
def test_a_scheduler_that_cannot_be_used_is_one_line(tmp_path, clusters, address, reason):
    pytest.importorskip("distributed")
    manifest = write_jsonl(tmp_path / "m.jsonl", {"vote": clusters["vote"]})
    r = sbs("batch", str(manifest), "--out", str(tmp_path / "out"), "--model", "hashing", "--scheduler", address)
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith(f"sbs: --scheduler {address}: cannot connect (")
    assert reason in r.stderr


# --- a worker killed mid-run ----------------------------------------------------------------------------------

WORDS = ("police fire city council mayor river bridge storm rain flood school court judge vote report said Monday "
         "army troops border minister hospital road station").split()


def big_article(seed: int, sentences: int = 3000) -> str:
    """Long enough that aligning two takes seconds with the hashing embedder: the slow cluster a kill lands in."""
    r = random.Random(seed)
    return "\n\n".join(" ".join(r.choice(WORDS) for _ in range(12)).capitalize() + f" number {r.randint(1, 10**6)}."
                       for _ in range(sentences))


@pytest.fixture
def slow_manifest(tmp_path, clusters) -> tuple[Path, dict[str, list[str]]]:
    """A slow cluster first, then small ones a second worker finishes while the slow one runs. Its texts are new
    to every test (nothing of it in the shared embedding cache), so it is slow each time."""
    seed = random.randrange(1 << 30)
    slow = write_articles(tmp_path / "slow", "slow", [big_article(seed), big_article(seed + 1)])
    small = {f"{c}{k}": a for k in range(2) for c, a in clusters.items() if c != "seeds"}
    allc = {"slow": slow, **small}
    return write_jsonl(tmp_path / "m.jsonl", allc), allc


def wait_for(condition, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def busiest(processes):
    """The process using the CPU most over half a second: the one running the slow cluster."""
    before = {p.pid: sum(p.cpu_times()[:2]) for p in processes}
    time.sleep(0.5)
    return max(processes, key=lambda p: sum(p.cpu_times()[:2]) - before[p.pid])


def check_nothing_finished_was_redone(out: Path, allc: dict, finished: dict[str, int], tmp_path: Path) -> None:
    assert {c: (out / c / MARKER).stat().st_mtime_ns for c in finished} == finished
    rows = summary(out)
    assert [(x["cluster"], x["status"]) for x in rows] == [(c, "done") for c in allc]
    report = run_batch(tmp_path / "m.jsonl", out, model="hashing", workers=2)  # the re-run redoes nothing
    assert {r.status for r in report.results} == {"skipped"}
    assert {c: (out / c / MARKER).stat().st_mtime_ns for c in finished} == finished
    for c in ("slow", "fire0"):
        assert outputs(out, c) == align_outputs(tmp_path, c, allc[c])


def test_a_pool_worker_killed_mid_run_loses_no_finished_cluster(tmp_path, slow_manifest):
    psutil = pytest.importorskip("psutil")
    manifest, allc = slow_manifest
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "tui", "batch", str(manifest), "--out", str(out),
                             "--model", "hashing", "--workers", "2"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    small = [c for c in allc if c != "slow"]
    try:
        wait_for(lambda: all((out / c / MARKER).exists() for c in small), 120, "the small clusters")
        assert not (out / "slow" / MARKER).exists(), "the slow cluster finished first: make it slower"
        finished = {c: (out / c / MARKER).stat().st_mtime_ns for c in small}
        # The pool's workers are the children of its forkserver (or, under spawn, of the batch process).
        children = psutil.Process(proc.pid).children()
        workers = [w for c in children for w in c.children()] or children
        busiest(workers).kill()
        _, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err  # the cluster in flight ran again on a new pool
    assert json.loads((out / "slow" / MARKER).read_text("utf-8"))["result"]["attempts"] == 2
    assert err.strip().endswith(f"{len(allc)} clusters: {len(allc)} done, 0 skipped (done before), 0 failed; "
                                f"summary in {out / 'summary.csv'}")
    check_nothing_finished_was_redone(out, allc, finished, tmp_path)


def test_an_interrupted_run_keeps_what_finished(tmp_path, slow_manifest):
    """The whole batch killed (SIGKILL, no clean-up) while the slow cluster runs: a re-run does only that one."""
    manifest, allc = slow_manifest
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "tui", "batch", str(manifest), "--out", str(out),
                             "--model", "hashing", "--workers", "2"], cwd=ROOT, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    small = [c for c in allc if c != "slow"]
    try:
        wait_for(lambda: all((out / c / MARKER).exists() for c in small), 120, "the small clusters")
        # The summary follows within a second, while the slow cluster still runs.
        wait_for(lambda: [x["cluster"] for x in summary(out)] == small, 5, "the summary")
        assert not (out / "slow" / MARKER).exists()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert [(x["cluster"], x["status"]) for x in summary(out)] == [(c, "done") for c in small]
    finished = {c: (out / c / MARKER).stat().st_mtime_ns for c in small}
    report = run_batch(manifest, out, model="hashing", workers=2)
    assert {r.cluster: r.status for r in report.results} == {"slow": "done", **{c: "skipped" for c in small}}
    assert {c: (out / c / MARKER).stat().st_mtime_ns for c in small} == finished
    assert outputs(out, "slow") == align_outputs(tmp_path, "slow", allc["slow"])


# --- Dask -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client():
    """A LocalCluster on 127.0.0.1: two worker processes (each under a nanny that restarts it), 1 GiB each, with
    the settings `--scheduler local` uses."""
    distributed = pytest.importorskip("distributed")
    import logging

    import dask

    from align.batch.runners import LOCAL_CONFIG

    with dask.config.set(LOCAL_CONFIG):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                           dashboard_address="127.0.0.1:0", memory_limit="1GiB",
                                           silence_logs=logging.ERROR)
    with cluster, distributed.Client(cluster) as client:
        yield client


def test_dask_gives_the_same_files_as_the_pool_and_loads_one_embedder_per_worker(tmp_path, clusters, dask_client):
    from align.batch import cluster as cluster_module

    many = {f"{c}{k}": a for k in range(3) for c, a in clusters.items()}
    manifest = write_jsonl(tmp_path / "m.jsonl", many)
    pool = run_batch(manifest, tmp_path / "pool", model="hashing", workers=2)
    dask = run_batch(manifest, tmp_path / "dask", model="hashing", scheduler=dask_client)
    assert [(r.cluster, r.status) for r in dask.results] == [(r.cluster, r.status) for r in pool.results]
    assert {r.status for r in dask.results} == {"done"}
    for c in many:
        assert outputs(tmp_path / "dask", c) == outputs(tmp_path / "pool", c), c
    for c in clusters:
        assert outputs(tmp_path / "dask", f"{c}0") == align_outputs(tmp_path, c, clusters[c])
    strip = ("seconds", "read_s", "embed_s", "align_s", "write_s", "new_embedder")
    assert ([{k: v for k, v in vars(r).items() if k not in strip} for r in dask.results]
            == [{k: v for k, v in vars(r).items() if k not in strip} for r in pool.results])
    # Twelve clusters, at most one embedder made per worker process, and each worker holds just that one.
    assert 1 <= sum(r.new_embedder for r in dask.results) <= 2
    held = dask_client.run(lambda: len(cluster_module._EMBEDDERS))
    assert sorted(held.values()) in ([0, 1], [1, 1])
    # The workers share one embedding cache, the folder the caller names: one entry per distinct article (the
    # seeds' five, three fire reports, two on the vote), and a second run reads every vector from it.
    cache = tmp_path / "shared-cache"
    run_batch(manifest, tmp_path / "dask2", model="hashing", scheduler=dask_client, cache_dir=cache)
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*.npy")}
    assert len(before) == 10
    run_batch(manifest, tmp_path / "dask2", model="hashing", scheduler=dask_client, cache_dir=cache, force=True)
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.npy")} == before


def test_scheduler_local_from_the_command_line(tmp_path, clusters):
    pytest.importorskip("distributed")
    two = {"fire": clusters["fire"], "vote": clusters["vote"]}
    manifest = write_jsonl(tmp_path / "m.jsonl", two)
    r = sbs("batch", str(manifest), "--out", str(tmp_path / "out"), "--model", "hashing", "--scheduler", "local",
            "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == [f"sbs batch: 2 clusters: 2 done, 0 skipped (done before), 0 failed; "
                                     f"summary in {tmp_path / 'out' / 'summary.csv'}"]
    for c in two:
        assert outputs(tmp_path / "out", c) == align_outputs(tmp_path, c, two[c])


def test_a_dask_worker_killed_mid_run_loses_no_finished_cluster(tmp_path, slow_manifest, dask_client):
    manifest, allc = slow_manifest
    out = tmp_path / "out"
    address = dask_client.scheduler.address
    proc = subprocess.Popen([sys.executable, "-m", "tui", "batch", str(manifest), "--out", str(out),
                             "--model", "hashing", "--scheduler", address], cwd=ROOT, stderr=subprocess.PIPE,
                            text=True)
    small = [c for c in allc if c != "slow"]
    try:
        wait_for(lambda: all((out / c / MARKER).exists() for c in small), 120, "the small clusters")
        assert not (out / "slow" / MARKER).exists(), "the slow cluster finished first: make it slower"
        finished = {c: (out / c / MARKER).stat().st_mtime_ns for c in small}
        running = {w: keys for w, keys in dask_client.processing().items() if any("-line1" in str(k) for k in keys)}
        assert len(running) == 1, dask_client.processing()
        worker = next(iter(running))
        pids = dask_client.run(os.getpid)
        os.kill(pids[worker], signal.SIGKILL)
        _, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err  # Dask ran the slow cluster again on the other (or the restarted) worker
    check_nothing_finished_was_redone(out, allc, finished, tmp_path)
    dask_client.wait_for_workers(2, timeout=60)  # the nanny restarted the killed worker
    assert pids[worker] not in dask_client.run(os.getpid).values()


# --- the real model -------------------------------------------------------------------------------------------


@pytest.mark.model
def test_a_tiny_batch_with_the_real_model(tmp_path, clusters):
    small = {"fire": clusters["fire"], "vote": clusters["vote"]}
    manifest = write_jsonl(tmp_path / "m.jsonl", small)
    out = tmp_path / "out"
    r = sbs("batch", str(manifest), "--out", str(out), "--workers", "1")
    assert r.returncode == 0, r.stderr
    rows = {x["cluster"]: x for x in summary(out)}
    assert int(rows["vote"]["links"]) >= 1 and rows["vote"]["conflicts"] == "0"
    assert int(rows["fire"]["conflicts"]) >= 1
    d = tmp_path / "align"
    d.mkdir()
    r = sbs("align", *small["fire"], "--csv", str(d / "a.csv"), "--json", str(d / "a.json"),
            "--groups-csv", str(d / "g.csv"))
    assert r.returncode == 0, r.stderr
    assert [(d / n).read_bytes() for n in ("a.csv", "a.json", "g.csv")] == list(outputs(out, "fire").values())
