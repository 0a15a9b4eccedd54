"""Days and dates: one event dated differently ("The strike killed five people on Monday" / "on Tuesday").

Two readings. The sentences name no day in common, and the words around the two days share content (a day given
for a different event in a long sentence is no conflict; a day on a verb of saying dates the statement, so what
was said identifies it). Or, failing that, the word differences put one day or month in place of another next to
shared words ("police said on Tuesday" / "on Wednesday"), whatever else the sentences date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from align.alignment import Conflict
from align.conflicts.clauses import MONTHS, WEEKDAYS, alternation, clause
from align.conflicts.replaced import replaced
from align.conflicts.rule import Rule
from align.conflicts.words import word_list
from align.text import Token, is_content, tokens

_REPORTING = frozenset(word_list("reporting_verbs"))
_MAY_DATE = re.compile(alternation(WEEKDAYS + MONTHS))


@dataclass(frozen=True)
class When:
    """A day or date in a sentence, and what it dates."""

    start: int
    end: int
    kind: str  # weekday | date
    value: str
    context: frozenset[str]  # content stems around it: what the day is the day of


@lru_cache(maxsize=65536)
def _may_date(text: str) -> bool:
    """Whether the sentence names a weekday or a month at all (a cheap test before tokenizing)."""
    return bool(_MAY_DATE.search(text.lower()))


@lru_cache(maxsize=65536)
def whens(text: str) -> tuple[When, ...]:
    """Every weekday and day of a month ("Monday", "May 22", "22 May") in the sentence, memoized by text."""
    if not _may_date(text):
        return ()
    toks = tokens(text)
    out = []
    for k, t in enumerate(toks):
        if t.key in WEEKDAYS:
            out.append(When(t.start, t.end, "weekday", t.key, _event_context(toks, k, k + 1)))
        elif t.key in MONTHS and (t.key != "may" or any(0 <= x < len(toks) and toks[x].key.isdigit()
                                                         for x in (k - 1, k + 1))):  # "may" the verb
            # "May 22", "22 May"; a month alone is too vague to conflict
            if k + 1 < len(toks) and toks[k + 1].key.isdigit() and int(toks[k + 1].key) <= 31:
                out.append(When(t.start, toks[k + 1].end, "date", f"{t.key} {int(toks[k + 1].key)}",
                                _event_context(toks, k, k + 2)))
            elif k > 0 and toks[k - 1].key.isdigit() and int(toks[k - 1].key) <= 31:
                out.append(When(toks[k - 1].start, t.end, "date", f"{t.key} {int(toks[k - 1].key)}",
                                _event_context(toks, k - 1, k + 1)))
    return tuple(out)


def _event_context(toks: Sequence[Token], a: int, b: int) -> frozenset[str]:
    """What a date phrase dates, as content stems without names. A day on a reporting verb ("said on Tuesday
    that ...") dates the statement, which is identified by what was said, so then only the words after the
    verb count (through a following "that" clause)."""
    lo, hi = clause(toks, a, b)
    verbs = [k for k in range(lo, hi) if toks[k].key in _REPORTING]
    if verbs:
        lo = verbs[-1] + 1
        if hi < len(toks) and toks[hi].key == "that" or (hi + 1 < len(toks) and toks[hi + 1].key == "that"):
            start = hi + 1 if toks[hi].key == "that" else hi + 2
            hi = clause(toks, start, start + 1)[1]
    return frozenset(t.stem for t in (*toks[lo:a], *toks[b:hi])
                     if is_content(t) and not t.cap and t.key not in WEEKDAYS and t.key not in MONTHS)


def _other_day(x: str, y: str) -> str | None:
    """One day or month put in place of another."""
    if x != y and ((x in WEEKDAYS and y in WEEKDAYS) or (x in MONTHS and y in MONTHS)):
        return "day" if x in WEEKDAYS else "date"
    return None


def find(a: str, b: str) -> list[Conflict]:
    """Days or dates of one event in a and b that differ."""
    if not _may_date(a) or not _may_date(b):
        return []
    found = []
    wa_all, wb_all = whens(a), whens(b)
    for kind in ("weekday", "date"):
        wa = [w for w in wa_all if w.kind == kind]
        wb = [w for w in wb_all if w.kind == kind]
        if not wa or not wb or {w.value for w in wa} & {w.value for w in wb}:
            continue  # a day both name: the other days are about other events
        shared, x, y = max(((len(x.context & y.context), x, y) for x in wa for y in wb), key=lambda p: p[0])
        if shared >= 2:
            what = "day" if kind == "weekday" else "date"
            found.append(Conflict(x.start, x.end, y.start, y.end, f"{what}: {a[x.start:x.end]} vs {b[y.start:y.end]}"))
    return found or replaced(a, b, _other_day)


RULE = Rule("dates", find, order=20)
