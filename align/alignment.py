"""The result types shared by the aligner, the differences, the exporters and the app."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from align.document import Document

KINDS = ("same", "partial", "conflict")
ROW_KINDS = KINDS + ("left_only", "right_only")


@dataclass(frozen=True)
class Conflict:
    """Two spans (offsets into each sentence's text) that state one fact differently, and why."""

    left_start: int
    left_end: int
    right_start: int
    right_end: int
    reason: str  # e.g. "number: 12 vs no"
    rule: str = ""  # the conflict rule that found it (align.conflicts), e.g. "counts"


@dataclass(frozen=True)
class Link:
    """Left sentence `left` reports the same fact as right sentence `right` (indices into the documents)."""

    left: int
    right: int
    score: float  # in [0, 1]
    kind: str = "same"  # same | partial | conflict
    conflicts: tuple[Conflict, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join(c.reason for c in self.conflicts)

    @property
    def rules(self) -> str:
        """The conflict rules that found this link's conflicts, each once, in the order of `reason`."""
        return "; ".join(dict.fromkeys(c.rule for c in self.conflicts if c.rule))


@dataclass(frozen=True)
class PairScores:
    """Scored candidate sentence pairs for two documents: computed once from embeddings, re-linked cheaply.

    `pairs[k] = (i, j)` with score `scores[k]` in [0, 1]; only plausible candidates are kept (sparse).
    """

    left: Document
    right: Document
    pairs: np.ndarray  # (k, 2) int32
    scores: np.ndarray  # (k,) float32

    def mirrored(self) -> PairScores:
        return PairScores(self.right, self.left, self.pairs[:, ::-1].copy(), self.scores.copy())


@dataclass(frozen=True)
class Alignment:
    """All links between two documents at one threshold, plus the sentences only one side has."""

    left: Document
    right: Document
    links: tuple[Link, ...]  # sorted by (left, right)
    left_only: tuple[int, ...]
    right_only: tuple[int, ...]
    threshold: float
    _by_left: dict[int, tuple[Link, ...]] = field(default_factory=dict, repr=False, compare=False)
    _by_right: dict[int, tuple[Link, ...]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_l: dict[int, list[Link]] = {}
        by_r: dict[int, list[Link]] = {}
        for ln in self.links:
            by_l.setdefault(ln.left, []).append(ln)
            by_r.setdefault(ln.right, []).append(ln)
        self._by_left.update({k: tuple(v) for k, v in by_l.items()})
        self._by_right.update({k: tuple(v) for k, v in by_r.items()})

    def links_of_left(self, i: int) -> tuple[Link, ...]:
        return self._by_left.get(i, ())

    def links_of_right(self, j: int) -> tuple[Link, ...]:
        return self._by_right.get(j, ())

    def mirrored(self) -> Alignment:
        from align.differences import mirror_link

        links = tuple(sorted((mirror_link(ln) for ln in self.links), key=lambda ln: (ln.left, ln.right)))
        return Alignment(self.right, self.left, links, self.right_only, self.left_only, self.threshold)


@dataclass(frozen=True)
class FactGroup:
    """One fact across N articles: the sentences that report it, per document index.

    `members[d]` lists sentence indices of document d; `relations[d]` is how document d's version relates to the
    pivot's (`same`, `partial` or `conflict`; the pivot itself is `same`). Documents that are silent are absent.
    """

    id: int
    members: dict[int, tuple[int, ...]]
    relations: dict[int, str]
    pivot: int  # document index whose sentence labels the group
    label: str
    first: tuple[int, int]  # (document index, sentence index) of first appearance, for sorting

    @property
    def sources(self) -> int:
        return len(self.members)

    @property
    def has_conflict(self) -> bool:
        return "conflict" in self.relations.values()
