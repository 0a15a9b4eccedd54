"""The sidebyside app: holds the articles, the comparison and the settings; the screens do the rest.

A thin App in the manner of posting and harlequin. Its default screen is the pair view
(tui/screens/pair_view.py); the overview and a fact's versions are screens of their own (tui/screens/), each
owning its keys and its help. The App keeps what they share: the articles, the embedder, the `Settings` the
command line built (tui/settings.py), the comparison and the workers that compute it (each posts a typed
message, tui/messages.py, to the screen that asked), the one place a worker's failure is reported, the user's
keymap, and ctrl+c (quit from anywhere).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from align.compare import Comparison, compare
from align.document import Document
from align.embed import CachedEmbedder, Embedder
from tui.keymap import binding_ids, load_keymap
from tui.messages import (Aligned, AlignmentProgress, AlignmentStage, ExportWritten, GroupsReady, Relinked,
                          ShowInPairView)
from tui.screens.export_dialog import ExportRequest
from tui.screens.pair_view import PairScreen
from tui.settings import Settings
from tui.text_safety import safe_line

#: The notification title for a worker group's failure.
FAILED = {"align": "Alignment failed", "relink": "Re-linking failed", "overview": "Grouping failed",
          "export": "Export failed"}


class SideBySideApp(App[int]):
    TITLE = "sidebyside"
    # Each screen's styles sit beside it; they are listed here because Textual loads a screen's own CSS_PATH only
    # for screens it pushes, and the pair view is the default screen.
    CSS_PATH = ["screens/pair_view.tcss", "screens/dialogs.tcss"]
    ENABLE_COMMAND_PALETTE = False

    # Help (?) and quit (q) belong to each screen (tui/screens/base.py); only ctrl+c works everywhere.
    BINDINGS = [
        # Terminal users expect ctrl+c to quit (Textual's default only explains ctrl+q); anywhere, even in a dialog.
        Binding("ctrl+c", "quit_anywhere", "Quit", id="quit-ctrl-c", show=False, priority=True, tooltip="quit"),
    ]

    def __init__(self, documents: Sequence[Document], embedder: Embedder, settings: Settings | None = None,
                 not_opened: Sequence[str] = ()) -> None:
        super().__init__()
        self.documents = list(documents)
        if len(self.documents) < 2:
            raise ValueError("sidebyside compares at least two articles")
        self.not_opened = list(not_opened)  # one line per article that could not be read: said on mount
        self.embedder = embedder
        self.settings = settings or Settings()
        if self.settings.low_bandwidth:
            self.animation_level = "none"
        self.comparison: Comparison | None = None  # all pairs, once aligned (the screens set it from the workers')
        self.align_error: str | None = None
        self.last_export: str | None = None
        self.last_formats: dict[str, str] = {}  # per subject, the format exported last: the dialog opens on it
        self.keymap, self._keymap_problems = load_keymap(self.settings.keymap_path, remappable_ids())
        self._last_said, self._last_said_at = "", 0.0
        self.pair_view: PairScreen  # the default screen, made when the app starts

    def get_default_screen(self) -> PairScreen:
        self.pair_view = PairScreen(self.documents, self.settings.threshold)
        return self.pair_view

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        for problem in self._keymap_problems:  # a bad line is skipped, said once; the rest of the keymap applies
            self.notify(safe_line(problem), title="Keymap", severity="warning", markup=False, timeout=10)
        for line in self.not_opened:  # the other articles opened; each one that did not is named once
            self.notify(safe_line(line, 300), title="Article not opened", severity="error", markup=False,
                        timeout=20)

    # -- what the screens share -----------------------------------------------------------------------------------

    def say(self, message: str, timeout: float = 3, severity: str = "information") -> None:
        """A short notification, not repeated while the same one is still on screen (held-down keys, slow links)."""
        now = time.monotonic()
        if self._last_said == message and now - self._last_said_at < timeout:
            return
        self._last_said, self._last_said_at = message, now
        self.notify(message, timeout=timeout, severity=severity, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's failure is reported: one notification, never a traceback."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        message = safe_line(str(error) or type(error).__name__)
        if event.worker.group == "align":
            self.align_error = message
            self.pair_view.alignment_failed(message)
        self.notify(message, title=FAILED.get(event.worker.group, "Something went wrong"), severity="error",
                    markup=False, timeout=10)

    # -- work off the event loop ---------------------------------------------------------------------------------
    # Each worker gets what it works on in its arguments (a comparison no other thread touches) and posts its
    # result to the screen that asked; a failure reaches on_worker_state_changed above.

    @work(thread=True, exclusive=True, group="align", exit_on_error=False)
    def align(self, reply_to: Screen, threshold: float, left: int, right: int) -> None:
        """Embed, score and link every pair of articles, and link the pair on screen (a book pair takes about a
        second); the stages, the progress and the comparison go to `reply_to`."""
        worker = get_current_worker()
        documents, embedder = self.documents, self.embedder  # set once in __init__, only read since
        cached = isinstance(embedder, CachedEmbedder) and all(
            embedder.cached(d.texts) is not None for d in documents if d.texts)
        inner = getattr(embedder, "inner", embedder)
        loads_model = hasattr(inner, "load") and getattr(inner, "_model", None) is None
        reply_to.post_message(AlignmentStage(
            "reading cached embeddings" if cached else ("loading the model" if loads_model else "encoding")))
        last = -1

        def progress(done: int, n: int) -> None:
            nonlocal last
            if worker.is_cancelled:  # the app is closing: stop at the next batch
                raise _Cancelled
            if last != -2 and (done == n or done - last >= 8):
                last = done
                reply_to.post_message(AlignmentProgress(done, n))
            if done == n and last != -2:
                last = -2  # every sentence is encoded: what is left is scoring and linking the pairs
                reply_to.post_message(AlignmentStage(f"all {n} sentences encoded; scoring and linking the pairs"))

        def stage(name: str, done: int, n: int) -> None:  # scoring the pairs: one step a pair
            if worker.is_cancelled:
                raise _Cancelled
            reply_to.post_message(AlignmentProgress(done, n, name, "pairs"))

        try:
            comparison = compare(documents, embedder, threshold, progress, stage=stage)
        except _Cancelled:
            return
        reply_to.post_message(AlignmentStage("linking the pair on screen"))
        comparison.alignment(left, right)  # link and classify the pair on screen here, not on the event loop
        reply_to.post_message(Aligned(comparison))

    @work(thread=True, exclusive=True, group="relink", exit_on_error=False)
    def relink(self, reply_to: Screen, comparison: Comparison, left: int, right: int) -> None:
        """Link the pair on screen in `comparison` (re-linked at another threshold: nothing is re-embedded) off the
        event loop, a book pair takes about half a second; `comparison` is this worker's own."""
        comparison.alignment(left, right)
        reply_to.post_message(Relinked(comparison))

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def group_facts(self, reply_to: Screen, comparison: Comparison) -> None:
        """The facts across all articles, grouped on this worker's own copy of the comparison."""
        reply_to.post_message(GroupsReady(comparison, comparison.groups()))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write_export(self, comparison: Comparison, request: ExportRequest) -> None:
        """Write with the format's plain function (align.export); an ExportError is this worker's error."""
        rows = request.format.write(comparison, request.path, request.options)
        self.post_message(ExportWritten(request.path, rows, request.format.noun))

    def on_export_written(self, message: ExportWritten) -> None:
        self.last_export = message.path  # for tests and the report
        what = message.noun if message.rows is None else f"{message.rows} row{'' if message.rows == 1 else 's'}"
        self.notify(f"Wrote {what} to {safe_line(os.path.abspath(message.path))}", title="Exported", markup=False,
                    timeout=6)

    def on_show_in_pair_view(self, message: ShowInPairView) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.pair_view.show_passage(message.left, message.right, message.side, message.sentence)

    # -- the key that works on every screen ---------------------------------------------------------------------------

    async def action_quit_anywhere(self) -> None:
        await self.action_quit()


def remappable_ids() -> set[str]:
    """Ids of the keys a user's keymap may rebind: the app's, the pair view's and its panes', the overview's and
    a fact's."""
    from tui.screens.fact import FactScreen
    from tui.screens.overview import OverviewScreen
    from tui.widgets.article_pane import ArticlePane

    return binding_ids([*SideBySideApp.BINDINGS, *PairScreen.BINDINGS, *ArticlePane.BINDINGS,
                        *OverviewScreen.BINDINGS, *FactScreen.BINDINGS])


class _Cancelled(Exception):
    """The alignment worker was cancelled (the app is closing)."""
