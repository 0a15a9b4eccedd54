"""What each embedding model costs: building it once, loading it, and encoding the seed sentences, cold.

    .venv/bin/python bench/models.py [--book]      (--book adds Law: 8,838 sentences, minutes per model)

Each model runs in a child process of its own, so the load time includes its imports and the peak RSS is that
model's alone. Quality per model is bench/quality.py's job (--model NAME).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from align.document import read_document
from align.embed import make_embedder
paths = sys.argv[2:]
texts = [t for p in paths for t in read_document(p).texts]
e = make_embedder(sys.argv[1], use_cache=False)
t1 = time.perf_counter()
for m in getattr(e, "members", [e]):
    getattr(m, "load", lambda: None)()
t2 = time.perf_counter()
e.encode(texts)
t3 = time.perf_counter()
print(json.dumps({"n": len(texts), "load": t2 - t0, "encode": t3 - t2,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "torch": "torch" in sys.modules}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--book", action="store_true", help="also encode Law (KJV and WEB)")
    ap.add_argument("--model", action="append", default=None)
    args = ap.parse_args()
    seeds = sorted(str(p) for p in (ROOT / "seeds").glob("*.txt"))
    corpora = [("seeds", seeds)]
    law = ROOT.parent / "shared" / "eval" / "bible-dev"
    if args.book:
        corpora.append(("Law", [str(law / "Law.kjv.txt"), str(law / "Law.web.txt")]))
    print("| model | corpus | sentences | load s (imports included) | encode s | sentences/s | peak RSS MB | torch |")
    print("|---|---|---|---|---|---|---|---|")
    for model in args.model or ["fast", "accurate", "mpnet", "multilingual"]:
        for name, paths in corpora:
            r = subprocess.run([sys.executable, "-c", CHILD, model, *paths], cwd=ROOT, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"| {model} | {name} | failed: {r.stderr.strip().splitlines()[-1]} |")
                continue
            d = json.loads(r.stdout.strip().splitlines()[-1])
            print(f"| {model} | {name} | {d['n']} | {d['load']:.2f} | {d['encode']:.2f} | {d['n'] / d['encode']:.0f} "
                  f"| {d['rss']:.0f} | {'yes' if d['torch'] else 'no'} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
