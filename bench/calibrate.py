"""Fit the aligner's score weights on the dev gold and report leave-one-pair-out cross-validation.

    .venv/bin/python bench/calibrate.py [--model NAME] [--eval-dir DIR] [--skip-law] [--write]

Folds: the three seeds-dev news pairs, Ruth and Law. Each fold is scored by weights fitted on the other four
(leave-one-pair-out), so every number in the first table comes from weights that never saw that pair.
News pairs and Bible books weigh the same in total, so one set of weights serves both.
Metrics follow eval/score.py (seeds: a gold link is found when a link holds both quotes; Bible: verse
coverage) but are computed in-process on the candidates, which makes sweeping thresholds cheap; the final
numbers that count are bench/quality.py's, through the CSV export.
Prints the weights fitted on all folds; --write stores them as align/weights/<model>.json (each model's cosines
have their own scale, so each model has its own weights).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align.compare import embed_documents  # noqa: E402
from align.document import Document, read_document  # noqa: E402
from align.features import FEATURES, Candidates, candidates, pair_features  # noqa: E402
from align.scoring import CONTEXT, FIRST_PASS, Weights, score_candidates, second_pass_inputs  # noqa: E402

FOLDS = ("000_003", "001_004", "002_003", "Ruth", "Law")
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@dataclass
class Task:
    name: str
    kind: str  # seeds | bible
    left: Document
    right: Document
    gold: object
    el: np.ndarray = None
    er: np.ndarray = None
    c: Candidates = None
    X: np.ndarray = None
    y: np.ndarray = None
    extra: dict = field(default_factory=dict)

    def prepare(self) -> None:
        if self.kind == "seeds":
            lt = [norm(s.text) for s in self.left.sentences]
            rt = [norm(s.text) for s in self.right.sentences]
            self.extra["gold_pairs"] = [
                {(i, j) for i, x in enumerate(lt) if norm(g["a"]) in x for j, z in enumerate(rt) if norm(g["b"]) in z}
                for g in self.gold]
            self.extra["pos"] = set().union(*self.extra["gold_pairs"])
        else:
            def verses(spans, s, e):
                return {v for a, b, v in spans if a < e and s < b}
            self.extra["lv"] = [verses(self.gold["kjv"], s.start, s.end) for s in self.left.sentences]
            self.extra["rv"] = [verses(self.gold["web"], s.start, s.end) for s in self.right.sentences]
            self.extra["all"] = {v for *_, v in self.gold["kjv"]} & {v for *_, v in self.gold["web"]}
        self.c = candidates(self.el, self.er)
        self.X = pair_features(self.left, self.right, self.el, self.er, self.c).astype(np.float64)
        self.y = self.labels(self.c.pairs).astype(np.float64)

    def labels(self, pairs: np.ndarray) -> np.ndarray:
        if self.kind == "seeds":
            return np.array([(int(i), int(j)) in self.extra["pos"] for i, j in pairs], bool)
        lv, rv = self.extra["lv"], self.extra["rv"]
        return np.array([bool(lv[i] & rv[j]) for i, j in pairs.tolist()], bool)

    def counts(self, links: np.ndarray) -> np.ndarray:
        """(correct links, links, gold found, gold total) as eval/score.py counts them."""
        links = [(int(i), int(j)) for i, j in links]
        if self.kind == "seeds":
            got = set(links)
            tp = sum(x in self.extra["pos"] for x in links)
            hit = sum(bool(gp & got) for gp in self.extra["gold_pairs"])
            return np.array([tp, len(links), hit, len(self.gold)])
        lv, rv = self.extra["lv"], self.extra["rv"]
        tp, cov = 0, set()
        for i, j in links:
            common = lv[i] & rv[j]
            if common:
                tp += 1
                cov |= common
        return np.array([tp, len(links), len(cov & self.extra["all"]), len(self.extra["all"])])


def prf(counts) -> tuple[float, float, float]:
    tp, n, hit, total = counts
    p = tp / n if n else 0.0
    r = hit / total if total else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def load_tasks(eval_dir: Path, with_law: bool, model: str | None = None) -> list[Task]:
    from align.embed import make_embedder

    embedder = make_embedder(model)
    seeds = {p.name[:3]: p for p in (ROOT / "seeds").glob("*.txt")}
    tasks = []
    for name in FOLDS if with_law else FOLDS[:-1]:
        if "_" in name:
            a, b = name.split("_")
            t = Task(name, "seeds", read_document(seeds[a]), read_document(seeds[b]),
                     json.loads((eval_dir / "seeds-dev" / f"links_{name}.json").read_text()))
        else:
            d = eval_dir / "bible-dev"
            t = Task(name, "bible", read_document(d / f"{name}.kjv.txt"), read_document(d / f"{name}.web.txt"),
                     json.loads((d / f"{name}.gold.json").read_text()))
        t.el, t.er = embed_documents([t.left, t.right], embedder)
        t.prepare()
        if not lexical(model):  # fitted as scored: without the word-overlap features (align.scoring.Weights)
            t.X[:, [FEATURES.index("lex"), FEATURES.index("shared")]] = 0.0
        tasks.append(t)
    return tasks


def lexical(model: str | None) -> bool:
    from align.embed import DEFAULT_MODEL, spec_for

    spec = spec_for(model or DEFAULT_MODEL)
    return spec.lexical if spec else True


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1e-2, iters: int = 60) -> np.ndarray:
    """Weighted, lightly L2-regularised logistic regression by Newton's method; returns weights + intercept."""
    X1 = np.hstack([X, np.ones((len(X), 1))])
    b = np.zeros(X1.shape[1])
    reg = l2 * np.r_[np.ones(X.shape[1]), 0.0]
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(X1 @ b, -40, 40)))
        g = X1.T @ (w * (p - y)) + reg * b
        H = (X1 * (w * p * (1 - p))[:, None]).T @ X1 + np.diag(reg)
        step = np.linalg.solve(H, g)
        b -= step
        if np.abs(step).max() < 1e-8:
            break
    return b


#: Weight of a news gold link relative to a news non-link. Calibrated probabilities are F1-optimal near half
#: the F1 they can reach, which puts news (F1 ~0.5) and books (~0.97) at different thresholds; weighting news
#: links up moves news's operating point next to the books', so one threshold serves both.
#: Cross-validated news P/R at threshold 0.5: 1 -> 0.68/0.33, 1.5 -> 0.69/0.44, 2 -> 0.62/0.47, 3 -> 0.54/0.54
#: (Ruth and Law within 0.002 of each other).
NEWS_LINK_WEIGHT = 2.0


def sample_weights(tasks: list[Task]) -> np.ndarray:
    """News pairs share half the weight, Bible books the other half (all of it if only one kind is present)."""
    kinds = {t.kind for t in tasks}
    out = []
    for t in tasks:
        same = sum(1 for u in tasks if u.kind == t.kind)
        w = np.full(len(t.y), 1000.0 / (len(kinds) * same * len(t.y)))
        if t.kind == "seeds":
            w[t.y > 0] *= NEWS_LINK_WEIGHT
        out.append(w)
    return np.concatenate(out)


def fit(tasks: list[Task]) -> tuple[np.ndarray, np.ndarray]:
    X = np.vstack([t.X for t in tasks])
    y = np.concatenate([t.y for t in tasks])
    w = sample_weights(tasks)
    pair_w = fit_logistic(X[:, :len(FIRST_PASS)], y, w)
    second = np.vstack([second_pass_inputs(t.left, t.right, t.c.pairs, t.X, pair_w) for t in tasks])
    context_w = fit_logistic(second, y, w)
    return pair_w, context_w


def predict(t: Task, weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    return score_candidates(t.left, t.right, t.c.pairs, t.X, Weights("fitted", *weights))  # X as fitted


def table(scores: dict[str, np.ndarray], tasks: list[Task], title: str) -> None:
    print(f"\n{title}")
    print("| threshold | seeds-dev P | R | F1 | " + " | ".join(f"{t.name} P | R | F1" for t in tasks if t.kind == "bible") + " |")
    for th in THRESHOLDS:
        news = sum(t.counts(t.c.pairs[scores[t.name] >= th]) for t in tasks if t.kind == "seeds")
        cells = ["%.3f | %.3f | %.3f" % prf(news)]
        cells += ["%.3f | %.3f | %.3f" % prf(t.counts(t.c.pairs[scores[t.name] >= th])) for t in tasks if t.kind == "bible"]
        print(f"| {th:.2f} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="embedding model (default: the app's default)")
    ap.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--skip-law", action="store_true")
    ap.add_argument("--write", action="store_true", help="store the weights fitted on all folds for this model")
    args = ap.parse_args(argv)
    from align.embed import DEFAULT_MODEL, make_embedder

    model = args.model or DEFAULT_MODEL
    name = make_embedder(model, use_cache=False).weights_name
    tasks = load_tasks(args.eval_dir.resolve(), not args.skip_law, model)
    dev = [t for t in tasks if t.name in FOLDS]
    for t in tasks:
        print(f"{t.name}: {len(t.left.sentences)} x {len(t.right.sentences)} sentences, {len(t.y)} candidates, "
              f"{int(t.y.sum())} correct; candidate ceiling P/R/F1 %.3f %.3f %.3f" % prf(t.counts(t.c.pairs[t.y > 0])))
    full = fit(dev)
    cv = {}
    for held in dev:
        cv[held.name] = predict(held, fit([t for t in dev if t is not held]))
    table(cv, tasks, f"Leave-one-pair-out cross-validation ({model}): each pair scored by weights fitted on the others")
    try:
        current = Weights.load(name)
        table({t.name: predict(t, (current.pair, current.context)) for t in tasks}, tasks,
              f"Weights in align/weights/{name}.json (fitted on all dev folds: optimistic for them)")
    except (FileNotFoundError, ValueError):
        pass
    print("\nFEATURES =", FEATURES, " FIRST_PASS =", FIRST_PASS, " CONTEXT = (first-pass log-odds,) +", CONTEXT)
    print("pair    =", [float(f"{x:.3g}") for x in full[0]])
    print("context =", [float(f"{x:.3g}") for x in full[1]])
    if args.write:
        out = ROOT / "align" / "weights" / f"{name}.json"
        out.write_text(json.dumps({
            "model": model,
            "fitted_by": "bench/calibrate.py on " + ", ".join(t.name for t in dev)
                         + "; news and Bible weighted equally, news links x%g" % NEWS_LINK_WEIGHT,
            "lexical": lexical(model),
            "first_pass": list(FIRST_PASS),
            "second_pass": ["first-pass log-odds", *CONTEXT],
            "pair": [float(f"{x:.3g}") for x in full[0]],
            "context": [float(f"{x:.3g}") for x in full[1]],
        }, indent=2) + "\n")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
