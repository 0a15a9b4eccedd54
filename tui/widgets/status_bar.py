"""The status line: where you are (link 12 of 48), the link's score and kind, the conflict or the word changes."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.text_safety import safe_line


class StatusBar(Static):
    """Two short lines under the panes. Everything shown is sanitised data, never markup."""

    def show_link(self, position: int, total: int, score: float, kind: str, reason: str, diff: str,
                  threshold: float, kept: str = "") -> None:
        head = Text(no_wrap=True, overflow="ellipsis", end="")
        head.append(f"link {position} of {total}", style="bold")
        shown = round(score, 2)
        if score < threshold <= shown:  # a link kept at 0.4999 must not read "0.50" beside "threshold 0.50"
            shown = int(score * 100) / 100
        head.append(f"  score {shown:.2f}  ")
        head.append(self._kind_text(kind))
        head.append(f"  threshold {threshold:.2f}", style="dim")
        if kept:  # a link under the bar says why it is shown (README: Quality)
            head.append(f" · kept: {kept}", style="dim")
        detail = Text(no_wrap=True, overflow="ellipsis", end="")
        if reason:
            # The line above already says "! conflict": the reason gets the whole width (80 columns fit
            # "casualties: 70 saboteurs died vs more than 70 attackers were killed").
            detail.append("! ", style="bold")
            detail.append(safe_line(reason))
        elif diff:
            detail.append("changes: ", style="dim")
            detail.append(safe_line(diff))
        else:
            detail.append("same wording", style="dim")
        self.update(Text("\n", no_wrap=True, overflow="ellipsis", end="").join([head, detail]), layout=False)  # fixed height: no re-layout

    def show_sentence(self, sentence: int, total: int, only: bool, total_links: int, threshold: float) -> None:
        head = Text(no_wrap=True, overflow="ellipsis", end="")
        head.append(f"sentence {sentence + 1} of {total}", style="bold")
        if only:
            head.append("  + only in this article")
        head.append(f"  {total_links} link{'' if total_links == 1 else 's'}", style="dim")
        head.append(f"  threshold {threshold:.2f}", style="dim")
        if total_links:
            hint = Text("j/k: walk the links   u: next sentence only here   ?: help", style="dim", end="")
        else:  # j/k would only say "no links": point at the key that can give some
            hint = Text("no links at this threshold: - lowers it   ?: help", style="dim", end="")
        self.update(Text("\n", no_wrap=True, overflow="ellipsis", end="").join([head, hint]), layout=False)

    def show_view(self, first: int, last: int, total: int, total_links: int, threshold: float) -> None:
        """The reader scrolled the current sentence out of view: say what is on screen, and that j/k start
        from there (the current link is kept until they do)."""
        head = Text(no_wrap=True, overflow="ellipsis", end="")
        span = f"sentence {first + 1}" if first == last else f"sentences {first + 1}-{last + 1}"
        head.append(f"{span} of {total} on screen", style="bold")
        head.append(f"  {total_links} link{'' if total_links == 1 else 's'}", style="dim")
        head.append(f"  threshold {threshold:.2f}", style="dim")
        if total_links:
            hint = Text("j/k: walk the links from here   ?: help", style="dim", end="")
        else:
            hint = Text("no links at this threshold: - lowers it   ?: help", style="dim", end="")
        self.update(Text("\n", no_wrap=True, overflow="ellipsis", end="").join([head, hint]), layout=False)

    def show_message(self, first: str, second: str = "") -> None:
        self.update(Text(f"{safe_line(first)}\n{safe_line(second)}", no_wrap=True, overflow="ellipsis", end=""),
                    layout=False)

    @staticmethod
    def _kind_text(kind: str) -> Text:
        labels = {"same": ("= same", ""), "partial": ("≈ partial", "italic"), "conflict": ("! conflict", "bold reverse")}
        label, style = labels.get(kind, (kind, ""))
        return Text(label, style=style, end="")
