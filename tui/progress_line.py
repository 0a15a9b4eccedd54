"""One updating progress line on standard error for the command line: the stage, how far it is, the time left.

Drawn only on a terminal (a log or a pipe gets no carriage returns), at most ten times a second, and erased when
the work is done or interrupted, so standard output (the CSV with `--csv -`) never carries any of it.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from tui.text_safety import safe_line

#: Seconds between two redraws.
INTERVAL = 0.1
#: Seconds a stage runs before the line says how long is left (its rate is known by then).
ETA_AFTER = 3.0


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


class ProgressLine:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        if enabled is None:
            try:
                enabled = self.stream.isatty()
            except (AttributeError, ValueError):
                enabled = False
        self.enabled = enabled
        self._stage = ""
        self._started = 0.0
        self._drawn = 0.0
        self._shown = False

    def update(self, stage: str, done: int | None = None, total: int | None = None, unit: str = "") -> None:
        """Show `stage` (e.g. "embedding sentences"), with `done`/`total` and the time left when they are known."""
        if not self.enabled:
            return
        now = time.monotonic()
        if stage != self._stage:
            self._stage, self._started = stage, now
        elif now - self._drawn < INTERVAL and (total is None or done != total):
            return
        self._drawn = now
        text = f"sbs: {stage}"
        if done is not None and total:
            text += f" {done:,}/{total:,}{' ' + unit if unit else ''}"
            elapsed = now - self._started
            if elapsed >= ETA_AFTER and 0 < done < total:
                text += f", about {_duration(elapsed * (total - done) / done)} left"
        text += " …"
        width = shutil.get_terminal_size((80, 24)).columns - 1  # a line that wraps could not be redrawn in place
        self.stream.write("\r\033[K" + safe_line(text, max(10, width)))
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Erase the line (before the result, a message, or on the way out)."""
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False
        self._stage = ""
