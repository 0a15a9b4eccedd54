"""Scoring candidate sentence pairs: a calibrated probability that two sentences report the same fact.

Two small logistic models over the evidence in align.features (cosine, margin over each sentence's typical
neighbour, gap to the best of its row and column, gain from merging an adjacent sentence, rarity-weighted word
overlap). The first scores each pair alone; the second adds the support of its diagonal neighbours (facts
told in the same order). The weights were fitted by bench/calibrate.py on the dev gold (news pairs and Ruth,
each corpus weighted equally) and checked by leave-one-pair-out cross-validation: see that script's output.
One set of weights serves news and Bible text alike.

The dense similarity matrix is never held whole (see align.features.candidates), so a book-length pair stays
within bounded memory.
"""

from __future__ import annotations

import numpy as np

from align.alignment import PairScores
from align.document import Document
from align.features import FEATURES, candidates, diagonal_support, pair_features

# Fitted by bench/calibrate.py (rounded): weights for FEATURES, then the intercept.
PAIR_WEIGHTS = np.array([1.41, 16.6, -5.88, 17.0, 3.24, -3.83])
# Weights for FEATURES, the diagonal neighbours' pair score, then the intercept.
CONTEXT_WEIGHTS = np.array([0.97, 14.9, -5.64, 14.9, 2.82, 1.67, -3.6])


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


def pair_probability(features: np.ndarray, weights: np.ndarray = PAIR_WEIGHTS) -> np.ndarray:
    return _logistic(features @ weights[:-1] + weights[-1])


def score_candidates(pairs: np.ndarray, features: np.ndarray, m: int,
                     pair_weights: np.ndarray = PAIR_WEIGHTS,
                     context_weights: np.ndarray = CONTEXT_WEIGHTS) -> np.ndarray:
    """Final scores in [0, 1] from candidate features (k, len(FEATURES)); `m` is the right document's length."""
    if len(pairs) == 0:
        return np.zeros(0, np.float32)
    alone = pair_probability(features, pair_weights)
    support = diagonal_support(pairs, alone, m)
    return pair_probability(np.hstack([features, support[:, None]]), context_weights).astype(np.float32)


def score_pair(left: Document, right: Document, el: np.ndarray, er: np.ndarray) -> PairScores:
    """Score in [0, 1] for every plausible pair of sentences of `left` and `right`."""
    n, m = len(left.sentences), len(right.sentences)
    if n == 0 or m == 0 or el.shape[0] != n or er.shape[0] != m:
        return PairScores(left, right, np.zeros((0, 2), np.int32), np.zeros(0, np.float32))
    cands = candidates(el, er)
    features = pair_features(left, right, el, er, cands)
    scores = score_candidates(cands.pairs, features, m)
    scores = np.nan_to_num(scores, nan=0.0, posinf=1.0, neginf=0.0).clip(0.0, 1.0).astype(np.float32)
    return PairScores(left, right, cands.pairs.astype(np.int32), scores)


__all__ = ["FEATURES", "PAIR_WEIGHTS", "CONTEXT_WEIGHTS", "score_pair", "score_candidates", "pair_probability"]
