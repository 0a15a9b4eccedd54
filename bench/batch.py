"""Batch throughput: clusters per minute by pool size, and each cluster's cost split into read / embed / align /
write, with the real model, cold cache and warm.

    .venv/bin/python bench/batch.py [--clusters 20] [--model fast] [--no-dask]   (two to three minutes here)

The clusters are made from the seeds: three of the five articles each (the ten ways of choosing them, in turn),
every article ending in a line that names its cluster, so no two clusters share a text and a cold cache is cold
for every cluster. "cold" is an empty embedding cache (each worker also loads the model once); "warm" runs the
same batch again with --force over the filled cache (no model is loaded at all). Wall time is the whole
run_batch call (pool start-up included); the split is measured inside the workers and averaged per cluster.
A Dask LocalCluster of two workers is measured too when dask.distributed is installed. A benchmark prints
numbers; it never fails on them.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_clusters(folder: Path, count: int) -> Path:
    """`count` clusters of three seed articles each, every text unique to its cluster; returns the manifest."""
    import json

    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    combos = list(combinations(seeds, 3))
    lines = []
    for k in range(count):
        d = folder / f"c{k:03d}"
        d.mkdir(parents=True)
        for p in combos[k % len(combos)]:
            text = p.read_text(encoding="utf-8").rstrip("\n") + f"\n\nFiled for cluster {k}.\n"
            (d / p.name).write_text(text, encoding="utf-8")
        lines.append(json.dumps({"cluster": f"c{k:03d}", "articles": [d.name]}))
    manifest = folder / "manifest.jsonl"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def measure(manifest: Path, out: Path, cache: Path, model: str, workers: int, scheduler, force: bool) -> dict:
    from align.batch import run_batch

    started = time.perf_counter()
    report = run_batch(manifest, out, model=model, workers=workers, scheduler=scheduler, cache_dir=cache,
                       force=force)
    wall = time.perf_counter() - started
    ran = [r for r in report.results if r.status == "done"]
    bad = [r for r in report.results if r.status != "done"]
    if bad:
        raise SystemExit(f"batch: {bad[0].cluster}: {bad[0].status} {bad[0].error}")
    mean = {k: statistics.mean(getattr(r, k) for r in ran) for k in ("read_s", "embed_s", "align_s", "write_s",
                                                                      "seconds")}
    return {"wall": wall, "n": len(ran), "sentences": statistics.mean(r.sentences for r in ran), **mean}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clusters", type=int, default=20)
    ap.add_argument("--model", default="fast")
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    from importlib.util import find_spec

    dask = not args.no_dask and find_spec("distributed") is not None
    print(f"# sbs batch: {args.clusters} clusters of 3 seed articles, model {args.model}; "
          f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, Python {platform.python_version()}; "
          f"load average before: {os.getloadavg()[0]:.1f}")
    runs = [("pool", 1, None), ("pool", 2, None)] + ([("dask local", 2, "local")] if dask else [])
    rows = []
    with tempfile.TemporaryDirectory(prefix="sbs-bench-batch-") as tmp:
        manifest = make_clusters(Path(tmp) / "in", args.clusters)
        for name, workers, scheduler in runs:
            cache = Path(tmp) / f"cache-{name.replace(' ', '-')}-{workers}"
            out = Path(tmp) / f"out-{name.replace(' ', '-')}-{workers}"
            for state, force in (("cold", False), ("warm", True)):
                r = measure(manifest, out, cache, args.model, workers, scheduler, force)
                rows.append((name, workers, state, r))
                print(f"# {name} x{workers} {state}: {r['wall']:.1f} s", file=sys.stderr, flush=True)
    n = rows[0][3]["n"]
    print(f"# load average after: {os.getloadavg()[0]:.1f} (the machine is shared: other work slows every row)")
    print(f"\nmean sentences per cluster: {rows[0][3]['sentences']:.0f}; split = seconds per cluster inside a worker\n")
    print("| runner | workers | cache | clusters/min | wall s | read | embed | align | write | cluster total |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, workers, state, r in rows:
        print(f"| {name} | {workers} | {state} | {60 * n / r['wall']:.0f} | {r['wall']:.1f} | {r['read_s']:.3f} | "
              f"{r['embed_s']:.3f} | {r['align_s']:.3f} | {r['write_s']:.3f} | {r['seconds']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
