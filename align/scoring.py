"""Scoring candidate sentence pairs: embeddings plus rarity-weighted lexical evidence.

The dense similarity matrix is never held whole: rows are scored in blocks and only each row's and each
column's best candidates are kept, so a book-length pair stays within bounded memory.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from align.alignment import PairScores
from align.document import Document

#: Rows of the similarity matrix computed at once (BLOCK x len(right) floats).
BLOCK = 512
#: Candidates kept per row and per column.
TOP_K = 6
#: Below this cosine nothing is a candidate.
FLOOR = 0.25

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    "the a an and or but of to in on at by for with from as is are was were be been being has have had it its "
    "this that these those he she they them his her their we our you your i not no said says say after before "
    "than then there which who whom what when where while also into over about more most some such only other "
    "would could should will can may might do does did so if up out new one two".split()
)


def content_words(text: str) -> list[str]:
    """Lower-cased content words, crudely stemmed (first 6 letters) so 'injured'/'injuries' meet."""
    out = []
    for w in _WORD.findall(text.lower()):
        if w in _STOP or (len(w) < 3 and not w.isdigit()):
            continue
        out.append(w if w.isdigit() else w[:6])
    return out


def idf_weights(left: Document, right: Document) -> dict[str, float]:
    df: Counter[str] = Counter()
    n = 0
    for doc in (left, right):
        for s in doc.sentences:
            df.update(set(content_words(s.text)))
            n += 1
    return {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}


def lexical(a: set[str], b: set[str], idf: dict[str, float]) -> float:
    """Rarity-weighted overlap: weight of shared words over the weight of the smaller side."""
    if not a or not b:
        return 0.0
    shared = sum(idf.get(w, 1.0) for w in a & b)
    small = min(sum(idf.get(w, 1.0) for w in a), sum(idf.get(w, 1.0) for w in b))
    return shared / small if small else 0.0


def candidates(el: np.ndarray, er: np.ndarray, top_k: int = TOP_K, floor: float = FLOOR) -> dict[tuple[int, int], float]:
    """Best-k pairs per row and per column by cosine, computed in row blocks."""
    n, m = el.shape[0], er.shape[0]
    out: dict[tuple[int, int], float] = {}
    if n == 0 or m == 0:
        return out
    k = min(top_k, m)
    col_best = np.full((min(top_k, n), m), -2.0, dtype=np.float32)
    col_idx = np.zeros((min(top_k, n), m), dtype=np.int64)
    for b0 in range(0, n, BLOCK):
        sim = el[b0:b0 + BLOCK] @ er.T  # (block, m)
        top = np.argpartition(-sim, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (sim.shape[0], 1))
        for r in range(sim.shape[0]):
            for j in top[r]:
                v = float(sim[r, j])
                if v >= floor:
                    out[(b0 + r, int(j))] = v
        # Merge this block's best rows per column into the running top-k per column.
        kk = col_best.shape[0]
        stacked = np.concatenate([col_best, sim], axis=0)
        stacked_idx = np.concatenate([col_idx, np.arange(b0, b0 + sim.shape[0])[:, None].repeat(m, axis=1)], axis=0)
        sel = np.argpartition(-stacked, kk - 1, axis=0)[:kk] if kk < stacked.shape[0] else np.arange(stacked.shape[0])[:, None].repeat(m, 1)
        col_best = np.take_along_axis(stacked, sel, axis=0)
        col_idx = np.take_along_axis(stacked_idx, sel, axis=0)
    for r in range(col_best.shape[0]):
        for j in range(m):
            v = float(col_best[r, j])
            if v >= floor:
                out[(int(col_idx[r, j]), j)] = v
    return out


def score_pair(left: Document, right: Document, el: np.ndarray, er: np.ndarray) -> PairScores:
    """Score in [0, 1] for every plausible pair: cosine and lexical evidence combined."""
    cands = candidates(el, er)
    if not cands:
        return PairScores(left, right, np.zeros((0, 2), np.int32), np.zeros(0, np.float32))
    idf = idf_weights(left, right)
    wl = [set(content_words(s.text)) for s in left.sentences]
    wr = [set(content_words(s.text)) for s in right.sentences]
    pairs = np.array(sorted(cands), dtype=np.int32)
    scores = np.empty(len(pairs), dtype=np.float32)
    for k, (i, j) in enumerate(pairs):
        cos = cands[(int(i), int(j))]
        lex = lexical(wl[i], wr[j], idf)
        z = -9.0 + 11.0 * cos + 3.0 * lex
        scores[k] = 1.0 / (1.0 + math.exp(-z))
    return PairScores(left, right, pairs, scores)
