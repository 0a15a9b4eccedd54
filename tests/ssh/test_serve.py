"""`sbs serve --ssh`, driven with the real OpenSSH client on loopback: log in with a key and land in the app;
everything else an SSH server could offer is refused; sessions are isolated, capped and timed out."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from ssh_harness import (CLEAN_TERMINAL, ROOT, SSH_OPTIONS, SbsServer, article_lines, process_alive, shows_articles,
                         wait_until)


@pytest.fixture
def authorized(tmp_path, user_key) -> Path:
    path = tmp_path / "authorized_keys"
    path.write_text(Path(f"{user_key}.pub").read_text())
    return path


@pytest.fixture
def start_server(ssh_tools, tmp_path):
    """Start `sbs serve --ssh` on 127.0.0.1 with a free port; every server started is stopped afterwards."""
    servers: list[SbsServer] = []

    def start(*args: str, host_key: Path | None = None) -> SbsServer:
        server = SbsServer(tmp_path, ["--model", "hashing", "--host-key", str(host_key or tmp_path / "host_key"),
                                      "--export-dir", str(tmp_path / "exports"), *args],
                           env={"SBS_CACHE_DIR": str(tmp_path / "cache")})
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(start_server, authorized):
    return start_server("--authorized-keys", str(authorized))


def ssh(server: SbsServer, key, *extra: str, command: str | None = None, tty: bool = False, user: str = "reader",
        timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(server.ssh_argv(key, user=user, tty=tty, extra=list(extra), command=command),
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def open_session(tmux, server, key, user="reader", width=80, height=24) -> str:
    pane = tmux.new_shell(width, height)
    tmux.type(pane, shlex.join(server.ssh_argv(key, user=user)))
    tmux.wait_screen(pane, shows_articles, 60, what="the served articles")
    return pane


def session_pids(server: SbsServer, count: int = 1) -> list[int]:
    return [int(m.group(1)) for m in server.wait_log(r"session \d+ started: .* pid (\d+)", count=count)]


def test_any_user_name_with_the_key_lands_in_the_app(tmux, server, user_key):
    pane = open_session(tmux, server, user_key, user="someone-with-no-account")
    first = tmux.screen(pane)
    assert len(article_lines(first)) >= 4, first
    tmux.keys(pane, "j")
    tmux.wait_screen(pane, lambda s: s != first, 10, what="the screen to change after j")
    tmux.keys(pane, "q")
    screen = tmux.wait_prompt(pane)
    assert tmux.terminal_state(pane) == CLEAN_TERMINAL
    assert "Traceback" not in screen
    server.wait_log(r"session 1 ended: status 0")
    assert "user 'someone-with-no-account'" in server.log()


def test_a_wrong_key_is_refused(server, other_key):
    r = ssh(server, other_key, command=None)
    assert r.returncode == 255
    assert "Permission denied (publickey)" in r.stderr
    assert "started" not in server.log()


def test_passwords_are_not_even_offered(server):
    r = ssh(server, None, "-o", "PreferredAuthentications=password,keyboard-interactive")
    assert r.returncode == 255
    # The only method the server lists is publickey.
    assert "Permission denied (publickey)" in r.stderr, r.stderr


def test_commands_are_refused_with_a_message(server, user_key):
    r = ssh(server, user_key, command="cat /etc/passwd")
    assert r.returncode == 1
    assert "runs no commands" in r.stderr and "root:" not in r.stdout


def test_a_session_without_a_terminal_is_refused_with_a_message(server, user_key):
    r = ssh(server, user_key)
    assert r.returncode == 1
    assert "needs a terminal" in r.stderr


def test_sftp_and_port_forwarding_are_refused(server, user_key, tmp_path):
    target = f"127.0.0.1:{server.port}"
    if _have("sftp"):
        sftp = subprocess.run(["sftp", "-P", str(server.port), "-i", str(user_key), *SSH_OPTIONS, "-b", "-",
                               "reader@127.0.0.1"], input="ls /\n", capture_output=True, text=True, timeout=30)
        assert sftp.returncode != 0 and "etc" not in sftp.stdout, sftp
    # -W: a direct TCP connection through the server (what -L and ProxyJump use).
    stdio = ssh(server, user_key, "-W", target)
    assert stdio.returncode == 255 and "forwarding failed" in stdio.stderr, stdio.stderr
    remote = ssh(server, user_key, "-N", "-R", "0:127.0.0.1:9", "-o", "ExitOnForwardFailure=yes")
    assert remote.returncode == 255 and "forwarding failed" in remote.stderr, remote.stderr
    assert server.alive()


def _have(tool: str) -> bool:
    import shutil

    return shutil.which(tool) is not None


def test_ten_concurrent_sessions_and_a_polite_refusal_beyond_the_cap(tmux, start_server, authorized, user_key):
    server = start_server("--authorized-keys", str(authorized), "--max-sessions", "10")
    panes = []
    for _ in range(10):
        pane = tmux.new_shell()
        tmux.type(pane, shlex.join(server.ssh_argv(user_key)))
        panes.append(pane)
    for pane in panes:
        tmux.wait_screen(pane, shows_articles, 120, what=f"the articles in {pane}")
    server.wait_log(r"session \d+ started", count=10)

    extra = subprocess.run(server.ssh_argv(user_key), capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
    assert extra.returncode == 1 and "all 10 sessions are in use" in extra.stderr, extra

    for pane in panes:  # every session still answers its own keys
        before = tmux.screen(pane)
        tmux.keys(pane, "j")
        tmux.wait_screen(pane, lambda s: s != before, 15, what=f"j in {pane}")
    for pane in panes:
        tmux.keys(pane, "q")
    for pane in panes:
        tmux.wait_prompt(pane, timeout=30)
        assert tmux.terminal_state(pane) == CLEAN_TERMINAL
    server.wait_log(r"session \d+ ended: status 0", count=10)


def test_a_session_killed_midway_leaves_the_server_and_other_sessions_healthy(tmux, server, user_key):
    victim = open_session(tmux, server, user_key)
    bystander = open_session(tmux, server, user_key)
    victim_pid, bystander_pid = session_pids(server, 2)
    os.kill(victim_pid, signal.SIGKILL)  # the app crashes hard
    tmux.wait_prompt(victim)
    assert tmux.terminal_state(victim) == CLEAN_TERMINAL, "the server resets the reader's terminal after a crash"
    server.wait_log(r"session 1 ended: status -9")

    before = tmux.screen(bystander)
    tmux.keys(bystander, "j")
    tmux.wait_screen(bystander, lambda s: s != before, 10, what="the other session to still respond")

    # The reader's connection drops (client killed): the server hangs that app up.
    shell = int(tmux.flag(bystander, "pane_pid"))
    client = int(subprocess.run(["pgrep", "-P", str(shell), "-x", "ssh"], capture_output=True, text=True,
                                timeout=10).stdout.split()[0])
    os.kill(client, signal.SIGKILL)
    wait_until(lambda: not process_alive(bystander_pid), 15, what="the dropped session's app to end")
    server.wait_log(r"session 2: the reader disconnected")

    fresh = open_session(tmux, server, user_key)  # and a new reader still gets in
    tmux.keys(fresh, "q")
    tmux.wait_prompt(fresh)
    assert server.alive()


def test_window_size_and_resizes_pass_through(tmux, server, user_key):
    pane = open_session(tmux, server, user_key, width=100, height=30)
    server.wait_log(r"session 1 started: .* 100x30 ")
    screen = tmux.screen(pane)
    assert max(len(ln.rstrip()) for ln in screen.splitlines()) > 80, screen
    tmux.resize(pane, 130, 40)
    tmux.wait_screen(pane, lambda s: len(s.rstrip("\n").splitlines()) == 40
                     and max(len(ln.rstrip()) for ln in s.splitlines()) > 100 and shows_articles(s), 15,
                     what="a redraw at 130x40")
    tmux.resize(pane, 60, 20)
    tmux.wait_screen(pane, lambda s: max(len(ln.rstrip()) for ln in s.splitlines()) <= 60 and shows_articles(s, 2),
                     15, what="a redraw at 60x20")
    tmux.keys(pane, "q")
    tmux.wait_prompt(pane)


def test_idle_sessions_are_closed_cleanly(tmux, start_server, authorized, user_key):
    server = start_server("--authorized-keys", str(authorized), "--idle-timeout", "3")
    pane = open_session(tmux, server, user_key)
    screen = tmux.wait_prompt(pane, timeout=20)
    assert "closed after 3 s without input" in screen, screen
    assert tmux.terminal_state(pane) == CLEAN_TERMINAL
    server.wait_log(r"session 1: closed after 3 s without input")


def test_the_host_key_is_generated_once_and_kept(start_server, authorized, tmp_path):
    key = tmp_path / "keys" / "host"
    first = start_server("--authorized-keys", str(authorized), host_key=key)
    fingerprint = re.search(r"host key (SHA256:\S+);", first.log()).group(1)
    assert "new host key" in first.log()
    assert key.stat().st_mode & 0o777 == 0o600
    first.stop()
    # OpenSSH reads the same key and agrees on the fingerprint.
    listed = subprocess.run(["ssh-keygen", "-l", "-f", str(key)], capture_output=True, text=True, timeout=10)
    assert fingerprint in listed.stdout
    second = start_server("--authorized-keys", str(authorized), host_key=key)
    assert "new host key" not in second.log()
    assert re.search(r"host key (SHA256:\S+);", second.log()).group(1) == fingerprint


def test_anonymous_demo_on_loopback(tmux, start_server):
    server = start_server("--allow-anonymous")
    # Its sessions write no files, and the start-up line says so (it named an export folder).
    assert "no exports (anonymous sessions write no files)" in server.log() and "exports to" not in server.log()
    pane = tmux.new_shell()
    tmux.type(pane, shlex.join(server.ssh_argv(None, user="guest")))
    tmux.wait_screen(pane, shows_articles, 60, what="the articles, without any key")
    tmux.keys(pane, "q")
    tmux.wait_prompt(pane)


def run_sbs(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("args,message", [
    (["serve"], "--ssh"),
    (["serve", "--ssh"], "--authorized-keys"),
    (["serve", "--ssh", "--authorized-keys", "/nonexistent/keys"], "no such file"),
    (["serve", "--ssh", "--allow-anonymous", "--host", "0.0.0.0"], "loopback"),
    (["serve", "--ssh", "--allow-anonymous", "--port", "70000"], "--port"),
    (["serve", "--ssh", "--allow-anonymous", "--max-sessions", "0"], "--max-sessions"),
    (["serve", "--ssh", "--allow-anonymous", "/nonexistent/article.txt"], "nonexistent"),
    (["serve", "--ssh", "--allow-anonymous", "-"], "standard input"),
], ids=["no-transport", "no-keys", "missing-keys", "anonymous-off-loopback", "port", "cap", "missing-file", "stdin"])
def test_serve_refuses_bad_settings_in_one_line(args, message):
    r = run_sbs(*args)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sbs: ") and message in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_exports_land_in_the_server_export_directory_only(tmux, server, user_key, tmp_path):
    exports = tmp_path / "exports"
    pane = open_session(tmux, server, user_key)
    tmux.wait_screen(pane, lambda s: "Aligning" not in s and shows_articles(s), 60, what="the alignment to finish")
    tmux.keys(pane, "e")
    tmux.wait_screen(pane, lambda s: "Export the alignment" in s, 15, what="the export dialog")
    tmux.keys(pane, "Enter")
    written = wait_until(lambda: [p for p in exports.glob("*.csv")], 20, what="a CSV in the export directory")
    assert len(written) == 1 and written[0].read_text(encoding="utf-8").count("\n") > 5

    # A name that tries to leave the directory is refused in the dialog; nothing is written outside.
    tmux.keys(pane, "e")
    tmux.wait_screen(pane, lambda s: "Export the alignment" in s and "sbs-" in s, 15, what="the export dialog again")
    tmux.keys(pane, "C-u")
    tmux.wait_screen(pane, lambda s: "sbs-" not in s, 10, what="the suggested name to be cleared")
    tmux.type(pane, "../escaped.csv", enter=False)
    tmux.wait_screen(pane, lambda s: "../escaped.csv" in s, 10, what="the typed name")
    tmux.keys(pane, "Enter")
    tmux.wait_screen(pane, lambda s: "only a plain file name" in s, 10, what="the refusal in the dialog")
    assert not (tmp_path / "escaped.csv").exists() and len(list(exports.glob("*.csv"))) == 1
    tmux.keys(pane, "Escape")  # (a lone ESC: q sent in the same read would arrive as alt+q)
    tmux.wait_screen(pane, lambda s: "Export the alignment" not in s, 10, what="the dialog to close")
    tmux.keys(pane, "q")
    tmux.wait_prompt(pane)


def test_stopping_the_server_ends_sessions_cleanly(tmux, server, user_key):
    pane = open_session(tmux, server, user_key)
    (pid,) = session_pids(server, 1)
    assert server.stop() == 0
    screen = tmux.wait_prompt(pane)
    assert "the server is shutting down" in screen, screen
    assert tmux.terminal_state(pane) == CLEAN_TERMINAL
    assert not process_alive(pid)


def test_connections_still_logging_in_are_bounded_too(start_server, authorized, user_key):
    import socket

    server = start_server("--authorized-keys", str(authorized), "--max-sessions", "1")  # 2 * 1 + 4 connections
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(6)]
    try:
        # (polled: the server registers the six raw connections asynchronously)
        wait_until(lambda: "too many connections" in ssh(server, user_key, command="x").stderr, 20, interval=0.5,
                   what="a login beyond the connection bound to be refused")
    finally:
        for s in idle:
            s.close()
    wait_until(lambda: ssh(server, user_key, command="x").returncode == 1, 20, interval=0.5,
               what="logins to work again once the idle connections closed")


def test_an_app_that_cannot_start_tells_the_reader_and_the_server_carries_on(tmux, start_server, authorized,
                                                                              user_key, tmp_path):
    from ssh_harness import SEEDS

    served = []
    for seed in SEEDS[:2]:
        copy = tmp_path / seed.name
        copy.write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
        served.append(str(copy))
    server = start_server("--authorized-keys", str(authorized), *served)
    os.unlink(served[1])  # gone after the server checked it: each session's app will fail to read it
    pane = tmux.new_shell()
    tmux.type(pane, shlex.join(server.ssh_argv(user_key)))
    screen = tmux.wait_prompt(pane)
    flat = screen.replace("\n", "")  # the path wraps at 80 columns
    assert "sbs: " in flat and f"{SEEDS[1].name}: no such file" in flat and "Traceback" not in flat, screen
    assert tmux.terminal_state(pane) == CLEAN_TERMINAL
    server.wait_log(r"session 1 ended: status 1")
    assert server.alive()


@pytest.mark.model
def test_with_the_real_model_sessions_open_from_the_cache_warmed_at_start(tmux, ssh_tools, authorized, user_key,
                                                                          tmp_path):
    """The server embeds the articles once before listening; sessions then never load torch."""
    server = SbsServer(tmp_path, ["--authorized-keys", str(authorized), "--host-key", str(tmp_path / "hk"),
                                  "--export-dir", str(tmp_path / "exports")],
                       env={"SBS_CACHE_DIR": str(tmp_path / "cache")})
    try:
        server.start(timeout=300)
        assert "preparing the alignment" in server.log()
        pane = open_session(tmux, server, user_key)
        tmux.wait_screen(pane, lambda s: "Aligning" not in s and shows_articles(s), 60, what="the aligned view")
        (pid,) = session_pids(server, 1)
        maps = Path(f"/proc/{pid}/maps").read_text()
        assert "libtorch" not in maps, "the session loaded the model instead of reading the warm cache"
        tmux.keys(pane, "q")
        tmux.wait_prompt(pane)
    finally:
        server.stop()


def test_a_served_session_sends_nothing_at_rest(server, user_key):
    from ssh_harness import PtyClient

    client = PtyClient(server.ssh_argv(user_key), env={**os.environ, "TERM": "xterm-256color"})
    try:
        client.until_quiet(1.5, 60)
        assert client.read_for(3.0) == 0, "bytes sent at rest"
        client.send(b"e")  # a text field with a cursor: low-bandwidth mode (on in served sessions) does not blink
        client.until_quiet(1.0, 10)
        assert b"Export the alignment" in client.received
        assert client.read_for(3.0) == 0, "bytes sent at rest with the export dialog open"
        client.send(b"\x1b")
        client.until_quiet(1.0, 10)
        client.send(b"q")
        assert client.proc.wait(15) == 0
    finally:
        client.close()
