"""The overview (who reports which fact, where the articles disagree) and the stacked versions of one fact,
driven by their keys through the real app; snapshots at 80x24, also with NO_COLOR."""

from __future__ import annotations

import csv
import re
import time

import pytest
from textual.widgets import DataTable, OptionList, Static

from align.document import document_from_text
from align.export import GROUP_COLUMNS
from tests.tui.conftest import aligned, cursor
from tui.screens.fact import FactScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.overview import CELLS, OverviewScreen, relation, sort_groups

SMALL = (80, 24)


async def overview(pilot) -> OverviewScreen:
    await aligned(pilot)
    await pilot.press("o")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, OverviewScreen)
    return screen


def table_rows(screen: OverviewScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]


def plain(widget: Static) -> str:
    return str(widget.render())


async def test_rows_cells_and_summary(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=SMALL) as pilot:
        screen = await overview(pilot)
        groups = app.comparison.groups()
        rows = table_rows(screen)
        assert len(rows) == len(groups)
        # Each row: id, label, one glyph per article, matching the group's relations.
        by_id = {g.id: g for g in groups}
        for row in rows:
            g = by_id[int(row[0])]
            assert row[2:] == [CELLS[relation(g, d)][0] for d in range(3)]
        # The death toll: 12 in A and C, 30 in B. One row, all three articles, flagged as a conflict.
        toll = [g for g in groups if any("killed 30 people" in marlow_docs[1].sentences[s].text
                                         for s in g.members.get(1, ()))]
        assert len(toll) == 1 and toll[0].sources == 3 and toll[0].has_conflict
        assert "!" in [CELLS[relation(toll[0], d)][0] for d in range(3)]
        summary = plain(screen.query_one("#overview-summary", Static))
        n_all = sum(1 for g in groups if g.sources == 3)
        n_one = sum(1 for g in groups if g.sources == 1)
        n_conf = sum(1 for g in groups if g.has_conflict)
        assert f"{len(groups)} facts" in summary
        assert f"in all 3: {n_all}" in summary and f"in one only: {n_one}" in summary
        assert f"conflicts: {n_conf}" in summary and n_conf >= 1
        # Per article, how many facts only it reports.
        articles = plain(screen.query_one("#overview-articles", Static)).replace("\u00a0", " ")
        for d in range(3):
            n = sum(1 for g in groups if g.sources == 1 and d in g.members)
            assert f"{d + 1} marlow-{'abc'[d]}.txt +{n}" in articles


async def test_sorting_keys(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=SMALL) as pilot:
        screen = await overview(pilot)
        groups = app.comparison.groups()
        for key, by in (("c", "conflicts"), ("f", "first"), ("s", "sources")):
            await pilot.press(key)
            assert [int(r[0]) for r in table_rows(screen)] == [g.id for g in sort_groups(groups, by)]
        await pilot.press("c")
        assert screen.rows[0].has_conflict
        await pilot.press("s")
        sources = [g.sources for g in screen.rows]
        assert sources == sorted(sources, reverse=True)


async def test_only_here_cycles_through_the_articles(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=SMALL) as pilot:
        screen = await overview(pilot)
        everything = len(table_rows(screen))
        groups = app.comparison.groups()
        seen = 0
        for d in range(3):
            await pilot.press("u")
            assert screen.only == d
            expected = [g for g in groups if g.sources == 1 and d in g.members]
            assert {g.id for g in screen.rows} == {g.id for g in expected}
            assert len(table_rows(screen)) == len(expected)
            assert f"only in article {d + 1}" in plain(screen.query_one("#overview-summary", Static))
            seen += len(expected)
        assert seen > 0  # "Residents said the warning came too late." is only in A
        await pilot.press("u")
        assert screen.only is None and len(table_rows(screen)) == everything


async def test_fact_versions_and_the_jump_into_the_pair_view(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await overview(pilot)
        await pilot.press("c")  # conflicts first: the death toll
        group = screen.rows[0]
        await pilot.press("enter")
        await pilot.pause()
        fact = app.screen
        assert isinstance(fact, FactScreen) and fact.group is group
        olist = fact.query_one(OptionList)
        assert olist.option_count == 3
        assert fact.order[0] == group.pivot
        prompts = [str(olist.get_option_at_index(i).prompt) for i in range(3)]
        assert "label's version" in prompts[0]
        conflicted = [d for d in group.members if group.relations[d] == "conflict"]
        assert conflicted
        text = prompts[fact.order.index(conflicted[0])]
        assert "CONFLICT" in text and "casualties:" in text and "killed 30 people" in text + prompts[0]
        # Open that version in the pair view: the pivot on the left, the conflicting article on the right.
        olist.highlighted = fact.order.index(conflicted[0])
        await pilot.press("g")
        await pilot.pause()
        assert len(app.screen_stack) == 1
        assert (cursor(app).left, cursor(app).right) == (group.pivot, conflicted[0])
        assert cursor(app).side == "right" and cursor(app).sentence == group.members[conflicted[0]][0]
        assert cursor(app).link is not None and cursor(app).link.kind == "conflict"


async def test_back_keys(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=SMALL) as pilot:
        await overview(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, FactScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("escape")
        assert len(app.screen_stack) == 1
        # j/k in the pair view still work after the overview closed.
        before = cursor(app).link
        await pilot.press("j")
        assert cursor(app).link != before or cursor(app).link is None


async def test_export_groups_csv(make_app, marlow_docs, tmp_path):
    app = make_app(marlow_docs, export_dir=tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await overview(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.last_export == str(tmp_path / "sbs-groups.csv")
    with open(tmp_path / "sbs-groups.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == GROUP_COLUMNS
    groups = app.comparison.groups()
    assert {int(r["group"]) for r in rows} == {g.id for g in groups}
    assert {r["relation"] for r in rows} <= {"same", "partial", "conflict", "silent"}
    assert not list(tmp_path.glob(".sbs-*"))  # the atomic write left no temporary file


async def test_export_refuses_a_folder_name_in_a_served_session(make_app, marlow_docs, tmp_path):
    app = make_app(marlow_docs, export_dir=tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await overview(pilot)
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one("#export-path")
        field.value = "../escape.csv"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert "plain file name" in str(app.screen.query_one("#export-error").render())
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)
    assert not any(tmp_path.iterdir())


async def test_article_text_is_data_not_markup(make_app):
    hostile = ["[bold red]Breaking[/] \x1b[31mnews\x1b[0m: the dam held.", "Officials say the dam held on Sunday."]
    docs = [document_from_text(f"h{i}.txt", t) for i, t in enumerate(hostile)]
    app = make_app(docs)
    async with app.run_test(size=SMALL) as pilot:
        screen = await overview(pilot)
        labels = [r[1] for r in table_rows(screen)]
        joined = " ".join(labels)
        assert "[bold red]" in joined and "Breaking[/]" in joined and "\x1b" not in joined and "␛[31m" in joined


async def test_ten_articles_stay_responsive(make_app, seed_docs):
    # Ten articles: the five seeds and five more made of their sentences in another order.
    docs = list(seed_docs)
    for k, d in enumerate(seed_docs):
        texts = [s.text for s in d.sentences]
        docs.append(document_from_text(f"re-{k}.txt", " ".join(texts[1::2] + texts[::2])))
    app = make_app(docs)
    async with app.run_test(size=SMALL) as pilot:
        screen = await overview(pilot)
        table = screen.query_one(DataTable)
        assert len(table.columns) == 2 + 10
        assert table.row_count == len(app.comparison.groups()) > 50
        t0 = time.perf_counter()
        for key in ("s", "c", "f", "u", "u", "u"):
            await pilot.press(key)
        await pilot.press(*(["j"] * 30), "enter")
        await pilot.pause()
        elapsed = time.perf_counter() - t0
        assert isinstance(app.screen, FactScreen)
        # Generous: only a blow-up (e.g. recomputing groups per key) fails; the figure itself is for the report.
        assert elapsed < 20


@pytest.mark.parametrize("no_color", [False, True], ids=["color", "no-color"])
def test_overview_snapshot(snap_compare, make_app, marlow_docs, monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot):
        await overview(pilot)
        await pilot.press("c")

    assert snap_compare(make_app(marlow_docs), run_before=run_before, terminal_size=SMALL)


@pytest.mark.parametrize("no_color", [False, True], ids=["color", "no-color"])
def test_fact_snapshot(snap_compare, make_app, marlow_docs, monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot):
        await overview(pilot)
        await pilot.press("c", "enter")
        await pilot.pause()

    assert snap_compare(make_app(marlow_docs), run_before=run_before, terminal_size=SMALL)


async def test_leaving_before_the_groups_are_ready(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=SMALL) as pilot:
        await aligned(pilot)
        await pilot.press("o", "escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.screen_stack) == 1 and app.is_running
        await pilot.press("o")  # and it opens again
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen) and app.screen.groups is not None


async def test_overview_waits_for_the_alignment(make_app, marlow_docs, hashing):
    import threading

    gate = threading.Event()

    class HeldEmbedder:
        """The test double, held until the test lets it go: the alignment is still running."""

        model_id = hashing.model_id

        def encode(self, texts, progress=None):
            gate.wait(30)
            return hashing.encode(texts, progress)

    app = make_app(marlow_docs, embedder=HeldEmbedder())
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert app.comparison is None and not isinstance(app.screen, OverviewScreen)
        gate.set()
        await aligned(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, OverviewScreen)


async def test_fact_versions_rewrap_on_resize(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=(120, 30)) as pilot:
        await overview(pilot)
        await pilot.press("c", "enter")
        await pilot.pause()
        olist = app.screen.query_one(OptionList)
        olist.highlighted = 2
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        olist = app.screen.query_one(OptionList)
        assert olist.highlighted == 2
        for i in range(olist.option_count):
            lines = str(olist.get_option_at_index(i).prompt).split("\n")
            assert all(len(line) <= 60 for line in lines[1:])
            assert all(line.startswith("  ") for line in lines[1:])


async def test_the_articles_line_tells_long_names_apart_and_never_splits_an_article(make_app, marlow_docs):
    # Journalists' names share a long start; cut at the end, all three read "2023-05-23 Marlow flood co…".
    outlets = ("BBC", "Reuters", "Guardian")
    docs = [document_from_text(f"2023-05-23 Marlow flood coverage - {o}.txt", d.text)
            for o, d in zip(outlets, marlow_docs)]
    app = make_app(docs)
    async with app.run_test(size=SMALL) as pilot:
        screen = await overview(pilot)
        widget = screen.query_one("#overview-articles", Static)
        lines = [widget.render_line(y).text.strip() for y in range(widget.size.height)]
        shown = [line for line in lines if line]
        for d, outlet in enumerate(outlets):
            # The number, the part of the name that differs and the count are on one line.
            assert any(line.startswith(f"{d + 1} ") or f"  {d + 1} " in line for line in shown), shown
            assert any(f"{d + 1} " in line and outlet in line and "+" in line.split(outlet)[1]
                       for line in shown), shown
        assert not any(line.split()[-1].isdigit() for line in shown), shown


async def test_a_pasted_escape_in_the_groups_export_name_is_shown_as_a_mark(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=SMALL) as pilot:
        await overview(pilot)
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one("#export-path")
        field.value = "facts\x1b[2J\u202e.csv"
        await pilot.pause()
        drawn = field.render_line(1).text + field.render_line(0).text
        assert "facts␛[2J⇄.csv" in drawn and "\x1b" not in drawn and "\u202e" not in drawn
        assert field.value == "facts\x1b[2J\u202e.csv"  # used as typed


async def test_the_summary_keeps_the_order_in_use_at_80_columns_with_five_articles(make_app, seed_docs):
    app = make_app(seed_docs)
    async with app.run_test(size=SMALL) as pilot:
        screen = await overview(pilot)
        widget = screen.query_one("#overview-summary", Static)
        for key, shown in (("f", "by first appearance"), ("c", "conflicts first"), ("s", "by most sources")):
            await pilot.press(key)
            await pilot.pause()
            assert shown in widget.render_line(0).text, widget.render_line(0).text


async def test_help_in_the_overview_and_in_a_fact_lists_their_own_keys_and_marks(make_app, marlow_docs):
    from tests.tui.test_app import static_text
    from tui.screens.help import HelpScreen

    app = make_app(marlow_docs)
    async with app.run_test(size=SMALL) as pilot:
        await overview(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = static_text(app.screen.query_one("#help-keys"))
        legend = static_text(app.screen.query_one("#help-legend"))
        for text in ("overview-sort-conflicts", "export the fact groups as CSV", "back to the pair view", "help"):
            assert text in keys
        assert "next aligned passage" not in keys  # the pair view's keys are not the ones that work here
        assert "In the overview" in legend and "silent" in legend
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("enter")
        await pilot.press("question_mark")
        keys = static_text(app.screen.query_one("#help-keys"))
        assert "fact-open" in keys and "back to the overview" in keys
        assert "In a fact's versions" in static_text(app.screen.query_one("#help-legend"))
        await pilot.press("escape")
        assert isinstance(app.screen, FactScreen)


async def test_ten_long_named_articles_at_80x24_name_every_column(make_app, marlow_docs):
    # A user's trial: ten articles of one story, named by date, story and outlet. The articles line used to stop
    # at article 7 (three lines of long names) while the table had columns 8, 9 and 10.
    outlets = ("BBC", "Reuters", "Guardian", "AP", "AFP", "Kyiv Independent", "Meduza", "Al Jazeera", "CNN", "DW")
    docs = [document_from_text(f"2023-05-23 Belgorod raid coverage - {o}.txt", marlow_docs[k % 3].text)
            for k, o in enumerate(outlets)]
    app = make_app(docs)
    async with app.run_test(size=SMALL) as pilot:
        screen = await overview(pilot)
        widget = screen.query_one("#overview-articles", Static)
        lines = [widget.render_line(y).text for y in range(widget.size.height)]
        entries = [m for line in lines for m in re.findall(r"(\d+) (\S(?:.*?\S)?) \+(\d+)", line)]
        assert [int(n) for n, _, _ in entries] == list(range(1, 11)), lines
        groups = app.comparison.groups()
        for n, name, count in entries:
            d = int(n) - 1
            # The part of the name that tells the articles apart, cut at the end if need be; and its +N.
            assert name == outlets[d] or (name.endswith("…") and outlets[d].startswith(name[:-1])
                                          and len(name) >= 8), lines
            assert int(count) == sum(1 for g in groups if g.sources == 1 and d in g.members)
        assert len({name for _, name, _ in entries}) == 10
        # The table keeps most of the screen: the names take no more lines than they did with five articles.
        assert widget.size.height <= 3
        assert screen.query_one(DataTable).size.height >= SMALL[1] - 6
        assert len(screen.query_one(DataTable).columns) == 2 + 10


@pytest.mark.parametrize("key, by", [("s", "sources"), ("f", "first"), ("c", "conflicts")])
async def test_a_sort_key_in_only_here_mode_shows_all_facts_in_that_order_and_says_so(make_app, marlow_docs, key,
                                                                                     by):
    app = make_app(marlow_docs)
    async with app.run_test(size=SMALL) as pilot:
        screen = await overview(pilot)
        groups = app.comparison.groups()
        await pilot.press("u", "u")
        summary = screen.query_one("#overview-summary", Static)
        assert "only in article 2" in plain(summary)
        await pilot.press(key)
        await pilot.pause()
        assert screen.only is None
        assert [int(r[0]) for r in table_rows(screen)] == [g.id for g in sort_groups(groups, by)]
        assert "only in" not in plain(summary)
        from tui.screens.overview import SORTS

        assert SORTS[by] in summary.render_line(0).text
        assert any(f"All facts again, {SORTS[by]}" in n.message for n in app._notifications)
        await pilot.press("u")  # and only here starts again from the first article
        assert screen.only == 0


async def test_first_and_last_fact_keys_on_a_long_list(make_app, seed_docs):
    app = make_app(seed_docs)
    async with app.run_test(size=SMALL) as pilot:
        screen = await overview(pilot)
        table = screen.query_one(DataTable)
        last = table.row_count - 1
        assert last > 2 * table.size.height  # longer than the screen
        for down, up in (("G", "g"), ("end", "home")):
            await pilot.press("j", "j")
            await pilot.press(down)
            await pilot.pause()
            assert table.cursor_row == last
            assert table.scroll_y == table.max_scroll_y > 0  # the last fact is on screen
            await pilot.press(up)
            await pilot.pause()
            assert table.cursor_row == 0 and table.scroll_y == 0
        await pilot.press("G", "enter")  # the cursor, not only the view, is on the last fact
        assert isinstance(app.screen, FactScreen) and app.screen.group is screen.rows[last]


async def test_first_and_last_fact_keys_are_in_the_help_with_the_pair_views_ids(make_app, marlow_docs):
    from tests.tui.test_app import static_text
    from tui.widgets.article_pane import ArticlePane

    pane = {b.id: b for b in ArticlePane.BINDINGS if b.id}
    ours = {b.id: b for b in OverviewScreen.BINDINGS if b.id in ("top", "bottom")}
    assert set(ours) == {"top", "bottom"} and {b.key for b in ours.values()} == {"g,home", "G,end"}
    assert {"top", "bottom"} <= set(pane)
    app = make_app(marlow_docs)
    async with app.run_test(size=SMALL) as pilot:
        await overview(pilot)
        await pilot.press("question_mark")
        keys = static_text(app.screen.query_one("#help-keys"))
        assert "first fact" in keys and "last fact" in keys


async def test_fact_versions_fit_beside_the_scrollbar_when_the_list_scrolls(make_app, seed_docs):
    # Ten articles: the versions overflow the screen, so the list scrolls; no word may fall onto a line of its own.
    docs = [document_from_text(f"{k}-{d.name}", d.text) for k in range(2) for d in seed_docs]
    app = make_app(docs)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview(pilot)
        await pilot.press("enter")
        await pilot.pause()
        olist = app.screen.query_one(OptionList)
        assert olist.max_scroll_y > 0
        room = olist.scrollable_content_region.width
        for i in range(olist.option_count):
            for line in str(olist.get_option_at_index(i).prompt).split("\n")[1:]:
                if not line.startswith("  ! "):  # a conflict's reason is cut with an ellipsis, never wrapped
                    assert len(line) <= room, (len(line), room, line)
