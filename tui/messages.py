"""The typed messages the app's workers and screens send: what each carries, in one place.

Workers (`@work(thread=True)`) compute on their own copy of the data and post one of these back; the handler runs
on the event loop, the only thread that touches what is on screen. A worker that fails posts nothing: its error
reaches the app's one `Worker.StateChanged` handler (tui/app.py), which says it in one notification.
"""

from __future__ import annotations

from textual.message import Message

from align.alignment import FactGroup
from align.compare import Comparison


class AlignmentStage(Message):
    """The alignment worker moved on to another stage (loading the model, encoding, linking)."""

    def __init__(self, stage: str) -> None:
        super().__init__()
        self.stage = stage


class AlignmentProgress(Message):
    """How far a stage is: sentences encoded so far, of all the articles' (or pairs scored, `unit` "pairs")."""

    def __init__(self, done: int, total: int, stage: str = "encoding", unit: str = "sentences") -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.stage = stage
        self.unit = unit


class Aligned(Message):
    """The comparison of all the articles, the pair on screen already linked."""

    def __init__(self, comparison: Comparison) -> None:
        super().__init__()
        self.comparison = comparison


class Relinked(Message):
    """The comparison re-linked at another threshold (nothing re-embedded)."""

    def __init__(self, comparison: Comparison) -> None:
        super().__init__()
        self.comparison = comparison


class GroupsReady(Message):
    """The facts across all articles, and the copy of the comparison that grouped them (it keeps them)."""

    def __init__(self, comparison: Comparison, groups: list[FactGroup]) -> None:
        super().__init__()
        self.comparison = comparison
        self.groups = groups


class ExportWritten(Message):
    """An export is on disk at `path`: `rows` rows, or (None) what `noun` calls it ("the report")."""

    def __init__(self, path: str, rows: int | None, noun: str = "the file") -> None:
        super().__init__()
        self.path = path
        self.rows = rows
        self.noun = noun


class ShowInPairView(Message):
    """Close the screens above the pair view and show `sentence` of article `left` or `right` (`side`)."""

    def __init__(self, left: int, right: int, side: str, sentence: int) -> None:
        super().__init__()
        self.left = left
        self.right = right
        self.side = side
        self.sentence = sentence
