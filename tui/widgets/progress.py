"""Alignment progress as one line of text (stage, done / total, time left): no animation, redrawn only on change."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

#: Seconds a stage runs before the line says how long is left (its rate is known by then).
ETA_AFTER = 3.0


def time_left(elapsed: float, done: int, total: int) -> str:
    """", about 3 min left" once a stage has run ETA_AFTER seconds, else ""."""
    if elapsed < ETA_AFTER or not 0 < done < total:
        return ""
    left = elapsed * (total - done) / done
    return f", about {max(1, round(left))} s left" if left < 90 else f", about {round(left / 60)} min left"


class AlignProgress(Static):
    """Shown while the model loads, encodes and scores; hidden when the alignment is done."""

    _stage = ""
    _started = 0.0

    def show(self, done: int, total: int, stage: str = "encoding", unit: str = "sentences") -> None:
        now = time.monotonic()
        if stage != self._stage:
            self._stage, self._started = stage, now
        width = 20
        filled = width * done // total if total else width
        line = Text(end="", no_wrap=True, overflow="ellipsis")
        line.append(f" Aligning: {stage} ")
        line.append("█" * filled + "░" * (width - filled))
        line.append(f" {done}/{total} {unit}{time_left(now - self._started, done, total)}")
        self.update(line, layout=False)

    def show_stage(self, stage: str) -> None:
        self._stage = stage
        self.update(Text(f" Aligning: {stage}…", end="", no_wrap=True), layout=False)
