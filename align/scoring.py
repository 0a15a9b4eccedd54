"""Scoring candidate sentence pairs: a calibrated probability that two sentences report the same fact.

Two small logistic models. The first scores each pair alone from the evidence in align.features (cosine,
margin over each sentence's typical neighbour, gap to the best of its row and column, gain from merging an
adjacent sentence, rarity-weighted word overlap). The second rescales those log-odds and adds context from
neighbouring pairs (align.context: the fit to the reading order the documents share, when they share one, and
that order's strength), plus the absolute lexical evidence (`shared`) weighted by how little the documents share
an order. That gate is what lets one threshold serve news and books: in translations that follow each other
the embeddings and the reading order decide, and shared rare words add little beyond them; in news that
reorders and retells facts, a name, a place and a number in common are the best evidence there is. Measured by
cross-validation, `shared` helped news only through this gate (ungated, it cost Law's precision). `window`
(align.features) is gated the same way.
Measured by the same cross-validation and left out (none moved news F1 by more than one or two gold links, or
it cost Law): the window cosine itself (rather than its gain over the sentences' own), a z-score of the cosine within the pair's matrix,
rarity-weighted overlap of capitalised words and numbers, sentence length, the first-pass features repeated
under the gate, and 4, 8 or 10 candidates per row and column instead of 6. Widening the candidates by shared
words would not lift the recall cap either: the news gold links outside the candidates share at most one or
two common words (Russia, Ukraine). Nor did clauses of long sentences (split past 20 to 35 words at
punctuation, quotes and conjunctions into clauses of 5 to 10 words, embedded like sentences; past 30 words
into clauses of 8 or more: 87 more texts on the seeds, 10,396 on Law, about half its sentences' characters):
the best clause-to-clause or clause-to-sentence cosine, its gain over the sentences', or a clause-level margin
moved news F1 by 0.02 at most and never at neighbouring thresholds too; the gap taken over clauses instead of
sentences reached news F1 0.574 at 0.5 in cross-validation (0.536 without; Ruth 0.989, Law 0.969) but not at
0.45 or 0.55 (0.538, 0.531 against 0.552, 0.534), and 0.523 through the CSV with all-fold weights (0.534
without): a threshold's luck. Clause-level candidates would add 1 to 3 of the 12 gold links outside the
candidates for 50 to 140 more candidates a news pair.
The weights were fitted by bench/calibrate.py on the dev gold (news pairs, Ruth and Law; news and
Bible weighted equally) and checked by leave-one-pair-out cross-validation: see that script's output.
One set of weights serves news and Bible text alike.

The dense similarity matrix is never held whole (see align.features.candidates), so a book-length pair stays
within bounded memory.
"""

from __future__ import annotations

import numpy as np

from align.alignment import PairScores
from align.context import context_features
from align.document import Document
from align.features import FEATURES, candidates, pair_features

#: Features the first pass weighs (the rest of FEATURES enter the second pass).
FIRST_PASS = FEATURES[:5]
#: Features the second pass weighs where the documents share no reading order (times 1 - the order's strength).
UNORDERED = ("shared", "window")
#: Second-pass inputs after the first pass's log-odds (see align.context), then UNORDERED gated by the order.
CONTEXT = ("off_order", "on_order", "order_strength") + tuple(f"{name}_unordered" for name in UNORDERED)
# Fitted by bench/calibrate.py (rounded): weights for FIRST_PASS, then the intercept.
PAIR_WEIGHTS = np.array([-1.54, 20.3, -5.4, 15, 2.64, -1.54])
# Weights for the first pass's log-odds, then CONTEXT, then the intercept.
CONTEXT_WEIGHTS = np.array([0.475, -9.81, 4.8, 1.67, 1.97, -3.4, -2.67])


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


def first_pass_logit(features: np.ndarray, weights: np.ndarray = PAIR_WEIGHTS) -> np.ndarray:
    return features[:, :len(FIRST_PASS)] @ weights[:-1] + weights[-1]


def second_pass_inputs(left: Document, right: Document, pairs: np.ndarray, features: np.ndarray,
                       pair_weights: np.ndarray = PAIR_WEIGHTS) -> np.ndarray:
    """(k, 1 + len(CONTEXT)): the first pass's log-odds and the context it implies."""
    z = first_pass_logit(features, pair_weights)
    context = context_features(left, right, pairs, _logistic(z))
    unordered = (1.0 - context[:, 2:3]) * features[:, [FEATURES.index(name) for name in UNORDERED]]
    return np.hstack([z[:, None], context, unordered])


def score_candidates(left: Document, right: Document, pairs: np.ndarray, features: np.ndarray,
                     pair_weights: np.ndarray = PAIR_WEIGHTS,
                     context_weights: np.ndarray = CONTEXT_WEIGHTS) -> np.ndarray:
    """Final scores in [0, 1] for candidates `pairs` with their features (k, len(FEATURES))."""
    if len(pairs) == 0:
        return np.zeros(0, np.float32)
    inputs = second_pass_inputs(left, right, pairs, features, pair_weights)
    return _logistic(inputs @ context_weights[:-1] + context_weights[-1]).astype(np.float32)


#: A heading of at most this many words is a section label.
LABEL_WORDS = 3


def _furniture(s, units: int) -> int:
    """0 for a statement; 1 for a photo credit; 2 for a section label (a heading of a few words); 3 for a longer
    heading (a title states a fact and pairs with statements too). An article of one unit is all statement: a
    lone "Saboteurs" is what its author wrote, not a label over other text."""
    if units == 1:
        return 0
    if s.kind == "credit":
        return 1
    if s.kind == "heading":
        return 2 if len(s.text.split()) <= LABEL_WORDS else 3
    return 0


#: Which kinds of unit may pair (rows and columns: statement, credit, label, title): a label pairs with headings
#: only ("Rain in Marlow" / "Marlow flood: dozens rescued"), a credit with credits, a title with all but credits.
_PAIRS_WITH = np.array([[1, 0, 0, 1],
                        [0, 1, 0, 0],
                        [0, 0, 1, 1],
                        [1, 0, 1, 1]], dtype=bool)


def score_pair(left: Document, right: Document, el: np.ndarray, er: np.ndarray) -> PairScores:
    """Score in [0, 1] for every plausible pair of sentences of `left` and `right`."""
    n, m = len(left.sentences), len(right.sentences)
    if n == 0 or m == 0 or el.shape[0] != n or er.shape[0] != m:
        return PairScores(left, right, np.zeros((0, 2), np.int32), np.zeros(0, np.float32))
    cands = candidates(el, er)
    features = pair_features(left, right, el, er, cands)
    scores = score_candidates(left, right, cands.pairs, features)
    scores = np.nan_to_num(scores, nan=0.0, posinf=1.0, neginf=0.0).clip(0.0, 1.0).astype(np.float32)
    # Page furniture pairs only with its own kind: a photo credit ("Image provided by governor Gladkov") reports
    # none of his words, and a section label ("Ukraine military", "Fall of Bakhmut") names a topic, not a fact.
    lc = np.array([_furniture(s, n) for s in left.sentences], dtype=np.int8)
    rc = np.array([_furniture(s, m) for s in right.sentences], dtype=np.int8)
    if (lc > 0).any() or (rc > 0).any():
        scores[~_PAIRS_WITH[lc[cands.pairs[:, 0]], rc[cands.pairs[:, 1]]]] = 0.0
    return PairScores(left, right, cands.pairs.astype(np.int32), scores)


__all__ = ["FEATURES", "FIRST_PASS", "UNORDERED", "CONTEXT", "PAIR_WEIGHTS", "CONTEXT_WEIGHTS", "score_pair", "score_candidates"]
