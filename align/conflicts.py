"""Conflicting facts: the same specific fact stated differently in two aligned sentences.

Three kinds of evidence, each compared only when both sentences speak of the same thing:
- quantities ("70 saboteurs died" vs "more than 70 attackers were killed"): each is read as an interval
  (exact, more than, at least, about, up to, dozens ...); two quantities of the same counted thing (same noun
  class) and the same event (killed, injured, shelled, evacuated ...) conflict when their intervals are disjoint.
  "no civilians had been harmed" is the quantity 0, so it conflicts with "12 civilians were wounded";
- days and dates ("Monday" vs "Tuesday"): only when the sentences share no day at all and the words around the
  two days share content, so a day given for a different event in a long sentence is not a conflict;
- negation ("does not agree" vs "agrees"): a negated word the other sentence states plainly, near shared words,
  when the other sentence does not itself negate something in that clause (two negative statements worded
  differently agree). Older English word order counts too ("let not", "fear him not", "neither shalt thou"):
  on KJV against WEB (Law, 3,677 links) these rules took false conflicts from 168 to 10.

Per-sentence facts are memoized by text: linking classifies every link, and one sentence is in many links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from align.alignment import Conflict

# ---------------------------------------------------------------------------------------------------- tokens

_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_]+(?:['’][^\W\d_]+)*|%")
#: Characters between two tokens that end a clause (quotes and dashes do not).
_CLAUSE_BREAK = frozenset(",.;:!?()…")


class Token(NamedTuple):
    start: int
    end: int
    key: str  # lower case, straight apostrophe
    stem: str  # crude stem for matching word forms
    brk: bool  # a clause break lies between this token and the previous one
    cap: bool  # starts with a capital letter: a name, or a sentence's first word


def _stem(w: str) -> str:
    """A crude stem: plural s off, then the first five letters ('agrees'/'agreed', 'injured'/'injuries')."""
    if w[0].isdigit():
        return w
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w[:5]


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[Token, ...]:
    out = []
    prev_end = 0
    brk_chars = _CLAUSE_BREAK
    new = tuple.__new__  # a NamedTuple without the keyword handling of Token(...)
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        word = m.group()
        key = word.lower()
        if "’" in key:
            key = key.replace("’", "'")
        if key[0].isdigit():
            stem = key
        else:  # _stem, inlined: tokenizing is most of the cost of a sentence seen for the first time
            stem = key[:-1] if len(key) > 3 and key[-1] == "s" and key[-2] != "s" else key
            stem = stem[:5]
        gap = text[prev_end:start]
        brk = gap != " " and bool(out) and not brk_chars.isdisjoint(gap)
        out.append(new(Token, (start, end, key, stem, brk, word[0].isupper())))
        prev_end = end
    return tuple(out)


_STOP = frozenset(
    "the a an and or but of to in on at by for with from as is are was were be been being has have had it its this "
    "that these those he she they them his her their we our you your i said says say after before than then there "
    "which who whom what when where while also into over about more most some such only other would could should "
    "will can may might do does did so if up out one two day days this according told shall must "
    "art hast hath hadst shalt wilt dost doth didst canst thee thou thy ye".split()
)


def _content(tok: Token) -> bool:
    return tok.key not in _STOP and not tok.key[0].isdigit() and len(tok.key) > 2


# ---------------------------------------------------------------------------------------------------- numbers

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "dozen": 12,
    "twoscore": 40, "threescore": 60, "fourscore": 80,  # older English, as in Bible translations
}
#: Vague amounts, read as ranges.
_VAGUE = {"dozens": (24, 99), "scores": (40, 199), "hundreds": (200, 999), "thousands": (2000, 9999)}
_SCALE = {"dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
#: Modifiers before a number, longest first: name -> kind.
_MODIFIERS = [
    (("no", "fewer", "than"), "at_least"), (("no", "less", "than"), "at_least"), (("no", "more", "than"), "at_most"),
    (("more", "than"), "above"), (("greater", "than"), "above"), (("upwards", "of"), "above"),
    (("at", "least"), "at_least"),
    (("fewer", "than"), "below"), (("less", "than"), "below"), (("up", "to"), "at_most"), (("at", "most"), "at_most"),
    (("close", "to"), "nearly"), (("as", "many", "as"), "at_most"),
    (("over",), "above"), (("above",), "above"), (("exceeding",), "above"), (("under",), "below"),
    (("nearly",), "nearly"), (("almost",), "nearly"), (("about",), "about"), (("around",), "about"),
    (("approximately",), "about"), (("roughly",), "about"), (("some",), "about"), (("estimated",), "about"),
    (("only",), "exact"), (("just",), "exact"), (("exactly",), "exact"),
]
_MODIFIERS_BY_LAST: dict[str, list] = {}
for _words, _kind in _MODIFIERS:
    _MODIFIERS_BY_LAST.setdefault(_words[-1], []).append((_words, _kind))
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: Counted things that are the same for comparison: a noun maps to its class.
_NOUN_CLASSES = {
    "people": "civilians", "civilians": "civilians", "civilian": "civilians", "residents": "civilians",
    "persons": "civilians", "inhabitants": "civilians", "children": "civilians", "villagers": "civilians",
    "saboteurs": "fighters", "fighters": "fighters", "militants": "fighters", "attackers": "fighters",
    "terrorists": "fighters", "infiltrators": "fighters", "nationalists": "fighters", "insurgents": "fighters",
    "soldiers": "troops", "troops": "troops", "servicemen": "troops", "personnel": "troops",
    "towns": "places", "villages": "places", "settlements": "places", "localities": "places", "cities": "places",
    "communities": "places", "hamlets": "places",
    "percent": "%", "%": "%", "per": "%",
    "dead": "casualties", "deaths": "casualties", "casualties": "casualties", "victims": "casualties",
    "injuries": "casualties", "wounded": "casualties", "injured": "casualties", "hurt": "casualties",
    "killed": "casualties",
}
#: What happened to the counted thing: the nearest event word decides which quantities are comparable.
_EVENTS = {
    "injur": "harm", "wound": "harm", "hurt": "harm", "harm": "harm", "casua": "harm",
    "kill": "death", "die": "death", "dead": "death", "death": "death", "elimi": "death", "liqui": "death",
    "destr": "destroyed",
    "shell": "shelling", "bomba": "shelling", "struc": "shelling", "strik": "shelling", "attac": "shelling",
    "hit": "shelling", "shot": "shelling",
    "evacu": "evacuation", "left": "evacuation", "fled": "evacuation", "flee": "evacuation", "displ": "evacuation",
    "arres": "arrest", "detai": "arrest", "captu": "arrest",
}
_PRONOUNS = {"them", "those", "these", "us", "it"}
#: Words before a number that make it a part of another count.
_PART_OF = {"including", "includes", "include", "among", "incl", "plus", "besides"}


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
    return float(_UNITS[key]) if key in _UNITS else None


@dataclass(frozen=True)
class Quantity:
    start: int  # span: modifier .. noun (.. event word when it follows closely)
    end: int
    low: float
    high: float  # inclusive bounds; open bounds are nudged by a small epsilon
    thing: str  # noun class, or the noun's stem
    event: str | None
    context: frozenset[str]  # content stems of its clause


_EPS = 1e-6
_INF = float("inf")


def _interval(kind: str, v: float) -> tuple[float, float]:
    return {
        "exact": (v, v), "above": (v + _EPS, _INF), "at_least": (v, _INF), "below": (0.0, v - _EPS),
        "at_most": (0.0, v), "nearly": (0.8 * v, v - _EPS), "about": (0.8 * v, 1.2 * v),
    }[kind]


def _modifier(toks: list[Token], k: int) -> tuple[str, int]:
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


def _quantities(text: str, toks: list[Token]) -> list[Quantity]:
    out = []
    k = 0
    while k < len(toks):
        t = toks[k]
        first = k
        if t.key in _VAGUE:
            low, high = _VAGUE[t.key]
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
                    out.append(Quantity(t.start, span_end, 0.0, 0.0, "civilians", ev, _context(toks, k, end)))
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
                    while end < len(toks) and toks[end].key in _SCALE and not toks[end].brk:
                        v *= _SCALE[toks[end].key]
                        end += 1
                if _is_date_or_year(toks, k, v):
                    k += 1
                    continue
                kind, first = _modifier(toks, k)
            low, high = _interval(kind, v) if kind != "vague" else (low, high)
        if first > 0 and toks[first - 1].key in _PART_OF:
            k = end  # "12 civilians, including 3 children": a part of another count, not a count of its own
            continue
        # The counted thing: a known noun within three words (adjectives between), else the next word.
        thing, noun_end = None, end
        for n in range(end, min(end + 4, len(toks))):
            if toks[n].brk and n > end:
                break
            if toks[n].key in _NOUN_CLASSES:
                thing, noun_end = _NOUN_CLASSES[toks[n].key], n + 1
                break
        if thing is None and end < len(toks) and not toks[end].brk:
            nxt = toks[end]
            if nxt.key == "of" and end + 1 < len(toks) and toks[end + 1].key in _PRONOUNS:
                thing, noun_end = "pronoun", end + 2
            elif nxt.key[0].isalpha() and nxt.key not in _STOP:
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
        out.append(Quantity(toks[first].start, span_end, low, high, thing, ev, _context(toks, first, noun_end)))
        k = max(end, k + 1)
    return out


def _word_number(text: str, toks: list[Token], k: int) -> tuple[float, int]:
    """A number told in words, from token k: "twenty-eight", "two hundred and fifty", "four hundred thirty", "two
    dozen", and in older English "forty and eight", "seven and thirty", "threescore and ten", "three hundred
    thousand and seven and thirty thousand and five hundred". Returns the value and the index after its last word."""
    tens = lambda x: 20 <= x <= 90 and x % 10 == 0  # noqa: E731
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
                if i + 1 < len(toks) and toks[i + 1].key in _UNITS and not toks[i + 1].brk \
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
            current = (current or 1) * _SCALE[key]
            last = None
        elif key in ("thousand", "million", "billion"):
            total += (current or 1) * _SCALE[key]
            current, last = 0.0, None
        elif key in _UNITS and key not in _SCALE:
            w = float(_UNITS[key])
            if last is not None and not (
                    (tens(last) and 1 <= w <= 9)  # "twenty-eight", "forty and eight"
                    or (last % 20 == 0 and tens(last) and 10 <= w <= 19 and joined_by_and)  # "threescore and ten"
                    or (1 <= last <= 9 and tens(w) and joined_by_and)):  # "seven and thirty"
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


def _noun_follows(toks: list[Token], k: int, direct: bool = False) -> bool:
    """A counted noun right after token k ("no civilians", "none of the residents", "one soldier")."""
    reach = 1 if direct else 3
    for n in range(k + 1, min(k + 1 + reach + (2 if toks[k].key == "none" else 0), len(toks))):
        if toks[n].brk:
            return False
        if toks[n].key in _NOUN_CLASSES or toks[n].key.rstrip("s") + "s" in _NOUN_CLASSES:
            return True
        if toks[n].key not in ("of", "the", "single", "more", "further", "other"):
            if direct:
                return False
    return False


def _is_date_or_year(toks: list[Token], k: int, v: float) -> bool:
    prev = toks[k - 1].key if k else ""
    nxt = toks[k + 1].key if k + 1 < len(toks) else ""
    if prev in _MONTHS or nxt in _MONTHS:
        return True
    if 1900 <= v <= 2100 and float(v).is_integer() and nxt not in _NOUN_CLASSES:
        return True
    return False


def _nearest_event(toks: list[Token], first: int, end: int) -> tuple[str | None, int | None]:
    """The event word nearest to tokens first..end (within six words, not across a clause break)."""
    best: tuple[int, str | None, int | None] = (99, None, None)
    # Backwards
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
    return [q for q in facts(text).quantities if q.event and not q.thing.startswith("w:") and q.thing != "pronoun"]


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


# ---------------------------------------------------------------------------------------------------- days, dates


@dataclass(frozen=True)
class When:
    start: int
    end: int
    kind: str  # weekday | date
    value: str
    context: frozenset[str]  # content stems around it: what the day is the day of


def _whens(toks: list[Token]) -> list[When]:
    out = []
    for k, t in enumerate(toks):
        if t.key in _DAYS:
            out.append(When(t.start, t.end, "weekday", t.key, _event_context(toks, k, k + 1)))
        elif t.key in _MONTHS and (t.key != "may" or any(0 <= x < len(toks) and toks[x].key.isdigit()
                                                          for x in (k - 1, k + 1))):  # "may" the verb
            # "May 22", "22 May"; a month alone is too vague to conflict
            if k + 1 < len(toks) and toks[k + 1].key.isdigit() and int(toks[k + 1].key) <= 31:
                out.append(When(t.start, toks[k + 1].end, "date", f"{t.key} {int(toks[k + 1].key)}",
                                _event_context(toks, k, k + 2)))
            elif k > 0 and toks[k - 1].key.isdigit() and int(toks[k - 1].key) <= 31:
                out.append(When(toks[k - 1].start, t.end, "date", f"{t.key} {int(toks[k - 1].key)}",
                                _event_context(toks, k - 1, k + 1)))
    return out


#: Words that open a subordinate clause: a day before one of them dates a different event than one after it.
_CLAUSE_WORDS = frozenset({"that", "when", "which", "who", "whom", "while", "after", "before", "because", "but",
                           "although", "though", "where"})


def _clause(toks: list[Token], a: int, b: int, reach: int = 10) -> tuple[int, int]:
    """Token range of the clause holding tokens a..b: bounded by punctuation and clause words. A lead-in
    ("On Monday, ...") belongs to the clause after it."""
    lo = a
    while lo > 0 and a - lo < reach and not toks[lo].brk and toks[lo - 1].key not in _CLAUSE_WORDS:
        lo -= 1
    hi = b
    while hi < len(toks) and hi - b < reach and toks[hi].key not in _CLAUSE_WORDS and (
            not toks[hi].brk or hi == b and hi - lo <= 2):
        hi += 1
    return lo, hi


def _context(toks: list[Token], a: int, b: int, reach: int = 10) -> frozenset[str]:
    """Content stems of the clause around tokens a..b (excluding them): what that phrase is about."""
    lo, hi = _clause(toks, a, b, reach)
    return frozenset(t.stem for t in toks[lo:a] + toks[b:hi] if _content(t) and t.key not in _DAYS)


_REPORTING = frozenset("said say says announced announces declared declares assured assures reported reports stated "
                       "states claimed claims told added confirmed confirms denounced denied insisted warned "
                       "explained noted".split())


def _event_context(toks: list[Token], a: int, b: int) -> frozenset[str]:
    """What a date phrase dates, as content stems without names. A day on a reporting verb ("said on Tuesday
    that ...") dates the statement, which is identified by what was said, so then only the words after the
    verb count (through a following "that" clause)."""
    lo, hi = _clause(toks, a, b)
    verbs = [k for k in range(lo, hi) if toks[k].key in _REPORTING]
    if verbs:
        lo = verbs[-1] + 1
        if hi < len(toks) and toks[hi].key == "that" or (hi + 1 < len(toks) and toks[hi + 1].key == "that"):
            start = hi + 1 if toks[hi].key == "that" else hi + 2
            hi = _clause(toks, start, start + 1)[1]
    return frozenset(t.stem for t in toks[lo:a] + toks[b:hi]
                     if _content(t) and not t.cap and t.key not in _DAYS and t.key not in _MONTHS)


#: Words that negate the verb after them ("nor" and "neither" mostly negate nouns in a list: see _negations).
_NEGATORS = {"not", "never", "cannot"}
_SKIP_AFTER_NEG = {"be", "been", "being", "yet", "a", "an", "the", "have", "had", "has", "to", "ever", "also", "so",
                   "any", "at", "all", "in", "fact", "just", "even", "longer", "again"}
_AUX = {"is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does", "did", "will", "would",
        "can", "could", "should", "may", "might", "must", "shall",
        # Older English (translations, quotations): "thou shalt not", "hast not gone".
        "art", "hast", "hath", "hadst", "shalt", "wilt", "dost", "doth", "didst", "canst", "couldest", "wouldest",
        "shouldest", "mayest", "mightest", "wouldst", "couldst", "shouldst"}
#: Pronouns between a verb and a postposed "not" ("fear him not"), or after "neither shalt" ("neither shalt thou").
_PERSONAL = {"him", "her", "them", "it", "me", "us", "thee", "you", "ye", "thou", "he", "she", "they", "we", "i"}


def _lemma(key: str) -> str:
    """Word forms of one verb or noun meet: 'agrees'/'agreed'/'agree', 'fighting'/'fight' (not 'fighters')."""
    for suf, rep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if key.endswith(suf) and len(key) - len(suf) >= 3:
            key = key[: -len(suf)] + rep
            break
    return key.rstrip("e")


@dataclass(frozen=True)
class Negated:
    start: int
    end: int
    lemma: str  # the negated word
    context: frozenset[str]  # content stems of its clause


def _negations(toks: list[Token]) -> tuple[list[Negated], frozenset[int]]:
    """Negated words, and the indices of every token under a negation (for the plain-statement check)."""
    out = []
    covered = set()
    for k, t in enumerate(toks):
        if t.key in ("no", "none", "nothing", "nobody", "lest"):
            # "no civilians had been harmed"; and a verb right before it is not stated plainly ("touch no thing").
            first = k - 1 if k and not t.brk and _content(toks[k - 1]) else k
            covered.update(range(first, _clause(toks, k, k + 1)[1]))
            continue
        if t.key in ("neither", "nor"):
            if k and not t.brk and _content(toks[k - 1]):
                covered.add(k - 1)  # "ye shall eat neither bread, nor ..."
            if (k + 2 < len(toks) and toks[k + 1].key in _AUX and toks[k + 2].key in _PERSONAL
                    and not toks[k + 1].brk and not toks[k + 2].brk):
                pass  # "neither shalt thou take": the verb after the auxiliary and its subject is negated
            else:
                # "neither sow thy field, nor prune": what follows is not stated plainly; it is often a noun in a
                # list, so it is not taken as a negated verb either.
                covered.update(range(k, _clause(toks, k, k + 1)[1]))
                continue
        elif not (t.key in _NEGATORS or t.key.endswith("n't")):
            continue
        verb = _postposed(toks, k) if t.key == "not" else None
        if verb is not None:
            # Older English puts "not" after the verb ("let not the anger", "fear him not", "spread not"): the verb
            # is negated. When a content word follows, it may instead be a modern "not" before its verb ("that his
            # heart not turn away") or an object ("bear not iniquity"): both readings are kept.
            covered.update(range(verb, k + 1))
            out.append(Negated(toks[verb].start, t.end, _lemma(toks[verb].key), _context(toks, verb, k + 1)))
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if nxt is None or nxt.brk or not _content(nxt) or nxt.key in _SKIP_AFTER_NEG or nxt.key in _PERSONAL \
                    or nxt.key.endswith(("self", "selves")):
                continue
        n = k + 1
        # Skip auxiliaries, articles and adverbs ("has not been independently verified") to the negated word.
        while n < len(toks) and n - k <= 4 and not toks[n].brk and (
                toks[n].key in _SKIP_AFTER_NEG or toks[n].key in _AUX or toks[n].key.endswith("ly")
                or (toks[n].key in _PERSONAL and (toks[n - 1].key in _AUX or toks[n - 1].key.endswith("n't")))):
            n += 1
        if n >= len(toks) or toks[n].brk or not _content(toks[n]):
            continue
        # The rest of the clause is under the negation too ("there was not a man left").
        covered.update(range(k, max(n + 1, _clause(toks, k, n + 1)[1])))
        start = toks[k - 1].start if k and toks[k - 1].key in _AUX else t.start
        out.append(Negated(start, toks[n].end, _lemma(toks[n].key), _context(toks, k, n + 1)))
    return out, frozenset(covered)


def _postposed(toks: list[Token], k: int) -> int | None:
    """The verb a "not" at k follows, in older English word order ("let not", "fear him not"), else None.

    Only a content word right before "not" (or before a pronoun right before it) that is no auxiliary counts;
    modern English puts "not" after an auxiliary ("did not let"), which the forward reading handles."""
    j = k - 1
    if j >= 0 and toks[j].key in _PERSONAL and not toks[j].brk and not toks[k].brk:
        j -= 1
    if j < 0 or toks[k].brk or (j < k - 1 and toks[j + 1].brk):
        return None
    w = toks[j]
    if w.key in _AUX or w.key in _PERSONAL or not _content(w) or w.key.endswith("ly"):
        return None
    return j


# ---------------------------------------------------------------------------------------------------- facts


def _words(words) -> str:
    return r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b"


#: Cheap per-sentence tests (one regex each on the lower-cased text): only a pair where both sides may hold a
#: quantity, or both a day or date, or one a negation, pays for tokenizing and parsing.
_MAY_COUNT = re.compile(r"\d|" + _words(list(_UNITS) + list(_VAGUE) + ["no", "none", "nobody", "noone"]))
_MAY_DATE = re.compile(_words(_DAYS + _MONTHS))
_MAY_NEGATE = re.compile(_words(["not", "never", "cannot", "no", "none", "neither", "nor", "nothing", "nobody",
                                  "lest"]) + r"|n['’]t\b")


# ------------------------------------------------------------------------------------------------- opposites

#: Words that state the opposite of each other when one replaces the other in a retelling ("ordered schools to
#: close" / "to stay open", "Kyiv confirmed" / "Kyiv denied"). A short list of clear opposites, not a thesaurus:
#: each pair is checked only where the word differences put one in place of the other.
_OPPOSITES = (
    ("open opens opened reopen reopens reopened", "close closes closed shut shuts"),
    ("confirm confirms confirmed admit admits admitted", "deny denies denied"),
    ("hire hires hired", "fire fires fired dismiss dismisses dismissed sack sacks sacked"),
    ("win wins won", "lose loses lost"),
    ("rise rises rose risen increase increases increased", "fall falls fell fallen decrease decreases decreased"),
    ("accept accepts accepted approve approves approved", "reject rejects rejected"),
    ("arrest arrests arrested detain detains detained", "release releases released free frees freed"),
    ("impose imposes imposed", "lift lifts lifted"),
    ("allow allows allowed permit permits permitted", "ban bans banned forbid forbids forbade prohibit prohibits "
                                                      "prohibited"),
    ("guilty convicted", "innocent acquitted"),
    ("survive survives survived alive", "die dies died dead"),
    ("profit profits profitable", "loss losses"),
    ("pass passes passed", "fail fails failed"),
    ("north northern", "south southern"),
    ("east eastern", "west western"),
)
_OPPOSITE: dict[str, tuple[int, int]] = {w: (g, side) for g, pair in enumerate(_OPPOSITES)
                                          for side, words in enumerate(pair) for w in words.split()}
#: The most words on either side of one replacement for its opposites to count (a long rewrite that happens to
#: hold "east" on one side and "west" on the other is not a statement of the opposite).
_OPPOSITE_REACH = 4


def _replaced(a: str, b: str, match) -> list[Conflict]:
    """Words of `a` that `b` replaces by a word `match(x, y)` names a conflict for (its reason's head), where the
    word differences put one in place of the other next to a content word both sentences share."""
    from difflib import SequenceMatcher

    ta, tb = _tokens(a), _tokens(b)
    out = []
    sm = SequenceMatcher(None, [t.key for t in ta], [t.key for t in tb], autojunk=False)
    ops = sm.get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op != "replace" or i2 - i1 > _OPPOSITE_REACH or j2 - j1 > _OPPOSITE_REACH:
            continue
        # Anchored: a content word both sentences share right before or after ("schools to | close / stay open").
        if not any(o[0] == "equal" and any(_content(t) for t in ta[o[1]:o[2]])
                   for o in ops[max(0, k - 1):k] + ops[k + 1:k + 2]):
            continue
        for x in ta[i1:i2]:
            found = next(((y, what) for y in tb[j1:j2] if (what := match(x.key, y.key))), None)
            if found is not None:
                y, what = found
                out.append(Conflict(x.start, x.end, y.start, y.end, f"{what}: {a[x.start:x.end]} vs {b[y.start:y.end]}"))
                break
    return out


def _opposite(x: str, y: str) -> str | None:
    gx = _OPPOSITE.get(x)
    return "opposite" if gx is not None and _OPPOSITE.get(y, (-1, -1)) == (gx[0], 1 - gx[1]) else None


def _other_day(x: str, y: str) -> str | None:
    """One day put in place of another ("police said on Tuesday" / "on Wednesday"), whatever else the sentences
    date: the rule on shared context misses it when both also name a day they agree on."""
    if x != y and ((x in _DAYS and y in _DAYS) or (x in _MONTHS and y in _MONTHS)):
        return "day" if x in _DAYS else "date"
    return None


_MAY_OPPOSE = re.compile(_words(list(_OPPOSITE)))


class Facts:
    """What one sentence states that can conflict, each part parsed on first use."""

    def __init__(self, text: str) -> None:
        low = text.lower()
        self.text = text
        self.may_count = bool(_MAY_COUNT.search(low))
        self.may_date = bool(_MAY_DATE.search(low))
        self.may_negate = bool(_MAY_NEGATE.search(low))
        self.may_oppose = frozenset(_OPPOSITE[w] for w in _MAY_OPPOSE.findall(low))  # (group, side) pairs
        self._quantities: tuple[Quantity, ...] | None = None
        self._whens: tuple[When, ...] | None = None
        self._negations: tuple[tuple[Negated, ...], frozenset[int]] | None = None

    @property
    def quantities(self) -> tuple[Quantity, ...]:
        if self._quantities is None:
            self._quantities = tuple(_quantities(self.text, _tokens(self.text))) if self.may_count else ()
        return self._quantities

    @property
    def whens(self) -> tuple[When, ...]:
        if self._whens is None:
            self._whens = tuple(_whens(_tokens(self.text))) if self.may_date else ()
        return self._whens

    def _negation_parts(self) -> tuple[tuple[Negated, ...], frozenset[int]]:
        if self._negations is None:
            if self.may_negate:
                negated, covered = _negations(_tokens(self.text))
                self._negations = (tuple(negated), covered)
            else:
                self._negations = ((), frozenset())
        return self._negations

    @property
    def negated(self) -> tuple[Negated, ...]:
        return self._negation_parts()[0]

    @property
    def covered(self) -> frozenset[int]:
        """Indices of the tokens under a negation."""
        return self._negation_parts()[1]

    def plain(self, lemma: str) -> list[tuple[int, int, frozenset[str]]]:
        """Occurrences of a word not under negation: (start, end, content stems of its clause)."""
        index = _lemma_index(self.text).get(lemma)
        if not index:
            return []
        toks = _tokens(self.text)
        covered = self.covered
        return [(toks[k].start, toks[k].end, _context(toks, k, k + 1)) for k in index if k not in covered]


@lru_cache(maxsize=16384)
def _lemma_index(text: str) -> dict[str, list[int]]:
    """Token indices by lemma, for finding a negated word stated plainly in the other sentence."""
    index: dict[str, list[int]] = {}
    for k, t in enumerate(_tokens(text)):
        if _content(t):
            index.setdefault(_lemma(t.key), []).append(k)
    return index


@lru_cache(maxsize=65536)
def facts(text: str) -> Facts:
    return Facts(text)


def find_conflicts(a: str, b: str) -> tuple[Conflict, ...]:
    """The spans of a and b that state one fact differently, with reasons "<what>: <left> vs <right>"."""
    fa, fb = facts(a), facts(b)
    found: list[Conflict] = []
    if fa.may_count and fb.may_count and fa.quantities and fb.quantities:
        def agreed(q: Quantity, others: tuple[Quantity, ...]) -> bool:
            """The other sentence states this quantity too ("thirty cubits ... four cubits" in both)."""
            return any(comparable(q, o) and not (q.high < o.low or o.high < q.low) for o in others)

        open_b = [qb for qb in fb.quantities if not agreed(qb, fa.quantities)]
        for qa in fa.quantities:
            if agreed(qa, fb.quantities):
                continue
            for qb in open_b:
                if comparable(qa, qb) and (qa.high < qb.low or qb.high < qa.low):
                    what = "casualties" if {qa.event, qb.event} & {"harm", "death"} else "number"
                    reason = f"{what}: {a[qa.start:qa.end]} vs {b[qb.start:qb.end]}"
                    found.append(Conflict(qa.start, qa.end, qb.start, qb.end, reason))
    if fa.may_date and fb.may_date and fa.whens and fb.whens:
        for kind in ("weekday", "date"):
            wa = [w for w in fa.whens if w.kind == kind]
            wb = [w for w in fb.whens if w.kind == kind]
            if not wa or not wb or {w.value for w in wa} & {w.value for w in wb}:
                continue  # a day both name: the other days are about other events
            pairs = [(len(x.context & y.context), x, y) for x in wa for y in wb]
            shared, x, y = max(pairs, key=lambda p: p[0])
            if shared >= 2:
                what = "day" if kind == "weekday" else "date"
                reason = f"{what}: {a[x.start:x.end]} vs {b[y.start:y.end]}"
                found.append(Conflict(x.start, x.end, y.start, y.end, reason))
    for neg, other, left in ((fa.negated, fb, True), (fb.negated, fa, False)):
        this = fa if left else fb
        for n in neg:
            if this.plain(n.lemma):
                continue  # the negating sentence also states it: "not the first time ... the first time"
            if any(m.lemma == n.lemma or m.context & n.context for m in other.negated):
                # The other negates it too, or negates something in the same clause: two negative statements
                # worded differently ("shall not a dog move his tongue" / "a dog won't even bark or move").
                continue
            for s, e, context in other.plain(n.lemma):
                if n.context & context:
                    if left:
                        found.append(Conflict(n.start, n.end, s, e, f"negation: {a[n.start:n.end]} vs {b[s:e]}"))
                    else:
                        found.append(Conflict(s, e, n.start, n.end, f"negation: {a[s:e]} vs {b[n.start:n.end]}"))
                    break
    if fa.may_oppose and fb.may_oppose and any((g, 1 - side) in fb.may_oppose for g, side in fa.may_oppose):
        found.extend(_replaced(a, b, _opposite))
    if fa.may_date and fb.may_date and not any(c.reason.startswith(("day:", "date:")) for c in found):
        found.extend(_replaced(a, b, _other_day))
    # One conflict per left span (overlapping findings about one phrase are one conflict).
    out: list[Conflict] = []
    for c in found:
        if not any(c.left_start < o.left_end and o.left_start < c.left_end and
                   c.right_start < o.right_end and o.right_start < c.right_end for o in out):
            out.append(c)
    return tuple(out)
