"""Where the reader is in the pair view, and where each walking key takes them: a plain object, no Textual.

`Cursor` holds the two articles side by side, the active pane, the current sentence of the active article and
its current link. The keys `j`/`k` (links), `n`/`N` (differences), `c` (conflicts) and `u` (sentences only here)
all step the same way: from the current link, or from what is on screen when the reader scrolled away, and at
the end they stay where they are and return a note saying so (none of them wraps). The pair view
(tui/screens/pair_view.py) turns key presses into these calls and draws the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from align.alignment import Alignment, Link
from align.document import Document

#: What each walking key stops on.
STOPS: dict[str, Callable[[Link], bool]] = {
    "link": lambda ln: True,
    "diff": lambda ln: ln.kind != "same",
    "conflict": lambda ln: ln.kind == "conflict",
}
THRESHOLD_STEP = 0.05


@dataclass(frozen=True)
class Note:
    """Something to tell the reader instead of (or after) a move."""

    text: str
    seconds: float = 3


LAST = Note("That was the last one this way.", 2)
FIRST = Note("That was the first one this way.", 2)


class Cursor:
    """The pair view's position: articles `left` and `right` (indices into `documents`), the active `side`, the
    current `sentence` (of the active article) and `link` (one of that sentence's links, or None)."""

    def __init__(self, documents: Sequence[Document], left: int = 0, right: int = 1) -> None:
        if len(documents) < 2:
            raise ValueError("sidebyside compares at least two articles")
        self.documents = list(documents)
        self.left, self.right = left, right
        self.side = "left"
        self.sentence: int | None = None
        self.link: Link | None = None
        self.alignment: Alignment | None = None
        self._orders: dict[str, list[Link]] = {}
        self._marks: tuple[frozenset[int], ...] | None = None

    # -- what is where ------------------------------------------------------------------------------------------

    @property
    def other_side(self) -> str:
        return "right" if self.side == "left" else "left"

    @property
    def active_document(self) -> Document:
        return self.documents[self.left if self.side == "left" else self.right]

    def here(self, link: Link) -> int:
        """The link's sentence in the active article."""
        return link.left if self.side == "left" else link.right

    def there(self, link: Link) -> int:
        """The link's sentence in the other article."""
        return link.right if self.side == "left" else link.left

    def links_of(self, sentence: int, side: str | None = None) -> tuple[Link, ...]:
        if self.alignment is None:
            return ()
        side = side or self.side
        return self.alignment.links_of_left(sentence) if side == "left" else self.alignment.links_of_right(sentence)

    def order(self) -> list[Link]:
        """The links in reading order of the active article."""
        if self.alignment is None:
            return []
        if self.side not in self._orders:
            self._orders[self.side] = sorted(self.alignment.links, key=lambda ln: (self.here(ln), self.there(ln)))
        return self._orders[self.side]

    def marks(self) -> tuple[frozenset[int], frozenset[int], frozenset[int], frozenset[int]]:
        """(left_only, right_only, left_conflicted, right_conflicted) of the current alignment."""
        al = self.alignment
        assert al is not None
        if self._marks is None:
            conflicts = [ln for ln in al.links if ln.kind == "conflict"]
            self._marks = (frozenset(al.left_only), frozenset(al.right_only),
                           frozenset(ln.left for ln in conflicts), frozenset(ln.right for ln in conflicts))
        return self._marks  # type: ignore[return-value]

    def only_here(self) -> list[int]:
        """The sentences of the active article the other article has nothing for, in reading order."""
        return sorted(self.marks()[0 if self.side == "left" else 1])

    # -- moving -------------------------------------------------------------------------------------------------

    def set_alignment(self, alignment: Alignment | None, keep: int | None = None) -> bool:
        """A new alignment of the pair (or None while aligning): select `keep` (a sentence of the active article),
        else the first link, else the first sentence. True when a sentence was selected with the alignment."""
        self.alignment = alignment
        self._orders.clear()
        self._marks = None
        if alignment is None:
            self.sentence, self.link = keep, None
            return False
        if keep is not None:
            self.select(keep)
        elif order := self.order():
            self.select(self.here(order[0]), order[0])
        elif self.active_document.sentences:
            self.select(0)
        else:
            return False
        return True

    def select(self, sentence: int, link: Link | None = None) -> None:
        """Make `sentence` of the active article current, with `link` (default: its first link)."""
        links = self.links_of(sentence)
        self.sentence = sentence
        self.link = link if link is not None else (links[0] if links else None)

    def step(self, stop: str, direction: int = 1, start: int | None = None) -> Note | None:
        """Move to the next (direction 1) or previous link in reading order that `stop` names ("link", "diff",
        "conflict"); or, for "only", to the next sentence only the active article has.

        `start` is the sentence to step from when the reader scrolled the current one out of sight (the first one
        on screen going down, the last going up). Returns a note when there is nothing to move to: at the end the
        cursor stays where it is."""
        if stop == "only":
            return self._step_only(start)
        order = self.order()
        keep = STOPS[stop]
        if stop == "conflict" and not any(keep(ln) for ln in order):
            return Note("No conflicts between these two articles.")
        if not order:
            return Note("No links between these two articles at this threshold.")
        if start is not None:
            if direction > 0:
                candidates = (ln for ln in order if self.here(ln) >= start)
            else:
                candidates = (ln for ln in reversed(order) if self.here(ln) <= start)
        elif self.link is not None and self.link in order:
            pos = order.index(self.link)
            candidates = iter(order[pos + 1:] if direction > 0 else reversed(order[:pos]))
        else:
            s = -1 if self.sentence is None else self.sentence
            if direction > 0:
                candidates = (ln for ln in order if self.here(ln) > s)
            else:
                candidates = (ln for ln in reversed(order) if self.here(ln) < s)
        for ln in candidates:
            if keep(ln):
                self.select(self.here(ln), ln)
                return None
        if stop == "conflict" and sum(map(keep, order)) == 1 and self.link is not None and keep(self.link):
            return Note("This is the only conflict.", 2)
        return LAST if direction > 0 else FIRST

    def _step_only(self, start: int | None) -> Note | None:
        if not self.active_document.sentences:
            return Note("This article has no sentences.")
        only = self.only_here()
        if not only:
            return Note("Every sentence of this article has a counterpart.")
        if start is not None:
            after = [k for k in only if k >= start]
        else:
            after = [k for k in only if self.sentence is None or k > self.sentence]
        if not after:
            return LAST
        self.select(after[0])
        return None

    def switch_side(self) -> bool:
        """Make the other pane active. With a current link its sentence there becomes current (True); without one
        (a sentence only this article has) the caller picks a sentence on screen (False)."""
        link = self.link
        self.side = self.other_side
        if link is not None:
            self.select(self.here(link), link)
            return True
        return False

    def pair_after(self, side: str) -> tuple[int, int] | None:
        """The pair `[` (side "left") or `]` (side "right") steps to; None when only two articles are open."""
        n = len(self.documents)
        if n == 2:
            return None
        left, right = self.left, self.right
        if side == "left":
            left = (left + 1) % n
            if left == right:
                left = (left + 1) % n
        else:
            right = (right + 1) % n
            if right == left:
                right = (right + 1) % n
        return left, right

    def show_pair(self, left: int, right: int) -> int | None:
        """Put articles `left` and `right` side by side: the sentence to keep when the active article stays
        (to pass on to set_alignment), else None. A pair that is no pair changes nothing (ValueError)."""
        n = len(self.documents)
        if left == right or not (0 <= left < n and 0 <= right < n):
            raise ValueError(f"no such pair: {left}, {right}")
        stays = (self.left == left) if self.side == "left" else (self.right == right)
        keep = self.sentence if stays else None
        self.left, self.right = left, right
        self.link = None
        return keep

    def find(self, query: str) -> Note | None:
        """Select the next sentence of the active article after the current one that contains `query` (case
        ignored), wrapping to the top (search is not a walk: it goes round); the note says which match it is.
        None: no sentence contains it."""
        needle = query.casefold()
        sents = self.active_document.sentences
        start = -1 if self.sentence is None else self.sentence
        n = len(sents)
        hits = [k for k in range(n) if needle in sents[k].text.casefold()]
        for step in range(1, n + 1):
            k = (start + step) % n
            if needle in sents[k].text.casefold():
                # The prompt is gone once enter is pressed: say where this match is and how to reach the next.
                wrapped = "wrapped to the top · " if k <= start else ""
                more = " · / enter: next" if len(hits) > 1 else ""
                self.select(k)
                return Note(f"{wrapped}match {hits.index(k) + 1} of {len(hits)} sentences{more}")
        return None


def next_threshold(threshold: float, direction: int) -> float:
    """The link threshold one step up (direction 1) or down, kept within [0.05, 0.95]."""
    return round(min(0.95, max(0.05, threshold + direction * THRESHOLD_STEP)), 2)
