"""Across all sources: one row per fact, one column per article, and who reports what.

Built on the aligner's cross-source groups (align.groups via Comparison.groups()). Each cell says whether that
article reports the fact as the label's article does (=), reports part of it (≈), contradicts it (!), or is
silent (·); the label's own article is ◆ and a fact only one article has is +. Glyphs carry the meaning, colour
only repeats it, so the grid reads with NO_COLOR. A DataTable draws only the visible rows, so ten articles with
hundreds of facts stay responsive; the groups are computed in the app's worker thread (GroupsReady).
"""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from align.alignment import FactGroup
from align.compare import Comparison
from tui.messages import GroupsReady
from tui.names import distinct_names
from tui.screens.base import HELP_KEY, AppScreen
from tui.screens.export_dialog import Export, ExportJob
from tui.screens.help import HelpData
from tui.text_safety import safe_line

#: Cell glyph and style for each relation to the label's article.
CELLS = {
    "pivot": ("◆", "bold"),
    "same": ("=", "green"),
    "partial": ("≈", "yellow"),
    "conflict": ("!", "bold reverse red"),
    "silent": ("·", "dim"),
    "only": ("+", "bold cyan"),
}
LEGEND = (("◆", "label's article"), ("=", "same"), ("≈", "partial"), ("!", "conflict"), ("·", "silent"),
          ("+", "only here (+N)"))
#: Short, so the summary line keeps the order in use at 80 columns with five articles.
SORTS = {"sources": "by most sources", "first": "by first appearance", "conflicts": "conflicts first"}


def relation(group: FactGroup, doc: int) -> str:
    """What the overview shows for article `doc` in this row."""
    if doc not in group.members:
        return "silent"
    if group.sources == 1:
        return "only"
    if doc == group.pivot:
        return "pivot"
    return group.relations[doc]


def sort_groups(groups: list[FactGroup], by: str) -> list[FactGroup]:
    if by == "first":
        return sorted(groups, key=lambda g: g.first)
    if by == "conflicts":
        return sorted(groups, key=lambda g: (not g.has_conflict, -g.sources, g.first))
    return sorted(groups, key=lambda g: (-g.sources, not g.has_conflict, g.first))


def summary(groups: list[FactGroup], n_docs: int) -> tuple[int, int, int]:
    """(facts all articles report, facts only one reports, facts with a conflict)."""
    return (sum(1 for g in groups if g.sources == n_docs), sum(1 for g in groups if g.sources == 1),
            sum(1 for g in groups if g.has_conflict))


def only_here(groups: list[FactGroup], doc: int) -> list[FactGroup]:
    """The facts article `doc` alone reports."""
    return [g for g in groups if g.sources == 1 and doc in g.members]


#: The articles line above the table takes at most this many lines while the names can stay readable.
ARTICLE_LINES = 3
#: Names are never cut shorter than this to keep the articles line within ARTICLE_LINES.
MIN_NAME = 6
_SEPARATORS = " -_."


def name_cores(names: list[str]) -> list[str]:
    """The part of each name that tells it apart: the start and end all names share (the date and topic of one
    story, the extension) are dropped at a word boundary. The names as they are if that would merge two."""
    clean = [safe_line(n, 10_000) for n in names]
    if len(set(clean)) < 2:
        return clean
    prefix = os.path.commonprefix(clean)
    p = max((k + 1 for k, ch in enumerate(prefix) if ch in _SEPARATORS), default=0)
    suffix = os.path.commonprefix([n[::-1] for n in clean])[::-1]
    s = next((len(suffix) - k for k, ch in enumerate(suffix) if ch in _SEPARATORS), 0)
    s = max(0, min(s, min(len(n) for n in clean) - p))
    cores = [n[p:len(n) - s].strip(_SEPARATORS) or n for n in clean]
    return cores if len(set(cores)) == len(set(clean)) else clean


def cut_name(name: str, width: int) -> str:
    return name if len(name) <= width else name[:max(width - 1, 1)].rstrip(_SEPARATORS) + "…"


class FactTable(DataTable):
    """The overview's table. Enter is the table's own key (it selects the row, which opens the fact's versions);
    shown here, under the screen's id, so the footer offers it and a keymap line rebinds it."""

    BINDINGS = [Binding("enter", "select_cursor", "Versions", id="overview-open",
                        tooltip="the fact's versions, one per article")]


def _entries(names: list[str], counts: list[int] | None, aligned: bool = False) -> list[Text]:
    """One entry per article: its column number (right-aligned if `aligned`), its name and, once grouped, how
    many facts only it has."""
    entries = []
    digits = len(str(len(names))) if aligned else 0
    for d, name in enumerate(names):
        entry = Text(end="")
        entry.append(f"{d + 1:>{digits}}", style="bold")
        entry.append(" " + name)
        if counts is not None:
            entry.append(f" +{counts[d]}", style=CELLS["only"][1])
        entries.append(entry)
    return entries


def _flow(entries: list[Text], width: int) -> Text:
    """Entries two spaces apart, a new line only between two entries."""
    line = Text(end="", no_wrap=True, overflow="ellipsis")
    used = 0
    for entry in entries:
        if used and used + 2 + entry.cell_len > width:
            line.append("\n")
            used = 0
        elif used:
            line.append("  ")
            used += 2
        line.append_text(entry)
        used += entry.cell_len
    return line


def _grid_columns(entries: list[Text], width: int) -> tuple[int, int]:
    cell = max(e.cell_len for e in entries)
    return cell, max(1, (width + 2) // (cell + 2))


def _grid_rows(entries: list[Text], width: int) -> int:
    _, per_row = _grid_columns(entries, width)
    return -(-len(entries) // per_row)


def _grid(entries: list[Text], width: int) -> Text:
    """Entries in aligned columns, row by row (1 2 3 4 / 5 6 7 8 / ...)."""
    cell, per_row = _grid_columns(entries, width)
    line = Text(end="", no_wrap=True, overflow="ellipsis")
    for i, entry in enumerate(entries):
        if i and i % per_row == 0:
            line.append("\n")
        elif i:
            line.append("  ")
        line.append_text(entry)
        if (i + 1) % per_row and i + 1 < len(entries):
            line.append(" " * (cell - entry.cell_len))
    return line


class OverviewScreen(AppScreen):
    """Who reports what, and where the sources disagree."""

    DEFAULT_CSS = """
    OverviewScreen { layout: vertical; }
    OverviewScreen #overview-summary { height: 1; padding: 0 1; }
    OverviewScreen #overview-articles { height: auto; padding: 0 1; color: $text-muted; }
    OverviewScreen #overview-table { height: 1fr; }
    OverviewScreen #overview-legend { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter", "open_fact", "Versions", id="overview-open", show=False,
                tooltip="the fact's versions, one per article"),
        # Short names in the footer (it has 80 columns for nine keys); the help says what each does.
        Binding("s", "sort('sources')", "Sources", id="overview-sort-sources",
                tooltip="sort: the facts most articles report first"),
        Binding("f", "sort('first')", "Order", id="overview-sort-first",
                tooltip="sort: in the order the articles tell them"),
        Binding("c", "sort('conflicts')", "Conflicts", id="overview-sort-conflicts",
                tooltip="sort: the facts the articles disagree on first"),
        Binding("u", "only_here", "Only here", id="overview-only-here",
                tooltip="cycle: the facts only article 1, 2, ... reports; then all facts again"),
        Binding("e", "export", "Export", id="overview-export", tooltip="export the fact groups as CSV"),
        Binding("j", "cursor(1)", "Down", id="overview-next", show=False, tooltip="next fact"),
        Binding("k", "cursor(-1)", "Up", id="overview-prev", show=False, tooltip="previous fact"),
        # The pair view's ids for the same keys, so one keymap line rebinds both. Priority: the table would
        # otherwise take home / end for a sideways scroll that has nothing to scroll.
        Binding("g,home", "first", "First", id="top", show=False, priority=True, tooltip="first fact"),
        Binding("G,end", "last", "Last", id="bottom", show=False, priority=True, tooltip="last fact"),
        Binding("escape,q,o", "close", "Back", id="overview-close", tooltip="back to the pair view"),
        HELP_KEY,
    ]

    help = HelpData("In the overview", tuple((glyph, meaning) for glyph, meaning in LEGEND) + (
        ("row", "one fact; its label is the clearest version, from the article marked ◆"),
        ("columns", "the articles, numbered as in the line above the table"),
        ("+N", "beside an article's name: how many facts only it reports (u lists them)"),
    ))

    def __init__(self, comparison: Comparison) -> None:
        super().__init__()
        self.comparison = comparison
        self.documents = comparison.documents
        self.groups: list[FactGroup] | None = None
        self.sort_by = "sources"
        self.only: int | None = None  # show only the facts this article alone reports
        self.rows: list[FactGroup] = []  # in table order

    def compose(self) -> ComposeResult:
        yield Static(Text("Grouping facts across the articles…", end=""), id="overview-summary")
        yield Static(self._articles_line(), id="overview-articles")
        table: DataTable = FactTable(id="overview-table", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static(self._legend(), id="overview-legend")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.app.group_facts(self, self.comparison.copy())  # the worker links every pair on its own copy

    def on_groups_ready(self, message: GroupsReady) -> None:
        self.groups = message.groups
        if self.app.comparison is self.comparison:  # the copy has every pair linked and the groups: keep it
            self.app.comparison = self.comparison = message.comparison
        if self.is_attached:  # the reader may have left before the groups were ready
            self.refresh_table()

    # -- drawing ------------------------------------------------------------------------------------------------

    def _articles_line(self) -> Text:
        """The articles by column number, each with how many facts only it reports (+N) once grouped.

        Laid out here, not by Rich's wrapping (which breaks at any white space, even a no-break space): a line
        ends only between two articles, so a number never sits at the end of one line and its name on the next.
        Long names are shortened to the part that tells them apart. When that takes more than ARTICLE_LINES lines
        (ten articles at 80 columns), the names are cut further, to the part that differs, and set in aligned
        columns, so every column of the table keeps its name and the table keeps the screen."""
        width = max(20, (self.size.width or self.app.size.width) - 2)
        names = [doc.name for doc in self.documents]
        counts = [len(only_here(self.groups, d)) for d in range(len(names))] if self.groups is not None else None
        entries = _entries(distinct_names(names, min(24, width - 8)), counts)
        flowed = _flow(entries, width)
        if flowed.plain.count("\n") < ARTICLE_LINES:
            return flowed
        cores = name_cores(names)
        longest = min(24, max(len(c) for c in cores))
        for room in range(longest, MIN_NAME - 1, -1):
            cut = [cut_name(c, room) for c in cores]
            if len(set(cut)) < len(set(cores)):  # cut so short that two names read the same
                continue
            entries = _entries(cut, counts, aligned=True)
            if _grid_rows(entries, width) <= ARTICLE_LINES:
                return _grid(entries, width)
        # Many articles on a narrow screen: more lines, never a missing name.
        cut = [cut_name(c, max(MIN_NAME, min(longest, 12))) for c in cores]
        return _grid(_entries(cut, counts, aligned=True), width)

    @staticmethod
    def _legend() -> Text:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for glyph, meaning in LEGEND:
            line.append(glyph, style=CELLS[{"◆": "pivot", "=": "same", "≈": "partial", "!": "conflict", "·": "silent",
                                            "+": "only"}[glyph]][1])
            line.append(f" {meaning}  ")
        return line

    def _visible(self) -> list[FactGroup]:
        assert self.groups is not None
        groups = only_here(self.groups, self.only) if self.only is not None else self.groups
        return sort_groups(groups, self.sort_by)

    def _summary_text(self) -> Text:
        assert self.groups is not None
        n = len(self.documents)
        in_all, in_one, conflicts = summary(self.groups, n)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{len(self.groups)} facts", style="bold")
        line.append(f" · in all {n}: {in_all} · in one only: {in_one} · ")
        line.append(f"conflicts: {conflicts}", style="bold" if conflicts else "")
        if self.only is not None:
            line.append(f" · only in article {self.only + 1} ", style="bold reverse")
            line.append(f" {safe_line(self.documents[self.only].name, 30)}: {len(self.rows)}")
        else:
            line.append(f" · {SORTS[self.sort_by]}", style="dim")
        return line

    def refresh_table(self, keep: int | None = None) -> None:
        """Fill the table for the current sort and filter; keep the cursor on group id `keep` if shown."""
        if self.groups is None:
            return
        table = self.query_one(DataTable)
        if keep is None and self.rows and table.cursor_row < len(self.rows):
            keep = self.rows[table.cursor_row].id
        self.rows = self._visible()
        n = len(self.documents)
        id_width = max(2, len(str(len(self.groups))))
        cell_width = max(1, len(str(n)))
        # Each column has one cell of padding either side; the label takes what is left of the screen.
        fixed = (id_width + 2) + n * (cell_width + 2) + 2 + 2
        label_width = max(12, (self.size.width or self.app.size.width) - fixed)
        table.clear(columns=True)
        table.add_column(Text("#", style="bold"), width=id_width, key="id")
        table.add_column(Text("fact", style="bold"), width=label_width, key="label")
        for d in range(n):
            table.add_column(Text(str(d + 1), style="bold", justify="center"), width=cell_width, key=f"doc{d}")
        for g in self.rows:
            cells: list[Text] = [Text(str(g.id), style="dim", justify="right")]
            cells.append(Text(safe_line(g.label, 400), no_wrap=True, overflow="ellipsis"))
            for d in range(n):
                glyph, style = CELLS[relation(g, d)]
                cells.append(Text(glyph, style=style, justify="center"))
            table.add_row(*cells, key=str(g.id))
        if keep is not None:
            ids = [g.id for g in self.rows]
            if keep in ids:
                table.move_cursor(row=ids.index(keep))
        self.query_one("#overview-summary", Static).update(self._summary_text())
        self.query_one("#overview-articles", Static).update(self._articles_line())

    def on_resize(self) -> None:
        self.refresh_table()

    # -- actions ------------------------------------------------------------------------------------------------

    def current_group(self) -> FactGroup | None:
        table = self.query_one(DataTable)
        if not self.rows or not (0 <= table.cursor_row < len(self.rows)):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_fact()

    def action_open_fact(self) -> None:
        from tui.screens.fact import FactScreen

        group = self.current_group()
        if group is not None:
            self.app.push_screen(FactScreen(self.comparison, group))

    def action_sort(self, by: str) -> None:
        self.sort_by = by
        if self.only is not None and self.groups is not None:
            # Each fact only one article reports has one source and no conflict: every order is the same there,
            # so a sort key means the reader wants all the facts in that order.
            self.only = None
            self.notify(f"All facts again, {SORTS[by]} (the facts only one article reports have one source and no "
                        "conflict each, so they have nothing to sort by)", timeout=5, markup=False)
        self.refresh_table()
        self.query_one(DataTable).move_cursor(row=0)

    def action_only_here(self) -> None:
        if self.groups is None:
            return
        self.only = 0 if self.only is None else (self.only + 1 if self.only + 1 < len(self.documents) else None)
        self.refresh_table()
        self.query_one(DataTable).move_cursor(row=0)

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.action_cursor_down() if step > 0 else table.action_cursor_up()

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self.rows) - 1)

    def _move_to(self, row: int) -> None:
        if not self.rows:
            self.notify("No facts in this list." if self.groups is not None else "Still grouping the facts.",
                        timeout=2)
            return
        self.query_one(DataTable).move_cursor(row=row)

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        if self.groups is None:
            self.notify("Still grouping the facts.", timeout=2)
            return
        Export(self.app, ExportJob("groups", "the fact groups", "sbs-groups")).start()
