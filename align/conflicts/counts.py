"""Counts: the same thing counted differently ("12 civilians were injured" / "no civilians had been harmed").

Each count is read as an interval (exact, more than, at least, about, up to, dozens ...) of a counted thing (a
noun class: civilians, fighters, places ...) for an event (killed, injured, shelled, evacuated ...); "no one was
hurt" is the count 0. Two counts of the same thing for the same event conflict when their intervals are
disjoint. A bound holds the number it names: "more than 70" against "70" is no conflict (a source that says "70
died" and one that says "more than 70" may well report one toll), "more than 70" against "50" is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from align.alignment import Conflict
from align.conflicts.clauses import MONTHS, alternation, context
from align.conflicts.rule import Rule
from align.conflicts.words import lines, word_list, word_table
from align.text import STOP_WORDS, Token, tokens

# Number words are read by our own reader: text2num (3.1) reads "two hundred and fifty" and "forty and eight" but
# not "two dozen", "seven and thirty thousand" or "threescore and ten", which news and Bible translations use.
UNITS = {w: int(v) for w, v in word_table("numbers")}
SCALES = {w: int(v) for w, v in word_table("scales")}
#: Vague amounts, read as ranges.
VAGUE = {w: (float(lo), float(hi)) for w, lo, hi in word_table("vague")}
#: Modifiers before a number, longest first: words -> kind.
_MODIFIERS = [(tuple(words.split()), kind.strip()) for words, kind in (line.split(" = ") for line in lines("modifiers"))]
_MODIFIERS_BY_LAST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _words, _kind in _MODIFIERS:
    _MODIFIERS_BY_LAST.setdefault(_words[-1], []).append((_words, _kind))
#: Counted things that are the same for comparison: a noun maps to its class.
NOUN_CLASSES: dict[str, str] = {noun: cls for noun, cls in word_table("counted_things")}
#: What happened to the counted thing (stem prefix -> event), in file order.
_EVENTS: dict[str, str] = {prefix: event for prefix, event in word_table("events")}
_PRONOUNS = frozenset(word_list("count_pronouns"))
#: Words before a number that make it a part of another count.
_PART_OF = frozenset(word_list("part_of"))

#: A cheap test on the lower-cased sentence: only a sentence that may hold a count is tokenized and parsed.
_MAY_COUNT = re.compile(r"\d|" + alternation(list(UNITS) + list(VAGUE) + ["no", "none", "nobody", "noone"]))


@dataclass(frozen=True)
class Quantity:
    """A count in a sentence: its span (modifier .. noun, .. event word when it follows closely), its interval,
    what it counts and for what event."""

    start: int
    end: int
    low: float
    high: float  # inclusive bounds; open bounds are nudged by a small epsilon
    thing: str  # noun class, or the noun's stem ("w:...")
    event: str | None
    context: frozenset[str]  # content stems of its clause
    stated: float | None = None  # the number the sentence names ("more than 70": 70); None for a vague amount


_EPS = 1e-6
_INF = float("inf")


def _event(stem: str) -> str | None:
    for k, v in _EVENTS.items():
        if stem.startswith(k):
            return v
    return None


def _number(key: str) -> float | None:
    if key[0].isdigit():
        t = key.replace(",", "")
        if t.count(".") > 1 or t.endswith("."):
            return None
        try:
            return float(t)
        except ValueError:
            return None
    return float(UNITS[key]) if key in UNITS else None


def _interval(kind: str, v: float) -> tuple[float, float]:
    return {
        "exact": (v, v), "above": (v + _EPS, _INF), "at_least": (v, _INF), "below": (0.0, v - _EPS),
        "at_most": (0.0, v), "nearly": (0.8 * v, v - _EPS), "about": (0.8 * v, 1.2 * v),
    }[kind]


def _modifier(toks: Sequence[Token], k: int) -> tuple[str, int]:
    """The modifier ending just before token k: (kind, index of its first token)."""
    if k == 0:
        return "exact", k
    for words, kind in _MODIFIERS_BY_LAST.get(toks[k - 1].key, ()):
        n = len(words)
        if k - n >= 0 and tuple(t.key for t in toks[k - n:k]) == words and \
                not any(t.brk for t in toks[k - n + 1:k + 1]):
            return kind, k - n
    return "exact", k


def _close_quote(text: str, start: int, end: int) -> int:
    """Extend a span over a closing quote whose opening quote it contains ("more than 70 “terrorists”")."""
    if end < len(text) and text[end] in "”\"'’" and any(q in text[start:end] for q in "“\"'‘"):
        return end + 1
    return end


@lru_cache(maxsize=65536)
def quantities(text: str) -> tuple[Quantity, ...]:
    """Every count in the sentence, memoized by text."""
    if not _MAY_COUNT.search(text.lower()):
        return ()
    return tuple(_quantities(text, tokens(text)))


def _quantities(text: str, toks: Sequence[Token]) -> list[Quantity]:
    out = []
    k = 0
    while k < len(toks):
        t = toks[k]
        first = k
        stated: float | None = None
        if t.key in VAGUE:
            low, high = VAGUE[t.key]
            end = k + 1
            kind = "vague"
        else:
            v = _number(t.key)
            one_of = t.key == "one" and k + 1 < len(toks) and toks[k + 1].key == "of"  # a choice, not a count
            if v is None or one_of or (t.key == "one" and not _noun_follows(toks, k)):
                nobody = t.key in ("nobody", "noone") or (
                    t.key == "no" and k + 1 < len(toks) and toks[k + 1].key == "one" and not toks[k + 1].brk)
                if nobody:
                    # "No one was hurt", "nobody was killed": a count of people, zero.
                    end = k + (2 if t.key == "no" else 1)
                    ev, ev_idx = _nearest_event(toks, k, end)
                    span_end = toks[ev_idx].end if ev_idx is not None and end <= ev_idx < end + 4 else toks[end - 1].end
                    out.append(Quantity(t.start, span_end, 0.0, 0.0, "civilians", ev, context(toks, k, end), 0.0))
                    k = end
                    continue
                if t.key in ("no", "none") and _noun_follows(toks, k, direct=True):
                    v, kind, end = 0.0, "exact", k + 1
                    if t.key == "none" and k + 2 < len(toks) and toks[k + 1].key == "of":
                        end = k + 2
                else:
                    k += 1
                    continue
            else:
                end = k + 1
                if t.key[0].isalpha():
                    v, end = _word_number(text, toks, k)
                else:
                    # "1.5 million", "12 thousand"
                    while end < len(toks) and toks[end].key in SCALES and not toks[end].brk:
                        v *= SCALES[toks[end].key]
                        end += 1
                if _is_date_or_year(toks, k, v):
                    k += 1
                    continue
                kind, first = _modifier(toks, k)
            low, high = _interval(kind, v) if kind != "vague" else (low, high)
            stated = v if kind != "vague" else None
        if first > 0 and toks[first - 1].key in _PART_OF:
            k = end  # "12 civilians, including 3 children": a part of another count, not a count of its own
            continue
        # The counted thing: a known noun within three words (adjectives between), else the next word.
        thing, noun_end = None, end
        for n in range(end, min(end + 4, len(toks))):
            if toks[n].brk and n > end:
                break
            if toks[n].key in NOUN_CLASSES:
                thing, noun_end = NOUN_CLASSES[toks[n].key], n + 1
                break
        if thing is None and end < len(toks) and not toks[end].brk:
            nxt = toks[end]
            if nxt.key == "of" and end + 1 < len(toks) and toks[end + 1].key in _PRONOUNS:
                thing, noun_end = "pronoun", end + 2
            elif nxt.key[0].isalpha() and nxt.key not in STOP_WORDS:
                thing, noun_end = "w:" + nxt.stem, end + 1
        if thing is None:
            k = end
            continue
        ev, ev_idx = _nearest_event(toks, first, noun_end)
        if ev is None and thing == "casualties":
            ev = _event(toks[noun_end - 1].stem)  # "12 hurt", "12 were injured": the counted word is the event
        span_end = toks[noun_end - 1].end
        if ev_idx is not None and noun_end <= ev_idx < noun_end + 4:
            span_end = toks[ev_idx].end  # "12 civilians had been injured"
        span_end = _close_quote(text, toks[first].start, span_end)
        out.append(Quantity(toks[first].start, span_end, low, high, thing, ev, context(toks, first, noun_end), stated))
        k = max(end, k + 1)
    return out


def _tens(x: float) -> bool:
    return 20 <= x <= 90 and x % 10 == 0


def _word_number(text: str, toks: Sequence[Token], k: int) -> tuple[float, int]:
    """A number told in words, from token k: "twenty-eight", "two hundred and fifty", "four hundred thirty", "two
    dozen", and in older English "forty and eight", "seven and thirty", "threescore and ten", "three hundred
    thousand and seven and thirty thousand and five hundred". Returns the value and the index after its last word."""
    total = current = 0.0
    last: float | None = None  # the last added word's value; None after a multiplier
    i = k
    while i < len(toks):
        t = toks[i]
        joined_by_and = False
        if i > k:
            if t.brk:
                break
            gap = text[toks[i - 1].end:t.start]
            if t.key == "and" and gap.strip() == "":
                if i + 1 < len(toks) and toks[i + 1].key in UNITS and not toks[i + 1].brk \
                        and text[t.end:toks[i + 1].start].strip() == "":
                    i += 1
                    t = toks[i]
                    joined_by_and = True
                else:
                    break
            elif gap not in (" ", "-"):
                break
        key = t.key
        if key in ("hundred", "dozen") and (i > k or key == "hundred"):
            current = (current or 1) * SCALES[key]
            last = None
        elif key in ("thousand", "million", "billion"):
            total += (current or 1) * SCALES[key]
            current, last = 0.0, None
        elif key in UNITS and key not in SCALES:
            w = float(UNITS[key])
            if last is not None and not (
                    (_tens(last) and 1 <= w <= 9)  # "twenty-eight", "forty and eight"
                    or (last % 20 == 0 and _tens(last) and 10 <= w <= 19 and joined_by_and)  # "threescore and ten"
                    or (1 <= last <= 9 and _tens(w) and joined_by_and)):  # "seven and thirty"
                if joined_by_and:
                    i -= 1  # the "and" is not part of the number
                break
            current += w
            last = w
        else:
            if joined_by_and:
                i -= 1
            break
        i += 1
    return total + current, i


def _noun_follows(toks: Sequence[Token], k: int, direct: bool = False) -> bool:
    """A counted noun right after token k ("no civilians", "none of the residents", "one soldier")."""
    reach = 1 if direct else 3
    for n in range(k + 1, min(k + 1 + reach + (2 if toks[k].key == "none" else 0), len(toks))):
        if toks[n].brk:
            return False
        if toks[n].key in NOUN_CLASSES or toks[n].key.rstrip("s") + "s" in NOUN_CLASSES:
            return True
        if toks[n].key not in ("of", "the", "single", "more", "further", "other"):
            if direct:
                return False
    return False


def _is_date_or_year(toks: Sequence[Token], k: int, v: float) -> bool:
    prev = toks[k - 1].key if k else ""
    nxt = toks[k + 1].key if k + 1 < len(toks) else ""
    if prev in MONTHS or nxt in MONTHS:
        return True
    if 1900 <= v <= 2100 and float(v).is_integer() and nxt not in NOUN_CLASSES:
        return True
    return False


def _nearest_event(toks: Sequence[Token], first: int, end: int) -> tuple[str | None, int | None]:
    """The event word nearest to tokens first..end (within six words, not across a clause break)."""
    best: tuple[int, str | None, int | None] = (99, None, None)
    n = first - 1
    while n >= 0 and first - n <= 6:
        if toks[n + 1].brk:
            break
        ev = _event(toks[n].stem)
        if ev:
            best = min(best, (first - n, ev, n), key=lambda b: b[0])
            break
        n -= 1
    n, steps, resume = end, 0, end
    while n < len(toks) and steps < 6:
        if toks[n].key in _PART_OF and (toks[n].brk or n == end):
            # "12 civilians, including 3 children, were injured": the event is after the aside.
            n += 1
            while n < len(toks) and not toks[n].brk:
                n += 1
            resume = n
            continue
        if toks[n].brk and n != resume:
            break
        ev = _event(toks[n].stem)
        if ev:
            if steps + 1 <= best[0]:
                best = (steps + 1, ev, n)
            break
        n += 1
        steps += 1
    return best[1], best[2]


def counted(text: str) -> list[Quantity]:
    """The sentence's counts of a known thing for a known event ("12 civilians were injured", "no one was hurt"):
    the ones that say two sentences report the same fact, whether their numbers agree or not."""
    return [q for q in quantities(text) if q.event and not q.thing.startswith("w:") and q.thing != "pronoun"]


def harmed(q: Quantity) -> str:
    """The counted thing, with people hurt or killed one thing however named ("12 people were hurt", "12 injured",
    "no one was hurt", "12 civilians were wounded")."""
    if q.thing in ("civilians", "casualties") and q.event in ("harm", "death"):
        return "people " + q.event
    return q.thing


def comparable(qa: Quantity, qb: Quantity) -> bool:
    """Whether two quantities count the same thing for the same event."""
    if qa.thing == "pronoun" or qb.thing == "pronoun":
        return False
    if harmed(qa) != harmed(qb):
        return False
    if qa.event != qb.event:
        return False  # "evacuated from nine towns" and "ten towns were shelled" count different things
    if qa.thing.startswith("w:"):
        return bool(qa.context & qb.context)  # an unknown noun: "15 months of war" vs "eight months of fighting"
    return True


def _closed(q: Quantity) -> tuple[float, float]:
    """The interval with the number the sentence names inside it: "more than 70" holds 70."""
    return q.low, q.high


def compatible(qa: Quantity, qb: Quantity) -> bool:
    """Whether two counts may be true together: their intervals, each holding the number it names, meet."""
    (la, ha), (lb, hb) = _closed(qa), _closed(qb)
    return not (ha < lb or hb < la)


def find(a: str, b: str) -> list[Conflict]:
    """Counts of one thing for one event in a and b that cannot both be true."""
    qas, qbs = quantities(a), quantities(b)
    if not qas or not qbs:
        return []

    def agreed(q: Quantity, others: tuple[Quantity, ...]) -> bool:
        """The other sentence states this quantity too ("thirty cubits ... four cubits" in both)."""
        return any(comparable(q, o) and compatible(q, o) for o in others)

    found = []
    open_b = [qb for qb in qbs if not agreed(qb, qas)]
    for qa in qas:
        if agreed(qa, qbs):
            continue
        for qb in open_b:
            if comparable(qa, qb) and not compatible(qa, qb):
                what = "casualties" if {qa.event, qb.event} & {"harm", "death"} else "number"
                reason = f"{what}: {a[qa.start:qa.end]} vs {b[qb.start:qb.end]}"
                found.append(Conflict(qa.start, qa.end, qb.start, qb.end, reason))
    return found


RULE = Rule("counts", find, order=10)
