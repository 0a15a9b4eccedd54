"""Linking: from scored candidates to an Alignment at a threshold. Cheap, so the app re-links live."""

from __future__ import annotations

import numpy as np

from align.alignment import Alignment, Link, PairScores
from align.differences import classify

#: The default link threshold on the [0, 1] score: the operating point chosen by cross-validation
#: (bench/calibrate.py); scores are calibrated probabilities, so each 0.05 step trades recall for precision.
THRESHOLD = 0.5
#: How far below the threshold a second partner may score (see `second_partners`).
SECOND_PARTNER_MARGIN = 0.1


def second_partners(scores: PairScores, threshold: float, margin: float = SECOND_PARTNER_MARGIN) -> np.ndarray:
    """Candidates below the threshold that are linked all the same: one sentence already has a link, and the
    candidate scores within `margin` of the threshold and is the best candidate of its other sentence.

    News retells one fact across two sentences, and the calibrated score holds a sentence's second counterpart
    down (it is not the best of its row). The margin was chosen by leave-one-pair-out (docs/quality.md)."""
    p, s = scores.pairs, scores.scores
    if len(p) == 0:
        return np.zeros(0, bool)
    linked = s >= threshold
    n, m = len(scores.left.sentences), len(scores.right.sentences)
    row_best, col_best = np.full(n, -1.0), np.full(m, -1.0)
    np.maximum.at(row_best, p[:, 0], s)
    np.maximum.at(col_best, p[:, 1], s)
    row_linked, col_linked = np.zeros(n, bool), np.zeros(m, bool)
    row_linked[p[linked, 0]] = True
    col_linked[p[linked, 1]] = True
    # "Best" within float noise, so duplicate sentences that tie stay tied whichever document is on the left.
    tie = 1e-6
    return (~linked & (s >= threshold - margin)
            & ((row_linked[p[:, 0]] & (s >= col_best[p[:, 1]] - tie))
               | (col_linked[p[:, 1]] & (s >= row_best[p[:, 0]] - tie))))


#: How far below the threshold a candidate may score and still be linked when both sentences count the same thing
#: for the same event (see `count_partners`).
COUNT_MARGIN = 0.3


def counts_same_thing(a: str, b: str) -> bool:
    from align.conflicts import comparable, counted

    qa = counted(a)
    return bool(qa) and any(comparable(x, y) for x in qa for y in counted(b))


def kept_because(left_text: str, right_text: str) -> str:
    """Why a link below the threshold was kept, in a few words for the status line: both sentences count the same
    thing ("70 saboteurs" / "more than 70 terrorists"), or one of them is linked above the threshold too (a fact
    one article tells in one sentence and the other splits over two)."""
    return "same count" if counts_same_thing(left_text, right_text) else "split sentence"


def count_partners(scores: PairScores, threshold: float, margin: float = COUNT_MARGIN) -> np.ndarray:
    """Candidates below the threshold linked because both sentences count the same thing for the same event
    ("12 civilians were injured" / "no civilians had been harmed"): the count is the fact, whether the two
    agree or conflict, even when the rest of the sentences differ (the overview's groups use the same evidence).
    It is there for the conflicts it shows (docs/quality.md)."""
    p, s = scores.pairs, scores.scores
    out = np.zeros(len(p), bool)
    band = np.flatnonzero((s < threshold) & (s >= threshold - margin))
    L, R = scores.left.sentences, scores.right.sentences
    for k in band.tolist():
        i, j = p[k]
        out[k] = counts_same_thing(L[i].text, R[j].text)
    return out


def link(scores: PairScores, threshold: float = THRESHOLD, _kinds: dict | None = None) -> Alignment:
    left, right = scores.left, scores.right
    kinds = _kinds if _kinds is not None else {}
    links = []
    second = second_partners(scores, threshold) | count_partners(scores, threshold)
    for (i, j), s, extra in zip(scores.pairs.tolist(), scores.scores.tolist(), second.tolist()):
        if s < threshold and not extra:
            continue
        key = (i, j)
        if key not in kinds:
            kinds[key] = classify(left.sentences[i].text, right.sentences[j].text)
        kind, conflicts = kinds[key]
        links.append(Link(i, j, float(min(1.0, max(0.0, s))), kind, conflicts))
    links.sort(key=lambda ln: (ln.left, ln.right))
    linked_l = {ln.left for ln in links}
    linked_r = {ln.right for ln in links}
    return Alignment(
        left, right, tuple(links),
        tuple(i for i in range(len(left.sentences)) if i not in linked_l),
        tuple(j for j in range(len(right.sentences)) if j not in linked_r),
        threshold,
    )
