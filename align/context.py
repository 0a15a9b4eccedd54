"""Context from neighbouring links: how well a pair fits the reading order the two documents share.

Confident mutual-best pairs (by first-pass probability) are anchors; their longest chain increasing on both
sides is the order the documents share. Its strength is the share of anchors on the chain, damped when there
are few anchors: near 1 for two translations of a book, small for news that reorders facts. Each candidate
then gets
  off_order   distance from where the chain projects its left sentence (in average sentence lengths,
              capped), times the strength
  on_order    overlap of the projected span and the right sentence, as a share of the shorter of the two,
              times the strength
  order_strength  the strength itself: how far the pair's documents read in the same order
Nothing here forces an order: with reordered news the strength is low and these features fade to zero, so
the pair's own evidence decides. Both are computed in each direction and averaged, so swapping the two
documents mirrors the result exactly.
"""

from __future__ import annotations

import bisect

import numpy as np

from align.document import Document

#: First-pass probability above which a mutual-best pair is an anchor of the reading order.
ANCHOR_MIN = 0.5
#: Anchors needed before the reading order is trusted fully (fewer damp its strength proportionally).
ANCHORS_FULL = 30
#: Distance from the order, in average sentence lengths, beyond which farther is no worse.
OFF_ORDER_CAP = 20.0


def longest_increasing(values: list[int]) -> list[int]:
    """Positions of a longest strictly increasing subsequence of `values` (patience sorting, O(n log n))."""
    tails: list[int] = []
    tail_pos: list[int] = []
    prev = [-1] * len(values)
    for k, v in enumerate(values):
        p = bisect.bisect_left(tails, v)
        if p == len(tails):
            tails.append(v)
            tail_pos.append(k)
        else:
            tails[p] = v
            tail_pos[p] = k
        prev[k] = tail_pos[p - 1] if p > 0 else -1
    out = []
    k = tail_pos[-1] if tail_pos else -1
    while k >= 0:
        out.append(k)
        k = prev[k]
    return out[::-1]


def anchors(pairs: np.ndarray, score: np.ndarray, n: int, m: int) -> np.ndarray:
    """Indices of candidates that are confident and the best of both their row and their column."""
    i, j = pairs[:, 0], pairs[:, 1]
    row_best = np.full(n, -1.0)
    col_best = np.full(m, -1.0)
    np.maximum.at(row_best, i, score)
    np.maximum.at(col_best, j, score)
    return np.nonzero((score >= ANCHOR_MIN) & (score >= row_best[i]) & (score >= col_best[j]))[0]


def _spans(doc: Document) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([s.start for s in doc.sentences], np.float64),
            np.array([s.end for s in doc.sentences], np.float64))


def _order_one_way(left: Document, right: Document, pairs: np.ndarray,
                   score: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    n, m = len(left.sentences), len(right.sentences)
    zero = np.zeros(len(pairs))
    a = anchors(pairs, score, n, m)
    if len(a) < 2:
        return zero, zero, 0.0
    a = a[np.lexsort((pairs[a, 1], pairs[a, 0]))]
    chain = a[longest_increasing(pairs[a, 1].tolist())]
    # Tied anchors may share a left sentence; the projection needs strictly increasing positions on both sides.
    chain = chain[np.r_[True, np.diff(pairs[chain, 0]) > 0]]
    if len(chain) < 2:
        return zero, zero, 0.0
    strength = len(chain) / len(a) * min(1.0, len(a) / ANCHORS_FULL)
    ls, le = _spans(left)
    rs, re_ = _spans(right)
    ci, cj = pairs[chain, 0], pairs[chain, 1]
    x = (ls[ci] + le[ci]) / 2
    y = (rs[cj] + re_[cj]) / 2
    i, j = pairs[:, 0], pairs[:, 1]
    lo, hi = np.interp(ls[i], x, y), np.interp(le[i], x, y)
    gap = np.maximum(0.0, np.maximum(lo, rs[j]) - np.minimum(hi, re_[j]))
    unit = max(1.0, float(np.mean(re_ - rs)))
    off = np.minimum(gap / unit, OFF_ORDER_CAP) / OFF_ORDER_CAP
    covered = np.maximum(0.0, np.minimum(hi, re_[j]) - np.maximum(lo, rs[j]))
    on = covered / np.maximum(1.0, np.minimum(hi - lo, re_[j] - rs[j]))
    return strength * off, strength * np.minimum(on, 1.0), strength


def order_fit(left: Document, right: Document, pairs: np.ndarray,
              score: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(off_order, on_order) per candidate and the order's strength, averaged over both directions."""
    if len(pairs) == 0:
        return np.zeros(0), np.zeros(0), 0.0
    off_lr, on_lr, g_lr = _order_one_way(left, right, pairs, score)
    swapped = pairs[:, ::-1]
    order = np.lexsort((swapped[:, 1], swapped[:, 0]))
    off_rl, on_rl = np.zeros(len(pairs)), np.zeros(len(pairs))
    o, n_, g_rl = _order_one_way(right, left, swapped[order], score[order])
    off_rl[order], on_rl[order] = o, n_
    return (off_lr + off_rl) / 2, (on_lr + on_rl) / 2, (g_lr + g_rl) / 2


def context_features(left: Document, right: Document, pairs: np.ndarray, first_pass: np.ndarray) -> np.ndarray:
    """(k, 3): off_order, on_order and the order's strength (the same for every candidate of the pair of
    documents) for candidates `pairs` given their first-pass probabilities."""
    # Rounded so that float noise (the same pair scored as (a, b) or as (b, a) can differ in the last bits) never
    # decides a tie between duplicate sentences: swapping the documents must mirror the result exactly.
    off, on, strength = order_fit(left, right, pairs, np.round(np.asarray(first_pass, np.float64), 6))
    return np.stack([off, on, np.full(len(pairs), strength)], axis=1).astype(np.float64)
