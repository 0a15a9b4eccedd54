"""The export dialog: collects a path, a format and options; the app writes with align.export.write_csv (CSV)
or align.report.write_html (the HTML report).

In a served SSH session (SBS_EXPORT_DIR set) the reader may only name a plain file inside that directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from tui.names import distinct_names
from tui.text_safety import folder_line, safe_line
from tui.widgets.safe_input import SafeInput
from tui.widgets.toggle_line import ToggleLine

EXPORT_DIR_ENV = "SBS_EXPORT_DIR"


@dataclass(frozen=True)
class ExportRequest:
    path: str  # resolved, ready to write
    only_pair: bool
    raw: bool
    format: str = "csv"  # csv | html (the report)


EXTENSIONS = {"csv": ".csv", "html": ".html"}


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


def suggest_name(left: str, right: str, directory: str, fmt: str = "csv") -> str:
    """A file name that does not exist yet in `directory`: sbs-<left>-vs-<right>.csv (.html for the report; then
    -2, -3...).

    Long names are cut to the part where the two differ ("2023-05-23 Belgorod raid - BBC.txt" and "... -
    Reuters.txt" give sbs-Belgorod_raid_-_BBC-vs-Belgorod_raid_-_Reuters.csv), so exports of different pairs
    get names that say which pair they hold."""
    a, b = (os.path.splitext(os.path.basename(n))[0] for n in (left, right))
    a, b = distinct_names([a, b], 40)
    stem = f"sbs-{_stem(a)}-vs-{_stem(b)}"
    ext = EXTENSIONS[fmt]
    name = f"{stem}{ext}"
    n = 2
    while os.path.exists(os.path.join(directory, name)):
        name = f"{stem}-{n}{ext}"
        n += 1
    return name


def with_format(name: str, fmt: str) -> str:
    """The name with the format's extension when it has the other format's (a name the reader typed stays)."""
    for other, ext in EXTENSIONS.items():
        if other != fmt and name.lower().endswith(ext):
            return name[: -len(ext)] + EXTENSIONS[fmt]
    return name


def _stem(base: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in base).strip("_")
    return safe[:40] or "article"


class ExportDialog(ModalScreen[ExportRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel export", id="cancel-export"),
        Binding("enter", "submit", "Export", id="submit-export", show=False),
    ]

    def __init__(self, suggested: str, pair_label: str, n_pairs: int, export_dir: str | None = None,
                 blink: bool = True) -> None:
        super().__init__()
        self.suggested = suggested
        self.pair_label = pair_label
        self.n_pairs = n_pairs
        self.export_dir = export_dir
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(id="export-body") as body:
            body.border_title = "Export the alignment"
            body.border_subtitle = "enter exports · esc cancels"
            if self.export_dir is not None:
                where = Text(f"File name (saved in {safe_line(self.export_dir, 60)}):")
            else:
                where = Text(f"File (relative to {folder_line(os.getcwd(), 60)}):")
            yield Label(Text(f"On screen: {safe_line(self.pair_label, 150)}", style="dim"), id="export-pair")
            yield Label(where)
            field = SafeInput(value=self.suggested, id="export-path")
            field.cursor_blink = self.blink
            yield field
            yield Label("", id="export-error")
            if self.n_pairs > 1:  # with two articles the pair on screen is every pair: nothing to choose
                yield ToggleLine(f"all {self.n_pairs} pairs, not only the two on screen", id="export-all")
            yield ToggleLine("raw CSV: no ' before cells starting with = + - @", id="export-raw")
            yield ToggleLine("HTML report instead: one page, the articles side by side",
                             value=self.suggested.lower().endswith(".html"), id="export-html")
            yield Label(Text("tab moves · space toggles", style="dim"))
            with Horizontal(id="export-buttons"):
                yield Button("Export", id="export", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def on_toggle_line_changed(self, event: ToggleLine.Changed) -> None:
        if event.toggle.id == "export-html":  # the file name follows the format
            field = self.query_one("#export-path", Input)
            field.value = with_format(field.value, "html" if event.value else "csv")

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
        choice = self.query("#export-all")
        only = not (choice and choice.first(ToggleLine).value)
        raw = self.query_one("#export-raw", ToggleLine).value
        fmt = "html" if self.query_one("#export-html", ToggleLine).value else "csv"
        self.dismiss(ExportRequest(path, only, raw, fmt))

    def action_cancel(self) -> None:
        self.dismiss(None)
