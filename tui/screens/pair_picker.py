"""Pick which two articles are side by side (left, right) among the N loaded."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.names import distinct_names


class PairPicker(ModalScreen[tuple[int, int] | None]):
    BINDINGS = [
        Binding("escape,q", "dismiss_none", "Cancel", id="cancel-pair"),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
    ]

    def __init__(self, names: list[str], current: tuple[int, int], link_counts: dict[tuple[int, int], int]) -> None:
        super().__init__()
        self.names = names
        self.current = current
        self.link_counts = link_counts
        self.pairs = [(i, j) for i in range(len(names)) for j in range(len(names)) if i < j]

    def compose(self) -> ComposeResult:
        width = max(len(str(len(self.names))), 1)
        # One line per pair, the link count included: the option list wraps what does not fit, so the names
        # are shortened to what the dialog has room for (keeping the part that tells them apart).
        counts = max((len(f"  {n} links") for n in self.link_counts.values()), default=0)
        room = min(110, self.app.size.width) - 8 - (2 * width + 5) - 3 - counts
        names = distinct_names(self.names, max(8, min(60, room // 2)))
        options = []
        for i, j in self.pairs:
            prompt = Text(no_wrap=True, overflow="ellipsis", end="")
            prompt.append(f"{i + 1:>{width}} ↔ {j + 1:<{width}}  ", style="bold")
            prompt.append(names[i])
            prompt.append(" ↔ ", style="dim")
            prompt.append(names[j])
            n = self.link_counts.get((i, j))
            if n is not None:
                prompt.append(f"  {n} links", style="dim")
            options.append(Option(prompt, id=f"{i}-{j}"))
        with Vertical(id="picker-body") as body:
            body.border_title = "Compare which two articles?"
            body.border_subtitle = "enter picks · esc cancels"
            yield Static(Text("Left ↔ right. [ and ] also step through the articles.", style="dim"), id="picker-hint")
            yield OptionList(*options, id="pair-list")

    def on_mount(self) -> None:
        pair = tuple(sorted(self.current))
        olist = self.query_one(OptionList)
        if pair in self.pairs:
            olist.highlighted = self.pairs.index(pair)
        olist.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        i, j = self.pairs[event.option_index]
        # Keep the current orientation if the same two articles are picked.
        self.dismiss(self.current if set(self.current) == {i, j} else (i, j))

    def action_cursor(self, step: int) -> None:
        olist = self.query_one(OptionList)
        olist.action_cursor_down() if step > 0 else olist.action_cursor_up()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
