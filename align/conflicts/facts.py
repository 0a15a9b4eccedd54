"""What one sentence states that the rules compare, in one view (not a rule: it exposes no RULE)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from align.conflicts.counts import Quantity, quantities
from align.conflicts.dates import When, whens
from align.conflicts.negation import Negated, negations


@dataclass(frozen=True)
class Facts:
    """A sentence's counts, days and dates, and negated words."""

    quantities: tuple[Quantity, ...]
    whens: tuple[When, ...]
    negated: tuple[Negated, ...]


@lru_cache(maxsize=16384)
def facts(text: str) -> Facts:
    return Facts(quantities(text), whens(text), negations(text)[0])
