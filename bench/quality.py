"""Alignment quality against the gold in ../shared/eval, cross-validated, through the CSV a user gets.

    .venv/bin/python bench/quality.py [--model NAME ...] [--eval-dir DIR] [--skip-law] [--threshold T] [--cold]

The headline is leave-one-pair-out: each dev pair (and Ruth, and Law) is aligned with score weights fitted by
bench/calibrate.py on the other folds only, written by align.export.write_csv and scored by the eval's own
score.py (a subprocess; its last line is `P=.. R=.. F1=..`). The near-duplicate pair 000_003 is reported apart
from the two pairs that only overlap (001_004, 002_003: the hard case, and the dev proxy for news never seen).
In-sample figures (the weights shipped in align/weights/, fitted on every fold) are printed too, and flatter.
Baselines, on the same sentences and through the same CSV: plain cosine >= 0.6 (the model's), and difflib
word ratio >= 0.3 (left out on Law, where 18 million SequenceMatcher calls would take most of an hour).
Embeddings come from the on-disk cache when present; --cold times a first run with the cache off.
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


def embed(corpus: Corpus, embedder) -> None:
    t0 = time.perf_counter()
    corpus.embeddings = embed_documents(corpus.docs, embedder)
    corpus.embed_seconds = time.perf_counter() - t0


FOLDS = ("000_003", "001_004", "002_003", "Ruth", "Law")
HARD = ("001_004", "002_003")


def pair_corpus(eval_dir: Path, name: str) -> Corpus:
    """One fold as a corpus: a dev pair of seeds, or a Bible book."""
    if "_" in name:
        seeds = {p.name[:3]: p for p in (ROOT / "seeds").glob("*.txt")}
        a, b = name.split("_")
        return Corpus(name, [read_document(seeds[a]), read_document(seeds[b])],
                      ["seeds", "CSV", str(eval_dir / "seeds-dev"), name])
    return bible_corpus(eval_dir, name)


def write_ours(corpus: Corpus, threshold: float, weights, path: str) -> float:
    t0 = time.perf_counter()
    comparison = compare(corpus.docs, None, threshold, embeddings=corpus.embeddings, weights=weights)  # type: ignore[arg-type]
    for pair in comparison.pairs:
        comparison.alignment(*pair)
    seconds = time.perf_counter() - t0
    write_csv(comparison, path)
    return seconds


def score_seed_csvs(eval_dir: Path, csvs: list[str], pairs: tuple[str, ...], tmp: str) -> tuple[float, float, float]:
    """Micro P/R/F1 over several pairs: their CSVs joined, scored in one call of score.py."""
    joined = os.path.join(tmp, "joined-" + "-".join(pairs) + ".csv")
    with open(joined, "w", encoding="utf-8", newline="") as out:
        for k, path in enumerate(csvs):
            with open(path, encoding="utf-8", newline="") as f:
                lines = f.readlines()
            out.writelines(lines if k == 0 else lines[1:])
    c = Corpus("+".join(pairs), [], ["seeds", "CSV", str(eval_dir / "seeds-dev"), *pairs])
    return score_csv(eval_dir, c, joined)


def cross_validated(eval_dir: Path, model: str, folds: list[str], threshold: float, tmp: str) -> dict:
    """{fold: (P, R, F1, csv path)} with each fold aligned by weights fitted without it (bench/calibrate.py)."""
    import calibrate
    from align.scoring import Weights

    tasks = calibrate.load_tasks(eval_dir, "Law" in folds, model)
    out = {}
    for held in tasks:
        pw, cw = calibrate.fit([t for t in tasks if t is not held])
        corpus = pair_corpus(eval_dir, held.name)
        corpus.embeddings = [held.el, held.er]
        path = os.path.join(tmp, f"{model}-cv-{held.name}.csv")
        write_ours(corpus, threshold, Weights(f"cv-{held.name}", pw, cw, calibrate.lexical(model)), path)
        out[held.name] = (*score_csv(eval_dir, corpus, path), path)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--threshold", type=float, default=THRESHOLD, help=f"our link threshold (default {THRESHOLD})")
    ap.add_argument("--skip-law", action="store_true", help="leave out the 4,300-verse Law pair")
    ap.add_argument("--model", action="append", default=None,
                    help="embedding model (repeat to compare; default: accurate and fast)")
    ap.add_argument("--cold", action="store_true",
                    help="embed without the cache, to time a first run (Law then takes minutes)")
    args = ap.parse_args(argv)
    from align.embed import make_embedder
    from align.scoring import Weights

    sys.path.insert(0, str(ROOT / "bench"))
    eval_dir = args.eval_dir.resolve()
    folds = [f for f in FOLDS if not (args.skip_law and f == "Law")]
    models = args.model or ["accurate", "fast"]
    headline, insample, baselines, timing = {}, {}, {}, []
    with tempfile.TemporaryDirectory(prefix="sbs-quality-") as tmp:
        for model in models:
            embedder = make_embedder(model, use_cache=not args.cold)
            print(f"[{model}] cross-validating ...", file=sys.stderr, flush=True)
            cv = cross_validated(eval_dir, model, folds, args.threshold, tmp)
            hard = score_seed_csvs(eval_dir, [cv[p][3] for p in HARD], HARD, tmp)
            headline[model] = {"hard": hard, **{f: cv[f][:3] for f in folds}}
            ins = {}
            for f in folds:
                corpus = pair_corpus(eval_dir, f)
                embed(corpus, embedder)
                path = os.path.join(tmp, f"{model}-in-{f}.csv")
                seconds = write_ours(corpus, args.threshold, Weights.load(embedder.weights_name), path)
                ins[f] = (*score_csv(eval_dir, corpus, path), path)
                n = sum(len(d.sentences) for d in corpus.docs)
                timing.append((model, f, n, corpus.embed_seconds, seconds))
                if model == models[0]:
                    for method in ("cosine", "difflib"):
                        if method == "difflib" and f == "Law":
                            continue
                        bpath = os.path.join(tmp, f"{method}-{f}.csv")
                        write_csv(baseline_comparison(corpus, method), bpath)
                        baselines.setdefault(method, {})[f] = (*score_csv(eval_dir, corpus, bpath), bpath)
            insample[model] = {"hard": score_seed_csvs(eval_dir, [ins[p][3] for p in HARD], HARD, tmp),
                               **{f: ins[f][:3] for f in folds}}
        for method, res in baselines.items():
            res["hard"] = score_seed_csvs(eval_dir, [res[p][3] for p in HARD], HARD, tmp)

    def cell(r) -> str:
        return f"{r[0]:.3f} / {r[1]:.3f} / **{r[2]:.3f}**" if r else "—"

    cols = ["hard", "000_003", *[f for f in folds if f not in ("000_003", *HARD)]]
    names = {"hard": "news pairs 001_004 + 002_003", "000_003": "near-duplicate 000_003"}
    print(f"\nLeave-one-pair-out (threshold {args.threshold}; P / R / F1 by eval/score.py through the CSV)\n")
    print("| model | " + " | ".join(names.get(c, c) for c in cols) + " |")
    print("|---|" + "---|" * len(cols))
    for model in models:
        print(f"| {model} | " + " | ".join(cell(headline[model].get(c)) for c in cols) + " |")
    print("\nPer pair, leave-one-pair-out: " + "; ".join(
        f"{model} " + ", ".join(f"{p} {headline[model][p][2]:.3f}" for p in HARD) for model in models))
    print("\nIn-sample (weights in align/weights/, fitted on every fold: optimistic)\n")
    print("| model | " + " | ".join(names.get(c, c) for c in cols) + " |")
    print("|---|" + "---|" * len(cols))
    for model in models:
        print(f"| {model} | " + " | ".join(cell(insample[model].get(c)) for c in cols) + " |")
    for method, res in baselines.items():
        label = f"cosine >= {COSINE_MIN} ({models[0]})" if method == "cosine" else f"difflib ratio >= {DIFFLIB_MIN}"
        print(f"| {label} | " + " | ".join(cell(res.get(c)) for c in cols) + " |")
    how = "cold, no cache, model load included" if args.cold else "with the on-disk cache as it stands"
    print(f"\nTime (embedding {how}; alignment = scoring + linking after embeddings)\n")
    print("| model | corpus | sentences | embedding s | alignment s |")
    print("|---|---|---|---|---|")
    for model, name, n, e, a in timing:
        print(f"| {model} | {name} | {n} | {e:.2f} | {a:.2f} |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
