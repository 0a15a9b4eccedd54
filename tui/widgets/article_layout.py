"""An article wrapped to a width: screen lines as character ranges of the text, never a widget per sentence.

Prose wraps at whitespace and never cuts a word, except a word wider than the pane (a long URL, a line of CJK
without spaces), which is split by cells. Every sentence starts a line, so the gutter's one mark per line is the
mark of the sentence it stands beside (a reader walks sentences here, not paragraphs); paragraphs
(Sentence.paragraph) are separated by a blank line.
Every line is a (start, end) range into the original text, so a line's sentences, a sentence's lines and the
character under a mouse click are all a bisect away. A list item (Sentence.kind "bullet") wraps under its text,
past its marker (a hanging indent), and items written without a blank line between them stay together.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from rich.cells import cell_len

from align.document import Document
from tui.text_safety import sanitize

_WORD = re.compile(r"[^ \t\n\r\f\v\u2028\u2029]+")
_LIST_MARKER = re.compile(r"(?:[-*+•‣◦–]|\d{1,3}[.)]|[a-zA-Z][.)])[ \t]+")


@dataclass
class ArticleLayout:
    """Lines of one document at one width. A blank line has start == end."""

    document: Document
    width: int
    display: str  # the sanitised text: same length as document.text, safe to draw
    starts: list[int]
    ends: list[int]
    first_line: list[int]  # per sentence
    last_line: list[int]  # per sentence
    sentence_starts: list[int]
    indents: list[int]  # per line: blank cells before the text (a list item's continuation lines)

    def __len__(self) -> int:
        return len(self.starts)

    def is_blank(self, line: int) -> bool:
        return self.starts[line] == self.ends[line]

    def sentences_on(self, line: int) -> range:
        """Indices of the sentences that overlap a line."""
        s, e = self.starts[line], self.ends[line]
        if s == e:
            return range(0)
        first = max(0, bisect_right(self.sentence_starts, s) - 1)
        sents = self.document.sentences
        if first < len(sents) and sents[first].end <= s:
            first += 1
        last = bisect_left(self.sentence_starts, e)
        return range(first, last)

    def sentence_at(self, line: int, x: int) -> int | None:
        """The sentence under cell x of a line (a click), or the nearest one on that line."""
        if not 0 <= line < len(self.starts) or self.is_blank(line):
            return None
        s, e = self.starts[line], self.ends[line]
        x -= self.indents[line]
        pos, cells = s, 0
        for ch in self.display[s:e]:
            cells += cell_len(ch)
            if cells > x:
                break
            pos += 1
        pos = min(pos, e - 1)
        on_line = self.sentences_on(line)
        sents = self.document.sentences
        for k in on_line:
            if sents[k].start <= pos < sents[k].end:
                return k
        # Between two sentences (on a space): the next one on the line, else the previous.
        for k in on_line:
            if sents[k].start > pos:
                return k
        return on_line[-1] if len(on_line) else None


def layout_article(document: Document, width: int) -> ArticleLayout:
    width = max(4, width)
    text = document.text
    display = sanitize(text)
    starts: list[int] = []
    ends: list[int] = []
    indents: list[int] = []
    sents = document.sentences
    paragraphs: list[list] = []  # [start, end, first sentence's kind, last sentence's kind]
    breaks: list[list[int]] = []  # per paragraph: where its second and later sentences start
    previous = None
    for s in sents:
        if paragraphs and s.paragraph == previous:
            paragraphs[-1][1] = max(paragraphs[-1][1], s.end)
            paragraphs[-1][3] = s.kind
            breaks[-1].append(s.start)
        else:
            paragraphs.append([s.start, s.end, s.kind, s.kind])
            breaks.append([])
        previous = s.paragraph
    for n, (ps, pe, kind, _) in enumerate(paragraphs):
        if n:
            before = paragraphs[n - 1]
            # A blank line between paragraphs, except between list items the text itself keeps together.
            tight = kind == "bullet" and before[3] == "bullet" and text.count("\n", before[1], ps) <= 1
            if not tight:
                starts.append(before[1])
                ends.append(before[1])
                indents.append(0)
        marker = _LIST_MARKER.match(display, ps, pe) if kind == "bullet" else None
        hang = marker.end() - ps if marker and marker.end() - ps <= width // 3 else 0
        first = len(starts)
        _wrap(display, ps, pe, width, starts, ends, hang, breaks[n])
        indents.extend([0] + [hang] * (len(starts) - first - 1))
    first_line, last_line = [], []
    for s in sents:
        k = max(0, bisect_right(starts, s.start) - 1)
        while k < len(starts) - 1 and starts[k] == ends[k]:
            k += 1
        first_line.append(k)
        last_line.append(max(k, bisect_left(starts, s.end) - 1))
    return ArticleLayout(document, width, display, starts, ends, first_line, last_line, [s.start for s in sents],
                         indents)


def _wrap(display: str, ps: int, pe: int, width: int, starts: list[int], ends: list[int], hang: int = 0,
          breaks: list[int] | None = None) -> None:
    """Greedy fill of display[ps:pe] into lines of at most `width` cells (after the first line, `hang` fewer),
    appending (start, end) ranges; a new line at each offset in `breaks` (sorted), even inside a word (CJK
    sentences have no space between them)."""
    first = len(starts)

    def room() -> int:  # of the line being filled
        return width if len(starts) == first else width - hang

    line_start = -1
    line_end = 0
    used = 0
    for ws, we, starts_line in _pieces(display, ps, pe, breaks or []):
        word = display[ws:we]
        w = len(word) if word.isascii() else cell_len(word)
        if line_start >= 0 and not starts_line and used + (ws - line_end) + w <= room():
            used += (ws - line_end) + w
            line_end = we
            continue
        if line_start >= 0:
            starts.append(line_start)
            ends.append(line_end)
        if w <= room():
            line_start, line_end, used = ws, we, w
            continue
        # A word wider than the pane: split it by cells; its tail starts the next line.
        pos = ws
        while True:
            cut, cells = _fit(display, pos, we, room(), word.isascii())
            if cut >= we:
                line_start, line_end, used = pos, we, cells
                break
            starts.append(pos)
            ends.append(cut)
            pos = cut
    if line_start >= 0:
        starts.append(line_start)
        ends.append(line_end)


def _pieces(display: str, ps: int, pe: int, breaks: list[int]):
    """The words of display[ps:pe] as (start, end, starts a line), a word cut where a break falls inside it."""
    k = bisect_right(breaks, ps)
    for m in _WORD.finditer(display, ps, pe):
        ws, we = m.span()
        while k < len(breaks) and breaks[k] < ws:
            k += 1
        at = ws
        new_line = k < len(breaks) and breaks[k] == ws
        if new_line:
            k += 1
        while k < len(breaks) and breaks[k] < we:
            yield at, breaks[k], new_line
            at, new_line = breaks[k], True
            k += 1
        yield at, we, new_line


def _fit(display: str, pos: int, end: int, width: int, ascii_only: bool) -> tuple[int, int]:
    """How far from pos fits in width cells (at least one character): (cut, cells used)."""
    if ascii_only:
        cut = min(end, pos + width)
        return cut, cut - pos
    cells = 0
    cut = pos
    while cut < end:
        w = cell_len(display[cut])
        if cells + w > width and cut > pos:
            break
        cells += w
        cut += 1
    return cut, cells
