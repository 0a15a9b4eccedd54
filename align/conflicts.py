"""Conflicting facts: the same specific fact stated differently in two aligned sentences.

Looks for numbers and quantities, casualty phrases ("12 civilians injured" vs "no civilians harmed"), days and
dates, and negation. Each conflict names the two spans and the reason.
"""

from __future__ import annotations

import re

from align.alignment import Conflict

_WORD_NUM = {
    "no": 0, "none": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12, "dozens": 24,
}
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUM = re.compile(
    r"\b(?:(?P<mod>more than|over|at least|about|around|nearly|almost|some|up to|fewer than|less than)\s+)?"
    r"(?P<n>\d[\d,.]*|" + "|".join(sorted(_WORD_NUM, key=len, reverse=True)) + r")\b"
    r"(?:\s+(?:of\s+)?(?:the\s+|them\s+)?(?P<noun>[A-Za-z]+))?",
    re.IGNORECASE,
)
_DAY = re.compile(r"\b(" + "|".join(_DAYS) + r")\b", re.IGNORECASE)
_HARM = {"injured", "wounded", "hurt", "harmed", "killed", "dead", "died", "casualties", "victims"}
_PEOPLE = {"civilians", "people", "residents", "soldiers", "saboteurs", "fighters", "militants", "persons",
           "children", "troops", "servicemen", "towns", "villages", "settlements", "vehicles", "trucks", "drones"}


def _value(tok: str) -> float | None:
    t = tok.lower().replace(",", "")
    if t in _WORD_NUM:
        return float(_WORD_NUM[t])
    try:
        return float(t.rstrip("."))
    except ValueError:
        return None


def _quantities(text: str) -> list[tuple[int, int, float, str, str]]:
    """(start, end, value, modifier, noun) for counted things; years and dates excluded."""
    out = []
    for m in _NUM.finditer(text):
        v = _value(m.group("n"))
        if v is None:
            continue
        noun = (m.group("noun") or "").lower()
        if 1900 <= v <= 2100 or noun in _MONTHS or _is_date(text, m.start("n")):
            continue
        if m.group("n").lower() in ("no", "none", "one") and noun not in _PEOPLE:
            continue  # "no" and "one" are numbers only before a counted noun
        out.append((m.start(), m.end(), v, (m.group("mod") or "").lower(), noun))
    return out


_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"}


def _is_date(text: str, pos: int) -> bool:
    before = text[max(0, pos - 12):pos].lower()
    return any(before.rstrip().endswith(mo) for mo in _MONTHS)


def _same_thing(na: str, nb: str) -> bool:
    if not na or not nb:
        return False
    return na == nb or na.rstrip("s") == nb.rstrip("s") or ({na, nb} <= {"towns", "villages", "settlements"})


def find_conflicts(a: str, b: str) -> tuple[Conflict, ...]:
    found: list[Conflict] = []
    qa, qb = _quantities(a), _quantities(b)
    for sa, ea, va, ma, na in qa:
        for sb, eb, vb, mb, nb in qb:
            if not _same_thing(na, nb):
                continue
            if va != vb or (ma != mb and (ma or mb)):
                found.append(Conflict(sa, ea, sb, eb, f"number: {a[sa:ea]} vs {b[sb:eb]}"))
    found.extend(_harm_conflicts(a, b))
    da = [(m.start(), m.end(), m.group().lower()) for m in _DAY.finditer(a)]
    db = [(m.start(), m.end(), m.group().lower()) for m in _DAY.finditer(b)]
    if da and db and not ({d for *_, d in da} & {d for *_, d in db}):
        found.append(Conflict(da[0][0], da[0][1], db[0][0], db[0][1], f"day: {da[0][2]} vs {db[0][2]}"))
    # One conflict per pair of spans.
    seen = set()
    out = []
    for c in found:
        key = (c.left_start, c.right_start)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return tuple(out)


_HARM_RE = re.compile(
    r"\b(?P<n>no|none of the|not a single|\d[\d,]*|" + "|".join(k for k in _WORD_NUM if k not in ("no", "none"))
    + r")\s+(?:(?:more\s+)?(?:\w+\s+){0,2})?(?P<who>civilians|people|residents|persons|children)\b"
    r"(?P<rest>[^.;]{0,40}?)\b(?P<harm>injured|wounded|hurt|harmed|killed|dead|died)\b",
    re.IGNORECASE,
)


def _harm_conflicts(a: str, b: str) -> list[Conflict]:
    """'12 civilians had been injured' against 'no civilians had been harmed'."""
    ha = [(m.start(), m.end(), _value(m.group("n").split()[0]) or 0.0) for m in _HARM_RE.finditer(a)]
    hb = [(m.start(), m.end(), _value(m.group("n").split()[0]) or 0.0) for m in _HARM_RE.finditer(b)]
    out = []
    for sa, ea, va in ha:
        for sb, eb, vb in hb:
            if (va == 0) != (vb == 0):
                out.append(Conflict(sa, ea, sb, eb, f"casualties: {a[sa:ea]} vs {b[sb:eb]}"))
    return out
