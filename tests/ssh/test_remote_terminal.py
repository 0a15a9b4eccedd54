"""The app as a remote-terminal citizen, through a real SSH connection on loopback (Debian's OpenSSH server and
client), inside tmux: what the reader sees, keys, resize, colours, and a clean terminal on every way out."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from ssh_harness import CLEAN_TERMINAL, ROOT, article_lines, process_alive, shows_articles, wait_until

SBS = Path(sys.executable).with_name("sbs")


def app_command(tmp_path: Path, extra_env: str = "", args: str = "--model hashing") -> str:
    """The remote command: the app on the seeds, recording its pid (exec keeps it) for the hang-up checks."""
    sbs = shlex.quote(str(SBS)) if SBS.exists() else f"{shlex.quote(sys.executable)} -m tui"
    cache = shlex.quote(str(tmp_path / "cache"))
    pidfile = shlex.quote(str(tmp_path / "app.pid"))
    return (f"cd {shlex.quote(str(ROOT))} && echo $$ > {pidfile} && exec env TERM=xterm-256color LANG=C.UTF-8 "
            f"SBS_CACHE_DIR={cache} HF_HUB_OFFLINE=1 SBS_EXPORT_DIR={shlex.quote(str(tmp_path))} {extra_env} "
            f"{sbs} {args}")


def app_pid(tmp_path: Path) -> int:
    return int(wait_until(lambda: (tmp_path / "app.pid").exists() and (tmp_path / "app.pid").read_text().strip(),
                          20, what="the app's pid file"))


def open_over_ssh(tmux, sshd, tmp_path, width=80, height=24, ssh_extra=(), env=None, **kw) -> str:
    pane = tmux.new_shell(width, height, env=env)
    tmux.type(pane, shlex.join(sshd.ssh_argv(app_command(tmp_path, **kw), extra=list(ssh_extra))))
    tmux.wait_screen(pane, shows_articles, 60, what="the seed articles on screen")
    return pane


def bottom(screen: str, n: int = 2) -> list[str]:
    return screen.rstrip("\n").splitlines()[-n:]


def test_app_over_ssh_shows_articles_reacts_to_keys_and_leaves_clean(tmux, sshd, tmp_path):
    pane = open_over_ssh(tmux, sshd, tmp_path)
    state = tmux.terminal_state(pane)
    assert state["alternate_on"] == "1", state  # full screen on the alternate screen, as it should
    first = tmux.screen(pane)
    assert len(article_lines(first)) >= 4, first

    tmux.keys(pane, "j")
    after_j = tmux.wait_screen(pane, lambda s: s != first, 10, what="the screen to change after j")
    tmux.keys(pane, "]")
    after_next = tmux.wait_screen(pane, lambda s: bottom(s) != bottom(after_j), 10,
                                  what="the status line to change after ]")
    assert shows_articles(after_next), after_next

    tmux.keys(pane, "q")
    screen = tmux.wait_prompt(pane)
    assert tmux.terminal_state(pane) == CLEAN_TERMINAL
    # The shell's screen is back as it was: the ssh command line above the prompt, nothing of the app.
    assert "ssh -tt" in screen and not article_lines(screen), screen
    assert "Traceback" not in screen


def test_resize_redraws_to_the_new_size(tmux, sshd, tmp_path):
    pane = open_over_ssh(tmux, sshd, tmp_path)
    tmux.resize(pane, 120, 30)
    wide = tmux.wait_screen(
        pane, lambda s: len(s.rstrip("\n").splitlines()) == 30 and max(len(ln.rstrip()) for ln in s.splitlines()) > 80
        and shows_articles(s), 15, what="a redraw at 120x30")
    assert bottom(wide, 1)[0].strip(), wide  # the status line moved to the new last row
    tmux.resize(pane, 60, 20)
    tmux.wait_screen(pane, lambda s: max(len(ln.rstrip()) for ln in s.splitlines()) <= 60 and shows_articles(s, 2),
                     15, what="a redraw at 60x20")
    tmux.keys(pane, "q")
    tmux.wait_prompt(pane)
    assert tmux.terminal_state(pane) == CLEAN_TERMINAL


def test_works_with_keys_only_no_mouse_needed(tmux, sshd, tmp_path):
    """Every key the app is driven with here is plain ASCII: nothing that SSH, tmux or terminals swallow."""
    pane = open_over_ssh(tmux, sshd, tmp_path)
    before = tmux.screen(pane)
    for key in ("j", "j", "k", "Tab", "]", "["):
        tmux.keys(pane, key)
    tmux.wait_screen(pane, lambda s: s != before and shows_articles(s, 2), 10, what="the keys to take effect")
    tmux.keys(pane, "q")
    tmux.wait_prompt(pane)


def test_connection_drop_ends_the_app_promptly(tmux, sshd, tmp_path):
    """The SSH client dies (as when a laptop's network goes): sshd hangs the app's pty up; the app must go."""
    pane = open_over_ssh(tmux, sshd, tmp_path)
    pid = app_pid(tmp_path)
    assert process_alive(pid)
    shell = int(tmux.flag(pane, "pane_pid"))
    client = int(subprocess.run(["pgrep", "-P", str(shell), "-x", "ssh"], capture_output=True, text=True,
                                timeout=10).stdout.split()[0])
    os.kill(client, signal.SIGKILL)
    wait_until(lambda: not process_alive(pid), 15, what="the app to exit after the connection dropped")


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_signals_leave_the_terminal_clean_without_traceback(tmux, sshd, tmp_path, sig):
    """The app gets a signal while its terminal is still there: it restores the terminal and says nothing."""
    pane = open_over_ssh(tmux, sshd, tmp_path)
    pid = app_pid(tmp_path)
    os.kill(pid, sig)
    screen = tmux.wait_prompt(pane)
    wait_until(lambda: not process_alive(pid), 10, what="the app to exit")
    assert "Traceback" not in screen and "Error" not in screen, screen
    assert tmux.terminal_state(pane) == CLEAN_TERMINAL


def test_ctrl_c_is_a_key_not_a_crash(tmux, sshd, tmp_path):
    pane = open_over_ssh(tmux, sshd, tmp_path)
    pid = app_pid(tmp_path)
    tmux.keys(pane, "C-c")
    # Ctrl+C either quits cleanly or is an ordinary key (Textual's default: a hint to press ctrl+q); never a crash.
    try:
        wait_until(lambda: not process_alive(pid), 5, what="the app to leave on ctrl+c")
    except AssertionError:
        assert shows_articles(tmux.screen(pane)), tmux.screen(pane)
        tmux.keys(pane, "q")
    screen = tmux.wait_prompt(pane)
    assert "Traceback" not in screen, screen
    assert tmux.terminal_state(pane) == CLEAN_TERMINAL


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def _rgb_of_256(n: int) -> tuple[int, int, int] | None:
    if 16 <= n <= 231:
        n -= 16
        return (n // 36, (n // 6) % 6, n % 6)
    if 232 <= n <= 255:
        return (n, n, n)
    return None  # 0-15: the terminal's own palette


def colours(screen: str) -> list[tuple[str, tuple[int, ...] | None]]:
    """The colours tmux recorded for the app's cells: ('rgb', (r, g, b)), ('256', cube/grey) or ('16', None)."""
    found = []
    for params in SGR.findall(screen):
        parts = [p for p in re.split(r"[;:]", params) if p]
        i = 0
        while i < len(parts):
            p = parts[i]
            if p in ("38", "48") and i + 1 < len(parts):
                if parts[i + 1] == "2":
                    found.append(("rgb", tuple(int(x) for x in parts[i + 2:i + 5])))
                    i += 5
                else:
                    found.append(("256", _rgb_of_256(int(parts[i + 2]))))
                    i += 3
                continue
            if p.isdigit() and (30 <= int(p) <= 37 or 40 <= int(p) <= 47 or 90 <= int(p) <= 107):
                found.append(("16", None))
            i += 1
    return found


def is_grey(colour: tuple[str, tuple[int, ...] | None]) -> bool:
    kind, rgb = colour
    return kind != "16" and rgb is not None and len(set(rgb)) == 1


@pytest.mark.parametrize("env,expected", [
    ({}, "256"),                            # the usual case: ssh does not forward COLORTERM
    ({"COLORTERM": "truecolor"}, "rgb"),    # forwarded (SendEnv, AcceptEnv) : 24-bit colour
    ({"NO_COLOR": "1"}, "grey"),            # monochrome: Textual turns every colour into a shade of grey
], ids=["256-colours", "truecolor", "no-color"])
def test_colours_follow_the_forwarded_environment(tmux, sshd, tmp_path, env, expected):
    send = [x for k in env for x in ("-o", f"SendEnv={k}")]
    pane = open_over_ssh(tmux, sshd, tmp_path, ssh_extra=send, env=env)
    found = colours(tmux.screen(pane, escapes=True))
    kinds = {kind for kind, _ in found}
    if expected == "256":
        assert "256" in kinds and "rgb" not in kinds, kinds
        assert not all(is_grey(c) for c in found), "colour expected, only greys seen"
    elif expected == "rgb":
        assert "rgb" in kinds, kinds
    else:
        assert found and all(is_grey(c) for c in found), sorted(set(found))
    tmux.keys(pane, "q")
    tmux.wait_prompt(pane)


def test_nothing_is_sent_at_rest_over_ssh(sshd, tmp_path):
    """Every byte the app draws crosses the link: at rest, even with a text field open, it must send nothing.
    (Over SSH the app turns low-bandwidth mode on by itself: no animation, no blinking cursor.)"""
    from ssh_harness import PtyClient

    client = PtyClient(sshd.ssh_argv(app_command(tmp_path)), env={**os.environ, "TERM": "xterm-256color"})
    try:
        opened = client.until_quiet(1.5, 60)
        assert shows_articles(client.received.decode("utf-8", "replace").replace("\x1b", " ")) or opened > 10_000
        assert client.read_for(3.0) == 0, "bytes sent at rest"
        client.send(b"e")  # the export dialog: a text field with a cursor
        client.until_quiet(1.0, 10)
        assert b"Export the alignment" in client.received
        assert client.read_for(3.0) == 0, "bytes sent at rest with the export dialog open (a blinking cursor?)"
        client.send(b"\x1b")
        client.until_quiet(1.0, 10)
        client.send(b"q")
        client.until_quiet(1.0, 15)
        assert client.proc.wait(15) == 0
    finally:
        client.close()


def test_an_article_piped_on_standard_input_leaves_the_keys_to_the_terminal(tmux, tmp_path):
    # `cat a | sbs - b`: the article comes through the pipe; j, ] and q must still come from the keyboard.
    pane = tmux.new_shell(80, 24)
    sbs = shlex.quote(str(SBS)) if SBS.exists() else f"{shlex.quote(sys.executable)} -m tui"
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    tmux.type(pane, f"cd {shlex.quote(str(ROOT))} && cat {shlex.quote(str(seeds[0]))} | env TERM=xterm-256color "
                    f"SBS_CACHE_DIR={shlex.quote(str(tmp_path / 'cache'))} {sbs} --model hashing - "
                    f"{shlex.quote(str(seeds[3]))}; echo exit=$?")
    first = tmux.wait_screen(pane, shows_articles, 60, what="the articles on screen")
    assert "stdin" in first
    tmux.keys(pane, "]")
    tmux.wait_screen(pane, lambda s: bottom(s) != bottom(first) and "]" not in s.splitlines()[0], 10,
                     what="the status line to change after ]")
    tmux.keys(pane, "q")
    screen = tmux.wait_prompt(pane)
    assert "exit=0" in screen
