"""The app driven by its keys (Textual's Pilot), with the deterministic HashingEmbedder: assertions on state."""

from __future__ import annotations

import csv
import io
import os

import pytest
from rich.console import Console

from tests.tui.conftest import aligned, cursor
from tui.screens.confirm import ConfirmScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.help import HelpScreen
from tui.screens.pair_picker import PairPicker
from tui.widgets.status_bar import StatusBar


def status_text(app) -> str:
    return str(app.query_one(StatusBar).render())


def static_text(widget, width: int = 120) -> str:
    """What a Static holding a Rich renderable shows, as plain text."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def assert_level(app) -> None:
    """The current sentence and its counterpart are both on screen, on the same row."""
    ln = cursor(app).link
    left, right = app.pair_view.pane("left"), app.pair_view.pane("right")
    assert left.is_visible(ln.left) and right.is_visible(ln.right)
    assert left.screen_row(ln.left) == right.screen_row(ln.right)


async def test_articles_paint_before_the_alignment_and_highlights_follow(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=(100, 30)) as pilot:
        # The text is there at once; the alignment arrives from the worker.
        assert "Flood waters cut off the town" in app.pair_view.pane("left").visible_text()
        await aligned(pilot)
        assert cursor(app).alignment is not None
        order = cursor(app).order()
        assert cursor(app).link == order[0]
        assert f"link 1 of {len(order)}" in status_text(app)
        assert app.pair_view.pane("left").marks.current == {cursor(app).link.left}
        assert app.pair_view.pane("right").marks.current == {cursor(app).link.right}
        assert_level(app)


async def test_j_and_k_walk_the_links_and_keep_the_counterpart_level(make_app, seed_docs):
    app = make_app(seed_docs[:4])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")  # the pair with most links here
        if cursor(app).link is None:  # the sentence kept from the previous pair may have no counterpart in this one
            await pilot.press("j")
        order = cursor(app).order()
        assert len(order) >= 4
        start = order.index(cursor(app).link)
        await pilot.press("j", "j", "down")
        assert cursor(app).link == order[start + 3]
        assert f"link {start + 4} of {len(order)}" in status_text(app)
        assert_level(app)
        sentence = app.documents[cursor(app).right].sentences[cursor(app).link.right].text
        assert sentence.split()[0] in app.pair_view.pane("right").visible_text()
        await pilot.press("k", "up")
        assert cursor(app).link == order[start + 1]
        assert_level(app)
        # A resized terminal re-wraps both articles and keeps the passage level.
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        await pilot.pause()
        assert app.pair_view.pane("left").layout.width > 50
        assert_level(app)


async def test_tab_switches_the_active_pane(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("j")
        link = cursor(app).link
        await pilot.press("tab")
        assert cursor(app).side == "right" and app.focused is app.pair_view.pane("right")
        assert cursor(app).sentence == link.right and cursor(app).link == link
        await pilot.press("j")
        assert cursor(app).link.right > link.right
        assert_level(app)


async def test_tab_from_a_sentence_only_here_lands_on_a_passage_with_its_counterpart_level(make_app, seed_docs):
    app = make_app(seed_docs[:2])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        tried = 0
        for _ in range(len(cursor(app).alignment.left_only)):
            await pilot.press("u")
            assert cursor(app).link is None
            came_from = cursor(app).sentence
            await pilot.press("tab")
            right = app.pair_view.pane("right")
            # The new current sentence starts on screen, and what it is linked to is level with it.
            assert cursor(app).side == "right" and right.screen_row(cursor(app).sentence) >= 0
            assert cursor(app).sentence in right.visible_sentences()
            if cursor(app).link is not None:
                assert_level(app)
                tried += 1
            await pilot.press("tab")
            # Back on the left, tab picked the sentence level with the reader's row; the next u walks on from
            # the sentence we came from, so every sentence only here is tried once.
            app.pair_view.select(came_from)
            await pilot.pause()
        assert tried


async def test_conflicts_differences_and_sentences_only_here(make_app, marlow_docs):
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("c")
        assert cursor(app).link.kind == "conflict"
        assert "conflict" in status_text(app) and cursor(app).link.reason in status_text(app)
        left = app.pair_view.pane("left")
        assert left.marks.conflicts, "the conflicting words are marked"
        # The conflict glyph is drawn in the gutter, readable without colour.
        row = left.screen_row(cursor(app).link.left)
        assert left.render_line(row).text[:2] in ("▶!", "┃!")
        conflict = cursor(app).link
        # n and N step through the links that are not "same", in reading order (staying put at either end).
        diffs = [ln for ln in cursor(app).order() if ln.kind != "same"]
        at = diffs.index(conflict)
        await pilot.press("n")
        assert cursor(app).link == diffs[min(at + 1, len(diffs) - 1)]
        await pilot.press("N")
        assert cursor(app).link == (conflict if at + 1 < len(diffs) else diffs[max(at - 1, 0)])
        await pilot.press("u")
        assert cursor(app).sentence in cursor(app).alignment.left_only and cursor(app).link is None
        assert "only in this article" in status_text(app)


async def test_one_sentence_linked_to_two_shows_which_link_is_current(make_app):
    # A user trial: j walked "link 2 of 3" while the same three sentences stayed marked alike.
    from align.document import document_from_text

    docs = [document_from_text("a.txt", "Flood in Marlow\n\nThe floods killed 12 people and the army sent 200 "
                                        "soldiers to Marlow on Sunday.\n\nShops were closed."),
            document_from_text("b.txt", "Marlow flood\n\nThe floods killed 12 people on Sunday. The army sent 200 "
                                        "soldiers to Marlow.\n\nSchools were closed.")]
    app = make_app(docs)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        right = app.pair_view.pane("right")

        def gutters() -> list[str]:
            return [right.render_line(right.screen_row(k)).text[0] for k in (1, 2)]

        await pilot.press("j")
        assert (cursor(app).link.left, cursor(app).link.right) == (1, 1)
        assert right.marks.current == {1, 2} and right.marks.link == {1}
        assert gutters() == ["▶", "▷"]
        await pilot.press("j")
        assert (cursor(app).link.left, cursor(app).link.right) == (1, 2)
        assert right.marks.link == {2} and gutters() == ["▷", "▶"]
        assert app.pair_view.pane("left").render_line(app.pair_view.pane("left").screen_row(1)).text[0] == "▶"


async def test_threshold_keys_relink_without_re_embedding(make_app, marlow_docs, hashing):
    calls = []

    class CountingEmbedder:
        model_id = hashing.model_id

        def encode(self, texts, progress=None):
            calls.append(len(texts))
            return hashing.encode(texts, progress)

    app = make_app(marlow_docs, embedder=CountingEmbedder())
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        encoded = len(calls)
        before = cursor(app).alignment
        await pilot.press("plus", "plus")
        await aligned(pilot)  # re-linking runs in a worker
        assert cursor(app).alignment.threshold == pytest.approx(before.threshold + 0.10)
        assert f"threshold {cursor(app).alignment.threshold:.2f}" in status_text(app)
        await pilot.press(*["plus"] * 20)  # stops at 0.95
        await aligned(pilot)
        strict = cursor(app).alignment
        assert strict.threshold == pytest.approx(0.95) and len(strict.links) <= len(before.links)
        await pilot.press(*["minus"] * 20)  # stops at 0.05
        await aligned(pilot)
        loose = cursor(app).alignment
        assert loose.threshold == pytest.approx(0.05) and len(loose.links) >= len(before.links)
        assert len(loose.links) > len(strict.links)
        assert f"threshold {cursor(app).alignment.threshold:.2f}" in status_text(app)
        assert len(calls) == encoded  # re-linking only


async def test_brackets_change_the_articles_and_the_picker_picks_a_pair(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("right_square_bracket")
        assert (cursor(app).left, cursor(app).right) == (0, 2)
        assert app.pair_view.pane("right").document is marlow_docs[2]
        assert "marlow-c.txt" in str(app.pair_view.pane("right").border_title)
        assert cursor(app).alignment.right is marlow_docs[2]
        await pilot.press("left_square_bracket")
        assert (cursor(app).left, cursor(app).right) == (1, 2)
        await pilot.press("p")
        assert isinstance(app.screen, PairPicker)
        await pilot.press("home", "enter")
        assert (cursor(app).left, cursor(app).right) == (0, 1)
        assert not isinstance(app.screen, PairPicker)


OUTLETS = ("BBC", "Reuters", "Guardian")


def long_named(docs):
    """The crafted articles under the kind of names journalists save: a long shared start, the outlet at the end."""
    from align.document import document_from_text

    return [document_from_text(f"2023-05-23 Marlow flood, dozens dead, coverage - {o}.txt", d.text)
            for o, d in zip(OUTLETS, docs)]


async def test_the_pair_picker_shows_each_pair_on_one_line_with_long_names(make_app, marlow_docs):
    from textual.widgets import OptionList

    app = make_app(long_named(marlow_docs))
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("p")
        await pilot.pause()
        olist = app.screen.query_one(OptionList)
        lines = [olist.render_line(y).text for y in range(olist.size.height)]
        rows = [line for line in lines if "↔" in line]
        assert len(rows) == 3, lines  # no pair wrapped onto a second line
        for (i, j), row in zip(((0, 1), (0, 2), (1, 2)), rows):
            assert f"{i + 1} ↔ {j + 1}" in row and OUTLETS[i] in row and OUTLETS[j] in row, row
            assert "links" in row, row


async def test_pane_titles_keep_the_part_of_long_names_that_differs(make_app, marlow_docs):
    app = make_app(long_named(marlow_docs))
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("right_square_bracket")  # articles 1 and 3
        for width in (80, 160, 60):
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            top = app.screen._compositor.render_strips()[0].text  # the panes' top borders, as drawn
            left, right = top[:width // 2], top[width // 2:]
            assert "BBC.txt" in left and "Guardian.txt" in right, top


async def test_export_dialog_names_the_pair_by_the_part_of_long_names_that_differs(make_app, marlow_docs, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(long_named(marlow_docs))
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        on_screen = app.screen.query_one("#export-pair").render_line(0).text
        assert "BBC" in on_screen and "Reuters" in on_screen, on_screen
        suggested = app.screen.query_one("#export-path").value
        assert "BBC" in suggested and "Reuters" in suggested, suggested  # not two identical cut-off starts


async def test_brackets_with_only_two_articles_say_so_and_keep_the_place(make_app, marlow_docs):
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("j", "j")
        link = cursor(app).link
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert any("Only two articles" in n.message for n in app._notifications)
        assert cursor(app).link == link and (cursor(app).left, cursor(app).right) == (0, 1)


async def test_an_article_of_one_sentence_with_no_links_says_what_to_do(make_app, marlow_docs):
    from align.document import document_from_text

    app = make_app([document_from_text("brief.txt", "Officials declined to comment."), marlow_docs[0]])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        assert not cursor(app).alignment.links
        top = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert " 1 sentence ─" in top and "1 sentences" not in top
        status = status_text(app)
        assert "0 links" in status and "- lowers it" in status and "j/k: walk the links" not in status, status


async def test_mouse_click_selects_a_sentence_and_levels_its_counterpart(make_app, marlow_docs):
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        right = app.pair_view.pane("right")
        target = cursor(app).alignment.links[-1].right
        row = right.screen_row(target)
        await pilot.click(right, offset=(6, row + 1))  # +1: the border
        assert cursor(app).side == "right" and cursor(app).sentence == target
        assert_level(app)


async def test_search_jumps_to_the_sentence(make_app, marlow_docs):
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("slash", *"ARMY", "enter")
        assert "army" in cursor(app).active_document.sentences[cursor(app).sentence].text
        assert app.pair_view.pane("left").marks.search == "ARMY"


async def test_search_says_which_match_and_how_to_reach_the_next(make_app, marlow_docs):
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        # Sentences 0, 1 and 2 of marlow-a.txt mention a flood; the app opens on sentence 1 (the first link).
        assert cursor(app).sentence == 1
        await pilot.press("slash", *"flood", "enter")
        assert cursor(app).sentence == 2
        assert "match 3 of 3 sentences · / enter: next" in [n.message for n in app._notifications]
        await pilot.press("slash", "enter")  # the prompt keeps the text: enter goes on to the next match
        assert cursor(app).sentence == 0
        said = [n.message for n in app._notifications]
        assert "wrapped to the top · match 1 of 3 sentences · / enter: next" in said


async def test_export_writes_a_csv_that_reads_back_and_asks_before_overwriting(make_app, marlow_docs, tmp_path,
                                                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(marlow_docs)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        path = tmp_path / "sbs-marlow-a-vs-marlow-b.csv"
        assert app.last_export == str(path) or app.last_export == path.name
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        texts = {d.name: d.text for d in marlow_docs}
        assert rows and {r["pair"] for r in rows} == {"marlow-a.txt vs marlow-b.txt"}
        for r in rows:
            for side in ("left", "right"):
                if r[f"{side}_doc"]:
                    text = texts[r[f"{side}_doc"]][int(r[f"{side}_start"]):int(r[f"{side}_end"])]
                    assert text == r[f"{side}_text"]
        assert any(r["kind"] == "conflict" for r in rows)
        # The same name again: asked first; "n" keeps the file.
        before = path.read_bytes()
        await pilot.press("e")
        dialog = app.screen
        field = dialog.query_one("#export-path")
        field.value = path.name
        await pilot.press("tab", "space", "enter")  # all pairs, then export
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert path.read_bytes() == before
        # "n" is back in the dialog with the name chosen, to change it (or to say yes another time).
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one("#export-path").value.endswith(path.name)
        app.screen.query_one("#export-path").value = path.name
        await pilot.press("tab", "space", "enter", "y")
        await app.workers.wait_for_complete()
        with open(path, newline="", encoding="utf-8") as f:
            pairs = {r["pair"] for r in csv.DictReader(f)}
        assert len(pairs) == 3  # N(N-1)/2


async def test_export_in_a_served_session_only_takes_plain_names(make_app, marlow_docs, tmp_path):
    served = tmp_path / "exports"
    served.mkdir()
    app = make_app(marlow_docs[:2], export_dir=served)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        app.screen.query_one("#export-path").value = "../escape.csv"
        await pilot.press("enter")
        assert isinstance(app.screen, ExportDialog)  # refused, the dialog says why
        assert "plain file name" in str(app.screen.query_one("#export-error").render())
        app.screen.query_one("#export-path").value = "mine.csv"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        assert (served / "mine.csv").exists() and not (tmp_path / "escape.csv").exists()


async def test_an_anonymous_served_session_writes_no_files(make_app, marlow_docs, tmp_path):
    from tui.screens.overview import OverviewScreen

    served = tmp_path / "exports"
    served.mkdir()
    app = make_app(marlow_docs, export_dir=served, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        assert not isinstance(app.screen, ExportDialog)
        assert any("Export is off" in n.message for n in app._notifications)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("e", "enter")
        await app.workers.wait_for_complete()
        assert list(served.iterdir()) == [] and list(tmp_path.iterdir()) == [served]


async def test_export_to_a_missing_folder_is_refused_in_the_dialog(make_app, marlow_docs, tmp_path):
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        typed = str(tmp_path / "missing" / "x.csv")
        app.screen.query_one("#export-path").value = typed
        await pilot.press("enter")
        # The dialog stays, says why, and keeps what was typed, so one fix is enough.
        assert isinstance(app.screen, ExportDialog)
        assert "no folder" in str(app.screen.query_one("#export-error").render())
        assert app.screen.query_one("#export-path").value == typed
        assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a device that is always full)")
async def test_export_failure_is_a_notification(make_app, marlow_docs):
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        app.screen.query_one("#export-path").value = "/dev/full"
        await pilot.press("enter", "y")  # it exists: asked first
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("disk full" in n.message for n in app._notifications)
        assert app.last_export is None


async def test_export_notification_names_the_whole_path(make_app, marlow_docs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        written = [n.message for n in app._notifications if n.title == "Exported"]
        assert written and str(tmp_path / "sbs-marlow-a-vs-marlow-b.csv") in written[-1]


async def test_help_lists_the_keys_and_q_quits(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = static_text(app.screen.query_one("#help-keys"))
        for description in ("next aligned passage", "next conflict", "export as CSV or as an HTML report"):
            assert description in keys
        await pilot.press("j")  # keys of the pair view are off while a dialog is open
        link = cursor(app).link
        await pilot.press("escape")
        assert cursor(app).link == link and not isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_the_help_pages_with_the_pair_views_paging_keys(make_app, marlow_docs):
    """At 80x24 the help is longer than its box: space and b page it, G and g go to its end and its top, as they
    do in the pair view."""
    from textual.containers import VerticalScroll

    app = make_app(marlow_docs)
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("question_mark")
        body = app.screen.query_one("#help-body", VerticalScroll)
        assert body.max_scroll_y > body.scrollable_content_region.height  # more than one page
        await pilot.press("space")
        await pilot.pause()
        assert body.scroll_y == body.scrollable_content_region.height - 1
        await pilot.press("b")
        await pilot.pause()
        assert body.scroll_y == 0
        await pilot.press("G")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert body.scroll_y == 0 and isinstance(app.screen, HelpScreen)


async def test_keys_that_arrive_in_a_burst_each_scroll(make_app, marlow_docs):
    """A held-down j reaches the app as a burst of keys read at once, before any refresh: each must scroll (a
    user trial: 10 quick j scrolled the help one line, as each one scrolled from where the last refresh left it)."""
    from textual.containers import VerticalScroll

    app = make_app(marlow_docs)
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("question_mark")
        body = app.screen.query_one("#help-body", VerticalScroll)
        for _ in range(5):  # the bindings' actions, back to back with no refresh between them
            app.screen.action_scroll(1)
        await pilot.pause()
        assert body.scroll_y == 5
        await pilot.press("escape")
        pane = app.pair_view.pane("left")
        await pilot.resize_terminal(80, 12)
        await pilot.pause()
        for _ in range(2):
            pane.action_page(1)
        await pilot.pause()
        assert pane.scroll_offset.y == min(2 * (pane.view_height - 2), pane.max_scroll_y)
        assert pane.scroll_offset.y > pane.view_height - 2


async def test_hostile_text_is_shown_not_obeyed(make_app):
    from align.document import document_from_text
    from textual.content import Content

    hostile = document_from_text("evil[bold].txt", "Click [link=http://x]here[/] now.\x1b[2J\x1b]52;c;aGk=\x07 "
                                                   "Price is \u202e001$ today. 中文 wide 😀 ok.")
    plain = document_from_text("plain.txt", "Click here now. Price is 100$ today.")
    app = make_app([hostile, plain])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        pane = app.pair_view.pane("left")
        lines = [pane.render_line(y) for y in range(pane.view_height)]
        shown = "\n".join(strip.text for strip in lines)
        assert "[link=http://x]here[/]" in shown and "␛[2J" in shown and "⇄001$" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert all(strip.cell_length == lines[0].cell_length for strip in lines)  # wide characters fit
        assert "evil[bold].txt" in Content.from_markup(pane.border_title).plain  # escaped, not applied


async def test_a_pasted_escape_in_a_text_field_is_shown_as_a_mark(make_app, marlow_docs):
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        field = app.screen.query_one("#search-input")
        field.value = "flood\x1b[2J\u202ewaters"
        await pilot.pause()
        drawn = field.render_line(0).text
        assert "flood␛[2J⇄waters" in drawn and "\x1b" not in drawn and "\u202e" not in drawn
        assert field.value == "flood\x1b[2J\u202ewaters"  # searched for as typed


async def test_ctrl_c_quits_even_from_a_dialog(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")  # a text field has focus
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 0


async def test_under_a_dialog_q_does_not_quit_and_the_footer_offers_no_pair_keys(make_app, marlow_docs):
    from textual.widgets import Footer

    app = make_app(marlow_docs)
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        app.push_screen(ConfirmScreen("Overwrite it?"))
        await pilot.pause()
        await pilot.press("q", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        footer = app.screen_stack[0].query_one(Footer)
        shown = [key.key for key in footer.query("FooterKey")] if footer.is_mounted else []
        assert not [k for k in shown if k in ("q", "question_mark", "j")], shown
        await pilot.press("n")
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_repeated_notices_are_not_stacked(make_app, marlow_docs):
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        for _ in range(len(cursor(app).order()) + 3):
            await pilot.press("u")
        notes = [n.message for n in app._notifications]
        assert len(notes) == len(set(notes))


async def test_scrolling_one_pane_brings_the_other_along(make_app, seed_docs):
    app = make_app(seed_docs[:4])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        left, right = app.pair_view.pane("left"), app.pair_view.pane("right")
        link = cursor(app).link
        await pilot.press("pagedown")
        await pilot.pause()
        assert cursor(app).link == link  # scrolling does not move the cursor
        # Some linked sentence on the left screen has its counterpart level on the right.
        level = [ln for ln in cursor(app).alignment.links
                 if left.is_visible(ln.left) and right.screen_row(ln.right) == left.screen_row(ln.left)]
        assert level


def test_command_line_help_states_the_default_threshold_in_use():
    import subprocess
    import sys

    from align.linking import THRESHOLD
    from tests.conftest import ROOT

    out = subprocess.run([sys.executable, "-m", "tui", "--help"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert f"default {THRESHOLD}" in " ".join(out.split())


def test_options_before_a_command_get_a_hint_not_a_missing_file():
    import subprocess
    import sys

    from tests.conftest import ROOT

    run = subprocess.run([sys.executable, "-m", "tui", "--model", "hashing", "align", "a.txt", "b.txt", "--csv", "-"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1
    hint = "sbs: 'align' must come first, options after it: sbs align [options] FILE..."
    assert run.stderr.strip() == hint, run.stderr


def test_a_piped_article_without_any_terminal_for_keys_is_one_line_not_a_dead_app(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    # A new session has no controlling terminal: nowhere to read keys from once stdin carried the article.
    run = subprocess.run([sys.executable, "-m", "tui", "--model", "hashing", "-", "seeds/" + sorted(
                          p.name for p in (ROOT / "seeds").glob("*.txt"))[0]],
                         cwd=ROOT, input="Twelve people died. The storm moved east.\n", capture_output=True,
                         text=True, start_new_session=True, timeout=60,
                         env={**__import__("os").environ, "SBS_CACHE_DIR": str(tmp_path)})
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "sbs: standard input is not a terminal and there is no terminal to read keys from (for a pipe or a script, "
        "use `sbs align`)"]


async def test_the_export_dialog_offers_all_pairs_only_when_there_is_more_than_one(make_app, marlow_docs, tmp_path,
                                                                                   monkeypatch):
    from tui.widgets.toggle_line import ToggleLine

    monkeypatch.chdir(tmp_path)
    app = make_app(marlow_docs[:2])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        toggles = [str(t.render()) for t in app.screen.query(ToggleLine)]
        assert len(toggles) == 3 and "raw" in toggles[0] and "HTML report" in toggles[1] and "JSON" in toggles[2]
        assert not any("pairs" in t for t in toggles)
        await pilot.press("tab", "space", "enter")  # raw, then export
        await app.workers.wait_for_complete()
        await pilot.pause()
        with open(tmp_path / "sbs-marlow-a-vs-marlow-b.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert {r["pair"] for r in rows} == {"marlow-a.txt vs marlow-b.txt"}
        assert any(r["diff"].startswith(("-", "+")) for r in rows)  # raw: no apostrophe before the diff
    app = make_app(marlow_docs)
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        assert "all 3 pairs" in str(app.screen.query_one("#export-all", ToggleLine).render())


async def test_after_scrolling_away_j_and_k_step_from_what_is_on_screen(make_app, seed_docs):
    app = make_app(seed_docs[:2])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        first = cursor(app).link
        pane = app.pair_view.pane(cursor(app).side)
        await pilot.press("G")  # the end of the active article; the current passage is out of sight
        await pilot.pause()
        assert not pane.is_visible(cursor(app).sentence)
        top = pane.visible_sentences()[0]
        await pilot.press("j")
        await pilot.pause()
        # Not the link after the old one, at the top of the article: the first link on screen.
        assert cursor(app).link is not None and cursor(app).link != first
        assert cursor(app).sentence >= top and pane.is_visible(cursor(app).sentence)
        # From the top again, k goes up from what is on screen, and at the first link it says so.
        await pilot.press("g")
        await pilot.pause()
        bottom = pane.visible_sentences()[-1]
        await pilot.press("k")
        await pilot.pause()
        assert cursor(app).sentence <= bottom
        for _ in range(60):
            await pilot.press("k")
        await pilot.pause()
        assert "That was the first one this way." in [n.message for n in app._notifications]


async def test_the_status_line_names_what_is_on_screen_after_a_jump(make_app):
    """G in a long article that shares nothing: the status line named sentence 1 while the end was on screen.
    It names the sentences on screen while the current one is out of view, and the current one when it is back."""
    from align.document import document_from_text

    long = document_from_text("long.txt", "\n\n".join(f"Report number {k} came from village {k} today."
                                                     for k in range(1, 2001)))
    other = document_from_text("other.txt", "The sun rose over the quiet harbour. Boats left at dawn.")
    app = make_app([long, other])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        assert status_text(app).startswith("sentence 1 of 2000")
        pane = app.pair_view.pane("left")
        await pilot.press("G")
        await pilot.pause()
        shown = pane.visible_sentences()
        assert shown[-1] == 1999
        assert status_text(app).startswith(f"sentences {shown[0] + 1}-2000 of 2000 on screen")
        await pilot.press("pageup")
        await pilot.pause()
        shown = pane.visible_sentences()
        assert status_text(app).startswith(f"sentences {shown[0] + 1}-{shown[-1] + 1} of 2000 on screen")
        await pilot.press("g")
        await pilot.pause()
        assert status_text(app).startswith("sentence 1 of 2000")


async def test_the_status_line_returns_to_the_link_when_j_steps(make_app, seed_docs):
    app = make_app(seed_docs[:2])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        assert status_text(app).startswith("link 1 of ")
        await pilot.press("G")
        await pilot.pause()
        assert " on screen" in status_text(app) and "j/k: walk the links from here" in status_text(app)
        await pilot.press("j")
        await pilot.pause()
        assert status_text(app).startswith("link ") and " on screen" not in status_text(app)


async def test_a_link_below_the_threshold_says_why_it_is_shown(make_app, seed_docs):
    app = make_app(seed_docs[:2])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        below = [ln for ln in cursor(app).order() if ln.score < cursor(app).alignment.threshold]
        above = [ln for ln in cursor(app).order() if ln.score >= cursor(app).alignment.threshold]
        assert below and above
        app.pair_view.select(cursor(app).here(below[0]), below[0])
        await pilot.pause()
        status = status_text(app)
        assert "kept: " in status and ("split sentence" in status or "same count" in status), status
        app.pair_view.select(cursor(app).here(above[0]), above[0])
        await pilot.pause()
        assert "kept:" not in status_text(app)


async def test_export_refuses_to_replace_an_open_article(make_app, tmp_path, monkeypatch):
    from align.document import read_document

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("The fire killed three people on Friday. Police closed the road.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Three people died in the fire on Friday. The road was closed.\n", encoding="utf-8")
    before = (tmp_path / "a.txt").read_bytes()
    app = make_app([read_document(str(tmp_path / "a.txt")), read_document(str(tmp_path / "b.txt"))])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        app.screen.query_one("#export-path").value = "a.txt"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Refused before "Overwrite it?", and back in the dialog with the name, to change it.
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one("#export-path").value.endswith("a.txt")
        refused = [n.message for n in app._notifications if n.title == "Export refused"]
        assert refused and "is one of the articles being compared (a.txt)" in refused[-1]
        await pilot.press("escape")
    assert (tmp_path / "a.txt").read_bytes() == before


async def test_the_conflict_reason_keeps_its_own_line_at_80_columns(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        status = app.query_one(StatusBar)
        status.show_link(1040, 1500, 0.43, "conflict", "casualties: 12 people were injured vs no civilians had been "
                         "harmed", "", 0.5, "split sentence")
        await pilot.pause()
        lines = [status.render_line(y).text.strip() for y in range(status.size.height)]
        # Two lines however long the first: the reason is never pushed off by the first line's notes.
        assert len(lines) == 2, lines
        assert lines[0].startswith("link 1040 of 1500")
        assert lines[1].startswith("! casualties: 12 people were injured vs no civilians had been harmed")


async def test_a_score_just_under_the_threshold_never_reads_as_the_threshold(make_app, marlow_docs):
    app = make_app(marlow_docs)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        status = app.query_one(StatusBar)
        status.show_link(6, 22, 0.4999, "partial", "", "+x", 0.5, "split sentence")
        assert "score 0.49" in status_text(app)
        status.show_link(1, 5, 0.998, "same", "", "", 0.5)
        assert "score 1.00" in status_text(app)


async def test_export_the_html_report_from_the_dialog(make_app, marlow_docs, tmp_path, monkeypatch):
    """The dialog's HTML choice: the name follows the format, the report holds the pair on screen (or all pairs),
    and the next export offers the report again."""
    import lxml.html

    from tui.widgets.toggle_line import ToggleLine

    monkeypatch.chdir(tmp_path)
    app = make_app(marlow_docs)
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        field = app.screen.query_one("#export-path")
        assert field.value == "sbs-marlow-a-vs-marlow-b.csv"
        await pilot.press("tab", "tab", "tab", "space")  # all pairs, raw, then the HTML report: turned on
        assert app.screen.query_one("#export-html", ToggleLine).value
        assert field.value == "sbs-marlow-a-vs-marlow-b.html"
        await pilot.press("space")  # and off again: the name goes back
        assert field.value == "sbs-marlow-a-vs-marlow-b.csv"
        await pilot.press("space", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        path = tmp_path / "sbs-marlow-a-vs-marlow-b.html"
        tree = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        [section] = tree.xpath('//section[@class="pair"]')
        assert "marlow-a.txt vs marlow-b.txt" in section.text_content()
        assert "model hashing-256" in tree.xpath('//p[@class="figures"]')[0].text_content()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sbs-")]
        await pilot.press("e")  # the report is offered again, under a name not taken
        assert app.screen.query_one("#export-html", ToggleLine).value
        assert app.screen.query_one("#export-path").value == "sbs-marlow-a-vs-marlow-b-2.html"


async def test_an_article_that_did_not_open_is_named_and_the_others_open(make_app, marlow_docs):
    failed = "/tmp/scan.pdf: the PDF has no text layer (a scan?); run OCR on it first, e.g. ocrmypdf in.pdf out.pdf"
    app = make_app(marlow_docs[:2], not_opened=[failed, "https://example.org/x: HTTP 404 \x1b[31mNot Found"])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        said = [(n.title, n.message) for n in app._notifications]
        assert ("Article not opened", failed) in said
        assert ("Article not opened", "https://example.org/x: HTTP 404 ␛[31mNot Found") in said
        assert len(app.documents) == 2 and app.comparison is not None


async def test_a_pane_names_the_article_by_its_title_and_date(make_app, marlow_docs):
    from dataclasses import replace

    from align.document import Origin

    titled = replace(marlow_docs[0], origin=Origin(format="html", title="Marlow \x1b[2Jbridge closes", date="2023-05-23"))
    app = make_app([titled, marlow_docs[1]])
    async with app.run_test(size=(160, 30)) as pilot:
        await aligned(pilot)
        sub = app.query_one("#left-pane").border_subtitle
        assert str(sub) == f"Marlow ␛[2Jbridge closes · 2023-05-23 · {len(titled.sentences)} sentences"
        assert str(app.query_one("#right-pane").border_subtitle) == f"{len(marlow_docs[1].sentences)} sentences"
        await pilot.resize_terminal(60, 30)  # short of room: the count goes, then the title is cut; the date stays
        await pilot.pause()
        sub = str(app.query_one("#left-pane").border_subtitle)
        assert sub.startswith("Marlow") and sub.endswith("… · 2023-05-23") and len(sub) <= 30 - 8


async def test_c_and_u_stop_at_the_end_like_j_and_n(make_app, marlow_docs):
    """At the end of the conflicts, or of the sentences only here, the cursor stays and a note says so, as j and n
    do: no walking key wraps round to the top."""
    from align.document import document_from_text

    b = marlow_docs[1]
    two_conflicts = document_from_text(b.name, b.text.replace("200 soldiers", "300 soldiers"))
    app = make_app([marlow_docs[0], two_conflicts])
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        conflicts = [ln for ln in cursor(app).order() if ln.kind == "conflict"]
        assert len(conflicts) > 1 and cursor(app).alignment.left_only
        for key in ("c", "u"):
            for _ in range(len(cursor(app).order()) + 2):
                await pilot.press(key)
            at_end = (cursor(app).sentence, cursor(app).link)
            await pilot.press(key)
            assert (cursor(app).sentence, cursor(app).link) == at_end
            if key == "c":
                assert cursor(app).link == conflicts[-1]
            else:
                assert cursor(app).sentence == max(cursor(app).alignment.left_only)
            said = [n.message for n in app._notifications]
            assert said[-1] == "That was the last one this way.", said
            await pilot.pause(3.1)  # the note is gone: the same words may be said again
        for _ in range(len(cursor(app).order())):  # k walks back to the first conflict
            await pilot.press("k")
        await pilot.press("c")
        assert cursor(app).link == conflicts[0]
