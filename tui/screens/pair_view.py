"""The pair view: two articles side by side, the passage under the cursor and its counterpart level.

The app's default screen. The articles are on screen at once (segmentation only); the alignment runs in the
app's worker thread, which posts its progress and the comparison here (tui/messages.py): the highlights arrive
then.
Where the reader is lives in a plain `Cursor` (tui/navigation.py); this screen turns keys into its moves and
draws the result: the panes (tui/widgets/article_pane.py) only draw the marks they are given. Other screens
reach it with the `ShowInPairView` message.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer

from align.compare import Comparison
from align.differences import word_diff
from align.document import Document
from align.linking import kept_because
from tui.messages import Aligned, AlignmentProgress, AlignmentStage, Relinked
from tui.names import distinct_names
from tui.navigation import Cursor, Note, next_threshold
from tui.screens.base import HELP_KEY, QUIT_KEY, AppScreen
from tui.screens.export_dialog import Export, ExportJob, pair_stem
from tui.screens.help import HelpData
from tui.screens.pair_picker import PairPicker
from tui.screens.search import SearchScreen
from tui.text_safety import safe_line
from tui.widgets.article_pane import CONFLICT_MARK, CURRENT_FIRST, CURRENT_REST, ONLY_MARK, ArticlePane, PaneMarks
from tui.widgets.progress import AlignProgress
from tui.widgets.status_bar import StatusBar

LEGEND = HelpData("In the panes", (
    (f"{CURRENT_FIRST} {CURRENT_REST}", f"the current passage ({CURRENT_FIRST} on its first line) and, level with "
                                        "it in the other pane, its counterpart"),
    ("underlined", "words that differ inside the current link"),
    (CONFLICT_MARK, "a sentence in a conflict: the two articles state a fact differently"),
    ("reversed", "the conflicting words of the current link (reason in the status line)"),
    (ONLY_MARK, "a sentence only this article has (dimmed)"),
    ("␛ ⇄ ¦", "control, bidi and invisible characters in the text, shown instead of obeyed"),
    ("●", "the active pane: j/k walk its sentences; tab switches"),
    ("click", "select a sentence; its counterpart comes level (nothing needs the mouse)"),
))


class PairScreen(AppScreen):
    """Two of the articles, their aligned passages level, the differences and conflicts marked."""

    # Styles: pair_view.tcss beside this file (loaded by the app: see SideBySideApp.CSS_PATH).

    BINDINGS = [
        Binding("j,down", "step('link', 1)", "Next", id="next-link", tooltip="next aligned passage"),
        Binding("k,up", "step('link', -1)", "Prev", id="prev-link", tooltip="previous aligned passage"),
        Binding("n", "step('diff', 1)", "Diff", id="next-diff",
                tooltip="next difference (a partial or conflicting link)"),
        Binding("N", "step('diff', -1)", "Prev diff", id="prev-diff", show=False, tooltip="previous difference"),
        Binding("c", "step('conflict', 1)", "Conflict", id="next-conflict", tooltip="next conflict"),
        Binding("u", "step('only', 1)", "Only", id="next-only", tooltip="next sentence only in this article"),
        Binding("left_square_bracket", "cycle_article('left')", "Left article", id="left-article", show=False,
                tooltip="change the left article"),
        Binding("right_square_bracket", "cycle_article('right')", "Article", id="right-article",
                tooltip="change the right article"),
        Binding("p", "pick_pair", "Pair", id="pick-pair", show=False, tooltip="pick the two articles"),
        Binding("slash", "search", "Find", id="search", show=False, tooltip="find text in the active article"),
        Binding("plus,equals_sign", "threshold(1)", "Threshold +", id="threshold-up", show=False,
                tooltip="raise the link threshold (fewer, surer links)"),
        Binding("minus", "threshold(-1)", "Threshold -", id="threshold-down", show=False,
                tooltip="lower the link threshold (more links)"),
        Binding("e", "export", "Export", id="export", tooltip="export as CSV or as an HTML report"),
        Binding("o", "overview", "Overview", id="overview", show=False,
                tooltip="all articles: who reports which fact"),
        Binding("t", "toggle_theme", "Theme", id="toggle-theme", show=False, tooltip="light / dark theme"),
        HELP_KEY,
        QUIT_KEY,
    ]

    help = LEGEND
    HELP_PARTS = (ArticlePane,)

    def __init__(self, documents: Sequence[Document], threshold: float) -> None:
        super().__init__()
        self.documents = list(documents)
        self.cursor = Cursor(self.documents)
        self.threshold = threshold  # + and - change it at once; the comparison follows when re-linked
        self.search_text = ""
        self._titles: dict[str, tuple[str, int, str]] = {}
        self._names_width, self._names = 0, [d.name for d in self.documents]
        self._showing_view = False  # the status line tells what is on screen (the current sentence is not)

    # -- layout -----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield ArticlePane("left", self.documents[self.cursor.left], id="left-pane")
            yield ArticlePane("right", self.documents[self.cursor.right], id="right-pane")
        yield AlignProgress(id="progress")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.pane("left").focus()
        self._update_titles()
        self.query_one(StatusBar).show_message(
            "The articles are readable now; highlights arrive when the alignment is done.",
            "pgup/pgdn scroll · tab switches pane · ? help · q quit")
        self.query_one(AlignProgress).show_stage("starting")
        self.app.align(self, self.threshold, self.cursor.left, self.cursor.right)

    def pane(self, side: str) -> ArticlePane:
        return self.query_one(f"#{side}-pane", ArticlePane)

    @property
    def comparison(self) -> Comparison | None:
        return self.app.comparison

    # -- the alignment, computed by the app's workers (tui/app.py) --------------------------------------------

    def on_alignment_stage(self, message: AlignmentStage) -> None:
        self.query_one(AlignProgress).show_stage(message.stage)

    def on_alignment_progress(self, message: AlignmentProgress) -> None:
        self.query_one(AlignProgress).show(message.done, message.total, message.stage, message.unit)

    def on_aligned(self, message: Aligned) -> None:
        comparison = message.comparison
        if comparison.threshold != self.threshold:  # + or - was pressed while aligning
            comparison = comparison.with_threshold(self.threshold)
        self.app.comparison = comparison
        self.query_one(AlignProgress).display = False
        pane = self.pane(self.cursor.side)
        if self.cursor.sentence is None and round(pane.scroll_offset.y) > 0 and pane.visible_sentences():
            # The reader scrolled while it aligned (a long article): the highlights arrive where they are, and
            # nothing moves under them (not back to the first link at the top).
            self._load_alignment(keep=pane.visible_sentences()[0], level=False)
        else:
            self._load_alignment(keep=self.cursor.sentence)

    def alignment_failed(self, message: str) -> None:
        """The alignment worker failed (the app has said why): the articles stay readable."""
        self.query_one(AlignProgress).display = False
        self.query_one(StatusBar).show_message(f"Alignment failed: {message}", "The articles are still readable.")

    def on_relinked(self, message: Relinked) -> None:
        if message.comparison.threshold != self.threshold:
            return  # a later press is on its way
        self.app.comparison = message.comparison
        self._load_alignment(keep=self.cursor.sentence)  # the status line shows the threshold and the link count

    # -- state ------------------------------------------------------------------------------------------------

    def _load_alignment(self, keep: int | None = None, level: bool = True) -> None:
        """(Re)derive the alignment of the pair on screen and select `keep` (a sentence of the active article; with
        `level`, its counterpart is brought level)."""
        cur = self.cursor
        alignment = self.comparison.alignment(cur.left, cur.right) if self.comparison is not None else None
        selected = cur.set_alignment(alignment, keep)
        self._refresh()
        if selected and level:
            self.level()

    def select(self, sentence: int, link=None, level: bool = True) -> None:
        """Make `sentence` of the active article current, with `link` (default: its first link)."""
        self.cursor.select(sentence, link)
        self._refresh()
        if level:
            self.level()

    def _refresh(self) -> None:
        self._apply_marks()
        self._update_status()
        self._update_titles()  # cheap when nothing changed: titles are only set when they differ

    def _apply_marks(self) -> None:
        cur = self.cursor
        left, right = self.pane("left"), self.pane("right")
        if cur.alignment is None:
            current = frozenset({cur.sentence}) if cur.sentence is not None else frozenset()
            empty = PaneMarks(search=self.search_text)
            here = PaneMarks(current=current, search=self.search_text)
            left.set_marks(here if cur.side == "left" else empty)
            right.set_marks(here if cur.side == "right" else empty)
            return
        l_only, r_only, l_conf, r_conf = cur.marks()
        here_set: set[int] = set()
        there_set: set[int] = set()
        changed: dict[str, list[tuple[int, int]]] = {"left": [], "right": []}
        conflicts: dict[str, list[tuple[int, int]]] = {"left": [], "right": []}
        if cur.sentence is not None:
            here_set.add(cur.sentence)
            there_set.update(cur.there(ln) for ln in cur.links_of(cur.sentence))
        ln = cur.link
        link: dict[str, frozenset[int]] = {"left": frozenset(), "right": frozenset()}
        if ln is not None:
            link = {"left": frozenset({ln.left}), "right": frozenset({ln.right})}
            ldoc, rdoc = self.documents[cur.left], self.documents[cur.right]
            a, b = ldoc.sentences[ln.left], rdoc.sentences[ln.right]
            diff = word_diff(a.text, b.text)
            changed["left"] = [(a.start + s.start, a.start + s.end) for s in diff.left if s.op != "equal"]
            changed["right"] = [(b.start + s.start, b.start + s.end) for s in diff.right if s.op != "equal"]
            for c in ln.conflicts:
                conflicts["left"].append((a.start + c.left_start, a.start + c.left_end))
                conflicts["right"].append((b.start + c.right_start, b.start + c.right_end))
        current = {cur.side: frozenset(here_set), cur.other_side: frozenset(there_set)}
        for side, pane, only, conf in (("left", left, l_only, l_conf), ("right", right, r_only, r_conf)):
            pane.set_marks(PaneMarks(current=current[side], link=link[side], only=only, conflicted=conf,
                                     changed=tuple(changed[side]), conflicts=tuple(conflicts[side]),
                                     search=self.search_text, aligned=True))

    def _update_status(self) -> None:
        self._showing_view = False
        cur = self.cursor
        status = self.query_one(StatusBar)
        if cur.alignment is None:
            if self.app.align_error:
                status.show_message(f"Alignment failed: {self.app.align_error}", "The articles are still readable.")
            return
        order = cur.order()
        if cur.link is not None:
            ln = cur.link
            ldoc, rdoc = self.documents[cur.left], self.documents[cur.right]
            diff = word_diff(ldoc.sentences[ln.left].text, rdoc.sentences[ln.right].text)
            kept = kept_because(ldoc.sentences[ln.left].text, rdoc.sentences[ln.right].text) \
                if ln.score < cur.alignment.threshold else ""
            status.show_link(order.index(ln) + 1, len(order), ln.score, ln.kind, ln.reason, diff.summary,
                             cur.alignment.threshold, kept)
        elif cur.sentence is not None:
            only = cur.sentence in cur.marks()[0 if cur.side == "left" else 1]
            status.show_sentence(cur.sentence, len(cur.active_document.sentences), only, len(order),
                                 cur.alignment.threshold)

    def _update_titles(self) -> None:
        cur = self.cursor
        n = len(self.documents)
        for side, index in (("left", cur.left), ("right", cur.right)):
            pane = self.pane(side)
            doc = self.documents[index]
            title = Text(no_wrap=True, overflow="ellipsis", end="")
            title.append("● " if side == cur.side else "  ", style="bold")
            title.append(f"{index + 1}/{n} ")
            # Cut to the room on the border, keeping the part of the name that tells the articles apart (names
            # sharing a long start would otherwise read the same in both panes).
            room = pane.size.width - 6 - len(title.plain) if pane.size.width else 60
            title.append(self._short_names(max(8, min(60, room)))[index], style="bold")
            subtitle = self._subtitle(doc, pane.size.width or 80)
            if self._titles.get(side) != (title.plain, index, subtitle.plain):
                self._titles[side] = (title.plain, index, subtitle.plain)
                pane.border_title = title
                pane.border_subtitle = subtitle

    @staticmethod
    def _subtitle(doc: Document, width: int) -> Text:
        """The pane's lower border: the article's own title and date where its source gives them (a web page, a
        PDF, a Word file), then the number of sentences; when room is short the count goes first, then the
        title is cut (the date stays)."""
        n_sent = len(doc.sentences)
        count = f"{n_sent} sentence{'' if n_sent == 1 else 's'}"
        title, date = safe_line(doc.origin.title, 300), safe_line(doc.origin.date, 40)
        if not (title or date):
            return Text(count, end="")
        room = max(12, width - 8)
        tail = f" · {date}" if title and date else date
        line = f"{title}{tail} · {count}"
        if len(line) > room:
            line = f"{title}{tail}"
        if len(line) > room:
            line = f"{safe_line(title, max(4, room - len(tail)))}{tail}"
        return Text(line, end="", no_wrap=True, overflow="ellipsis")

    def _short_names(self, width: int) -> list[str]:
        if self._names_width != width:
            self._names_width, self._names = width, distinct_names([d.name for d in self.documents], width)
        return self._names

    # -- keeping the panes level --------------------------------------------------------------------------------

    def level(self) -> None:
        """Scroll the active pane to show the current sentence and the other pane so its counterpart is level."""
        cur = self.cursor
        if cur.sentence is None:
            return
        here, there = self.pane(cur.side), self.pane(cur.other_side)
        if not here.size.height:
            self.call_after_refresh(self.level)
            return
        first, last = here.sentence_lines(cur.sentence)
        height = here.view_height
        row = here.screen_row(cur.sentence) if here.is_visible(cur.sentence) else max(1, height // 4)
        row = max(0, min(row, height - (last - first + 1)))
        target: int | None = None
        if cur.link is not None:
            target_line = there.sentence_lines(cur.there(cur.link))[0]
            row = min(row, first, target_line)
            target = target_line
        else:
            # A sentence only this article has: level the counterpart of the nearest linked sentence above.
            for k in range(cur.sentence - 1, -1, -1):
                links = cur.links_of(k)
                if links:
                    above = here.sentence_lines(k)[0]
                    target = there.sentence_lines(cur.there(links[0]))[0] + (first - above)
                    break
            row = min(row, first)
        here.scroll_line_to_row(first, row)
        if target is not None:
            there.scroll_line_to_row(target, row)

    def on_article_pane_scrolled(self, message: ArticlePane.Scrolled) -> None:
        """The reader scrolled one pane: bring the other along, the first linked sentence on screen level with
        its counterpart. The cursor stays where it was; the status line says what is on screen while the
        current sentence is out of view (j/k step from there)."""
        if self.cursor.alignment is None:
            return
        self._follow(message.pane)
        self._update_view_status()

    def _update_view_status(self) -> None:
        cur = self.cursor
        pane = self.pane(cur.side)
        if cur.alignment is None or cur.sentence is None or self._scrolled_away(1) is None:
            if self._showing_view:  # back in view: the current link's line again
                self._showing_view = False
                self._update_status()
            return
        self._showing_view = True
        shown = pane.visible_sentences()
        self.query_one(StatusBar).show_view(shown[0], shown[-1], len(cur.active_document.sentences),
                                            len(cur.order()), cur.alignment.threshold)

    def _follow(self, here: ArticlePane) -> None:
        there = self.pane("right" if here.side == "left" else "left")
        fallback: tuple[int, int] | None = None
        for k in here.visible_sentences():
            first = here.sentence_lines(k)[0]
            if first < round(here.scroll_offset.y):
                continue
            for ln in self.cursor.links_of(k, here.side):
                counterpart = ln.right if here.side == "left" else ln.left
                line, row = there.sentence_lines(counterpart)[0], here.screen_row(k)
                if 0 <= line - row <= there.max_scroll_y:  # a counterpart near either end may not come level
                    there.scroll_line_to_row(line, row)
                    return
                fallback = fallback or (line, row)
        if fallback is not None:
            there.scroll_line_to_row(*fallback)

    def on_article_pane_rewrapped(self) -> None:
        self._update_titles()  # the room for the names changed
        self.call_after_refresh(self.level)

    def on_article_pane_clicked(self, message: ArticlePane.Clicked) -> None:
        if self.cursor.side != message.pane.side:
            self.cursor.side = message.pane.side
        message.pane.focus()
        self.select(message.sentence)

    # -- actions ------------------------------------------------------------------------------------------------

    def say(self, note: Note | str, timeout: float = 3, severity: str = "information") -> None:
        if isinstance(note, Note):
            note, timeout = note.text, note.seconds
        self.app.say(note, timeout=timeout, severity=severity)

    def _need_alignment(self) -> bool:
        if self.cursor.alignment is not None:
            return True
        if self.app.align_error:
            self.say("No alignment: " + self.app.align_error, severity="error")
        else:
            self.say("Still aligning; the highlights arrive when it is done.")
        return False

    def action_step(self, stop: str, direction: int) -> None:
        """j/k (links), n/N (differences), c (conflicts), u (sentences only here): see Cursor.step."""
        if not self._need_alignment():
            return
        note = self.cursor.step(stop, direction, self._scrolled_away(direction))
        if note is not None:
            self.say(note)
            return
        self._refresh()
        self.level()

    def _scrolled_away(self, direction: int) -> int | None:
        """When no line of the current sentence is on screen in the active pane (the reader scrolled), the
        sentence to step from: the first one on screen going down, the last one going up. Else None."""
        cur = self.cursor
        if cur.sentence is None:
            return None
        pane = self.pane(cur.side)
        first, last = pane.sentence_lines(cur.sentence)
        top = round(pane.scroll_offset.y)
        if last >= top and first < top + pane.view_height:
            return None
        shown = pane.visible_sentences()
        if not shown:
            return None
        return shown[0] if direction > 0 else shown[-1]

    def action_switch_pane(self) -> None:
        cur = self.cursor
        old = self.pane(cur.side)
        row = old.screen_row(cur.sentence) if cur.sentence is not None else 0
        linked = cur.switch_side()
        pane = self.pane(cur.side)
        pane.focus()
        if linked:
            self._refresh()
            self.level()
            return
        # No current link (a sentence only the other article has): take the sentence that starts on screen
        # nearest the reader's row, and bring its counterpart level (a sentence cut off at the top would
        # send the counterpart out of view).
        top = round(pane.scroll_offset.y)
        visible = pane.visible_sentences()
        starting = [k for k in visible if pane.sentence_lines(k)[0] >= top] or visible
        if starting:
            self.select(min(starting, key=lambda k: abs(pane.screen_row(k) - row)))
        else:
            cur.sentence = None
            self._refresh()

    def action_cycle_article(self, side: str) -> None:
        pair = self.cursor.pair_after(side)
        if pair is None:  # nothing to step to: say so rather than redraw the same pair
            self.say("Only two articles are open: give more files (or a folder) to compare others.", timeout=4)
            return
        self.show_pair(*pair)

    def show_pair(self, left: int, right: int) -> None:
        """Put articles `left` and `right` side by side."""
        try:
            keep = self.cursor.show_pair(left, right)
        except ValueError:
            return
        self.pane("left").set_document(self.documents[left])
        self.pane("right").set_document(self.documents[right])
        self._load_alignment(keep=keep)
        self._update_titles()

    def show_passage(self, left: int, right: int, side: str, sentence: int) -> None:
        """Articles `left` and `right` side by side, `sentence` of the one on `side` current (ShowInPairView)."""
        self.show_pair(left, right)
        if self.cursor.side != side:
            self.cursor.side = side
            self.pane(side).focus()
        self.select(sentence)

    def action_pick_pair(self) -> None:
        counts = {}
        if self.comparison is not None:
            counts = {(i, j): len(self.comparison.alignment(i, j).links) for i, j in self.comparison.pairs}
        picker = PairPicker([d.name for d in self.documents], (self.cursor.left, self.cursor.right), counts)
        self.app.push_screen(picker, self._pair_picked)

    def _pair_picked(self, pair: tuple[int, int] | None) -> None:
        if pair is not None:
            self.show_pair(*pair)

    def action_search(self) -> None:
        self.app.push_screen(SearchScreen(self.search_text, blink=not self.app.settings.low_bandwidth), self._search)

    def _search(self, query: str | None) -> None:
        if query is None:
            return
        self.search_text = query
        if not query:
            self._refresh()
            return
        note = self.cursor.find(query)
        if note is None:
            self._refresh()
            self.say(f"Not found in this article: {safe_line(query, 60)}")
            return
        self.say(note)
        self._refresh()
        self.level()

    def action_threshold(self, direction: int) -> None:
        new = next_threshold(self.threshold, direction)
        if new == self.threshold:
            self.app.bell()
            return
        self.threshold = new
        if self.comparison is None:
            self.say(f"Threshold {new:.2f} (applied when the alignment is done).", timeout=2)
            return
        self.app.relink(self, self.comparison.with_threshold(new), self.cursor.left, self.cursor.right)

    def action_toggle_theme(self) -> None:
        self.app.theme = "textual-light" if self.app.current_theme.dark else "textual-dark"

    def action_overview(self) -> None:
        from tui.screens.overview import OverviewScreen

        if self._need_alignment():
            assert self.comparison is not None
            self.app.push_screen(OverviewScreen(self.comparison))

    def action_export(self) -> None:
        if not self._need_alignment():
            return
        left, right = (self.documents[k].name for k in (self.cursor.left, self.cursor.right))
        n = len(self.documents)
        Export(self.app, ExportJob("alignment", "the alignment", pair_stem(left, right), pair=(left, right),
                                   n_pairs=n * (n - 1) // 2)).start()
