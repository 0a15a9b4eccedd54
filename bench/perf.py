"""Performance figures for the README, each next to a floor or a peer measured in the same run.

    .venv/bin/python bench/perf.py [--runs N]      (about three minutes here)

- cold `sbs align seeds --csv` (empty embedding cache) vs the floor: a bare `python -c` that loads the same
  model (onnxruntime) and encodes the same sentences; and vs the way it ran before (sentence-transformers and torch:
  import, load by path, encode), when installed;
- warm `sbs align seeds --csv` vs `python -c pass`, and which heavy modules the warm run imported (none allowed);
- the app's first paint on a real terminal (a pty) vs a one-line Textual app, for the seeds and for Law;
- the scale case, Law (KJV vs WEB, ~4,300 verses a side): segmentation, embedding (cold once, then from the
  cache), alignment after embeddings, peak RSS of the process, and the whole warm `sbs align` on it;
- hostile files (issue 15), cold and warm, each against a seed: a 5 MB line without a full stop ('word ' x 1M)
  and 200,000 short sentences ('word. ' x 200k), next to their floor: loading the model and encoding the file's
  units with the model alone (one call, no deduplication; timed on a sample of them and scaled). `--varied` adds
  a 5 MB line of varied words (no two units alike: minutes), `--only-hostile` skips the rest, `--skip-hostile`
  skips them.

Every subprocess runs with HF_HUB_OFFLINE=1 and its own temporary SBS_CACHE_DIR. A benchmark prints numbers; it
never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAW = ROOT.parent / "shared" / "eval" / "bible-dev"
HEAVY = ("torch", "transformers", "sentence_transformers", "textual", "scipy", "sklearn", "pandas")
PY = sys.executable


def env(cache_dir: str) -> dict[str, str]:
    e = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "SBS_CACHE_DIR": cache_dir,
         "HF_HUB_DISABLE_PROGRESS_BARS": "1", "TOKENIZERS_PARALLELISM": "false"}
    e.pop("SBS_MODEL", None)
    return e


def run(args: list[str], cache_dir: str) -> tuple[float, str]:
    """(wall seconds, stdout) of a child; fails loudly if the command fails. Peak RSS is measured inside the
    child (getrusage), which counts that process alone."""
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, env=env(cache_dir), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"perf: {' '.join(args[:3])}... failed ({proc.returncode}):\n{proc.stderr.strip()}")
    return wall, proc.stdout


def median(args: list[str], cache_dir: str, runs: int) -> float:
    return statistics.median(run(args, cache_dir)[0] for _ in range(runs))


# --- the child programs --------------------------------------------------------------------------------------

#: The floor: only what the model costs. Sentences come from a file so the floor does no segmentation.
FLOOR = """
import json, sys
from align.embed import make_embedder
texts = json.load(open(sys.argv[2], encoding="utf-8"))
make_embedder(sys.argv[1], use_cache=False).encode(texts)
"""

#: The same model through sentence-transformers and torch, as sidebyside ran it before.
TORCH_PEER = """
import json, sys
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[1], device="cpu", local_files_only=True)
texts = json.load(open(sys.argv[2], encoding="utf-8"))
model.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
"""

#: `sbs align` through its real entry point, then a report of which heavy modules it imported.
ALIGN_AND_REPORT = """
import json, resource, sys
from tui.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in %r if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy,
                  "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}), file=sys.__stdout__)
""" % (HEAVY,)

#: The Law case in stages, timed inside one process (the figures the issue asks for, separately).
LAW_STAGES = """
import json, resource, sys, time
t0 = time.perf_counter()
from align.document import read_document
from align.compare import compare, embed_documents
from align.embed import make_embedder
t_import = time.perf_counter() - t0
t = time.perf_counter()
docs = [read_document(p, cache_dir=sys.argv[3]) for p in sys.argv[1:3]]
t_segment = time.perf_counter() - t
embedder = make_embedder(cache_dir=sys.argv[3])
t = time.perf_counter()
embs = embed_documents(docs, embedder)
t_embed = time.perf_counter() - t
t = time.perf_counter()
comparison = compare(docs, embedder, embeddings=embs)
al = comparison.alignment(0, 1)
t_align = time.perf_counter() - t
print(json.dumps({
    "import": t_import, "segment": t_segment, "embed": t_embed, "align": t_align,
    "units": [len(d.sentences) for d in docs], "chars": [len(d.text) for d in docs],
    "max_unit": max(len(s.text) for d in docs for s in d.sentences),
    "links": len(al.links), "left_only": len(al.left_only), "right_only": len(al.right_only),
    "candidates": int(comparison.scores[(0, 1)].pairs.shape[0]),
    "torch": "torch" in sys.modules,
    "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
"""


#: A hostile file's floor: load the model, then encode units with the model alone (`_encode` where the encoder
#: has it: no deduplication, no pieces; a text over the window is truncated), on a sample scaled to all of them,
#: and once for the distinct units only.
EMBED_FLOOR = """
import json, sys, time
from align.embed import make_embedder
texts = json.load(open(sys.argv[1], encoding="utf-8"))
part = texts[:int(sys.argv[2])]
t = time.perf_counter()
embedder = make_embedder(use_cache=False)
embedder.load()
t_load = time.perf_counter() - t
encode = getattr(embedder, "_encode", embedder.encode)
t = time.perf_counter()
encode(part)
t_part = time.perf_counter() - t
distinct = list(dict.fromkeys(texts))
t = time.perf_counter()
encode(distinct)
t_distinct = time.perf_counter() - t
print(json.dumps({"load": t_load, "part": t_part, "all": t_part * len(texts) / len(part), "units": len(texts),
                  "measured": len(part), "distinct": len(distinct), "encode_distinct": t_distinct}))
"""


def sbs_align(paths: list[str], out: str, cache_dir: str) -> tuple[float, dict]:
    wall, stdout = run([PY, "-c", ALIGN_AND_REPORT, "align", *paths, "--csv", out], cache_dir)
    report = json.loads(stdout.strip().splitlines()[-1])
    if report["code"] != 0:
        raise SystemExit(f"perf: sbs align returned {report['code']}")
    return wall, report


#: The peer of the app's first paint: the smallest Textual app that shows one line of text.
HELLO_APP = """
from textual.app import App
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static("FIRST-PAINT-MARKER")
Hello().run()
"""


def first_paint(args: list[str], cache_dir: str, needle: str, timeout: float = 120) -> float:
    """Seconds from start until `needle` is written to a real terminal (a pty, 120x40), then the app is stopped."""
    import fcntl
    import select
    import signal
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env={**env(cache_dir), "TERM": "xterm-256color"}, stdin=slave,
                            stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    seen = b""
    target = needle.encode()
    try:
        while time.perf_counter() - started < timeout:
            if select.select([master], [], [], 0.5)[0]:
                try:
                    seen = (seen + os.read(master, 65536))[-65536:]
                except OSError:
                    break
                if target in seen:
                    return time.perf_counter() - started
            elif proc.poll() is not None:
                break
        raise SystemExit(f"perf: {needle!r} never appeared on the terminal")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
        os.close(master)


def paint_needle(path: str) -> str:
    """A word the app shows near the top of the left pane: the longest word of the first sentence."""
    sys.path.insert(0, str(ROOT))
    from align.segment import segment

    text = Path(path).read_text(encoding="utf-8")
    first = segment(text[:5000])[0].text
    return max(first.split(), key=len)


def seed_sentences(path: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from align.document import read_document
    from tui.cli import seed_paths

    texts = [t for p in seed_paths() for t in read_document(p).texts]
    path.write_text(json.dumps(texts), encoding="utf-8")
    return len(texts)


def model_path() -> str:
    sys.path.insert(0, str(ROOT))
    from align.embed.registry import MINILM

    return str(MINILM.root())


def has_torch_extra() -> bool:
    import importlib.util

    return importlib.util.find_spec("sentence_transformers") is not None


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="repetitions of the fast measurements (best/median)")
    ap.add_argument("--only-hostile", action="store_true", help="only the hostile files")
    ap.add_argument("--skip-hostile", action="store_true", help="everything but the hostile files")
    ap.add_argument("--varied", action="store_true", help="also a 5 MB line of varied words (several minutes)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sbs-perf-"))
    try:
        measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def hostile_files(work: Path, varied: bool) -> list[tuple[str, Path, str]]:
    """(label, path, target) of the hostile files of issue 15."""
    files = [("5 MB line, no full stop ('word ' x 1M)", work / "line.txt", "< 15 s"),
             ("200,000 short sentences ('word. ' x 200k)", work / "short.txt", "< floor + 10 %")]
    files[0][1].write_text("word " * 1_000_000 + "\n", encoding="utf-8")
    files[1][1].write_text("word. " * 200_000 + "\n", encoding="utf-8")
    if varied:  # the seeds' words in a fixed random order: no two units alike, nothing to deduplicate
        import random
        import re

        seeds = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
        words = re.sub(r"[^\w\s]", " ", seeds).lower().split()
        pick = random.Random(15).choice
        line = " ".join(pick(words) for _ in range(5_000_000 // 6))
        files.append(("5 MB line of varied words (no two units alike)", work / "varied.txt", "(no target)"))
        files[2][1].write_text(line[:5_000_000].rsplit(" ", 1)[0] + "\n", encoding="utf-8")
    return files


def measure_hostile(rows: list, work: Path, seed: str, varied: bool) -> None:
    """Each hostile file against a seed: cold (empty caches, the model loads) and warm, next to its floor."""
    sys.path.insert(0, str(ROOT))
    from align.document import read_document

    out = str(work / "hostile.csv")
    for label, path, target in hostile_files(work, varied):
        texts = read_document(path).texts + read_document(seed).texts
        units = work / f"{path.stem}.json"
        units.write_text(json.dumps(texts), encoding="utf-8")
        floor_wall, floor_out = run([PY, "-c", EMBED_FLOOR, str(units), "256"], str(work / "unused"))
        f = json.loads(floor_out.strip().splitlines()[-1])
        floor = floor_wall - f["part"] - f["encode_distinct"] + f["all"]  # start-up + load + encode them all
        cold, report = sbs_align([str(path), seed], out, str(work / f"{path.stem}-cache"))
        warm, warm_report = sbs_align([str(path), seed], out, str(work / f"{path.stem}-cache"))
        print(f"  {label}: cold {cold:.1f} s, warm {warm:.1f} s, floor {floor:.1f} s "
              f"({f['units']:,} units, {f['distinct']:,} distinct)", flush=True)
        verdict = {"< 15 s": "yes" if cold < 15 else "NO",
                   "< floor + 10 %": "yes" if cold < 1.1 * floor else "NO"}.get(target, "")
        rows.append((f"{label} vs a seed, cold `sbs align --csv`", f"{cold:.1f} s",
                     f"floor: load the model + encode its {f['units']:,} units {floor:.1f} s "
                     f"({f['distinct']:,} distinct: {f['encode_distinct']:.1f} s)",
                     f"{cold / floor:.2f}x; target {target}: {verdict}" if verdict else f"{cold / floor:.2f}x"))
        rows.append((f"  the same, warm (cached)", f"{warm:.2f} s", f"peak RSS cold {mb(report['peak_rss'])}",
                     f"warm {mb(warm_report['peak_rss'])}"))


def measure(args: argparse.Namespace, work: Path) -> None:
    rows: list[tuple[str, str, str, str]] = []  # (what, measured, peer or floor, ratio)
    seeds = [str(p) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    if args.only_hostile:
        measure_hostile(rows, work, seeds[0], args.varied)
        print_rows(rows)
        return
    out = str(work / "out.csv")
    sentences = work / "sentences.json"
    n_sent = seed_sentences(sentences)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"seeds: {len(seeds)} articles, {n_sent} sentences", flush=True)

    # Python start-up, the peer of a warm run.
    py_pass = median([PY, "-c", "pass"], str(work / "unused"), args.runs)

    # Cold seeds vs the floor; alternate them so a slow moment of the machine hits both.
    colds, floors = [], []
    cold_report: dict = {}
    for k in range(2):
        cache = str(work / f"cold-{k}")
        wall, cold_report = sbs_align(seeds, out, cache)
        colds.append(wall)
        floors.append(run([PY, "-c", FLOOR, "fast", str(sentences)], str(work / "unused"))[0])
        print(f"  cold sbs align {wall:.1f} s, floor {floors[-1]:.1f} s", flush=True)
    cold, floor = min(colds), min(floors)
    rows.append(("cold `sbs align seeds --csv` (empty cache)", f"{cold:.2f} s",
                 f"floor (load the model + encode {n_sent} sentences) {floor:.2f} s",
                 f"{cold / floor:.2f}x (target < 2 s)"))
    if has_torch_extra():
        peer = min(run([PY, "-c", TORCH_PEER, model_path(), str(sentences)], str(work / "unused"))[0]
                   for _ in range(2))
        rows.append(("  the same with sentence-transformers + torch", f"{peer:.2f} s",
                     "import sentence-transformers + load + encode", f"{peer / cold:.1f}x slower than sbs"))

    # Warm seeds vs `python -c pass`, and what the warm run imported.
    warm_cache = str(work / "cold-1")
    warm_runs = [sbs_align(seeds, out, warm_cache) for _ in range(args.runs)]
    warm = statistics.median(w for w, _ in warm_runs)
    heavy = sorted({m for _, r in warm_runs for m in r["heavy"]})
    rows.append(("warm `sbs align seeds --csv` (cached)", f"{warm:.2f} s", f"`python -c pass` {py_pass:.2f} s",
                 f"{warm / py_pass:.1f}x (target < 1 s wall: {'yes' if warm < 1 else 'NO'})"))
    rows.append(("heavy modules imported by the warm run", ", ".join(heavy) or "none", "must be none",
                 "ok" if not heavy else "FAIL"))

    # The app's first paint (articles on screen, the model still loading) vs a one-line Textual app.
    hello = min(first_paint([PY, "-c", HELLO_APP], str(work / "unused"), "FIRST-PAINT-MARKER")
                for _ in range(3))
    paint_cold = first_paint([PY, "-m", "tui", *seeds], str(work / "paint-cold"), paint_needle(seeds[0]))
    rows.append(("app first paint, seeds (empty cache: the model loads after)", f"{paint_cold:.2f} s",
                 f"one-line Textual app {hello:.2f} s", f"{paint_cold / hello:.2f}x"))

    # Law: stages in one process, cold then warm, plus the whole command warm.
    law = [str(LAW / "Law.kjv.txt"), str(LAW / "Law.web.txt")]
    if all(Path(p).exists() for p in law):
        law_cache = str(work / "law")
        _, cold_out = run([PY, "-c", LAW_STAGES, *law, law_cache], law_cache)
        law_cold = json.loads(cold_out.strip().splitlines()[-1])
        _, warm_out = run([PY, "-c", LAW_STAGES, *law, law_cache], law_cache)
        law_warm = json.loads(warm_out.strip().splitlines()[-1])
        units = law_cold["units"]
        chars = law_cold["chars"]
        seg_rate = sum(chars) / 2**20 / law_cold["segment"]
        rows.append(("Law: segmentation (both sides, first open)", f"{law_cold['segment']:.2f} s",
                     f"{chars[0] / 1e3:,.0f} + {chars[1] / 1e3:,.0f} K chars -> {units[0]:,} + {units[1]:,} units",
                     f"{seg_rate:.2f} MB/s"))
        rows.append(("Law: segmentation, from the cache", f"{law_warm['segment']:.2f} s",
                     f"first open {law_cold['segment']:.2f} s", f"{law_warm['segment'] / law_cold['segment']:.2f}x"))
        n = sum(units)
        rows.append(("Law: embedding, cold (once)", f"{law_cold['embed']:.1f} s",
                     f"{n:,} units", f"{n / law_cold['embed']:.0f} units/s"))
        rows.append(("Law: embedding, from the cache", f"{law_warm['embed']:.2f} s",
                     f"cold {law_cold['embed']:.1f} s", f"{law_warm['embed'] / law_cold['embed']:.3f}x"))
        rows.append(("Law: alignment after embeddings", f"{law_warm['align']:.2f} s",
                     f"{law_warm['candidates']:,} candidate pairs, {law_warm['links']:,} links",
                     f"{law_warm['left_only']:,} / {law_warm['right_only']:,} unmatched"))
        peak = max(law_cold["peak_rss"], law_warm["peak_rss"])
        rows.append(("Law: peak RSS (cold run, model loaded)", mb(law_cold["peak_rss"]), "limit 1.5 GB",
                     "ok" if peak < 1.5 * 2**30 else "OVER"))
        rows.append(("Law: peak RSS (warm run)", mb(law_warm["peak_rss"]), "limit 1.5 GB",
                     f"torch imported: {'yes' if law_warm['torch'] else 'no'}"))
        needle = paint_needle(law[0])
        fresh = first_paint([PY, "-m", "tui", *law], str(work / "law-paint"), needle)
        again = first_paint([PY, "-m", "tui", *law], str(work / "law-paint"), needle)
        rows.append(("Law: app first paint, first open / reopened", f"{fresh:.2f} s / {again:.2f} s",
                     f"one-line Textual app {hello:.2f} s", f"{fresh / hello:.1f}x / {again / hello:.1f}x"))
        law_wall, law_report = sbs_align(law, out, law_cache)
        rows.append(("Law: warm `sbs align --csv` end to end", f"{law_wall:.2f} s", f"`python -c pass` {py_pass:.2f} s",
                     f"{law_wall / py_pass:.1f}x, peak {mb(law_report['peak_rss'])}"))
        print(f"  Law longest unit: {law_warm['max_unit']} chars", flush=True)
    else:
        print(f"  Law not found under {LAW}: skipped", flush=True)
    if not args.skip_hostile:
        measure_hostile(rows, work, seeds[0], args.varied)
    print_rows(rows)


def print_rows(rows: list[tuple[str, str, str, str]]) -> None:
    print()
    print("| measurement | value | floor / peer (same run) | ratio |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
