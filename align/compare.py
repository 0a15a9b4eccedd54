"""Comparing N documents: embed each once, score every pair, link at a threshold, group facts across sources."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from align.alignment import Alignment, FactGroup, PairScores
from align.document import Document
from align.embed import Embedder, Progress
from align.linking import THRESHOLD, link
from align.scoring import Weights, score_pair


def embed_documents(documents: Sequence[Document], embedder: Embedder, progress: Progress | None = None) -> list[np.ndarray]:
    """One (n_sentences, dim) array per document; progress counts sentences over all documents."""
    total = sum(len(d.sentences) for d in documents)
    done = 0
    out = []
    for d in documents:
        base = done

        def step(k: int, _n: int, base: int = base) -> None:
            if progress:
                progress(base + k, total)

        texts = d.texts
        out.append(embedder.encode(texts, step) if texts else np.zeros((0, 1), np.float32))
        done += len(texts)
    if progress:
        progress(total, total)
    return out


@dataclass
class Comparison:
    """Documents with their pairwise scores; alignments and groups are derived at a threshold, on demand."""

    documents: list[Document]
    scores: dict[tuple[int, int], PairScores]  # keys (i, j) with i < j
    threshold: float = THRESHOLD
    _alignments: dict[tuple[int, int], Alignment] = field(default_factory=dict, repr=False)
    _kinds: dict[tuple[int, int], dict] = field(default_factory=dict, repr=False)
    _groups: list[FactGroup] | None = field(default=None, repr=False)

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return sorted(self.scores)

    def alignment(self, i: int, j: int) -> Alignment:
        """Alignment of document i (left) with document j (right)."""
        if i == j:
            raise ValueError("a document is not compared with itself")
        a, b = (i, j) if i < j else (j, i)
        if (a, b) not in self._alignments:
            self._alignments[(a, b)] = link(self.scores[(a, b)], self.threshold, self._kinds.setdefault((a, b), {}))
        al = self._alignments[(a, b)]
        return al if i < j else al.mirrored()

    def with_threshold(self, threshold: float) -> Comparison:
        """The same scores re-linked at another threshold: no re-embedding, link kinds reused (copied, so the
        two never write into one cache: another thread may link either)."""
        c = Comparison(self.documents, self.scores, threshold)
        c._kinds = {pair: dict(kinds) for pair, kinds in self._kinds.items()}
        return c

    def copy(self) -> Comparison:
        """The same comparison with caches of its own, keeping what is already derived: for work on another
        thread (the caches fill as alignments and groups are asked for)."""
        c = self.with_threshold(self.threshold)
        c._alignments = dict(self._alignments)
        c._groups = self._groups
        return c

    def groups(self) -> list[FactGroup]:
        if self._groups is None:
            from align.groups import build_groups

            self._groups = build_groups(self.documents, {p: self.alignment(*p) for p in self.pairs}, self.scores)
        return self._groups


#: (stage, done, total) for the stages after embedding, e.g. ("scoring pairs", 3, 10).
Stage = Callable[[str, int, int], None]


def compare(
    documents: Sequence[Document],
    embedder: Embedder,
    threshold: float = THRESHOLD,
    progress: Progress | None = None,
    embeddings: Sequence[np.ndarray] | None = None,
    weights: Weights | None = None,
    stage: Stage | None = None,
) -> Comparison:
    """Embed (unless `embeddings` are given; `progress` counts sentences) and score every pair (`stage` counts
    pairs), with the weights fitted for the embedder's model (or `weights`)."""
    docs = list(documents)
    embs = list(embeddings) if embeddings is not None else embed_documents(docs, embedder, progress)
    weights = weights or Weights.load(getattr(embedder, "weights_name", None) or "fast")
    pairs = list(combinations(range(len(docs)), 2))
    scores = {}
    for k, (i, j) in enumerate(pairs):
        if stage:
            stage("scoring pairs", k, len(pairs))
        scores[(i, j)] = score_pair(docs[i], docs[j], embs[i], embs[j], weights)
    return Comparison(docs, scores, threshold)
