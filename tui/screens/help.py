"""The help screen: the keys of the screen you are on, and what its marks mean.

Each screen (pair view, overview, a fact's versions) implements `Helpable` (through tui/screens/base.py): its keys
come from its own bindings (ids and tooltips), so the help cannot drift from the code, and `help` is its legend
of marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keymap import keys_of


@dataclass(frozen=True)
class HelpData:
    title: str
    lines: tuple[tuple[str, str], ...]  # (symbol, meaning)


@runtime_checkable
class Helpable(Protocol):
    """A screen the help screen explains: the keys it answers to and the marks it draws."""

    help: HelpData

    def help_keys(self) -> list[Binding]:
        """The keys to list, in order (tui/screens/base.py: screen_keys)."""
        ...


def bindings_table(bindings: list[Binding], key_display, keymap: dict[str, str] | None = None) -> Table:
    """Keys (after the user's keymap), what they do, and the id a keymap rebinds them by."""
    keymap = keymap or {}
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_column(style="dim", no_wrap=True)
    seen: set[str] = set()
    for b in bindings:
        if not b.description or b.action in seen:
            continue
        seen.add(b.action)
        keys = " ".join(key_display(Binding(k.strip(), b.action)) for k in keys_of(b, keymap).split(","))
        table.add_row(Text(keys), Text(b.tooltip or b.description), Text(b.id or ""))
    return table


def legend_table(sections: list[HelpData]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for section in sections:
        table.add_row(Text(section.title, style="underline"), Text(""))
        for symbol, meaning in section.lines:
            table.add_row(Text(symbol), Text(meaning))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="close-help"),
        Binding("j,down", "scroll(1)", "Scroll", show=False),
        Binding("k,up", "scroll(-1)", "Scroll", show=False),
        # The pair view's paging keys page the help too (pgdn, pgup, home, end come with the scrolling body).
        Binding("space", "page(1)", "Page down", show=False),
        Binding("b", "page(-1)", "Page up", show=False),
        Binding("g", "ends(0)", "Top", show=False),
        Binding("G", "ends(1)", "End", show=False),
    ]

    def __init__(self, bindings: list[Binding], sections: list[HelpData]) -> None:
        super().__init__()
        self._bindings_list = bindings
        self._sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Help · sidebyside"
            body.border_subtitle = "j/k scroll · esc closes"
            yield Static(Text("Keys", style="bold"), classes="help-heading")
            yield Static(bindings_table(self._bindings_list, self.app.get_key_display, getattr(self.app, "keymap", None)),
                         id="help-keys")
            yield Static(Text("The last column is each key's id: a keymap file rebinds keys by id (see README).",
                              style="dim"), classes="help-note")
            yield Static(Text("Marks", style="bold"), classes="help-heading")
            yield Static(legend_table(self._sections), id="help-legend")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=lines, animate=False, immediate=True)

    def action_page(self, pages: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=pages * max(1, body.scrollable_content_region.height - 1), animate=False,
                             immediate=True)

    def action_ends(self, end: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_to(y=body.max_scroll_y if end else 0, animate=False, immediate=True)
