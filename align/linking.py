"""Linking: from scored candidates to an Alignment at a threshold. Cheap, so the app re-links live."""

from __future__ import annotations

from align.alignment import Alignment, Link, PairScores
from align.differences import classify

#: The default link threshold on the [0, 1] score: the operating point chosen by cross-validation
#: (bench/calibrate.py); scores are calibrated probabilities, so each 0.05 step trades recall for precision.
THRESHOLD = 0.5


def link(scores: PairScores, threshold: float = THRESHOLD, _kinds: dict | None = None) -> Alignment:
    left, right = scores.left, scores.right
    kinds = _kinds if _kinds is not None else {}
    links = []
    for (i, j), s in zip(scores.pairs.tolist(), scores.scores.tolist()):
        if s < threshold:
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
