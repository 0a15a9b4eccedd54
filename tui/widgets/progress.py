"""Alignment progress as one line of text (sentences encoded / total): no animation, redrawn only on change."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class AlignProgress(Static):
    """Shown while the model loads and encodes; hidden when the alignment is done."""

    def show(self, done: int, total: int, stage: str = "encoding") -> None:
        width = 20
        filled = width * done // total if total else width
        line = Text(end="", no_wrap=True, overflow="ellipsis")
        line.append(f" Aligning: {stage} ")
        line.append("█" * filled + "░" * (width - filled))
        line.append(f" {done}/{total} sentences")
        self.update(line, layout=False)

    def show_stage(self, stage: str) -> None:
        self.update(Text(f" Aligning: {stage}…", end="", no_wrap=True), layout=False)
