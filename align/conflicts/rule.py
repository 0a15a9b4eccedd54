"""What a conflict rule is: a name, a place in the order the rules run, and a function from two sentences to the
conflicts it finds between them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from align.alignment import Conflict


@dataclass(frozen=True)
class Rule:
    """One kind of evidence that two sentences state a fact differently.

    `find(a, b)` returns the conflicts between sentences a and b, spans as offsets into each, reasons as
    "<what>: <a's words> vs <b's words>". It should be cheap when a sentence cannot hold its kind of fact (linking
    runs every rule on every link): memoize per-sentence parsing by text. `order` decides which rule runs first;
    where two rules flag overlapping spans, the earlier rule's conflict is kept.
    """

    name: str
    find: Callable[[str, str], list[Conflict]]
    order: int = 100
