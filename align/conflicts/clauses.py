"""Clauses of a tokenized sentence, shared by the rules: what a phrase is about is the content of its clause, so
two phrases compare only when their clauses share content (not a rule: it exposes no RULE)."""

from __future__ import annotations

from collections.abc import Sequence

from align.conflicts.words import word_list
from align.text import Token, is_content

#: Words that open a subordinate clause.
CLAUSE_WORDS = frozenset(word_list("clause_words"))
WEEKDAYS = tuple(word_list("weekdays"))
MONTHS = tuple(word_list("months"))


def clause(toks: Sequence[Token], a: int, b: int, reach: int = 10) -> tuple[int, int]:
    """Token range of the clause holding tokens a..b: bounded by punctuation and clause words. A lead-in
    ("On Monday, ...") belongs to the clause after it."""
    lo = a
    while lo > 0 and a - lo < reach and not toks[lo].brk and toks[lo - 1].key not in CLAUSE_WORDS:
        lo -= 1
    hi = b
    while hi < len(toks) and hi - b < reach and toks[hi].key not in CLAUSE_WORDS and (
            not toks[hi].brk or hi == b and hi - lo <= 2):
        hi += 1
    return lo, hi


def context(toks: Sequence[Token], a: int, b: int, reach: int = 10) -> frozenset[str]:
    """Content stems of the clause around tokens a..b (excluding them): what that phrase is about."""
    lo, hi = clause(toks, a, b, reach)
    return frozenset(t.stem for t in (*toks[lo:a], *toks[b:hi]) if is_content(t) and t.key not in WEEKDAYS)


def alternation(words: Sequence[str]) -> str:
    """A regex matching any of `words` as a whole word, longest first."""
    return r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b"
