"""A one-line on/off option drawn as `[x] label`: readable without colour (NO_COLOR), toggled by space, x or a click."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class ToggleLine(Widget, can_focus=True):
    BINDINGS = [Binding("space,x", "toggle", "Toggle", show=False)]

    value: reactive[bool] = reactive(False)

    class Changed(Message):
        """The option was turned on or off (by the reader: setting it in code at creation posts nothing)."""

        def __init__(self, toggle: "ToggleLine", value: bool) -> None:
            super().__init__()
            self.toggle = toggle
            self.value = value

    def __init__(self, label: str, value: bool = False, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.set_reactive(ToggleLine.value, value)

    def render(self) -> Text:
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        text.append("[x] " if self.value else "[ ] ", style="bold")
        text.append(self.label)
        return text

    def watch_value(self, value: bool) -> None:
        self.post_message(self.Changed(self, value))

    def action_toggle(self) -> None:
        self.value = not self.value

    def on_click(self) -> None:
        self.value = not self.value
