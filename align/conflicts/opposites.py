"""Opposites: a word replaced by its opposite in a retelling ("ordered schools to close" / "to stay open",
"confirmed" / "denied", "imposed" / "lifted").

A short list of clear opposites (data/opposites.txt), not a thesaurus, each checked only where the word
differences put one in place of the other next to a content word both sentences share.
"""

from __future__ import annotations

import re
from functools import lru_cache

from align.alignment import Conflict
from align.conflicts.clauses import alternation
from align.conflicts.replaced import replaced
from align.conflicts.rule import Rule
from align.conflicts.words import lines

#: word -> (pair number, side 0 or 1)
_OPPOSITE: dict[str, tuple[int, int]] = {w: (g, side) for g, line in enumerate(lines("opposites"))
                                         for side, words in enumerate(line.split("|")) for w in words.split()}
_MAY_OPPOSE = re.compile(alternation(list(_OPPOSITE)))


@lru_cache(maxsize=65536)
def _sides(text: str) -> frozenset[tuple[int, int]]:
    """The (pair, side) of every listed word in the sentence."""
    return frozenset(_OPPOSITE[w] for w in _MAY_OPPOSE.findall(text.lower()))


def _opposite(x: str, y: str) -> str | None:
    gx = _OPPOSITE.get(x)
    return "opposite" if gx is not None and _OPPOSITE.get(y, (-1, -1)) == (gx[0], 1 - gx[1]) else None


def find(a: str, b: str) -> list[Conflict]:
    """Words of a that b replaces by their opposite."""
    sa, sb = _sides(a), _sides(b)
    if not sa or not sb or not any((g, 1 - side) in sb for g, side in sa):
        return []
    return replaced(a, b, _opposite)


RULE = Rule("opposites", find, order=40)
