"""Word-level differences inside two aligned sentences, and the link kind that follows from them.

difflib's SequenceMatcher over word tokens (autojunk off); tokens compare case-, punctuation- and
quote-insensitively, while every span points into the original sentence text so the UI can colour it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from align.alignment import Conflict, Link
from align.conflicts import find_conflicts
from align.conflicts.counts import SCALES, UNITS, VAGUE
from align.text import spaced_words, words


@dataclass(frozen=True)
class Span:
    """`text[start:end]` of one side; op is equal, changed, deleted (only left) or inserted (only right)."""

    start: int
    end: int
    op: str


@dataclass(frozen=True)
class WordDiff:
    left: tuple[Span, ...]
    right: tuple[Span, ...]
    ratio: float  # share of word tokens in common, 0..1
    summary: str  # e.g. "-dozens +more than 70", cut to one status line
    changes: tuple[str, ...] = ()  # every change, uncut (the export keeps them all)

    @property
    def full(self) -> str:
        return " | ".join(self.changes)


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with offsets and their comparison key (align.text.spaced_words)."""
    return spaced_words(text)


#: Token pairs SequenceMatcher may face (it is quadratic at worst, and autojunk is off): beyond it the common
#: start and end are trimmed first, and a middle still larger counts as one change. Sentences are far below; a
#: megabyte without a full stop is not, and must not freeze the app.
DIFF_BUDGET = 4_000_000
#: Words of one change quoted in the summary.
SUMMARY_WORDS = 30


def _opcodes(ka: list[str], kb: list[str]) -> list[tuple[str, int, int, int, int]]:
    n, m = len(ka), len(kb)
    if n * m <= DIFF_BUDGET:  # the usual case: the longest common run anywhere wins, as difflib does
        return list(difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes())
    p = 0
    while p < n and p < m and ka[p] == kb[p]:
        p += 1
    q = 0
    while q < n - p and q < m - p and ka[n - 1 - q] == kb[m - 1 - q]:
        q += 1
    ops = [("equal", 0, p, 0, p)] if p else []
    mid_a, mid_b = ka[p:n - q], kb[p:m - q]
    if len(mid_a) * len(mid_b) > DIFF_BUDGET:
        ops.append(("replace", p, n - q, p, m - q))
    elif mid_a or mid_b:
        sm = difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=False)
        ops += [(op, i1 + p, i2 + p, j1 + p, j2 + p) for op, i1, i2, j1, j2 in sm.get_opcodes()]
    if q:
        ops.append(("equal", n - q, n, m - q, m))
    return ops


def _quote(text: str, toks: list[tuple[int, int, str]]) -> str:
    """The words as written: one space where the text has any, none between characters of a CJK run."""
    out = []
    for k, (s, e, _) in enumerate(toks[:SUMMARY_WORDS]):
        if k and s > toks[k - 1][1]:
            out.append(" ")
        out.append(text[s:e])
    return "".join(out) + (" …" if len(toks) > SUMMARY_WORDS else "")


def word_diff(a: str, b: str) -> WordDiff:
    ta, tb = tokens(a), tokens(b)
    left: list[Span] = []
    right: list[Span] = []
    parts: list[str] = []
    same = 0
    for op, i1, i2, j1, j2 in _opcodes([t[2] for t in ta], [t[2] for t in tb]):
        if op == "equal":
            same += i2 - i1
        lop = {"equal": "equal", "replace": "changed", "delete": "deleted", "insert": ""}[op]
        rop = {"equal": "equal", "replace": "changed", "delete": "", "insert": "inserted"}[op]
        if i2 > i1:
            left.append(Span(ta[i1][0], ta[i2 - 1][1], lop))
        if j2 > j1:
            right.append(Span(tb[j1][0], tb[j2 - 1][1], rop))
        if op != "equal":
            minus = _quote(a, ta[i1:i2])
            plus = _quote(b, tb[j1:j2])
            parts.append(" ".join(x for x in (f"-{minus}" if minus else "", f"+{plus}" if plus else "") if x))
    total = max(len(ta), len(tb))
    ratio = same / total if total else 1.0
    return WordDiff(tuple(left), tuple(right), ratio, summarize(parts), tuple(" ".join(p.split()) for p in parts))


def summarize(parts: list[str], limit: int = 160) -> str:
    """A compact one-line summary of the changes, cut at a part boundary."""
    out = ""
    for i, p in enumerate(parts):
        p = " ".join(p.split())
        cand = f"{out} | {p}" if out else p
        if len(cand) > limit:
            rest = len(parts) - i
            return f"{out} | … ({rest} more)" if out else cand[: limit - 1] + "…"
        out = cand
    return out


#: Word-set Jaccard at or above which two linked sentences say essentially the same thing: `same` links are near
#: copies, `partial` ones retell a shared fact in other words (docs/quality.md has the dev gold's spread).
SAME_JACCARD = 0.35


_THOUSANDS = re.compile(r"(?<=\d)[,\u202f\u00a0](?=\d{3}\b)")


@lru_cache(maxsize=65536)
def _keys(text: str) -> frozenset[str]:
    """The sentence's words for comparing kinds (one regex pass: linking classifies every link)."""
    # "1,500" and "1500" are one number (thousands separators dropped before splitting into words).
    return frozenset(words(_THOUSANDS.sub("", text)))


#: Words that say how many: the conflict rules' number words, multipliers and vague amounts, and plurals of the
#: multipliers ("millions").
_NUMBER_WORDS = frozenset([*UNITS, *SCALES, *VAGUE, *(w + "s" for w in SCALES)])


def _counts(keys: frozenset[str]) -> frozenset[str]:
    return frozenset(k for k in keys if k[0].isdigit() or k in _NUMBER_WORDS)


def classify(a: str, b: str) -> tuple[str, tuple[Conflict, ...]]:
    """Kind of a link between sentences a and b: `conflict` if a shared fact is stated differently, `same` if
    they share most of their words and neither says much more, `partial` otherwise. Memoized per sentence, so
    linking pays a few microseconds per link."""
    conflicts = find_conflicts(a, b)
    if conflicts:
        return "conflict", conflicts
    ka, kb = _keys(a), _keys(b)
    if not ka or not kb:
        return ("same" if ka == kb else "partial"), ()
    if _counts(ka) != _counts(kb):
        return "partial", ()  # "arrested two men" / "arrested three women": not the same information
    short, long_ = sorted((len(ka), len(kb)))
    if len(ka & kb) / len(ka | kb) >= SAME_JACCARD and long_ <= 1.5 * short + 3:
        return "same", ()
    return "partial", ()


def mirror_conflict(c: Conflict) -> Conflict:
    return Conflict(c.right_start, c.right_end, c.left_start, c.left_end, _swap_reason(c.reason), c.rule)


def _swap_reason(reason: str) -> str:
    head, sep, tail = reason.partition(": ")
    if sep and " vs " in tail:
        x, _, y = tail.partition(" vs ")
        return f"{head}: {y} vs {x}"
    return reason


def mirror_link(link: Link) -> Link:
    return replace(link, left=link.right, right=link.left, conflicts=tuple(mirror_conflict(c) for c in link.conflicts))
