"""One fact, every article's version stacked: word differences against the label's article and conflict marks.

The label's article (the group's pivot) comes first; each other version shows the words that differ from it
underlined and the words of a conflict reversed, with the reason. Silent articles are listed as such. Enter (or
g) on a version opens the pair view at that sentence, the pivot on the left, that article on the right (the app
takes the `ShowInPairView` message there).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from align.alignment import FactGroup
from align.compare import Comparison
from align.conflicts import find_conflicts
from align.differences import word_diff
from tui.messages import ShowInPairView
from tui.screens.base import HELP_KEY, AppScreen
from tui.screens.help import HelpData
from tui.screens.overview import CELLS, relation
from tui.text_safety import safe_line, sanitize

RELATION_WORDS = {"pivot": "label's version", "same": "same", "partial": "partial", "conflict": "CONFLICT",
                  "silent": "silent", "only": "only here"}


def version_text(comparison: Comparison, group: FactGroup, doc: int) -> Text:
    """Article `doc`'s version of the fact: its sentences, with differences from the pivot's sentence marked."""
    documents = comparison.documents
    pivot_text = group.label
    out = Text(end="")
    for k, s in enumerate(group.members.get(doc, ())):
        text = documents[doc].sentences[s].text
        shown = Text(sanitize(text), end="")  # one character for one character: the offsets still hold
        if doc != group.pivot:
            for span in word_diff(pivot_text, text).right:
                if span.op != "equal":
                    shown.stylize("bold underline", span.start, span.end)
            for c in find_conflicts(pivot_text, text):
                shown.stylize("bold reverse", c.right_start, c.right_end)
        elif text == pivot_text:
            # The label's words that another version contradicts.
            for d, ss in group.members.items():
                if d != doc and group.relations.get(d) == "conflict":
                    for other in ss:
                        for c in find_conflicts(pivot_text, documents[d].sentences[other].text):
                            shown.stylize("bold reverse", c.left_start, c.left_end)
        if k:
            out.append("\n")  # a sentence a line, as in the pair view (a headline has no full stop to end it)
        out.append_text(shown)
    return out


def conflict_reasons(group: FactGroup, comparison: Comparison, doc: int) -> list[str]:
    texts = [comparison.documents[doc].sentences[s].text for s in group.members.get(doc, ())]
    return [c.reason for t in texts for c in find_conflicts(group.label, t)]


class FactScreen(AppScreen):
    DEFAULT_CSS = """
    FactScreen { layout: vertical; }
    FactScreen #fact-title { height: auto; max-height: 3; padding: 0 1; }
    FactScreen #fact-versions { height: 1fr; scrollbar-size-vertical: 1; scrollbar-gutter: stable; }
    FactScreen #fact-hint { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("g", "open_in_pair_view", "Open in pair view", id="fact-open",
                tooltip="open this version in the pair view (enter does the same)"),
        Binding("j", "cursor(1)", "Down", id="fact-next", show=False, tooltip="next version"),
        Binding("k", "cursor(-1)", "Up", id="fact-prev", show=False, tooltip="previous version"),
        Binding("escape,q", "close", "Back", id="fact-close", tooltip="back to the overview"),
        HELP_KEY,
    ]

    help = HelpData("In a fact's versions", (
        ("first", "the label's version (its article is ◆ in the overview)"),
        ("underlined", "words that differ from the label's version"),
        ("reversed", "the conflicting words; the reason is on the line under the article's name"),
        ("dimmed", "an article that does not report the fact"),
    ))

    def __init__(self, comparison: Comparison, group: FactGroup) -> None:
        super().__init__()
        self.comparison = comparison
        self.group = group
        docs = range(len(comparison.documents))
        # The label's article first, then the others that carry the fact, then the silent ones.
        self.order = [group.pivot] + [d for d in docs if d in group.members and d != group.pivot] + \
                     [d for d in docs if d not in group.members]

    def compose(self) -> ComposeResult:
        g = self.group
        title = Text(no_wrap=False, end="")
        title.append(f"Fact {g.id}", style="bold")
        title.append(f" · reported by {g.sources} of {len(self.comparison.documents)} articles")
        if g.has_conflict:
            title.append(" · ")
            title.append("! conflict", style="bold reverse")
        yield Static(title, id="fact-title")
        yield OptionList(*self._options(), id="fact-versions")
        hint = Text("underlined: differs from the label's version · reversed: the conflicting words · "
                    "enter/g: open in the pair view · esc: back", no_wrap=True, overflow="ellipsis", end="")
        yield Static(hint, id="fact-hint")
        yield Footer(compact=True)

    def _options(self) -> list[Option]:
        return [Option(self._prompt(d), id=f"doc{d}", disabled=d not in self.group.members) for d in self.order]

    def _prompt(self, doc: int) -> Text:
        g = self.group
        rel = relation(g, doc)
        glyph, style = CELLS[rel]
        head = Text(no_wrap=True, overflow="ellipsis", end="")
        head.append(glyph, style=style)
        head.append(f" {doc + 1} ", style="bold")
        head.append(safe_line(self.comparison.documents[doc].name, 40))
        head.append(f"  {RELATION_WORDS[rel]}", style="bold" if rel == "conflict" else "dim")
        if doc not in g.members:
            return head
        lines = [head]
        if rel == "conflict":
            for reason in conflict_reasons(g, self.comparison, doc):
                lines.append(Text("  ! " + safe_line(reason), style="bold", no_wrap=True, overflow="ellipsis", end=""))
        # The version wrapped here, each line indented under the heading (the list would wrap at its edge).
        # The list's border and padding take 4 cells, the scrollbar's reserved gutter 1, the indent 2.
        width = max(20, (self.size.width or self.app.size.width) - 7)
        for line in version_text(self.comparison, g, doc).wrap(self.app.console, width):
            indented = Text("  ", end="")
            indented.append_text(line)
            lines.append(indented)
        return Text("\n", end="").join(lines)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_resize(self) -> None:
        olist = self.query_one(OptionList)
        keep = olist.highlighted
        olist.clear_options()
        olist.add_options(self._options())
        olist.highlighted = keep

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_in_pair_view()

    def action_cursor(self, step: int) -> None:
        olist = self.query_one(OptionList)
        olist.action_cursor_down() if step > 0 else olist.action_cursor_up()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_open_in_pair_view(self) -> None:
        olist = self.query_one(OptionList)
        if olist.highlighted is None:
            return
        doc = self.order[olist.highlighted]
        if doc not in self.group.members:
            return
        self.post_message(ShowInPairView(*pair_view_place(self.group, doc)))


def pair_view_place(group: FactGroup, doc: int) -> tuple[int, int, str, int]:
    """(left, right, side, sentence) that shows `doc`'s sentence of the fact in the pair view, next to the pivot's
    (or, for the pivot itself, next to another article that carries the fact)."""
    pivot = group.pivot
    partner = next((d for d in sorted(group.members) if d != doc), None)
    if doc == pivot:
        if partner is None:  # a fact only this article has: next to any other article
            partner = 1 if doc == 0 else 0
        left, right, side = pivot, partner, "left"
    else:
        left, right, side = pivot, doc, "right"
    return left, right, side, group.members[doc][0]
