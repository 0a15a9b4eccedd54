"""A user's keymap file rebinds keys by id: applied to the app, shown in help, bad lines said once."""

from __future__ import annotations

from tests.tui.conftest import aligned, cursor
from tests.tui.test_app import static_text
from tui.keymap import parse_keymap
from tui.screens.help import HelpScreen


def test_parse_keymap_reads_ids_and_says_which_lines_are_wrong():
    text = """# my keys
next-link = ctrl+n, down
prev-link=ctrl+p   # trailing comment
no-such-key = x
just words
quit =
"""
    keymap, problems = parse_keymap(text, {"next-link", "prev-link", "quit"})
    assert keymap == {"next-link": "ctrl+n,down", "prev-link": "ctrl+p"}
    assert problems == ["line 4: no key has the id 'no-such-key' (? lists them)",
                        "line 5: expected 'binding-id = key, key'",
                        "line 6: expected 'binding-id = key, key'"]


async def test_a_keymap_file_rebinds_keys_and_help_shows_them(make_app, marlow_docs, tmp_path):
    keymap = tmp_path / "keymap"
    keymap.write_text("next-link = ctrl+n\nexport = ctrl+e\nbogus = z\n", encoding="utf-8")
    app = make_app(marlow_docs[:2], keymap_path=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        # The bad line is said once, by line number; the good ones apply.
        assert [n.message for n in app._notifications if "keymap" in n.message] == \
            [f"{keymap} line 3: no key has the id 'bogus' (? lists them)"]
        first = cursor(app).link
        await pilot.press("j")  # rebound away: j no longer walks
        assert cursor(app).link == first
        await pilot.press("ctrl+n")
        assert cursor(app).link is not None and cursor(app).link != first
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = static_text(app.screen.query_one("#help-keys"))
        assert "^n" in keys and "next-link" in keys


async def test_an_unreadable_keymap_is_one_notice_and_the_default_keys(make_app, marlow_docs, tmp_path):
    keymap = tmp_path / "keymap"
    keymap.write_bytes(b"\xff\xfe\x00bad")
    app = make_app(marlow_docs[:2], keymap_path=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        assert sum(str(keymap) in n.message for n in app._notifications) == 1
        first = cursor(app).link
        await pilot.press("j")
        assert cursor(app).link != first
