"""Segmentation: text -> units (sentences, headings, bullet lines) with exact character offsets.

Lines first, then sentences inside each paragraph with syntok: of the splitters measured on the seeds
(docs/quality.md, Segmentation) it keeps quoted sentences whole, gives token offsets and is fast. None keeps
`Lt. Gen.` together, hence the small title list below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from align.document import Sentence

#: A unit longer than this is cut at a space: a 5 MB line with no full stop must stay displayable.
MAX_UNIT = 1200
#: Paragraphs longer than this are fed to syntok in windows, to keep its memory bounded.
WINDOW = 20_000

_BULLET = re.compile(r"(?:[•●▪‣◦·*+\-–—]|\d{1,3}[.)])\s+\S")
_HEADING = re.compile(r"#{1,6}\s")
_END = re.compile(r"[.!?…:;\"'”’»)\]。！？｡」』）]\s*$")
#: A Chinese or Japanese sentence end (with its closing quotes) followed, with no space, by the next sentence:
#: syntok splits only where a space follows, and these scripts put none.
_CJK_END = re.compile(r"[。！？｡][」』”’）)]*(?=[^\s」』”’）)])")
# Titles and abbreviations after which syntok wrongly ends a sentence ("Lt. Gen. Igor Konashenkov").
_TITLE = re.compile(
    r"(?:^|[\s(“\"])(?:Lt|Lieut|Gen|Col|Maj|Capt|Cpt|Sgt|Cpl|Adm|Cmdr|Gov|Sen|Rep|Rev|Hon|Pres|Dr|Mr|Mrs|Ms|Prof"
    r"|St|Mt|Ft|Jr|Sr|No|Nos|Vol|vs|approx|Corp|Inc|Ltd|Co|Dept|Univ|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec)\.$"
)
#: Every character at which syntok may end a sentence: its terminals and opening brackets (tests/test_long_inputs.py
#: checks this against syntok's own lists). A stretch of text without one is a single sentence, found without
#: running syntok (pure Python, about 1.5 s a megabyte) over it: a 5 MB line with no full stop takes 0.1 s.
_SYNTOK_BREAKS = re.compile(r"[.!?;\u203c\u203d\u2047\u2048\u2049\u3002\ufe52\ufe57\uff01\uff0e\uff1f\uff61"
                            r"(\[{\u2329\u2983\u2985\u3018\u301a\ufd3e\ufe59\ufe5b\ufe5d\uff08\uff3b\uff5b\uff5f]")
#: White space for trimming units: every Unicode space (str.isspace) plus the invisible BOM and zero-width ones.
_SPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\ufeff\u200b\u2060"


#: A photo credit or file-photo caption: page furniture, not a statement of the story's facts. It names the
#: governor or the agency and so looks, to the model and to word overlap, like every sentence quoting them.
_CREDIT = re.compile(
    r"^(?:(?:image|photo|picture|photograph|video|footage)s?\s+(?:provided|courtesy|supplied|released|distributed|"
    r"obtained)\b|(?:photo|image|picture|credit)s?\s*:|file\s*(?:photo|image|picture)?\s*[-–—:]|©|\(?(?:AP|AFP|Reuters)"
    r"\s+Photo\b)|©\s*\S+\s*$|\b(?:Getty\s+Images|AFP\s+via\s+Getty|/\s*(?:AFP|AP|Reuters))\s*\)?\s*$",
    re.IGNORECASE,
)


def segment(text: str, progress: Callable[[int, int], None] | None = None,
            limit: int | None = None) -> list[Sentence]:
    """The units of `text` in reading order. Linear in the text's length: `progress(characters done, total)` is
    called after each paragraph and each window of a long one; with a `limit`, segmentation stops after
    `limit + 1` units (a caller that refuses more than `limit` need not wait for the rest)."""
    units: list[Sentence] = []
    for para, (start, end, kind) in enumerate(_blocks(text)):
        credit = False
        for i, (s, e) in enumerate(_sentences(text, start, end, progress)):
            unit_kind = kind if i == 0 else "sentence"
            # A credit marks the rest of its paragraph too ("File- Damage after ... Image provided by ... © AFP").
            credit = credit or bool(_CREDIT.search(text[s:e]))
            units.append(Sentence(len(units), s, e, text[s:e], "credit" if credit else unit_kind, para))
            if limit is not None and len(units) > limit:
                return units
        if progress:
            progress(end, len(text))
    return units


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """Spans of non-blank lines, trimmed of surrounding white space."""
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        s, e = pos, end
        while s < e and text[s] in _SPACE:
            s += 1
        while e > s and text[e - 1] in _SPACE:
            e -= 1
        if e > s:
            yield s, e
        else:
            yield s, s  # blank line marker
        if nl < 0:
            break
        pos = nl + 1


def _blocks(text: str) -> Iterator[tuple[int, int, str]]:
    """Paragraphs: (start, end, kind of the first unit). A line is a paragraph of its own unless it is a
    soft-wrapped line of prose (no closing punctuation, next line starts in lower case)."""
    cur: tuple[int, int] | None = None
    for s, e in _lines(text):
        if s == e:
            if cur:
                yield _classify(text, *cur)
                cur = None
            continue
        line = text[s:e]
        if cur is not None:
            # Only the paragraph's last characters and its start decide (it may already be long: a soft-wrapped
            # book; looking at all of it for every line would be quadratic). It ends without white space.
            joins = (not _END.search(text, max(cur[0], cur[1] - 2), cur[1]) and line[:1].islower()
                     and not _BULLET.match(line) and not _HEADING.match(text, cur[0], cur[1]))
            if joins:
                cur = (cur[0], e)
                continue
            yield _classify(text, *cur)
        cur = (s, e)
    if cur:
        yield _classify(text, *cur)


def _classify(text: str, s: int, e: int) -> tuple[int, int, str]:
    block = text[s:e]
    if _HEADING.match(block):
        return s, e, "heading"
    if _BULLET.match(block):
        return s, e, "bullet"
    if "\n" not in block and len(block) < 200 and not _END.search(block):
        return s, e, "heading"  # titles, bylines, captions without a full stop
    return s, e, "sentence"


def _sentences(text: str, start: int, end: int,
               progress: Callable[[int, int], None] | None = None) -> Iterator[tuple[int, int]]:
    """The units of one paragraph, as they are found (a caller with a limit stops reading a huge one early): syntok
    window by window, a sentence ending in a title joined to the next ("Lt. Gen. Igor Konashenkov"), then each cut
    to MAX_UNIT. Only the last sentence so far can still grow, so every one before it is final."""
    pending: tuple[int, int] | None = None
    pos = start
    while pos < end:
        stop = end if end - pos <= WINDOW else _window_end(text, pos, pos + WINDOW)
        for s, e in _syntok_spans(text, pos, stop):
            # The title is at the unit's end: its last characters decide (a chain of merges must not re-read it).
            if pending is not None and _TITLE.search(_tail(text, *pending)) and "\n" not in text[pending[1]:s]:
                pending = (pending[0], e)
                continue
            if pending is not None:
                yield from _cut_long(text, *pending)
            pending = (s, e)
        pos = stop
        if progress and pos < end:
            progress(pos, len(text))
    if pending is not None:
        yield from _cut_long(text, *pending)


def _window_end(text: str, lo: int, hi: int) -> int:
    """A cut point in (lo, hi]: after the last sentence end, else the last space, else hi."""
    chunk = text[lo:hi]
    m = None
    for m in re.finditer(r"[.!?]\s", chunk):  # noqa: B007 - the loop keeps the last match
        pass
    if m and m.end() > len(chunk) // 2:
        return lo + m.end()
    sp = chunk.rfind(" ")
    return lo + sp + 1 if sp > len(chunk) // 2 else hi


def _syntok_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    import syntok.segmenter as syntok_segmenter

    chunk = text[start:end]
    if not _SYNTOK_BREAKS.search(chunk):
        s, e = _trim(text, start, end)
        return [(s, e)] if e > s else []
    spans = []
    try:
        for paragraph in syntok_segmenter.analyze(chunk):
            for sentence in paragraph:
                if not sentence:
                    continue
                s = sentence[0].offset
                last = sentence[-1]
                e = last.offset + len(last.value)
                spans.append((start + s, start + e))
    except Exception:  # syntok has no documented failure modes; a paragraph it cannot parse stays whole
        spans = [(start, end)]
    if not spans:
        return [(start, end)] if chunk.strip(_SPACE) else []
    # Keep every character covered: text before the first token and between sentences belongs to a unit.
    fixed = []
    for i, (s, e) in enumerate(spans):
        if i == 0:
            s = start
        nxt = spans[i + 1][0] if i + 1 < len(spans) else end
        e = max(e, s)
        if i + 1 == len(spans):
            e = end
        fixed.append((s, e, nxt))
    out = []
    for s, e, _ in fixed:
        s, e = _trim(text, s, e)
        if e > s:
            out.append((s, e))
    # Re-attach gaps (text between a sentence end and the next start that syntok skipped, e.g. a lone quote).
    glued: list[tuple[int, int]] = []
    for s, e in out:
        if glued:
            ps, pe = glued[-1]
            gap = text[pe:s]
            if gap.strip(_SPACE):
                glued[-1] = (ps, _trim(text, pe, s)[1] if _trim(text, pe, s)[1] > pe else pe)
        glued.append((s, e))
    return [piece for s, e in glued for piece in _split_cjk(text, s, e)]


def _split_cjk(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    for m in _CJK_END.finditer(text, s, e):
        yield s, m.end()
        s = m.end()
    yield s, e


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _SPACE:
        s += 1
    while e > s and text[e - 1] in _SPACE:
        e -= 1
    return s, e


def _tail(text: str, s: int, e: int, size: int = 16) -> str:
    """The end of text[s:e] for _TITLE: whole when short, else its last `size` characters after a space, which
    keeps _TITLE's answer (a title and the character before it are at most 8 characters)."""
    return text[s:e] if e - s <= size else " " + text[e - size:e]


def _cut_long(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    while e - s > MAX_UNIT:
        cut = text.rfind(" ", s + MAX_UNIT // 2, s + MAX_UNIT)
        if cut < 0:
            cut = s + MAX_UNIT
        a, b = _trim(text, s, cut)
        if b > a:
            yield a, b
        s, _ = _trim(text, cut, e)
    if e > s:
        yield s, e
