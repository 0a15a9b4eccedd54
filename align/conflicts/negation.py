"""Negation: a word one sentence negates and the other states plainly ("does not agree" / "agrees").

The two must be near shared words (their clauses share content), and the other sentence must not itself negate
something in that clause: two negative statements worded differently agree ("no one was hurt" / "nobody was
injured"). Older English word order counts as negation too ("let not", "fear him not", "neither shalt thou"), so
translations of one text do not read as contradicting each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from align.alignment import Conflict
from align.conflicts.clauses import alternation, clause, context
from align.conflicts.rule import Rule
from align.conflicts.words import word_list
from align.text import Token, is_content, lemma, tokens

#: Words that negate the verb after them ("nor" and "neither" mostly negate nouns in a list: see `_negations`).
_NEGATORS = frozenset(word_list("negators"))
_SKIP_AFTER_NEG = frozenset(word_list("after_negation"))
_AUX = frozenset(word_list("auxiliaries"))
_PERSONAL = frozenset(word_list("personal_pronouns"))
_MAY_NEGATE = re.compile(alternation(["not", "never", "cannot", "no", "none", "neither", "nor", "nothing", "nobody",
                                      "lest"]) + r"|n['’]t\b")


@dataclass(frozen=True)
class Negated:
    """A negated word in a sentence."""

    start: int
    end: int
    lemma: str  # the negated word
    context: frozenset[str]  # content stems of its clause


@lru_cache(maxsize=65536)
def negations(text: str) -> tuple[tuple[Negated, ...], frozenset[int]]:
    """The sentence's negated words, and the indices of every token under a negation (memoized by text)."""
    if not _MAY_NEGATE.search(text.lower()):
        return (), frozenset()
    negated, covered = _negations(tokens(text))
    return tuple(negated), covered


def _negations(toks: Sequence[Token]) -> tuple[list[Negated], frozenset[int]]:
    out = []
    covered: set[int] = set()
    for k, t in enumerate(toks):
        if t.key in ("no", "none", "nothing", "nobody", "lest"):
            # "no civilians had been harmed"; and a verb right before it is not stated plainly ("touch no thing").
            first = k - 1 if k and not t.brk and is_content(toks[k - 1]) else k
            covered.update(range(first, clause(toks, k, k + 1)[1]))
            continue
        if t.key in ("neither", "nor"):
            if k and not t.brk and is_content(toks[k - 1]):
                covered.add(k - 1)  # "ye shall eat neither bread, nor ..."
            if (k + 2 < len(toks) and toks[k + 1].key in _AUX and toks[k + 2].key in _PERSONAL
                    and not toks[k + 1].brk and not toks[k + 2].brk):
                pass  # "neither shalt thou take": the verb after the auxiliary and its subject is negated
            else:
                # "neither sow thy field, nor prune": what follows is not stated plainly; it is often a noun in a
                # list, so it is not taken as a negated verb either.
                covered.update(range(k, clause(toks, k, k + 1)[1]))
                continue
        elif not (t.key in _NEGATORS or t.key.endswith("n't")):
            continue
        verb = _postposed(toks, k) if t.key == "not" else None
        if verb is not None:
            # Older English puts "not" after the verb ("let not the anger", "fear him not", "spread not"): the verb
            # is negated. When a content word follows, it may instead be a modern "not" before its verb ("that his
            # heart not turn away") or an object ("bear not iniquity"): both readings are kept.
            covered.update(range(verb, k + 1))
            out.append(Negated(toks[verb].start, t.end, lemma(toks[verb].key), context(toks, verb, k + 1)))
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if nxt is None or nxt.brk or not is_content(nxt) or nxt.key in _SKIP_AFTER_NEG or nxt.key in _PERSONAL \
                    or nxt.key.endswith(("self", "selves")):
                continue
        n = k + 1
        # Skip auxiliaries, articles and adverbs ("has not been independently verified") to the negated word.
        while n < len(toks) and n - k <= 4 and not toks[n].brk and (
                toks[n].key in _SKIP_AFTER_NEG or toks[n].key in _AUX or toks[n].key.endswith("ly")
                or (toks[n].key in _PERSONAL and (toks[n - 1].key in _AUX or toks[n - 1].key.endswith("n't")))):
            n += 1
        if n >= len(toks) or toks[n].brk or not is_content(toks[n]):
            continue
        # The rest of the clause is under the negation too ("there was not a man left").
        covered.update(range(k, max(n + 1, clause(toks, k, n + 1)[1])))
        start = toks[k - 1].start if k and toks[k - 1].key in _AUX else t.start
        out.append(Negated(start, toks[n].end, lemma(toks[n].key), context(toks, k, n + 1)))
    return out, frozenset(covered)


def _postposed(toks: Sequence[Token], k: int) -> int | None:
    """The verb a "not" at k follows, in older English word order ("let not", "fear him not"), else None.

    Only a content word right before "not" (or before a pronoun right before it) that is no auxiliary counts;
    modern English puts "not" after an auxiliary ("did not let"), which the forward reading handles."""
    j = k - 1
    if j >= 0 and toks[j].key in _PERSONAL and not toks[j].brk and not toks[k].brk:
        j -= 1
    if j < 0 or toks[k].brk or (j < k - 1 and toks[j + 1].brk):
        return None
    w = toks[j]
    if w.key in _AUX or w.key in _PERSONAL or not is_content(w) or w.key.endswith("ly"):
        return None
    return j


@lru_cache(maxsize=16384)
def _lemma_index(text: str) -> dict[str, list[int]]:
    """Token indices of content words by lemma, for finding a negated word stated plainly."""
    index: dict[str, list[int]] = {}
    for k, t in enumerate(tokens(text)):
        if is_content(t):
            index.setdefault(lemma(t.key), []).append(k)
    return index


def plain(text: str, word: str) -> list[tuple[int, int, frozenset[str]]]:
    """Occurrences of a word (by lemma) not under negation: (start, end, content stems of its clause)."""
    index = _lemma_index(text).get(word)
    if not index:
        return []
    toks = tokens(text)
    covered = negations(text)[1]
    return [(toks[k].start, toks[k].end, context(toks, k, k + 1)) for k in index if k not in covered]


def find(a: str, b: str) -> list[Conflict]:
    """Words one of a and b negates where the other states them plainly."""
    found = []
    neg_a, neg_b = negations(a)[0], negations(b)[0]
    for neg, this, other, others_neg, left in ((neg_a, a, b, neg_b, True), (neg_b, b, a, neg_a, False)):
        for n in neg:
            if plain(this, n.lemma):
                continue  # the negating sentence also states it: "not the first time ... the first time"
            if any(m.lemma == n.lemma or m.context & n.context for m in others_neg):
                # The other negates it too, or negates something in the same clause: two negative statements
                # worded differently ("shall not a dog move his tongue" / "a dog won't even bark or move").
                continue
            for s, e, ctx in plain(other, n.lemma):
                if n.context & ctx:
                    if left:
                        found.append(Conflict(n.start, n.end, s, e, f"negation: {a[n.start:n.end]} vs {b[s:e]}"))
                    else:
                        found.append(Conflict(s, e, n.start, n.end, f"negation: {a[s:e]} vs {b[n.start:n.end]}"))
                    break
    return found


RULE = Rule("negation", find, order=30)
