"""Evidence for each candidate sentence pair: the numbers the score is made of.

Candidates come from the cosine matrix computed in row blocks (never whole): each row's and each column's best
few. Each candidate then gets a handful of features, all cheap, all from the embeddings and the words:
  cos        cosine of the two sentences
  margin     cosine minus the mean of both sentences' best cosines (LASER/vecalign-style margin): a pair stands
             out when it beats what each sentence typically scores, not when both are generic
  gap        how far the pair is below the better of its row's and its column's best
  merge      gain from merging a neighbour: the sentence against the mean of two adjacent sentences on the
             other side (one sentence that says what two say, or a paragraph that keeps related facts together)
  lex        rarity-weighted word overlap (names, numbers and rare words count most), as a share of the
             smaller sentence
  shared     log(1 + total rarity weight of the shared words): the absolute amount of lexical evidence. A
             two-word headline that shares one name scores lex 1 but little here; two retellings of a fact
             that share a name, a place and a number score high even when each adds much of its own. Used by
             the second pass only, where the documents share no reading order (see align.scoring)
  window     cosine of the two sentences' windows (each with its neighbours, averaged) minus their own cosine:
             how much of the match is the surrounding passage's rather than the sentences'. Second pass only,
             gated like `shared`; it takes a negative weight (the sentence that carries the fact is the link,
             not its neighbour that shares the topic)
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from align.document import Document
from align.text import scorer_words

#: Rows of the similarity matrix computed at once (BLOCK x len(right) floats).
BLOCK = 512
#: Candidates kept per row and per column.
TOP_K = 6
#: Best cosines averaged for a sentence's "typical neighbour" in the margin.
KNN = 4
#: Below this cosine nothing is a candidate.
FLOOR = 0.2

FEATURES = ("cos", "margin", "gap", "merge", "lex", "shared", "window")

def content_words(text: str) -> list[str]:
    """The words the lexical features compare (align.text.scorer_words)."""
    return scorer_words(text)


@dataclass(frozen=True)
class Candidates:
    pairs: np.ndarray  # (k, 2) int64, sorted by (left, right)
    cos: np.ndarray  # (k,) float32
    row_best: np.ndarray  # (n,) best cosine of each left sentence
    col_best: np.ndarray  # (m,)
    row_knn: np.ndarray  # (n,) mean of each left sentence's KNN best cosines
    col_knn: np.ndarray  # (m,)


def _empty(n: int, m: int) -> Candidates:
    z = np.zeros
    return Candidates(z((0, 2), np.int64), z(0, np.float32), z(n, np.float32), z(m, np.float32), z(n, np.float32),
                      z(m, np.float32))


def _top(values: np.ndarray, index: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k largest of each row of `values` (and their `index` entries), unordered."""
    if values.shape[1] <= k:
        return values, index
    sel = np.argpartition(-values, k - 1, axis=1)[:, :k]
    return np.take_along_axis(values, sel, axis=1), np.take_along_axis(index, sel, axis=1)


def candidates(el: np.ndarray, er: np.ndarray, top_k: int = TOP_K, floor: float = FLOOR,
               block: int = BLOCK) -> Candidates:
    """Each row's and each column's top_k pairs by cosine (at least `floor`), in row blocks of `block`.

    Memory is O(block x len(right)) for the block plus O(len(right) x top_k) for the running column bests.
    """
    n, m = el.shape[0], er.shape[0]
    if n == 0 or m == 0:
        return _empty(n, m)
    kr = min(top_k, m)
    kc = min(max(top_k, KNN), n)
    kk = min(KNN, m)
    col_val = np.full((m, 0), -2.0, np.float32)  # per column (right sentence): its best cosines so far
    col_idx = np.zeros((m, 0), np.int64)
    row_best = np.empty(n, np.float32)
    row_knn = np.empty(n, np.float32)
    keys = []
    for b0 in range(0, n, block):
        sim = (el[b0:b0 + block] @ er.T).astype(np.float32, copy=False)
        rows = np.arange(b0, b0 + sim.shape[0])
        vals, top = _top(sim, np.broadcast_to(np.arange(m), sim.shape), kr)
        keep = vals >= floor
        keys.append((rows[:, None] * m + top)[keep])
        row_best[rows] = vals.max(axis=1)
        top_sum = np.partition(sim, m - kk, axis=1)[:, m - kk:].sum(axis=1) if kk < m else sim.sum(axis=1)
        # Fewer than KNN sentences on the other side: the missing neighbours count as sentences with nothing in
        # common (cosine `floor`), so a one-sentence article's match still stands out from them.
        row_knn[rows] = (top_sum + (KNN - kk) * floor) / KNN
        # Merge this block's best rows per column into the running top-kc of every column.
        bv, bi = _top(np.ascontiguousarray(sim.T), np.broadcast_to(rows, (m, len(rows))), kc)
        col_val, col_idx = _top(np.concatenate([col_val, bv], axis=1), np.concatenate([col_idx, bi], axis=1), kc)
    order = np.argsort(-col_val, axis=1, kind="stable")
    col_val = np.take_along_axis(col_val, order, axis=1)
    col_idx = np.take_along_axis(col_idx, order, axis=1)
    col_best = col_val[:, 0]
    col_knn = (col_val[:, :min(KNN, n)].sum(axis=1) + (KNN - min(KNN, n)) * floor) / KNN
    ct = col_val[:, :min(top_k, n)]
    ci = col_idx[:, :min(top_k, n)]
    keep = ct >= floor
    keys.append((ci * m + np.arange(m)[:, None])[keep])
    allk = np.unique(np.concatenate(keys))
    pairs = np.stack([allk // m, allk % m], axis=1)
    cos = rowwise_dot(el, er, pairs)
    return Candidates(pairs, cos, row_best, col_best.astype(np.float32), row_knn, col_knn.astype(np.float32))


def rowwise_dot(el: np.ndarray, er: np.ndarray, pairs: np.ndarray, chunk: int = 65536) -> np.ndarray:
    out = np.empty(len(pairs), np.float32)
    for c0 in range(0, len(pairs), chunk):
        p = pairs[c0:c0 + chunk]
        out[c0:c0 + chunk] = np.einsum("ij,ij->i", el[p[:, 0]], er[p[:, 1]])
    return out


def merge_gain(el: np.ndarray, er: np.ndarray, pairs: np.ndarray, cos: np.ndarray) -> np.ndarray:
    """Gain in cosine from pairing one side with the mean of two adjacent sentences of the other side.

    The gain is over this pair alone, so it is high both when the sentence tells what the two tell (a merge)
    and when the adjacent sentence is the closer match (news paragraphs keep related facts together); the
    stricter "merge only" reading is in docs/quality.md's history.
    """
    n, m = el.shape[0], er.shape[0]
    gain = np.zeros(len(pairs), np.float32)
    for side, length in ((1, m), (0, n)):
        for step in (-1, 1):
            nb = pairs.copy()
            nb[:, side] += step
            ok = (nb[:, side] >= 0) & (nb[:, side] < length)
            if not ok.any():
                continue
            p, q = pairs[ok], nb[ok]
            s_nb = rowwise_dot(el, er, q)
            e = er if side == 1 else el
            norm = np.sqrt(np.maximum(2.0 + 2.0 * rowwise_dot(e, e, np.stack([p[:, side], q[:, side]], axis=1)), 1e-6))
            merged = (cos[ok] + s_nb) / norm
            gain[ok] = np.maximum(gain[ok], merged - cos[ok])
    return gain


def windows(e: np.ndarray) -> np.ndarray:
    """Each sentence's vector averaged with its two neighbours' (unit length): the passage around it."""
    w = e.astype(np.float32, copy=True)
    w[1:] += e[:-1]
    w[:-1] += e[1:]
    return w / np.maximum(np.linalg.norm(w, axis=1, keepdims=True), 1e-6)


def idf_weights(left: Document, right: Document) -> dict[str, float]:
    df: Counter[str] = Counter()
    n = 0
    for doc in (left, right):
        for s in doc.sentences:
            df.update(set(content_words(s.text)))
            n += 1
    return {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}


def lexical(a: set[str], b: set[str], idf: dict[str, float]) -> tuple[float, float]:
    """Rarity-weighted overlap: (weight of shared words over the weight of the smaller side, log(1 + weight of
    the shared words))."""
    if not a or not b:
        return 0.0, 0.0
    shared = sum(idf.get(w, 1.0) for w in a & b)
    if not shared:
        return 0.0, 0.0
    small = min(sum(idf.get(w, 1.0) for w in a), sum(idf.get(w, 1.0) for w in b))
    return (shared / small if small else 0.0), math.log1p(shared)


def pair_features(left: Document, right: Document, el: np.ndarray, er: np.ndarray, c: Candidates) -> np.ndarray:
    """(k, len(FEATURES)) float32 for the candidates `c`."""
    k = len(c.pairs)
    out = np.zeros((k, len(FEATURES)), np.float32)
    if k == 0:
        return out
    i, j = c.pairs[:, 0], c.pairs[:, 1]
    out[:, 0] = c.cos
    out[:, 1] = c.cos - 0.5 * (c.row_knn[i] + c.col_knn[j])
    out[:, 2] = np.maximum(c.row_best[i], c.col_best[j]) - c.cos
    out[:, 3] = merge_gain(el, er, c.pairs, c.cos)
    out[:, 6] = rowwise_dot(windows(el), windows(er), c.pairs) - c.cos
    idf = idf_weights(left, right)
    wl = [set(content_words(s.text)) for s in left.sentences]
    wr = [set(content_words(s.text)) for s in right.sentences]
    out[:, 4:6] = [lexical(wl[a], wr[b], idf) for a, b in c.pairs.tolist()]
    return out

