"""Export, from the pair view (`e`: the alignment) and from the overview (`e`: the fact groups): one flow.

The dialog only collects a file name, a format and its options; `align.export` writes (a format is an
`ExportFormat` in `align.export.FORMATS`: the dialog offers every one whose subject is being exported, and only
the options it reads). The flow around the dialog: no export at all in a read-only session; a name that would
replace one of the articles is refused before "Overwrite it?"; an existing file is asked about; the app's worker
writes from a copy of the comparison and posts `ExportWritten`, and a failure is the app's one error
notification. In a served session (Settings.export_dir) the reader may only name a plain file in that folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from align.export import ExportError, ExportFormat, ExportOptions, formats_for, refuse_an_article
from tui import __version__
from tui.names import distinct_names
from tui.screens.confirm import ConfirmScreen
from tui.text_safety import folder_line, safe_line
from tui.widgets.safe_input import SafeInput
from tui.widgets.toggle_line import ToggleLine

if TYPE_CHECKING:
    from tui.app import SideBySideApp

READ_ONLY_MESSAGE = "Export is off here: this server lets anyone log in, so its sessions write no files."


@dataclass(frozen=True)
class ExportRequest:
    """What the dialog collected."""

    path: str  # resolved, ready to write
    format: ExportFormat
    options: ExportOptions


@dataclass(frozen=True)
class ExportJob:
    """What one `e` exports, as the screen it was pressed on sees it."""

    subject: str  # "alignment" or "groups": which formats (align.export.FORMATS) are offered
    what: str  # in the dialog's title: "the alignment"
    stem: str  # of the suggested file name: "sbs-a-vs-b", "sbs-groups"
    pair: tuple[str, str] | None = None  # the two articles on screen, shown, and what "only these two" means
    n_pairs: int = 1  # with more than one, the dialog offers all pairs


def resolve_export_path(value: str, export_dir: str | None) -> str:
    """The path to write for what the reader typed; ValueError with a one-line reason if it is not allowed."""
    value = value.strip()
    if not value:
        raise ValueError("type a file name")
    if export_dir is not None:
        if os.path.basename(value) != value or value in (".", "..") or value.startswith(".") or "\\" in value:
            raise ValueError("only a plain file name is allowed here (no folders, no leading dot)")
        return os.path.join(export_dir, value)
    path = os.path.expanduser(value)
    if os.path.isdir(path):
        raise ValueError(f"{safe_line(value)} is a folder; add a file name")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):  # said here, so the reader fixes the name instead of typing it again
        raise ValueError(f"there is no folder {safe_line(folder, 100)}")
    return path


def pair_stem(left: str, right: str) -> str:
    """sbs-<left>-vs-<right>, each name cut to the part where the two differ ("2023-05-23 Belgorod raid - BBC.txt"
    and "... - Reuters.txt" give sbs-Belgorod_raid_-_BBC-vs-Belgorod_raid_-_Reuters), so exports of different
    pairs get names that say which pair they hold."""
    a, b = (os.path.splitext(os.path.basename(n))[0] for n in (left, right))
    a, b = distinct_names([a, b], 40)
    return f"sbs-{_stem(a)}-vs-{_stem(b)}"


def unused_name(stem: str, extension: str, directory: str) -> str:
    """stem + extension, or stem-2, -3... + extension: the first that does not exist yet in `directory`."""
    name, n = f"{stem}{extension}", 2
    while os.path.exists(os.path.join(directory, name)):
        name, n = f"{stem}-{n}{extension}", n + 1
    return name


def suggest_name(left: str, right: str, directory: str, extension: str = ".csv") -> str:
    """A file name for the alignment of `left` and `right` that does not exist yet in `directory`."""
    return unused_name(pair_stem(left, right), extension, directory)


def _stem(base: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in base).strip("_")
    return safe[:40] or "article"


def with_extension(name: str, old: str, new: str) -> str:
    """The name with `new` in place of `old` at its end (a name the reader typed otherwise stays as it is)."""
    return name[: -len(old)] + new if old and name.lower().endswith(old.lower()) else name


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Where to write, in which format, with which options."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel export", id="cancel-export"),
        Binding("enter", "submit", "Export", id="submit-export", show=False),
    ]

    def __init__(self, job: ExportJob, formats: list[ExportFormat], suggested: str, export_dir: str | None = None,
                 blink: bool = True, chosen: str | None = None) -> None:
        """`formats` in the order offered (the first is the default); `chosen` names the one to open on."""
        super().__init__()
        if not formats:
            raise ValueError(f"no export format writes {job.subject}")
        self.job = job
        self.formats = formats
        self.format = next((f for f in formats if f.name == chosen), formats[0])
        self.suggested = suggested
        self.export_dir = export_dir
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(id="export-body") as body:
            one = len(self.formats) == 1
            body.border_title = f"Export {self.job.what}" + (f" as {self.format.label}" if one else "")
            body.border_subtitle = "enter exports · esc cancels"
            if self.job.pair is not None:
                # Both names on the dialog's one line, cut to where they differ.
                room = (min(80, int(self.app.size.width * 0.9)) - 4 - len("On screen:  vs ")) // 2
                a, b = distinct_names(list(self.job.pair), max(8, room))
                yield Label(Text(f"On screen: {safe_line(f'{a} vs {b}', 150)}", style="dim"), id="export-pair")
            if self.export_dir is not None:
                yield Label(Text(f"File name (saved in {safe_line(self.export_dir, 60)}):"))
            else:
                yield Label(Text(f"File (relative to {folder_line(os.getcwd(), 60)}):"))
            field = SafeInput(value=self.suggested, id="export-path")
            field.cursor_blink = self.blink
            yield field
            yield Label("", id="export-error")
            if self.job.n_pairs > 1:  # with two articles the pair on screen is every pair: nothing to choose
                yield ToggleLine(f"all {self.job.n_pairs} pairs, not only the two on screen", id="export-all")
            yield ToggleLine("raw CSV: no ' before cells starting with = + - @", id="export-raw")
            for fmt in self.formats[1:]:  # each other format is a choice instead of the first, one at a time
                yield ToggleLine(f"{fmt.label} instead: {fmt.about}" if fmt.about else f"{fmt.label} instead",
                                 value=fmt is self.format, id=f"export-{fmt.name}")
            yield Label(Text("tab moves · space toggles", style="dim"))
            with Horizontal(id="export-buttons"):
                yield Button("Export", id="export", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._show_options()
        self.query_one("#export-path", Input).focus()

    def _show_options(self) -> None:
        """Only the options the chosen format reads."""
        for option, selector in (("only", "#export-all"), ("raw", "#export-raw")):
            for toggle in self.query(selector):
                toggle.display = option in self.format.options

    def on_toggle_line_changed(self, event: ToggleLine.Changed) -> None:
        chosen = next((f for f in self.formats[1:] if event.toggle.id == f"export-{f.name}"), None)
        if chosen is None:
            return
        event.stop()
        if event.value:
            new = chosen
        elif chosen is self.format:
            new = self.formats[0]  # turned off: back to the first format
        else:
            return  # another format's choice was turned off because this one was turned on
        old = self.format
        if new is old:  # the name chose it (on_input_changed): the name stays as typed
            return
        self._choose(new)
        field = self.query_one("#export-path", Input)
        field.value = with_extension(field.value, old.extension, new.extension)  # the file name follows

    def on_input_changed(self, event: Input.Changed) -> None:
        """A name typed with another offered format's extension ("report.html") chooses that format, so what is
        written is what the name says (not a CSV in a file called .html)."""
        event.stop()
        typed = os.path.splitext(event.value.strip())[1].lower()
        new = next((f for f in self.formats if f.extension == typed), None)
        if new is not None and new is not self.format:
            self._choose(new)

    def _choose(self, new: ExportFormat) -> None:
        """Make `new` the format: its toggle on, every other off, only its options shown."""
        self.format = new
        for fmt in self.formats[1:]:
            toggle = self.query_one(f"#export-{fmt.name}", ToggleLine)
            if toggle.value != (fmt is new):
                toggle.value = fmt is new
        self._show_options()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export":
            self._submit()
        else:
            self.dismiss(None)

    def action_submit(self) -> None:
        self._submit()

    def _submit(self) -> None:
        try:
            path = resolve_export_path(self.query_one("#export-path", Input).value, self.export_dir)
        except ValueError as exc:
            self.query_one("#export-error", Label).update(Text(str(exc)))
            return
        every = self.query("#export-all")
        only = self.job.pair if not (every and every.first(ToggleLine).value) else None
        raw = self.query_one("#export-raw", ToggleLine).value
        fmt = self.format
        options = ExportOptions(only=only if "only" in fmt.options else None, raw=raw and "raw" in fmt.options)
        self.dismiss(ExportRequest(path, fmt, options))

    def action_cancel(self) -> None:
        self.dismiss(None)


class Export:
    """One export, from the key press to the file: the dialog, the checks, the question, the worker."""

    def __init__(self, app: SideBySideApp, job: ExportJob) -> None:
        self.app = app
        self.job = job
        settings = app.settings
        self.export_dir = str(settings.export_dir) if settings.export_dir is not None else None

    def start(self, again: str | None = None) -> None:
        """Open the dialog; `again` is a name the reader chose that could not be used (shown back to edit)."""
        if self.app.settings.read_only:
            self.app.say(READ_ONLY_MESSAGE, timeout=6, severity="warning")
            return
        formats = formats_for(self.job.subject)
        last = self.app.last_formats.get(self.job.subject)
        fmt = next((f for f in formats if f.name == last), formats[0])
        suggested = again if again is not None else unused_name(self.job.stem, fmt.extension,
                                                                 self.export_dir or os.getcwd())
        dialog = ExportDialog(self.job, formats, suggested, self.export_dir,
                              blink=not self.app.settings.low_bandwidth, chosen=fmt.name)
        self.app.push_screen(dialog, self._chosen)

    def _chosen(self, request: ExportRequest | None) -> None:
        if request is None:
            return
        self.app.last_formats[self.job.subject] = request.format.name  # the next export offers it again
        again = self._shown_name(request.path)
        try:
            refuse_an_article(request.path, self.app.documents)
        except ExportError as exc:  # before "Overwrite it?": the answer could only be no
            self.app.notify(safe_line(str(exc)), title="Export refused", severity="error", markup=False, timeout=10)
            self.start(again=again)  # back in the dialog, the name to change
            return
        if os.path.exists(request.path):
            question = f"{safe_line(request.path, 100)} exists. Overwrite it?"
            self.app.push_screen(ConfirmScreen(question),
                                 lambda yes: self._write(request) if yes else self.start(again=again))
        else:
            self._write(request)

    def _shown_name(self, path: str) -> str:
        """The name as the dialog takes it: a plain name in a served session (the folder is fixed), else the path."""
        return os.path.basename(path) if self.export_dir is not None else path

    def _write(self, request: ExportRequest) -> None:
        comparison = self.app.comparison
        assert comparison is not None
        # The worker writes from a copy: deriving rows fills the comparison's caches, never the app's from there.
        options = replace(request.options, model=self.app.embedder.model_id, version=__version__)
        self.app.write_export(comparison.copy(), replace(request, options=options))
