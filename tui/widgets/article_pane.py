"""One article as a virtualized, wrapped, highlighted pane (Textual's line API: only visible lines are drawn).

The pair view decides what is highlighted (a `PaneMarks`); the pane draws it. Article text goes through
`tui.text_safety.sanitize` and is styled as rich Text ranges, never parsed as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from align.document import Document
from tui.text_safety import UNSAFE
from tui.widgets.article_layout import ArticleLayout, layout_article

GUTTER = 2
#: Gutter glyphs (also in the help screen's legend): readable without colour.
CURRENT_FIRST, CURRENT_REST, CONFLICT_MARK, ONLY_MARK = "▶", "┃", "!", "+"
#: The start of a sentence in the current passage other than the current link's (one sentence linked to three:
#: j walks the three, and ▶ says which one the status line's "link 2 of 22" is).
PASSAGE_FIRST = "▷"


@dataclass
class PaneMarks:
    """What to highlight in one pane. Offsets are into the document text."""

    current: frozenset[int] = frozenset()  # sentences of the current passage in this pane
    link: frozenset[int] = frozenset()  # of those, the current link's (empty: all of them)
    only: frozenset[int] = frozenset()  # sentences the other article does not have
    conflicted: frozenset[int] = frozenset()  # sentences in any conflict link
    changed: tuple[tuple[int, int], ...] = ()  # word differences of the current link
    conflicts: tuple[tuple[int, int], ...] = ()  # conflicting spans of the current link
    search: str = ""
    aligned: bool = False


class ArticlePane(ScrollView, can_focus=True, inherit_bindings=False):
    """A scrollable article: wraps to its width, draws only the lines on screen."""

    COMPONENT_CLASSES = {
        "article-pane--current",
        "article-pane--current-active",
        "article-pane--changed",
        "article-pane--conflict",
        "article-pane--only",
        "article-pane--match",
        "article-pane--marker",
        "article-pane--heading",
        "article-pane--gutter",
        "article-pane--gutter-current",
        "article-pane--gutter-conflict",
        "article-pane--end",
    }

    BINDINGS = [
        Binding("tab", "screen.switch_pane", "Other pane", id="switch-pane", show=False,
                tooltip="switch the active pane"),
        Binding("shift+tab", "screen.switch_pane", "Other pane", show=False),
        Binding("pagedown,space", "page(1)", "Page down", id="page-down", show=False,
                tooltip="scroll this pane a page down"),
        Binding("pageup,b", "page(-1)", "Page up", id="page-up", show=False, tooltip="scroll this pane a page up"),
        Binding("home,g", "scroll_home", "Top", id="top", show=False, tooltip="top of this article"),
        Binding("end,G", "scroll_end", "Bottom", id="bottom", show=False, tooltip="end of this article"),
    ]

    class Clicked(Message):
        """A sentence was clicked."""

        def __init__(self, pane: "ArticlePane", sentence: int) -> None:
            super().__init__()
            self.pane = pane
            self.sentence = sentence

    class Scrolled(Message):
        """The reader scrolled this pane (wheel, page keys): the other pane follows."""

        def __init__(self, pane: "ArticlePane") -> None:
            super().__init__()
            self.pane = pane

    class Rewrapped(Message):
        """The pane changed width and re-wrapped its article: lines moved, the app re-levels."""

    def __init__(self, side: str, document: Document, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.side = side
        self.document = document
        self.marks = PaneMarks()
        self._layout: ArticleLayout | None = None
        self._styles: dict[str, Style] = {}
        self._search_re: re.Pattern | None = None
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self._placed_at: int | None = None
        self._generation = 0  # bumped when anything but the current passage changes how lines look

    # -- data -------------------------------------------------------------------------------------------------

    @property
    def layout(self) -> ArticleLayout:
        width = max(4, self.scrollable_content_region.width - GUTTER) if self.size.width else 60
        if self._layout is None or self._layout.width != width or self._layout.document is not self.document:
            self._layout = layout_article(self.document, width)
            self._update_virtual_size()
        return self._layout

    def set_document(self, document: Document) -> None:
        if document is not self.document:
            self.document = document
            self._layout = None
            self._invalidate()
            self._place(0)
            self._update_virtual_size()
            self.refresh()

    def set_marks(self, marks: PaneMarks) -> None:
        old = self.marks
        if (old.only, old.conflicted, old.search, old.aligned) != (marks.only, marks.conflicted, marks.search,
                                                                   marks.aligned):
            self._invalidate()
        self.marks = marks
        self._search_re = re.compile(re.escape(marks.search), re.IGNORECASE) if marks.search else None
        self.refresh()

    def _update_virtual_size(self) -> None:
        if self._layout is None:
            return
        # Room below the last line so any sentence can be scrolled level with its counterpart.
        pad = max(0, self.scrollable_content_region.height - 1)
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._layout) + pad)

    # -- geometry ---------------------------------------------------------------------------------------------

    @property
    def view_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def sentence_lines(self, sentence: int) -> tuple[int, int]:
        lay = self.layout
        return lay.first_line[sentence], lay.last_line[sentence]

    def screen_row(self, sentence: int) -> int:
        """Row of the sentence's first line relative to the top of the pane (may be off screen)."""
        return self.sentence_lines(sentence)[0] - round(self.scroll_offset.y)

    def is_visible(self, sentence: int) -> bool:
        first, last = self.sentence_lines(sentence)
        top = round(self.scroll_offset.y)
        return first >= top and last < top + self.view_height

    def scroll_line_to_row(self, line: int, row: int) -> None:
        """Scroll on the app's behalf (levelling): not reported back as the reader's own scrolling."""
        self._place(max(0, line - row))

    def _place(self, y: int) -> None:
        if round(self.scroll_offset.y) != min(y, self.max_scroll_y):
            self._placed_at = y  # only when the offset will change: the watcher consumes it exactly once
            self.scroll_to(y=y, animate=False, immediate=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        placed, self._placed_at = self._placed_at, None
        if round(old_value) != round(new_value) and placed is None:
            self.post_message(self.Scrolled(self))

    def visible_sentences(self) -> list[int]:
        lay = self.layout
        top = round(self.scroll_offset.y)
        out: list[int] = []
        for line in range(top, min(len(lay), top + self.view_height)):
            for k in lay.sentences_on(line):
                if not out or out[-1] != k:
                    out.append(k)
        return out

    def visible_text(self) -> str:
        """The article text currently on screen (sanitised), one line per screen line: for tests and checks."""
        lay = self.layout
        top = round(self.scroll_offset.y)
        return "\n".join(lay.display[lay.starts[k]:lay.ends[k]] for k in range(top, min(len(lay), top + self.view_height)))

    # -- events -----------------------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._layout = None
        self._invalidate()
        self.layout  # noqa: B018 - re-wrap now, so the app can re-level against fresh geometry
        self.refresh()
        self.post_message(self.Rewrapped())

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._invalidate()

    def _invalidate(self) -> None:
        self._generation += 1
        self._strips.clear()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = offset.y + round(self.scroll_offset.y)
        sentence = self.layout.sentence_at(line, offset.x - GUTTER)
        if sentence is not None:
            self.post_message(self.Clicked(self, sentence))

    def action_page(self, direction: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + direction * max(1, self.view_height - 2), animate=False, immediate=True)

    def action_scroll_home(self) -> None:
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        self.scroll_to(y=max(0, len(self.layout) - self.view_height), animate=False, immediate=True)

    # -- drawing ----------------------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        if name not in self._styles:
            # Only what the class declares, with colours blended over the pane (a partial style would keep
            # alpha unblended; a full one would paint over the highlights below it).
            component = f"article-pane--{name}"
            declared = self.get_component_styles(component)
            full = self.get_component_rich_style(component)
            self._styles[name] = Style(
                color=full.color if declared.has_rule("color") else None,
                bgcolor=full.bgcolor if declared.has_rule("background") else None,
            ) + declared.text_style
        return self._styles[name]

    def render_line(self, y: int) -> Strip:
        lay = self.layout
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = round(self.scroll_offset.y) + y
        if index >= len(lay):
            if index == len(lay):
                end = Text("  ─ end ─", end="")
                end.stylize_before(base + self._style("end"))  # spans: Text.render ignores Text.style
                return Strip(end.render(self.app.console), end.cell_len).crop_extend(0, width, base)
            return Strip.blank(width, base)
        # Lines away from the current passage look the same until the marks, the focus or the theme change:
        # cache them, so scrolling and stepping redraw only what moved.
        dynamic = any(k in self.marks.current for k in lay.sentences_on(index))
        key = (index, width, self._generation, self.has_focus)
        if not dynamic and key in self._strips:
            return self._strips[key]
        line = self._line_text(lay, index)
        line.stylize_before(base)
        strip = Strip(line.render(self.app.console), line.cell_len).crop_extend(0, width, base)
        if not dynamic:
            self._strips[key] = strip
        return strip

    def _line_text(self, lay: ArticleLayout, index: int) -> Text:
        s, e = lay.starts[index], lay.ends[index]
        marks = self.marks
        body = Text(lay.display[s:e], end="")
        sents = self.document.sentences
        col0, col1 = " ", " "
        gutter_style = self._style("gutter")
        for k in lay.sentences_on(index):
            sent = sents[k]
            a, b = max(s, sent.start) - s, min(e, sent.end) - s
            starts_here = s <= sent.start < e
            if sent.kind == "heading":
                body.stylize(self._style("heading"), a, b)
            if k in marks.current:
                body.stylize(self._style("current-active" if self.has_focus else "current"), a, b)
                first = CURRENT_FIRST if not marks.link or k in marks.link else PASSAGE_FIRST
                col0 = first if starts_here else (CURRENT_REST if col0 == " " else col0)
                gutter_style = self._style("gutter-current")
            elif k in marks.only:
                body.stylize(self._style("only"), a, b)
            if starts_here:
                if k in marks.conflicted:
                    col1 = CONFLICT_MARK
                elif k in marks.only and col1 == " ":
                    col1 = ONLY_MARK
        for spans, name in ((marks.changed, "changed"), (marks.conflicts, "conflict")):
            for a, b in spans:
                if a < e and b > s:
                    body.stylize(self._style(name), max(a, s) - s, min(b, e) - s)
        if self._search_re is not None:
            for m in self._search_re.finditer(lay.display, s, e):
                body.stylize(self._style("match"), m.start() - s, m.end() - s)
        for m in UNSAFE.finditer(self.document.text, s, e):
            body.stylize(self._style("marker"), m.start() - s, m.end() - s)
        gutter = Text(end="")  # styles as spans: a Text's own style would spread over the body appended to it
        gutter.append(col0, style=gutter_style)
        gutter.append(col1, style=self._style("gutter-conflict") if col1 == CONFLICT_MARK else gutter_style)
        if lay.indents[index]:
            gutter.append(" " * lay.indents[index])  # a list item's text hangs past its marker
        return gutter + body
