"""Scoring candidate sentence pairs: a calibrated probability that two sentences report the same fact.

Two small logistic models. The first scores each pair alone from the evidence in align.features (cosine,
margin over each sentence's typical neighbour, gap to the best of its row and column, gain from merging an
adjacent sentence, rarity-weighted word overlap). The second rescales those log-odds and adds context from
neighbouring pairs (align.context: the fit to the reading order the documents share, when they share one, and
that order's strength), plus the absolute lexical evidence (`shared`) and the passage feature (`window`), both
weighted by how little the documents share an order. That gate is what lets one threshold serve news and books:
in translations that follow each other the embeddings and the reading order decide; in news that reorders and
retells facts, a name, a place and a number in common are the best evidence there is.

The weights are fitted per model (each model's cosines have their own scale) by bench/calibrate.py on the dev
gold and kept in align/weights/<model>.json; what was measured and left out is in docs/quality.md.
The dense similarity matrix is never held whole (see align.features.candidates), so a book-length pair stays
within bounded memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

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


@dataclass(frozen=True)
class Weights:
    """One model's fitted weights: `pair` for FIRST_PASS then the intercept; `context` for the first pass's
    log-odds, then CONTEXT, then the intercept."""

    name: str
    pair: np.ndarray
    context: np.ndarray
    #: False for a model that must not lean on shared words (the multilingual one: a sentence and its translation
    #: share none), so its weights are fitted, and its pairs scored, with the word-overlap features at zero.
    lexical: bool = True

    @staticmethod
    def load(name: str) -> Weights:
        return _load_weights(name)


@cache
def _load_weights(name: str) -> Weights:
    raw = json.loads(resources.files("align.weights").joinpath(f"{name}.json").read_text("utf-8"))
    w = Weights(name, np.array(raw["pair"], np.float64), np.array(raw["context"], np.float64),
                bool(raw.get("lexical", True)))
    if len(w.pair) != len(FIRST_PASS) + 1 or len(w.context) != len(CONTEXT) + 2:
        raise ValueError(f"align/weights/{name}.json does not fit the features {FIRST_PASS} / {CONTEXT}")
    return w


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


def first_pass_logit(features: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return features[:, :len(FIRST_PASS)] @ weights[:-1] + weights[-1]


def second_pass_inputs(left: Document, right: Document, pairs: np.ndarray, features: np.ndarray,
                       pair_weights: np.ndarray) -> np.ndarray:
    """(k, 1 + len(CONTEXT)): the first pass's log-odds and the context it implies."""
    z = first_pass_logit(features, pair_weights)
    context = context_features(left, right, pairs, _logistic(z))
    unordered = (1.0 - context[:, 2:3]) * features[:, [FEATURES.index(name) for name in UNORDERED]]
    return np.hstack([z[:, None], context, unordered])


def score_candidates(left: Document, right: Document, pairs: np.ndarray, features: np.ndarray,
                     weights: Weights) -> np.ndarray:
    """Final scores in [0, 1] for candidates `pairs` with their features (k, len(FEATURES))."""
    if len(pairs) == 0:
        return np.zeros(0, np.float32)
    inputs = second_pass_inputs(left, right, pairs, features, weights.pair)
    return _logistic(inputs @ weights.context[:-1] + weights.context[-1]).astype(np.float32)


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


def score_pair(left: Document, right: Document, el: np.ndarray, er: np.ndarray,
               weights: Weights | None = None) -> PairScores:
    """Score in [0, 1] for every plausible pair of sentences of `left` and `right` (weights: the embedding
    model's, align/weights/; the fast model's when not given)."""
    weights = weights or Weights.load("fast")
    n, m = len(left.sentences), len(right.sentences)
    if n == 0 or m == 0 or el.shape[0] != n or er.shape[0] != m:
        return PairScores(left, right, np.zeros((0, 2), np.int32), np.zeros(0, np.float32))
    cands = candidates(el, er)
    features = pair_features(left, right, el, er, cands)
    if not weights.lexical:
        features[:, [FEATURES.index("lex"), FEATURES.index("shared")]] = 0.0
    scores = score_candidates(left, right, cands.pairs, features, weights)
    scores = np.nan_to_num(scores, nan=0.0, posinf=1.0, neginf=0.0).clip(0.0, 1.0).astype(np.float32)
    # Page furniture pairs only with its own kind: a photo credit ("Image provided by governor Gladkov") reports
    # none of his words, and a section label ("Ukraine military", "Fall of Bakhmut") names a topic, not a fact.
    lc = np.array([_furniture(s, n) for s in left.sentences], dtype=np.int8)
    rc = np.array([_furniture(s, m) for s in right.sentences], dtype=np.int8)
    if (lc > 0).any() or (rc > 0).any():
        scores[~_PAIRS_WITH[lc[cands.pairs[:, 0]], rc[cands.pairs[:, 1]]]] = 0.0
    return PairScores(left, right, cands.pairs.astype(np.int32), scores)


__all__ = ["FEATURES", "FIRST_PASS", "UNORDERED", "CONTEXT", "Weights", "score_pair", "score_candidates"]
