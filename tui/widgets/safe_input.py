"""A text field that shows control, bidi and invisible characters as visible marks instead of sending them.

A pasted file name or search can carry an escape sequence; Textual's Input would draw it as it is. The value
stays exactly what was typed (the path is used as given); only its picture is sanitised, one character for one
character, so the cursor and the selection stay where they are.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Input

from tui.text_safety import sanitize


class SafeInput(Input):
    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(sanitize(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text
