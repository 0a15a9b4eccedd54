"""Search: a one-line prompt at the bottom; the app jumps to the next sentence containing the text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.widgets.safe_input import SafeInput


class SearchScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel search", id="cancel-search")]

    def __init__(self, previous: str = "", blink: bool = True) -> None:
        super().__init__()
        self.previous = previous
        self.blink = blink

    def compose(self) -> ComposeResult:
        yield Label("Find in this article (enter: jump to next match, esc: cancel, empty: clear)", id="search-hint")
        field = SafeInput(value=self.previous, placeholder="text to find", id="search-input")
        field.cursor_blink = self.blink
        yield field

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
