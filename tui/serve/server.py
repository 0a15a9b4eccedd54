"""The SSH side of `sbs serve --ssh`: authentication, the session cap, and one app process per session.

Only a pty + shell request runs anything (the app); exec, subsystems (SFTP), port forwarding, agent and X11
forwarding are all refused. Authentication is public-key only, against the authorized-keys file, re-read at each
login so keys can be added or revoked without a restart.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from tui.serve.pty_process import PtyProcess
from tui.settings import Settings

# Client-sent environment variables a session honours (OpenSSH: SendEnv). Colour choice only.
ACCEPTED_ENV = ("COLORTERM", "NO_COLOR")
# Server-side variables that describe the *server's* terminal and must not leak into a session.
DROPPED_ENV = ("COLORTERM", "NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "LINES", "TMUX", "STY",
               "SSH_AUTH_SOCK", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "DISPLAY")
PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)
# Resets what a full-screen app may have switched on, for when it dies without restoring the terminal:
# mouse reporting, bracketed paste, hidden cursor, alternate screen, colours.
TERMINAL_RESET = (b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1004l"
                  b"\x1b[?25h\x1b[0m")
ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"


@dataclass
class ServeConfig:
    files: list[str]                       # absolute paths, already checked to load
    host: str = "127.0.0.1"
    port: int = 2222
    authorized_keys: Path | None = None    # None only with allow_anonymous
    allow_anonymous: bool = False
    max_sessions: int = 8
    idle_timeout: float = 900.0            # seconds without input from the reader; 0 = never
    session: Settings = field(default_factory=Settings)  # each session's settings (tui/settings.py)
    login_timeout: float = 30.0
    log: bool = True


class Server:
    """Shared state: the config, the live sessions and the counters behind the cap."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.sessions: set[AppSession] = set()
        self._ids = itertools.count(1)
        self.connections = 0
        self.max_connections = 2 * config.max_sessions + 4
        self.acceptor: asyncssh.SSHAcceptor | None = None

    def next_id(self) -> int:
        return next(self._ids)

    def log(self, msg: str) -> None:
        if self.config.log:
            print(f"sbs serve: {msg}", file=sys.stderr, flush=True)

    async def start(self, host_key: asyncssh.SSHKey) -> int:
        cfg = self.config
        self.acceptor = await asyncssh.create_server(
            lambda: SbsSSHServer(self), cfg.host, cfg.port,
            server_host_keys=[host_key],
            server_version="sidebyside",
            encoding=None,               # bytes both ways: the app's output is passed through untouched
            line_editor=False,           # the app reads raw keys; no server-side line editing
            agent_forwarding=False, x11_forwarding=False, allow_scp=False,
            sftp_factory=None, gss_host=None,
            login_timeout=cfg.login_timeout,
            keepalive_interval=30, keepalive_count_max=4,  # notice vanished readers, end their apps
        )
        return self.acceptor.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.acceptor is not None:
            self.acceptor.close()
            await self.acceptor.wait_closed()
        await asyncio.gather(*(s.end("the server is shutting down") for s in list(self.sessions)),
                             return_exceptions=True)


class SbsSSHServer(asyncssh.SSHServer):
    def __init__(self, server: Server) -> None:
        self.server = server
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.server.connections += 1
        if self.server.connections > self.server.max_connections:
            # Connections still logging in are cheap but not free: bound them too, well above the session cap.
            self.server.log(f"connection refused: {self.server.connections - 1} already open")
            asyncio.get_running_loop().call_soon(
                conn.disconnect, asyncssh.DISC_TOO_MANY_CONNECTIONS, "too many connections; try again later")

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections -= 1

    def begin_auth(self, username: str) -> bool:
        cfg = self.server.config
        if cfg.allow_anonymous:
            return False  # no authentication: read-only loopback demos only (checked at start-up)
        assert self.conn is not None and cfg.authorized_keys is not None
        try:
            self.conn.set_authorized_keys(asyncssh.read_authorized_keys(str(cfg.authorized_keys)))
        except (OSError, ValueError, asyncssh.KeyImportError) as exc:
            self.server.log(f"authorized keys {cfg.authorized_keys}: {exc}; refusing every key")
            self.conn.set_authorized_keys(asyncssh.SSHAuthorizedKeys())
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def session_requested(self) -> "AppSession":
        assert self.conn is not None
        return AppSession(self.server, self.conn)

    # Port forwarding (local, remote, Unix sockets) is refused: the base class already returns False for
    # connection_requested / server_requested / unix_*; kept explicit here so the policy is visible.
    def connection_requested(self, *args):
        return False

    def server_requested(self, *args):
        return False

    def unix_connection_requested(self, *args):
        return False

    def unix_server_requested(self, *args):
        return False


class AppSession(asyncssh.SSHServerSession):
    """One SSH session channel: with a pty and a shell request, the app on its own pty; anything else, a message."""

    def __init__(self, server: Server, conn: asyncssh.SSHServerConnection) -> None:
        self.server = server
        self.conn = conn
        self.id = server.next_id()
        self.chan: asyncssh.SSHServerChannel | None = None
        self.term = "xterm-256color"
        self.size = (80, 24, 0, 0)
        self.has_pty = False
        self.exec_command: str | None = None
        self.proc: PtyProcess | None = None
        self.last_input = time.monotonic()
        self.started = time.monotonic()
        self._ending: asyncio.Task | None = None
        self._tasks: list[asyncio.Task] = []
        self._closed = False
        self.alt_screen = False
        self._tail = b""

    # -- requests ------------------------------------------------------------------------------------------
    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size, term_modes) -> bool:
        self.has_pty = True
        if term_type and term_type.isprintable() and len(term_type) < 64:
            self.term = term_type
        if term_size and term_size[0] and term_size[1]:
            self.size = tuple(term_size)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.exec_command = command  # accepted only to explain, in session_started, why it will not run
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        return False  # no SFTP or any other subsystem

    def session_started(self) -> None:
        assert self.chan is not None
        port = self.server.config.port
        if self.exec_command is not None:
            self._refuse("this server only shows the articles; it runs no commands. "
                         f"Connect without one: ssh -t -p {port} HOST")
        elif not self.has_pty:
            self._refuse(f"sidebyside needs a terminal. Connect with: ssh -t -p {port} HOST")
        elif len(self.server.sessions) >= self.server.config.max_sessions:
            self.server.log(f"session {self.id} refused: {len(self.server.sessions)} sessions already open")
            self._refuse(f"all {self.server.config.max_sessions} sessions are in use; please try again in a "
                         "few minutes.")
        else:
            self.server.sessions.add(self)
            self._tasks.append(asyncio.ensure_future(self._run()))

    def _refuse(self, message: str) -> None:
        assert self.chan is not None
        self.chan.write_stderr(f"sidebyside: {message}\r\n".encode())
        self.chan.exit(1)

    # -- running the app -------------------------------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV and not k.startswith("TEXTUAL")}
        env["TERM"] = self.term
        env.setdefault("LANG", "C.UTF-8")
        env.update(self.server.config.session.session_environment())  # export folder, read-only, served
        # The app must import from wherever this server imports (a source checkout need not be installed).
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_ROOT, env.get("PYTHONPATH")]))
        assert self.chan is not None
        for key, value in self.chan.get_environment().items():
            if key in ACCEPTED_ENV and isinstance(value, str) and value.isprintable() and len(value) < 64:
                env[key] = value
        return env

    async def _run(self) -> None:
        cfg = self.server.config
        assert self.chan is not None
        argv = [sys.executable, "-m", "tui.serve.session_entry", *cfg.files, *cfg.session.session_arguments()]
        cols, rows = self.size[0], self.size[1]
        self.proc = PtyProcess(self._output, self._input_backlog)
        user = self.conn.get_extra_info("username")
        peer = self.conn.get_extra_info("peername") or ("?", 0)
        try:
            await self.proc.start(argv, self._env(), cols, rows)
        except OSError as exc:
            self.server.log(f"session {self.id}: cannot start the app: {exc}")
            self.server.sessions.discard(self)
            self._refuse("the server could not start the app; please try again later.")
            return
        self.server.log(f"session {self.id} started: user {user!r} from {peer[0]}, {cols}x{rows} {self.term}, "
                        f"pid {self.proc.pid} ({len(self.server.sessions)}/{cfg.max_sessions} open)")
        if cfg.idle_timeout > 0:
            self._tasks.append(asyncio.ensure_future(self._watch_idle()))
        rc = await self.proc.wait()
        if self._ending is None:  # the app ended by itself (q, or a crash): pass its status on
            await self.proc.drain_output()
            if rc != 0 or self.alt_screen:
                self._reset_terminal()
            self._finish(rc)

    def _output(self, data: bytes) -> None:
        # Follow whether the app left the reader on the alternate screen (the sequence may straddle two reads).
        seen = self._tail + data
        on, off = seen.rfind(ALT_SCREEN_ON), seen.rfind(ALT_SCREEN_OFF)
        if on != off:
            self.alt_screen = on > off
        self._tail = seen[-(len(ALT_SCREEN_ON) - 1):]
        self._write(data)

    def _reset_terminal(self) -> None:
        """After an app that did not leave cleanly: switch off what it switched on; leave the alternate screen
        only if it is still on (leaving it otherwise would move the reader's cursor)."""
        self._write(TERMINAL_RESET + (ALT_SCREEN_OFF if self.alt_screen else b"") + b"\r\n")
        self.alt_screen = False

    def _write(self, data: bytes) -> None:
        if self.chan is not None and not self._closed:
            try:
                self.chan.write(data)
            except (asyncssh.Error, OSError, BrokenPipeError):
                pass

    def _input_backlog(self, backlog: bool) -> None:
        if self.chan is None:
            return
        if backlog:
            self.chan.pause_reading()
        else:
            self.chan.resume_reading()

    def _finish(self, rc: int) -> None:
        if self.proc is not None:
            self.proc.close()
        self.server.sessions.discard(self)
        for task in self._tasks:
            if task is not asyncio.current_task():
                task.cancel()
        elapsed = time.monotonic() - self.started
        self.server.log(f"session {self.id} ended: status {rc}, {elapsed:.0f} s")
        if self.chan is not None and not self._closed:
            self._closed = True
            try:
                self.chan.exit(rc if rc >= 0 else 128 - rc)
            except (asyncssh.Error, OSError):
                pass

    def end(self, reason: str, hang_up: bool = False) -> asyncio.Task:
        """End the app (reader gone, idle, or shutdown); the message is shown after the app has left."""
        if self._ending is None:
            self._ending = asyncio.ensure_future(self._end(reason, hang_up))
        return self._ending

    async def _end(self, reason: str, hang_up: bool) -> None:
        if self.proc is None or self.proc.pid is None:
            self._finish(1)
            return
        if hang_up:
            self._closed = True
            self.proc.close()  # the reader is gone: closing the master hangs the app up
            rc = await self.proc.stop(grace=3.0, hang_up=True)
        else:
            # Still connected: let the app restore the reader's terminal (SIGHUP/SIGTERM make it exit cleanly).
            rc = await self.proc.stop(grace=3.0, hang_up=True)
            await self.proc.drain_output()
            if rc != 0 or self.alt_screen:
                self._reset_terminal()
            self._write(f"\r\nsidebyside: {reason}\r\n".encode())
        self.server.log(f"session {self.id}: {reason}")
        self._finish(rc)

    async def _watch_idle(self) -> None:
        timeout = self.server.config.idle_timeout
        while True:
            remaining = self.last_input + timeout - time.monotonic()
            if remaining <= 0:
                self.end(f"closed after {timeout:g} s without input")
                return
            await asyncio.sleep(min(remaining + 0.05, 60))

    # -- events from the client ------------------------------------------------------------------------------
    def data_received(self, data: bytes, datatype) -> None:
        self.last_input = time.monotonic()
        if self.proc is not None:
            self.proc.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width, height, pixwidth, pixheight)
        if self.proc is not None:
            self.proc.resize(width, height, pixwidth, pixheight)

    def pause_writing(self) -> None:
        if self.proc is not None:
            self.proc.pause_output()

    def resume_writing(self) -> None:
        if self.proc is not None:
            self.proc.resume_output()

    def eof_received(self) -> bool:
        return True  # keep the channel half-open; the app decides when to leave

    def connection_lost(self, exc: Exception | None) -> None:
        if self.proc is not None and self.proc.returncode is None and self in self.server.sessions:
            self.end("the reader disconnected", hang_up=True)


async def serve(config: ServeConfig, host_key: asyncssh.SSHKey, ready=None) -> None:
    """Run until SIGINT/SIGTERM/SIGHUP; `ready(port)` is called once the socket listens."""
    server = Server(config)
    port = await server.start(host_key)
    config.port = port
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    if ready is not None:
        ready(port)
    try:
        await stop.wait()
    finally:
        server.log("shutting down")
        await server.stop()
