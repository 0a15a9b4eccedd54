"""Alignment quality against the gold in ../shared/eval: our aligner next to two baselines, with timings.

Every method goes through the same path a user's export takes: a Comparison written by align.export.write_csv,
then scored by the eval's own score.py (run as a subprocess; its last line is `P=.. R=.. F1=..`).

    .venv/bin/python bench/quality.py [--eval-dir DIR] [--skip-law] [--threshold T]

Baselines live here, not in the library: plain cosine >= 0.6, and difflib word ratio >= 0.3 (all pairs; left
out on Law, where 18 million SequenceMatcher calls would take most of an hour).
The real model is used with the on-disk embedding cache, so only the first run pays for embeddings.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align.alignment import PairScores  # noqa: E402
from align.compare import Comparison, compare, embed_documents  # noqa: E402
from align.document import Document, read_document  # noqa: E402
from align.export import write_csv  # noqa: E402
from align.linking import THRESHOLD  # noqa: E402

SEED_PAIRS = ("000_003", "001_004", "002_003")
COSINE_MIN = 0.6
DIFFLIB_MIN = 0.3
_LAST = re.compile(r"P=([\d.]+) R=([\d.]+) F1=([\d.]+)")


@dataclass
class Corpus:
    name: str
    docs: list[Document]
    score_args: list[str]  # arguments to score.py after the CSV path
    embeddings: list[np.ndarray] | None = None
    embed_seconds: float = 0.0


@dataclass
class Result:
    method: str
    p: float
    r: float
    f1: float
    seconds: float  # scoring + linking (+ CSV rows), after embeddings


def seeds_corpus(eval_dir: Path) -> Corpus:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    wanted = sorted({k for p in SEED_PAIRS for k in p.split("_")})
    docs = [read_document(p) for p in seeds if p.name[:3] in wanted]
    return Corpus("seeds-dev", docs, ["seeds", "CSV", str(eval_dir / "seeds-dev"), *SEED_PAIRS])


def bible_corpus(eval_dir: Path, book: str) -> Corpus:
    d = eval_dir / "bible-dev"
    kjv, web = d / f"{book}.kjv.txt", d / f"{book}.web.txt"
    return Corpus(book, [read_document(kjv), read_document(web)],
                  ["bible", "CSV", str(kjv), str(web), str(d / f"{book}.gold.json")])


def score_csv(eval_dir: Path, corpus: Corpus, csv_path: str) -> tuple[float, float, float]:
    args = [a if a != "CSV" else csv_path for a in corpus.score_args]
    out = subprocess.run([sys.executable, str(eval_dir / "score.py"), *args], capture_output=True, text=True,
                         check=True).stdout
    m = _LAST.search(out.strip().splitlines()[-1])
    if not m:
        raise SystemExit(f"score.py printed no P/R/F1 line:\n{out}")
    return float(m[1]), float(m[2]), float(m[3])


def cosine_pairs(el: np.ndarray, er: np.ndarray, minimum: float, block: int = 512) -> tuple[np.ndarray, np.ndarray]:
    pairs, scores = [], []
    for b0 in range(0, el.shape[0], block):
        sim = el[b0:b0 + block] @ er.T
        i, j = np.nonzero(sim >= minimum)
        pairs.append(np.stack([i + b0, j], axis=1))
        scores.append(np.clip(sim[i, j], 0.0, 1.0))
    if not pairs:
        return np.zeros((0, 2), np.int32), np.zeros(0, np.float32)
    return np.concatenate(pairs).astype(np.int32), np.concatenate(scores).astype(np.float32)


def difflib_pairs(left: Document, right: Document, minimum: float) -> tuple[np.ndarray, np.ndarray]:
    words = lambda d: [re.findall(r"\w+", s.text.lower()) for s in d.sentences]  # noqa: E731
    wl, wr = words(left), words(right)
    pairs, scores = [], []
    for i, a in enumerate(wl):
        sm = difflib.SequenceMatcher(None, autojunk=False)
        sm.set_seq2(a)
        for j, b in enumerate(wr):
            sm.set_seq1(b)
            if sm.real_quick_ratio() >= minimum and sm.quick_ratio() >= minimum:
                r = sm.ratio()
                if r >= minimum:
                    pairs.append((i, j))
                    scores.append(r)
    return np.array(pairs, np.int32).reshape(-1, 2), np.array(scores, np.float32)


def baseline_comparison(corpus: Corpus, method: str) -> Comparison:
    docs, embs = corpus.docs, corpus.embeddings
    scores = {}
    for i, j in combinations(range(len(docs)), 2):
        if method == "cosine":
            p, s = cosine_pairs(embs[i], embs[j], COSINE_MIN)
        else:
            p, s = difflib_pairs(docs[i], docs[j], DIFFLIB_MIN)
        scores[(i, j)] = PairScores(docs[i], docs[j], p, s)
    # Every candidate already passed the baseline's own cut; link everything kept.
    return Comparison(docs, scores, 0.0)


def run(eval_dir: Path, corpus: Corpus, method: str, threshold: float, tmp: str) -> Result:
    t0 = time.perf_counter()
    if method == "ours":
        comparison = compare(corpus.docs, None, threshold, embeddings=corpus.embeddings)  # type: ignore[arg-type]
    else:
        comparison = baseline_comparison(corpus, method)
    for pair in comparison.pairs:
        comparison.alignment(*pair)
    seconds = time.perf_counter() - t0
    path = os.path.join(tmp, f"{corpus.name}-{method}.csv")
    write_csv(comparison, path)
    p, r, f1 = score_csv(eval_dir, corpus, path)
    return Result(method, p, r, f1, seconds)


def embed(corpus: Corpus, embedder) -> None:
    t0 = time.perf_counter()
    corpus.embeddings = embed_documents(corpus.docs, embedder)
    corpus.embed_seconds = time.perf_counter() - t0


def alignment_memory(corpus: Corpus, threshold: float) -> float:
    """Peak Python/numpy allocation (MB) while scoring and linking one corpus with our aligner."""
    tracemalloc.start()
    comparison = compare(corpus.docs, None, threshold, embeddings=corpus.embeddings)  # type: ignore[arg-type]
    for pair in comparison.pairs:
        comparison.alignment(*pair)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--threshold", type=float, default=THRESHOLD, help=f"our link threshold (default {THRESHOLD})")
    ap.add_argument("--skip-law", action="store_true", help="leave out the 4,300-verse Law pair")
    ap.add_argument("--model", default=None, help="embedding model (default: the bundled all-MiniLM-L6-v2)")
    ap.add_argument("--cold", action="store_true",
                    help="embed without the cache, to time a first run (Law then takes a few minutes)")
    args = ap.parse_args(argv)
    from align.embed import make_embedder

    eval_dir = args.eval_dir.resolve()
    corpora = [seeds_corpus(eval_dir), bible_corpus(eval_dir, "Ruth")]
    if not args.skip_law:
        corpora.append(bible_corpus(eval_dir, "Law"))
    embedder = make_embedder(args.model, use_cache=not args.cold)
    rows = []
    timing = []
    with tempfile.TemporaryDirectory(prefix="sbs-quality-") as tmp:
        for c in corpora:
            embed(c, embedder)
            n = sum(len(d.sentences) for d in c.docs)
            print(f"{c.name}: {len(c.docs)} documents, {n} sentences, embeddings {c.embed_seconds:.2f}s",
                  file=sys.stderr, flush=True)
            results = {}
            for method in ("ours", "cosine", "difflib"):
                if method == "difflib" and c.name == "Law":
                    continue
                results[method] = run(eval_dir, c, method, args.threshold, tmp)
                r = results[method]
                print(f"  {method:8s} P={r.p:.3f} R={r.r:.3f} F1={r.f1:.3f} ({r.seconds:.2f}s)", file=sys.stderr,
                      flush=True)
            rows.append((c, results))
            timing.append((c.name, n, c.embed_seconds, results["ours"].seconds))
        law = next((c for c in corpora if c.name == "Law"), None)
        law_peak = alignment_memory(law, args.threshold) if law else None

    def cell(res: dict, m: str) -> str:
        if m not in res:
            return "— | — | —"
        r = res[m]
        return f"{r.p:.3f} | {r.r:.3f} | **{r.f1:.3f}**" if m == "ours" else f"{r.p:.3f} | {r.r:.3f} | {r.f1:.3f}"

    print(f"\nAlignment quality (all-MiniLM-L6-v2; our threshold {args.threshold}; scored by eval/score.py)\n")
    print("| corpus | ours P | ours R | ours F1 | cosine>=0.6 P | R | F1 | difflib>=0.3 P | R | F1 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for c, res in rows:
        print(f"| {c.name} | {cell(res, 'ours')} | {cell(res, 'cosine')} | {cell(res, 'difflib')} |")
    how = "cold, no cache, model load included" if args.cold else "with the on-disk cache as it stands"
    print(f"\nTime split (embedding {how}; alignment = scoring + linking, after embeddings)\n")
    print("| corpus | sentences | embedding s | alignment s | alignment share |")
    print("|---|---|---|---|---|")
    for name, n, e, a in timing:
        print(f"| {name} | {n} | {e:.2f} | {a:.2f} | {100 * a / (e + a):.0f}% |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if law_peak is not None:
        print(f"\nLaw: peak allocation while aligning {law_peak:.0f} MB (tracemalloc); process peak RSS {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
