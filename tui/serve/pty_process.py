"""One app process on its own pseudo-terminal, driven from the server's event loop.

The child runs in a new session with the pty as its controlling terminal, so the kernel does the terminal work:
a window-size change (TIOCSWINSZ on the master) sends SIGWINCH to the app, and closing the master hangs it up.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import signal
import struct
import sys
import termios
from collections.abc import Callable, Sequence

# Input the app has not read yet; beyond this the SSH channel stops reading from the client.
INPUT_HIGH_WATER = 64 * 1024
READ_CHUNK = 64 * 1024


def set_window_size(fd: int, cols: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> None:
    cols = max(1, min(int(cols or 80), 10_000))
    rows = max(1, min(int(rows or 24), 10_000))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, xpixels, ypixels))


class PtyProcess:
    """Spawn `argv` on a fresh pty; output goes to `on_output`, `write` feeds its keyboard."""

    def __init__(self, on_output: Callable[[bytes], None], on_input_backlog: Callable[[bool], None]) -> None:
        self._on_output = on_output
        self._on_input_backlog = on_input_backlog  # True: stop reading the client; False: resume
        self._loop = asyncio.get_running_loop()
        self._master: int | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._pending = bytearray()
        self._reading = False
        self._paused = False
        self.output_closed = asyncio.Event()  # the pty reported EOF/EIO: every slave end is closed
        self.returncode: int | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    async def start(self, argv: Sequence[str], env: dict[str, str], cols: int, rows: int) -> None:
        master, slave = os.openpty()
        try:
            set_window_size(master, cols, rows)
            self._proc = await asyncio.create_subprocess_exec(
                *argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                start_new_session=True, close_fds=True, cwd="/",
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        self._master = master
        self._start_reading()

    # -- output: pty -> client -------------------------------------------------------------------------------
    def _start_reading(self) -> None:
        if self._master is not None and not self._reading and not self._paused:
            self._loop.add_reader(self._master, self._readable)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._master is not None and self._reading:
            self._loop.remove_reader(self._master)
        self._reading = False

    def pause_output(self) -> None:
        """The client is not keeping up: leave the app's output in the pty (the app then blocks on write)."""
        self._paused = True
        self._stop_reading()

    def resume_output(self) -> None:
        self._paused = False
        self._start_reading()

    def _readable(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError as exc:  # EIO: the last slave end closed (the app exited)
            if exc.errno not in (errno.EIO, errno.EBADF):
                print(f"sbs serve: pty read: {exc}", file=sys.stderr)
            data = b""
        if not data:
            self._stop_reading()
            self.output_closed.set()
            return
        self._on_output(data)

    # -- input: client -> pty --------------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        if self._master is None or self.output_closed.is_set():
            return
        if self._pending:
            self._pending += data
        else:
            try:
                n = os.write(self._master, data)
            except BlockingIOError:
                n = 0
            except OSError:
                return
            if n < len(data):
                self._pending += data[n:]
                self._loop.add_writer(self._master, self._writable)
        if len(self._pending) > INPUT_HIGH_WATER:
            self._on_input_backlog(True)

    def _writable(self) -> None:
        assert self._master is not None
        try:
            n = os.write(self._master, self._pending)
        except BlockingIOError:
            return
        except OSError:
            n = len(self._pending)
        del self._pending[:n]
        if not self._pending:
            self._loop.remove_writer(self._master)
            self._on_input_backlog(False)

    def resize(self, cols: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> None:
        if self._master is not None:
            try:
                set_window_size(self._master, cols, rows, xpixels, ypixels)  # the kernel sends SIGWINCH
            except OSError:
                pass

    # -- lifetime --------------------------------------------------------------------------------------------
    async def wait(self) -> int:
        assert self._proc is not None
        rc = await self._proc.wait()
        self.returncode = rc
        return rc

    def signal(self, sig: int) -> None:
        """Signal the app's whole process group (it is a session leader: pgid == pid)."""
        if self._proc is not None and self._proc.returncode is None:
            try:
                os.killpg(self._proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass

    async def stop(self, grace: float = 3.0, hang_up: bool = True) -> int:
        """End the app: SIGHUP (the terminal went away), then SIGTERM, then SIGKILL, each after `grace` s."""
        assert self._proc is not None
        for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGKILL):
            if self._proc.returncode is not None:
                break
            if sig == signal.SIGHUP and not hang_up:
                continue
            self.signal(sig)
            try:
                await asyncio.wait_for(asyncio.shield(self._proc.wait()), grace)
            except asyncio.TimeoutError:
                continue
        return await self.wait()

    async def drain_output(self, timeout: float = 1.0) -> None:
        """After the app exited: forward what it wrote last (its terminal restore sequence), briefly."""
        if self._master is None or self._paused:
            return
        try:
            await asyncio.wait_for(self.output_closed.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    def close(self) -> None:
        if self._master is not None:
            self._stop_reading()
            try:
                self._loop.remove_writer(self._master)
            except Exception:
                pass
            os.close(self._master)
            self._master = None
