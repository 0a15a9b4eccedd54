"""Hostile samples through the app (Textual's Pilot, HashingEmbedder): assertions on what reaches the screen.

"The screen" is the compositor's full frame (every pane, title, status line, footer and notification), the
same strips the terminal driver turns into output. Files are read with `read_document`, as `sbs` reads them.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from align.document import document_from_text, read_document
from tests.samples import hostile
from tests.tui.conftest import aligned, cursor

#: Invisible characters that must not reach the screen raw either (they hide or reorder text).
INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def screen_segments(app):
    """(text, style) of every segment of the whole frame as composed for the terminal."""
    for strip in app.screen._compositor.render_strips():
        for seg in strip:
            yield seg.text, seg.style


def assert_screen_is_harmless(app) -> str:
    """No control, bidi or invisible character and no hyperlink anywhere on screen; returns the screen text."""
    texts = []
    for text, style in screen_segments(app):
        bad = (set(text) & hostile.TERMINAL_UNSAFE) | (set(text) & INVISIBLE)
        assert not bad, (sorted(map(hex, map(ord, bad))), text)
        assert style is None or not style.link, (text, style.link)  # a [link=...] was applied
        texts.append(text)
    return "".join(texts)


@pytest.fixture
def sample_files(tmp_path):
    return hostile.write(tmp_path, hostile.good_files())


async def walk_all_links(pilot, app) -> None:
    """Visit every link, so every linked sentence is drawn as the current passage at least once."""
    for _ in range(len(cursor(app).order()) + 1):
        await pilot.press("j")
    await pilot.pause()


async def test_escapes_markup_bidi_and_controls_are_shown_not_obeyed(make_app, sample_files):
    docs = [read_document(sample_files["escapes.txt"]), read_document(sample_files["escapes-peer.txt"])]
    app = make_app(docs)
    async with app.run_test(size=(160, 50)) as pilot:
        shown = assert_screen_is_harmless(app)  # before the alignment: the first paint
        await aligned(pilot)
        assert cursor(app).alignment is not None and cursor(app).alignment.links
        frames = [assert_screen_is_harmless(app)]
        for _ in range(len(cursor(app).order())):
            await pilot.press("j")
            await pilot.pause()
            frames.append(assert_screen_is_harmless(app))
        await pilot.press("tab", "u")  # walk the other pane too, onto a sentence only it has
        await pilot.pause()
        frames.append(assert_screen_is_harmless(app))
    shown = "\n".join([shown, *frames])
    # Visible instead of obeyed: the markup as literal text, escape sequences with a visible ESC, the bidi mark.
    assert "[bold red]news[/]" in shown and "[link=https://evil.example]border[/link]" in shown
    assert "␛[2J" in shown and "␛]52;c;cm0gLXJmIH4=" in shown and "␛]8;;https://evil.example" in shown
    assert "⇄gpj.exe" in shown
    assert "=HYPERLINK(" in shown  # the text as written; only the export neutralises formulas


async def test_hostile_file_names_in_titles_are_harmless(make_app, tmp_path):
    evil = "evil\x1b]52;c;cm0gLXJm\x07\u202egpj[bold red]x[/bold red]\x1b[2J.txt"
    a = document_from_text(evil, hostile.ESCAPES_PEER)
    b = document_from_text("\u200bplain\x9b31m.txt", hostile.ESCAPES_PEER.replace("border", "frontier"))
    app = make_app([a, b])
    async with app.run_test(size=(140, 30)) as pilot:
        await aligned(pilot)
        shown = assert_screen_is_harmless(app)
        assert "gpj[bold red]x[/bold red]" in shown  # the name's markup printed as text
        assert "␛]52;c;cm0gLXJm" in shown


@pytest.mark.parametrize("name, peer", [("crlf.txt", "bom-utf8.txt"), ("utf16le.txt", "crlf.txt"),
                                        ("one-word.txt", "crlf.txt")])
async def test_odd_encodings_and_line_endings_show_cleanly(make_app, sample_files, name, peer):
    docs = [read_document(sample_files[name]), read_document(sample_files[peer])]
    app = make_app(docs)
    async with app.run_test(size=(120, 30)) as pilot:
        await aligned(pilot)
        first = assert_screen_is_harmless(app)
        assert docs[0].sentences[cursor(app).link.left].text.split()[0] in first
        await walk_all_links(pilot, app)
        shown = assert_screen_is_harmless(app)  # no CR, no BOM reach the screen
        assert "\r" not in first + shown


async def test_wide_and_combining_characters_keep_the_panes_aligned(make_app, sample_files):
    docs = [read_document(sample_files["wide.txt"]), read_document(sample_files["wide-peer.txt"])]
    app = make_app(docs)
    async with app.run_test(size=(90, 24)) as pilot:
        await aligned(pilot)
        assert cursor(app).alignment.links
        strips = app.screen._compositor.render_strips()
        assert all(s.cell_length == 90 for s in strips)
        # The right pane starts at the same column on every row: find its first cell on each row.
        right = app.pair_view.pane("right").region
        left = app.pair_view.pane("left").region
        for y in range(right.y, right.y + right.height):
            cells = strips[y].crop(0, right.x)
            assert cells.cell_length == right.x  # nothing in the left pane spilled over
            assert strips[y].crop(left.x, left.right).cell_length == left.width
        for _ in range(len(cursor(app).order())):
            ln = cursor(app).link
            assert app.pair_view.pane("left").screen_row(ln.left) == app.pair_view.pane("right").screen_row(ln.right)
            await pilot.press("j")
            await pilot.pause()
        shown = assert_screen_is_harmless(app)
        assert "東京" in shown and "🚒" in shown


async def test_five_megabyte_line_opens_scrolls_and_aligns(make_app, tmp_path, seed_docs):
    big = read_document(hostile.write_big_line(tmp_path / "line.txt"))
    app = make_app([big, seed_docs[0]])
    started = time.monotonic()
    async with app.run_test(size=(120, 40)) as pilot:
        painted = time.monotonic() - started
        assert "saboteurs crossed the border" in app.pair_view.pane("left").visible_text()
        await pilot.press("end")  # it scrolls while it aligns (the alignment may land at any moment now)
        await aligned(pilot)
        assert cursor(app).alignment is not None
        await pilot.press("end")
        await pilot.pause()
        assert app.pair_view.pane("left").visible_sentences()[-1] == len(big.sentences) - 1
        assert_screen_is_harmless(app)
    print(f"5 MB line: first paint {painted:.2f} s, {len(big.sentences)} units")
    assert painted < 30  # generous: CI machines are slow; what matters is that it does not hang


async def test_thirty_articles_open_and_cycle(make_app, seed_docs):
    docs = [document_from_text(f"a{k:02d}.txt", seed_docs[k % 5].text.replace("70", str(70 + k)))
            for k in range(30)]
    app = make_app(docs)
    async with app.run_test(size=(120, 30)) as pilot:
        await aligned(pilot)
        for _ in range(5):
            await pilot.press("right_square_bracket")
            await pilot.pause()
        assert cursor(app).right not in (0, 1) or cursor(app).left != 0
        assert cursor(app).alignment is not None
        assert_screen_is_harmless(app)


async def test_export_into_a_read_only_directory_is_one_harmless_notification(make_app, seed_docs, tmp_path):
    target = tmp_path / "no\x1b[2Jwhere\u202e" / "out.csv"  # a missing folder whose name carries escapes
    app = make_app(seed_docs[:2])
    async with app.run_test(size=(120, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The dialog refuses it and says why, the escapes in the folder's name shown, not obeyed.
        error = str(app.screen.query_one("#export-error").render())
        assert "no folder" in error and "\x1b" not in error and "\u202e" not in error
        shown = assert_screen_is_harmless(app)
        assert "no folder" in shown.replace("\n", " ")
    assert not target.parent.exists()


async def test_unwritable_export_leaves_no_partial_file(make_app, seed_docs, tmp_path, monkeypatch):
    """Disk full during the write: a notification, the old file intact, no temporary file left."""
    import errno

    from align import export

    out = tmp_path / "out.csv"
    out.write_text("old\n", encoding="utf-8")
    real_fsync = os.fsync

    def full_disk(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    app = make_app(seed_docs[:2])
    async with app.run_test(size=(120, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        app.screen.query_one("#export-path").value = str(out)
        monkeypatch.setattr(export.os, "fsync", full_disk)
        await pilot.press("enter")
        await pilot.pause()
        if app.screen.__class__.__name__ == "ConfirmScreen":  # the file exists: overwrite it
            await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        monkeypatch.setattr(export.os, "fsync", real_fsync)
        messages = [n.message for n in app._notifications]
        assert any("disk full" in m for m in messages), messages
        assert_screen_is_harmless(app)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_cli_refuses_bad_files_before_the_screen_opens(tmp_path):
    """`sbs FILE...` (the app) gives the same one line as `sbs align` for a bad file, before any screen."""
    import subprocess
    import sys

    from tests.conftest import ROOT, SEEDS

    png = tmp_path / "photo\x1b[2J.png"
    png.write_bytes(hostile.PNG)
    r = subprocess.run([sys.executable, "-m", "tui", str(SEEDS[0]), str(png), "--model", "hashing"],
                       capture_output=True, cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 1
    err = r.stderr.decode()
    assert err.count("\n") == 1 and "binary file (PNG image)" in err and "\x1b" not in err
    assert r.stdout == b""  # no screen was drawn


def test_bytes_written_to_a_real_terminal_carry_no_hostile_control(tmp_path):
    """The app on a pseudo-terminal: every byte it writes is read back. The samples' payloads may appear only in
    their visible form (`␛]52;...`), never as a working OSC 52 clipboard write, OSC 8 hyperlink or C1 control."""
    import fcntl
    import select
    import struct
    import subprocess
    import sys
    import termios

    from tests.conftest import ROOT

    files = hostile.write(tmp_path, {"escapes.txt": hostile.ESCAPES.encode(),
                                     "peer.txt": hostile.ESCAPES_PEER.encode()})
    master, slave = os.openpty()
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "SBS_MODEL": "hashing", "SBS_CACHE_DIR": str(tmp_path / "c")}
    proc = subprocess.Popen([sys.executable, "-m", "tui", str(files["escapes.txt"]), str(files["peer.txt"])],
                            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)
    out = bytearray()

    def pump(seconds: float, until: bytes | None = None) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if not select.select([master], [], [], left)[0]:
                break
            try:
                data = os.read(master, 65536)
            except OSError:  # the app closed the terminal
                break
            if not data:
                break
            out.extend(data)
            if until and until in out:
                break

    try:
        pump(60, until="link 1 of".encode())  # the alignment arrived and was drawn
        for key in b"jjjjjj\tu":
            os.write(master, bytes([key]))
            pump(0.4)
        os.write(master, b"q")
        pump(10)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    stream = bytes(out).decode("utf-8", errors="replace")
    assert "link 1 of" in stream, stream[-2000:]
    assert "␛]52;c;cm0gLXJmIH4=" in stream  # the payload reached the screen, visibly
    assert "\x1b]52;" not in stream  # ...and never as a clipboard write
    assert "\x1b]8;;https://evil" not in stream and "\x1b]8;id" not in stream  # no hyperlink to the sample's URL
    assert "evil.example" in stream
    for ch in ("\x9b", "\x9d", "\x9c", "\x85", "\u202e", "\u200b", "\u2060"):
        assert ch not in stream, hex(ord(ch))
