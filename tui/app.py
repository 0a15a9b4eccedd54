"""The sidebyside app: two articles side by side, the passage under the cursor and its counterpart level.

The articles are on screen at once (segmentation only); the alignment runs in a worker thread with visible
progress, and the highlights arrive when it is done. All state that decides what is highlighted lives here;
the panes (tui/widgets/article_pane.py) only draw it. Other screens steer the pair view with
`show_pair(left, right)` and `select(sentence)` (a sentence of the active article, `side`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Footer
from textual.worker import get_current_worker

from align.alignment import Alignment, Link
from align.compare import Comparison, compare
from align.differences import word_diff
from align.document import Document
from align.embed import CachedEmbedder, Embedder
from align.linking import THRESHOLD, kept_because
from tui.keymap import binding_ids, load_keymap
from tui.names import distinct_names
from tui.screens.confirm import ConfirmScreen
from tui.screens.export_dialog import EXPORT_DIR_ENV, ExportDialog, ExportRequest, suggest_name
from tui.screens.help import HelpData, Helpable, HelpScreen
from tui.screens.pair_picker import PairPicker
from tui.screens.search import SearchScreen
from tui.text_safety import safe_line
from tui.widgets.article_pane import CONFLICT_MARK, CURRENT_FIRST, CURRENT_REST, ONLY_MARK, ArticlePane, PaneMarks
from tui.widgets.progress import AlignProgress
from tui.widgets.status_bar import StatusBar

THRESHOLD_STEP = 0.05
#: Set by `sbs serve` for sessions anyone can open: they may read and compare, never write files on the server.
READ_ONLY_ENV = "SBS_READ_ONLY"
READ_ONLY_MESSAGE = "Export is off here: this server lets anyone log in, so its sessions write no files."
SIDES = ("left", "right")
#: Actions that act on the pair view; a dialog on top switches them off.
PAIR_ACTIONS = {"next_link", "prev_link", "next_diff", "prev_diff", "next_conflict", "next_only", "switch_pane",
                "cycle_article", "pick_pair", "search", "threshold", "export", "toggle_theme", "overview"}

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


class SideBySideApp(App[int]):
    TITLE = "sidebyside"
    CSS_PATH = ["app.tcss", "screens/dialogs.tcss"]
    ENABLE_COMMAND_PALETTE = False

    BINDINGS = [
        Binding("j,down", "next_link", "Next", id="next-link", tooltip="next aligned passage"),
        Binding("k,up", "prev_link", "Prev", id="prev-link", tooltip="previous aligned passage"),
        Binding("n", "next_diff", "Diff", id="next-diff", tooltip="next difference (a partial or conflicting link)"),
        Binding("N", "prev_diff", "Prev diff", id="prev-diff", show=False, tooltip="previous difference"),
        Binding("c", "next_conflict", "Conflict", id="next-conflict", tooltip="next conflict"),
        Binding("u", "next_only", "Only", id="next-only", tooltip="next sentence only in this article"),
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
        Binding("question_mark", "help", "Help", id="help", tooltip="this help"),
        Binding("q", "quit", "Quit", id="quit", tooltip="quit"),
        # Terminal users expect ctrl+c to quit (Textual's default only explains ctrl+q); anywhere, even in a dialog.
        Binding("ctrl+c", "quit_anywhere", "Quit", id="quit-ctrl-c", show=False, priority=True, tooltip="quit"),
    ]

    def __init__(self, documents: Sequence[Document], embedder: Embedder, threshold: float = THRESHOLD,
                 low_bandwidth: bool = False, not_opened: Sequence[str] = ()) -> None:
        super().__init__()
        self.documents = list(documents)
        self.not_opened = list(not_opened)  # one line per article that could not be read: said on mount
        if len(self.documents) < 2:
            raise ValueError("sidebyside compares at least two articles")
        self.embedder = embedder
        self.threshold = threshold
        self.low_bandwidth = low_bandwidth
        self.read_only = os.environ.get(READ_ONLY_ENV) == "1"
        if low_bandwidth:
            self.animation_level = "none"
        self.comparison: Comparison | None = None
        self.alignment: Alignment | None = None
        self.left_index, self.right_index = 0, 1
        self.side = "left"
        self.sentence: int | None = None  # in the active article
        self.link: Link | None = None  # the current link (one of the sentence's links)
        self.search_text = ""
        self.align_error: str | None = None
        self._orders: dict[tuple[int, str], list[Link]] = {}
        self.last_export: str | None = None
        self.last_format = "csv"  # the export dialog opens on the format chosen last
        self._titles: dict[str, tuple[str, int, str]] = {}
        self._last_said, self._last_said_at = "", 0.0
        self._sets: dict[int, tuple[frozenset, frozenset, frozenset, frozenset]] = {}
        self.keymap, self._keymap_problems = load_keymap(remappable_ids())
        self._names_width, self._names = 0, [d.name for d in self.documents]

    # -- layout -----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield ArticlePane("left", self.documents[self.left_index], id="left-pane")
            yield ArticlePane("right", self.documents[self.right_index], id="right-pane")
        yield AlignProgress(id="progress")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        for problem in self._keymap_problems:  # a bad line is skipped, said once; the rest of the keymap applies
            self.notify(safe_line(problem), title="Keymap", severity="warning", markup=False, timeout=10)
        for line in self.not_opened:  # the other articles opened; each one that did not is named once
            self.notify(safe_line(line, 300), title="Article not opened", severity="error", markup=False,
                        timeout=20)
        self.pane("left").focus()
        self._update_titles()
        self.query_one(StatusBar).show_message(
            "The articles are readable now; highlights arrive when the alignment is done.",
            "pgup/pgdn scroll · tab switches pane · ? help · q quit")
        self.query_one(AlignProgress).show_stage("starting")
        self.run_alignment()

    def pane(self, side: str) -> ArticlePane:
        return self.query_one(f"#{side}-pane", ArticlePane)

    @property
    def other_side(self) -> str:
        return "right" if self.side == "left" else "left"

    # -- alignment in the background ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="align")
    def run_alignment(self) -> None:
        worker = get_current_worker()
        docs = self.documents
        total = sum(len(d.sentences) for d in docs)
        cached = isinstance(self.embedder, CachedEmbedder) and all(
            self.embedder.cached(d.texts) is not None for d in docs if d.texts)
        inner = getattr(self.embedder, "inner", self.embedder)
        loads_model = hasattr(inner, "load") and getattr(inner, "_model", None) is None
        stage = "reading cached embeddings" if cached else ("loading the model" if loads_model else "encoding")
        self._from_thread(self.query_one(AlignProgress).show_stage, stage)
        last = [-1]

        def progress(done: int, n: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            if done == n or done - last[0] >= 8:
                last[0] = done
                self._from_thread(self.query_one(AlignProgress).show, done, n)
            if done == n and last[0] != -2:
                last[0] = -2  # every sentence is encoded: what is left is scoring and linking the pairs
                self._from_thread(self.query_one(AlignProgress).show_stage,
                                  f"all {n} sentences encoded; scoring and linking the pairs")

        result: dict = {}

        def job() -> None:
            try:
                comparison = compare(docs, self.embedder, self.threshold, progress)
                # Link and classify the pair on screen here, not on the event loop (a book pair takes ~1 s).
                comparison.alignment(self.left_index, self.right_index)
                result["comparison"] = comparison
            except _Cancelled:
                pass
            except Exception as exc:  # a model that cannot load: one line in the app, never a traceback
                result["error"] = safe_line(f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc))

        # A daemon thread does the work: quitting mid-way (the model import alone takes seconds) never waits.
        thread = threading.Thread(target=job, name="sbs-align", daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(0.1)
            if worker.is_cancelled:
                return
        if "error" in result:
            self._from_thread(self._alignment_failed, result["error"])
        elif "comparison" in result:
            self._from_thread(self._alignment_done, result["comparison"], total)

    def _from_thread(self, callback, *args, **kwargs) -> None:
        try:
            self.call_from_thread(callback, *args, **kwargs)
        except RuntimeError:  # the app has exited
            pass

    def _alignment_done(self, comparison: Comparison, total: int) -> None:
        if comparison.threshold != self.threshold:
            comparison = comparison.with_threshold(self.threshold)
        self.comparison = comparison
        self.query_one(AlignProgress).display = False
        self._load_alignment(keep=self.sentence)

    def _alignment_failed(self, message: str) -> None:
        self.align_error = message
        self.query_one(AlignProgress).display = False
        self.query_one(StatusBar).show_message(f"Alignment failed: {message}", "The articles are still readable.")
        self.notify(message, title="Alignment failed", severity="error", markup=False, timeout=10)

    # -- state ------------------------------------------------------------------------------------------------

    def _load_alignment(self, keep: int | None = None) -> None:
        """(Re)derive the alignment of the current pair and select `keep` (a sentence of the active article)."""
        if self.comparison is not None:
            self.alignment = self.comparison.alignment(self.left_index, self.right_index)
        else:
            self.alignment = None
        self._orders.clear()
        if self.alignment is None:
            self.sentence, self.link = keep, None
            self._refresh()
            return
        if keep is not None:
            self.select(keep)
        else:
            order = self._order()
            if order:
                self.select(self._here(order[0]), order[0])
            elif len(self.active_document.sentences):
                self.select(0)
            else:
                self._refresh()

    @property
    def active_document(self) -> Document:
        return self.documents[self.left_index if self.side == "left" else self.right_index]

    def _here(self, link: Link) -> int:
        return link.left if self.side == "left" else link.right

    def _there(self, link: Link) -> int:
        return link.right if self.side == "left" else link.left

    def links_of(self, sentence: int, side: str | None = None) -> tuple[Link, ...]:
        if self.alignment is None:
            return ()
        side = side or self.side
        return self.alignment.links_of_left(sentence) if side == "left" else self.alignment.links_of_right(sentence)

    def _order(self) -> list[Link]:
        """Links in reading order of the active article."""
        assert self.alignment is not None
        key = (id(self.alignment), self.side)
        if key not in self._orders:
            self._orders[key] = sorted(self.alignment.links, key=lambda ln: (self._here(ln), self._there(ln)))
        return self._orders[key]

    def _marks_sets(self) -> tuple[frozenset, frozenset, frozenset, frozenset]:
        """(left_only, right_only, left_conflicted, right_conflicted) of the current alignment."""
        al = self.alignment
        assert al is not None
        if id(al) not in self._sets:
            self._sets.clear()
            conflicts = [ln for ln in al.links if ln.kind == "conflict"]
            self._sets[id(al)] = (frozenset(al.left_only), frozenset(al.right_only),
                                  frozenset(ln.left for ln in conflicts), frozenset(ln.right for ln in conflicts))
        return self._sets[id(al)]

    def select(self, sentence: int, link: Link | None = None, level: bool = True) -> None:
        """Make `sentence` of the active article current, with `link` (default: its first link)."""
        links = self.links_of(sentence)
        self.sentence = sentence
        self.link = link if link is not None else (links[0] if links else None)
        self._refresh()
        if level:
            self.level()

    def _refresh(self) -> None:
        self._apply_marks()
        self._update_status()
        self._update_titles()  # cheap when nothing changed: titles are only set when they differ

    def _apply_marks(self) -> None:
        left, right = self.pane("left"), self.pane("right")
        if self.alignment is None:
            current = frozenset({self.sentence}) if self.sentence is not None else frozenset()
            empty = PaneMarks(search=self.search_text)
            here = PaneMarks(current=current, search=self.search_text)
            left.set_marks(here if self.side == "left" else empty)
            right.set_marks(here if self.side == "right" else empty)
            return
        l_only, r_only, l_conf, r_conf = self._marks_sets()
        here_set: set[int] = set()
        there_set: set[int] = set()
        changed: dict[str, list[tuple[int, int]]] = {"left": [], "right": []}
        conflicts: dict[str, list[tuple[int, int]]] = {"left": [], "right": []}
        if self.sentence is not None:
            here_set.add(self.sentence)
            there_set.update(self._there(ln) for ln in self.links_of(self.sentence))
        ln = self.link
        if ln is not None:
            ldoc, rdoc = self.documents[self.left_index], self.documents[self.right_index]
            a, b = ldoc.sentences[ln.left], rdoc.sentences[ln.right]
            diff = word_diff(a.text, b.text)
            changed["left"] = [(a.start + s.start, a.start + s.end) for s in diff.left if s.op != "equal"]
            changed["right"] = [(b.start + s.start, b.start + s.end) for s in diff.right if s.op != "equal"]
            for c in ln.conflicts:
                conflicts["left"].append((a.start + c.left_start, a.start + c.left_end))
                conflicts["right"].append((b.start + c.right_start, b.start + c.right_end))
        current = {self.side: frozenset(here_set), self.other_side: frozenset(there_set)}
        for side, pane, only, conf in (("left", left, l_only, l_conf), ("right", right, r_only, r_conf)):
            pane.set_marks(PaneMarks(current=current[side], only=only, conflicted=conf,
                                     changed=tuple(changed[side]), conflicts=tuple(conflicts[side]),
                                     search=self.search_text, aligned=True))

    def _update_status(self) -> None:
        status = self.query_one(StatusBar)
        if self.alignment is None:
            if self.align_error:
                status.show_message(f"Alignment failed: {self.align_error}", "The articles are still readable.")
            return
        order = self._order()
        if self.link is not None:
            ln = self.link
            ldoc, rdoc = self.documents[self.left_index], self.documents[self.right_index]
            diff = word_diff(ldoc.sentences[ln.left].text, rdoc.sentences[ln.right].text)
            kept = kept_because(ldoc.sentences[ln.left].text, rdoc.sentences[ln.right].text) \
                if ln.score < self.alignment.threshold else ""
            status.show_link(order.index(ln) + 1, len(order), ln.score, ln.kind, ln.reason, diff.summary,
                             self.alignment.threshold, kept)
        elif self.sentence is not None:
            only = self.sentence in self._marks_sets()[0 if self.side == "left" else 1]
            status.show_sentence(self.sentence, len(self.active_document.sentences), only, len(order),
                                 self.alignment.threshold)

    def _update_titles(self) -> None:
        n = len(self.documents)
        for side, index in (("left", self.left_index), ("right", self.right_index)):
            pane = self.pane(side)
            doc = self.documents[index]
            title = Text(no_wrap=True, overflow="ellipsis", end="")
            title.append("● " if side == self.side else "  ", style="bold")
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
        if self.sentence is None:
            return
        here, there = self.pane(self.side), self.pane(self.other_side)
        if not here.size.height:
            self.call_after_refresh(self.level)
            return
        first, last = here.sentence_lines(self.sentence)
        height = here.view_height
        row = here.screen_row(self.sentence) if here.is_visible(self.sentence) else max(1, height // 4)
        row = max(0, min(row, height - (last - first + 1)))
        target: int | None = None
        if self.link is not None:
            target_line = there.sentence_lines(self._there(self.link))[0]
            row = min(row, first, target_line)
            target = target_line
        else:
            # A sentence only this article has: level the counterpart of the nearest linked sentence above.
            for k in range(self.sentence - 1, -1, -1):
                links = self.links_of(k)
                if links:
                    above = here.sentence_lines(k)[0]
                    target = there.sentence_lines(self._there(links[0]))[0] + (first - above)
                    break
            row = min(row, first)
        here.scroll_line_to_row(first, row)
        if target is not None:
            there.scroll_line_to_row(target, row)

    def on_article_pane_scrolled(self, message: ArticlePane.Scrolled) -> None:
        """The reader scrolled one pane: bring the other along, the first linked sentence on screen level with
        its counterpart. The cursor stays where it was (j/k resume from it)."""
        if self.alignment is None:
            return
        here = message.pane
        there = self.pane("right" if here.side == "left" else "left")
        fallback: tuple[int, int] | None = None
        for k in here.visible_sentences():
            first = here.sentence_lines(k)[0]
            if first < round(here.scroll_offset.y):
                continue
            for ln in self.links_of(k, here.side):
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

    # -- actions ------------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in PAIR_ACTIONS and len(self.screen_stack) > 1:
            return False
        # Under a dialog the footer would still offer "? Help q Quit" while q answers the dialog (or types):
        # hide them; ctrl+c still quits from anywhere.
        if action in ("help", "quit") and isinstance(self.screen, ModalScreen):
            return False
        return True

    async def action_quit_anywhere(self) -> None:
        await self.action_quit()

    def say(self, message: str, timeout: float = 3, severity: str = "information") -> None:
        """A short notification, not repeated while the same one is still on screen (held-down keys, slow links)."""
        now = time.monotonic()
        if self._last_said == message and now - self._last_said_at < timeout:
            return
        self._last_said, self._last_said_at = message, now
        self.notify(message, timeout=timeout, severity=severity, markup=False)

    def _need_alignment(self) -> bool:
        if self.alignment is not None:
            return True
        if self.align_error:
            self.say("No alignment: " + self.align_error, severity="error")
        else:
            self.say("Still aligning; the highlights arrive when it is done.")
        return False

    def _step(self, direction: int, keep) -> None:
        """Move to the next (direction 1) or previous link in reading order that satisfies `keep`."""
        if not self._need_alignment():
            return
        order = self._order()
        if not order:
            self.say("No links between these two articles at this threshold.")
            return
        start = self._scrolled_away(direction)
        if start is not None:
            # The reader scrolled the current passage out of sight: the next link is the next one on screen.
            if direction > 0:
                candidates = (ln for ln in order if self._here(ln) >= start)
            else:
                candidates = (ln for ln in reversed(order) if self._here(ln) <= start)
        elif self.link is not None and self.link in order:
            pos = order.index(self.link)
            candidates = order[pos + 1:] if direction > 0 else reversed(order[:pos])
        else:
            s = -1 if self.sentence is None else self.sentence
            if direction > 0:
                candidates = (ln for ln in order if self._here(ln) > s)
            else:
                candidates = (ln for ln in reversed(order) if self._here(ln) < s)
        for ln in candidates:
            if keep(ln):
                self.select(self._here(ln), ln)
                return
        self.say("That was the last one this way." if direction > 0 else "That was the first one this way.",
                 timeout=2)

    def _scrolled_away(self, direction: int) -> int | None:
        """When no line of the current sentence is on screen in the active pane (the reader scrolled), the
        sentence to step from: the first one on screen going down, the last one going up. Else None."""
        if self.sentence is None:
            return None
        pane = self.pane(self.side)
        first, last = pane.sentence_lines(self.sentence)
        top = round(pane.scroll_offset.y)
        if last >= top and first < top + pane.view_height:
            return None
        shown = pane.visible_sentences()
        if not shown:
            return None
        return shown[0] if direction > 0 else shown[-1]

    def action_next_link(self) -> None:
        self._step(1, lambda ln: True)

    def action_prev_link(self) -> None:
        self._step(-1, lambda ln: True)

    def action_next_diff(self) -> None:
        self._step(1, lambda ln: ln.kind != "same")

    def action_prev_diff(self) -> None:
        self._step(-1, lambda ln: ln.kind != "same")

    def action_next_conflict(self) -> None:
        if not self._need_alignment():
            return
        order = [ln for ln in self._order() if ln.kind == "conflict"]
        if not order:
            self.say("No conflicts between these two articles.")
            return
        start = self._scrolled_away(1)
        if start is not None:
            after = [ln for ln in order if self._here(ln) >= start]
        elif self.link in order:
            after = order[order.index(self.link) + 1:]
        else:
            after = [ln for ln in order if self.sentence is None or self._here(ln) > self.sentence]
        if not after:
            self.say("Back to the first conflict." if len(order) > 1 else "This is the only conflict.", timeout=2)
            after = order
        self.select(self._here(after[0]), after[0])

    def action_next_only(self) -> None:
        if not self._need_alignment():
            return
        only = sorted(self._marks_sets()[0 if self.side == "left" else 1])
        if not self.active_document.sentences:
            self.say("This article has no sentences.")
            return
        if not only:
            self.say("Every sentence of this article has a counterpart.")
            return
        start = self._scrolled_away(1)
        after = [k for k in only if (k >= start if start is not None else self.sentence is None or k > self.sentence)]
        if not after:
            self.say("Back to the first sentence only here.", timeout=2)
            after = only
        self.select(after[0])

    def action_switch_pane(self) -> None:
        link = self.link
        old = self.pane(self.side)
        row = old.screen_row(self.sentence) if self.sentence is not None else 0
        self.side = self.other_side
        pane = self.pane(self.side)
        pane.focus()
        if link is not None:
            self.select(self._here(link), link)
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
            self.sentence = None
            self._refresh()

    def action_cycle_article(self, side: str) -> None:
        n = len(self.documents)
        if n == 2:  # nothing to step to: say so rather than redraw the same pair
            self.say("Only two articles are open: give more files (or a folder) to compare others.", timeout=4)
            return
        left, right = self.left_index, self.right_index
        if side == "left":
            left = (left + 1) % n
            if left == right:
                left = (left + 1) % n
        else:
            right = (right + 1) % n
            if right == left:
                right = (right + 1) % n
        self.show_pair(left, right)

    def show_pair(self, left: int, right: int) -> None:
        """Put documents `left` and `right` side by side (also used by other screens, e.g. the overview)."""
        if left == right or not (0 <= left < len(self.documents) and 0 <= right < len(self.documents)):
            return
        keep_side_unchanged = (self.left_index == left) if self.side == "left" else (self.right_index == right)
        keep = self.sentence if keep_side_unchanged else None
        self.left_index, self.right_index = left, right
        self.pane("left").set_document(self.documents[left])
        self.pane("right").set_document(self.documents[right])
        self.link = None
        self._load_alignment(keep=keep)
        self._update_titles()

    def action_pick_pair(self) -> None:
        counts = {}
        if self.comparison is not None:
            counts = {(i, j): len(self.comparison.alignment(i, j).links) for i, j in self.comparison.pairs}
        picker = PairPicker([d.name for d in self.documents], (self.left_index, self.right_index), counts)
        self.push_screen(picker, self._pair_picked)

    def _pair_picked(self, pair: tuple[int, int] | None) -> None:
        if pair is not None:
            self.show_pair(*pair)

    def action_search(self) -> None:
        self.push_screen(SearchScreen(self.search_text, blink=not self.low_bandwidth), self._search)

    def _search(self, query: str | None) -> None:
        if query is None:
            return
        self.search_text = query
        if not query:
            self._refresh()
            return
        needle = query.casefold()
        sents = self.active_document.sentences
        start = -1 if self.sentence is None else self.sentence
        n = len(sents)
        hits = [k for k in range(n) if needle in sents[k].text.casefold()]
        for step in range(1, n + 1):
            k = (start + step) % n
            if needle in sents[k].text.casefold():
                # The prompt is gone once enter is pressed: say where this match is and how to reach the next.
                wrapped = "wrapped to the top · " if k <= start else ""
                more = " · / enter: next" if len(hits) > 1 else ""
                self.say(f"{wrapped}match {hits.index(k) + 1} of {len(hits)} sentences{more}", timeout=3)
                self.select(k)
                return
        self._refresh()
        self.say(f"Not found in this article: {safe_line(query, 60)}")

    def action_threshold(self, direction: int) -> None:
        new = round(min(0.95, max(0.05, self.threshold + direction * THRESHOLD_STEP)), 2)
        if new == self.threshold:
            self.bell()
            return
        self.threshold = new
        if self.comparison is None:
            self.say(f"Threshold {new:.2f} (applied when the alignment is done).", timeout=2)
            return
        self.relink(new)

    @work(thread=True, exclusive=True, group="relink")
    def relink(self, threshold: float) -> None:
        """Re-link at a new threshold (no re-embedding) off the event loop: a book pair takes about half a second."""
        assert self.comparison is not None
        comparison = self.comparison.with_threshold(threshold)
        comparison.alignment(self.left_index, self.right_index)  # link and classify the pair on screen here
        self._from_thread(self._relinked, comparison)

    def _relinked(self, comparison: Comparison) -> None:
        if comparison.threshold != self.threshold:
            return  # a later press is on its way
        self.comparison = comparison
        self._load_alignment(keep=self.sentence)  # the status line shows the threshold and the link count

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_overview(self) -> None:
        from tui.screens.overview import OverviewScreen

        if self._need_alignment():
            assert self.comparison is not None
            self.push_screen(OverviewScreen(self.comparison))

    def action_help(self) -> None:
        screen = self.screen
        if screen is not self.screen_stack[0] and isinstance(screen, Helpable):
            # The overview and a fact's versions have keys of their own: list those, then the app's help and quit.
            bindings = [b for b in screen.BINDINGS if isinstance(b, Binding)]
            bindings += [b for b in self.BINDINGS if isinstance(b, Binding) and b.id in ("help", "quit-ctrl-c")]
            self.push_screen(HelpScreen(bindings, [screen.help]))
            return
        bindings = [b for b in self.BINDINGS if isinstance(b, Binding)]
        bindings += [b for b in ArticlePane.BINDINGS if isinstance(b, Binding) and b.id]
        self.push_screen(HelpScreen(bindings, [LEGEND]))

    # -- export -------------------------------------------------------------------------------------------------

    def action_export(self, again: str | None = None) -> None:
        """The export dialog; `again` is a name the reader chose that could not be used (shown back to edit)."""
        if self.read_only:
            self.say(READ_ONLY_MESSAGE, timeout=6, severity="warning")
            return
        if not self._need_alignment():
            return
        export_dir = os.environ.get(EXPORT_DIR_ENV)
        left, right = self.documents[self.left_index], self.documents[self.right_index]
        suggested = again if again is not None else suggest_name(left.name, right.name, export_dir or os.getcwd(),
                                                                 self.last_format)
        n = len(self.documents)
        # Both names on the dialog's one line, cut to where they differ.
        room = (min(80, int(self.size.width * 0.9)) - 4 - len("On screen:  vs ")) // 2
        a, b = distinct_names([left.name, right.name], max(8, room))
        dialog = ExportDialog(suggested, f"{a} vs {b}", n * (n - 1) // 2, export_dir, blink=not self.low_bandwidth)
        self.push_screen(dialog, self._export_chosen)

    def _export_chosen(self, request: ExportRequest | None) -> None:
        from align.export import ExportError, refuse_an_article

        if request is None:
            return
        try:
            refuse_an_article(request.path, self.documents)
        except ExportError as exc:  # before "Overwrite it?": the answer could only be no
            self.notify(safe_line(str(exc)), title="Export refused", severity="error", markup=False, timeout=10)
            self.action_export(again=self._shown_name(request.path))  # back in the dialog, the name to change
            return
        if os.path.exists(request.path):
            question = f"{safe_line(request.path, 100)} exists. Overwrite it?"
            self.push_screen(ConfirmScreen(question), lambda yes: self.write_export(request) if yes else
                             self.action_export(again=self._shown_name(request.path)))
        else:
            self.write_export(request)

    @staticmethod
    def _shown_name(path: str) -> str:
        """The name as the dialog takes it: a plain name in a served session (the folder is fixed), else the path."""
        return os.path.basename(path) if os.environ.get(EXPORT_DIR_ENV) else path

    @work(thread=True, exclusive=True, group="export")
    def write_export(self, request: ExportRequest) -> None:
        from align.export import ExportError, write_csv
        from align.report import write_html

        assert self.comparison is not None
        left, right = self.documents[self.left_index], self.documents[self.right_index]
        only = (left.name, right.name) if request.only_pair else None
        self.last_format = request.format
        try:
            if request.format == "html":
                write_html(self.comparison, request.path, model=self.embedder.model_id, only=only,
                           version=_version())
                what = "the report"
            else:
                rows = write_csv(self.comparison, request.path, only, raw=request.raw)
                what = f"{rows} row{'' if rows == 1 else 's'}"
        except ExportError as exc:
            self._from_thread(self.notify, safe_line(str(exc)), title="Export failed", severity="error",
                              markup=False, timeout=10)
            return
        self._from_thread(self.notify, f"Wrote {what} to {safe_line(os.path.abspath(request.path))}",
                          title="Exported",
                          markup=False, timeout=6)
        self.last_export = request.path  # for tests and the report; written on the worker thread, read after

    # -- mouse ----------------------------------------------------------------------------------------------------

    def on_article_pane_clicked(self, message: ArticlePane.Clicked) -> None:
        if self.side != message.pane.side:
            self.side = message.pane.side
        message.pane.focus()
        links = self.links_of(message.sentence)
        self.select(message.sentence, links[0] if links else None)


def _version() -> str:
    """sidebyside's version, for the report's figures (read from the installed package's metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sidebyside")
    except PackageNotFoundError:
        return ""


def remappable_ids() -> set[str]:
    """Ids of the keys a user's keymap may rebind: the pair view's, the panes', the overview's and fact view's."""
    from tui.screens.fact import FactScreen
    from tui.screens.overview import OverviewScreen

    return binding_ids([*SideBySideApp.BINDINGS, *ArticlePane.BINDINGS, *OverviewScreen.BINDINGS,
                        *FactScreen.BINDINGS])


class _Cancelled(Exception):
    """The alignment worker was cancelled (the app is closing)."""
