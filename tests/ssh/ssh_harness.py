"""Real terminals for the SSH tests: OpenSSH's sshd on loopback, tmux panes to type into and read back,
and `sbs serve --ssh` as a subprocess. Every wait is a poll with a deadline; every process is stopped."""

from __future__ import annotations

import getpass
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SSHD = "/usr/sbin/sshd"
PROMPT = "sbs-test$ "
# OpenSSH client options for throwaway keys and hosts: no user config, no known_hosts, no agent, no prompts.
SSH_OPTIONS = ["-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
               "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
               "-o", "IdentityAgent=none", "-o", "ConnectTimeout=10"]


def find_tools() -> dict[str, str | None]:
    return {"ssh": shutil.which("ssh"), "sshd": SSHD if os.access(SSHD, os.X_OK) else shutil.which("sshd"),
            "tmux": shutil.which("tmux"), "ssh-keygen": shutil.which("ssh-keygen")}


def wait_until(predicate: Callable[[], object], timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)],
                   check=True, timeout=30)
    return path


# -- what the app shows --------------------------------------------------------------------------------------
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _seed_trigrams() -> set[tuple[str, str, str]]:
    grams: set[tuple[str, str, str]] = set()
    for p in SEEDS:
        words = [w.lower() for w in _WORD.findall(p.read_text(encoding="utf-8"))]
        grams.update(zip(words, words[1:], words[2:]))
    return grams


SEED_TRIGRAMS = _seed_trigrams()


def article_lines(screen: str) -> list[str]:
    """Screen lines that show article text: three consecutive words of a seed article on one line."""
    out = []
    for line in screen.splitlines():
        words = [w.lower() for w in _WORD.findall(line)]
        if any(g in SEED_TRIGRAMS for g in zip(words, words[1:], words[2:])):
            out.append(line)
    return out


def shows_articles(screen: str, min_lines: int = 4) -> bool:
    return len(article_lines(screen)) >= min_lines and "Traceback" not in screen


# -- tmux ------------------------------------------------------------------------------------------------------
class Tmux:
    """A private tmux server (own socket, no config) running a plain shell in one pane per window."""

    def __init__(self, workdir: Path) -> None:
        self.socket = str(workdir / "tmux.sock")
        self.windows = 0

    def cmd(self, *args: str, check: bool = True) -> str:
        r = subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args],
                           capture_output=True, text=True, timeout=15)
        if check and r.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def new_shell(self, width: int = 80, height: int = 24, env: dict[str, str] | None = None) -> str:
        """A new window with a clean bash; returns its target name once the prompt shows."""
        name = f"w{self.windows}"
        self.windows += 1
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"),
                "TERM": "tmux-256color", "PS1": PROMPT, "LANG": "C.UTF-8"}
        base.update(env or {})
        shell = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in base.items()) + \
                " bash --norc --noprofile"
        # One detached session per shell: each keeps the size asked for (resize-window changes it later).
        self.cmd("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), shell)
        target = f"{name}:"
        wait_until(lambda: PROMPT.strip() in self.screen(target), 10, what="the shell prompt")
        return target

    def type(self, target: str, text: str, enter: bool = True) -> None:
        self.cmd("send-keys", "-t", target, "-l", text)
        if enter:
            self.cmd("send-keys", "-t", target, "Enter")

    def keys(self, target: str, *keys: str) -> None:
        self.cmd("send-keys", "-t", target, *keys)

    def screen(self, target: str, escapes: bool = False) -> str:
        return self.cmd("capture-pane", "-p", *(["-e"] if escapes else []), "-t", target)

    def flag(self, target: str, name: str) -> str:
        return self.cmd("display-message", "-p", "-t", target, f"#{{{name}}}").strip()

    def resize(self, target: str, width: int, height: int) -> None:
        self.cmd("resize-window", "-t", target, "-x", str(width), "-y", str(height))

    def wait_screen(self, target: str, predicate: Callable[[str], object], timeout: float = 30,
                    what: str = "the screen") -> str:
        last = [""]

        def check():
            last[0] = self.screen(target)
            return predicate(last[0])

        try:
            wait_until(check, timeout, interval=0.15, what=what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the screen was:\n{last[0]}") from None
        return last[0]

    def wait_prompt(self, target: str, timeout: float = 20) -> str:
        """The shell is back: prompt on the last non-empty line, normal screen, modes the app set switched off."""
        def back(screen: str) -> bool:
            lines = [ln for ln in screen.splitlines() if ln.strip()]
            # After resizes tmux reflows the normal screen, and the cursor the app restores on exit can land at
            # the end of the command line: the prompt then follows it on that line.
            return bool(lines) and lines[-1].rstrip().endswith(PROMPT.rstrip())

        screen = self.wait_screen(target, back, timeout, what="the shell prompt after the app")
        return screen

    def terminal_state(self, target: str) -> dict[str, str]:
        names = ("alternate_on", "mouse_any_flag", "mouse_button_flag", "mouse_standard_flag", "mouse_sgr_flag",
                 "cursor_flag", "keypad_cursor_flag")
        return {n: self.flag(target, n) for n in names}

    def kill(self) -> None:
        self.cmd("kill-server", check=False)


CLEAN_TERMINAL = {"alternate_on": "0", "mouse_any_flag": "0", "mouse_button_flag": "0",
                  "mouse_standard_flag": "0", "mouse_sgr_flag": "0", "cursor_flag": "1",
                  "keypad_cursor_flag": "0"}


# -- OpenSSH's server ------------------------------------------------------------------------------------------
class Sshd:
    """Debian's sshd in the foreground on 127.0.0.1:PORT with its own config, host key and authorized keys."""

    def __init__(self, workdir: Path, user_key: Path) -> None:
        self.dir = workdir
        self.user = getpass.getuser()
        self.user_key = user_key
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> None:
        host_key = keygen(self.dir / "ssh_host_ed25519_key")
        authorized = self.dir / "authorized_keys"
        authorized.write_text(Path(f"{self.user_key}.pub").read_text())
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege-separation directory
        for attempt in range(3):
            self.port = free_port()
            config = self.dir / "sshd_config"
            config.write_text("\n".join([
                f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {host_key}",
                f"PidFile {self.dir / 'sshd.pid'}", f"AuthorizedKeysFile {authorized}", "StrictModes no",
                "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes", "PermitRootLogin prohibit-password", f"AllowUsers {self.user}",
                "AcceptEnv COLORTERM NO_COLOR", "PrintMotd no", "PrintLastLog no", "Banner none",
                "X11Forwarding no", "AllowTcpForwarding no", "LogLevel ERROR", "",
            ]))
            self.log = open(self.dir / f"sshd-{attempt}.log", "w")
            self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=self.log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            try:
                wait_until(lambda: self.proc.poll() is not None or self._ready(), 10, what="sshd to listen")
            except AssertionError:
                self.stop()
                raise
            if self.proc.poll() is None:
                return
            self.log.close()  # it exited: most likely the port was taken meanwhile; try another
        raise AssertionError(f"sshd did not start: {(self.dir / 'sshd-2.log').read_text()}")

    def _ready(self) -> bool:
        r = subprocess.run(self.ssh_argv(["true"], tty=False), capture_output=True, timeout=15,
                           stdin=subprocess.DEVNULL)
        return r.returncode == 0

    def ssh_argv(self, remote: list[str] | str, tty: bool = True, extra: list[str] = ()) -> list[str]:
        command = remote if isinstance(remote, str) else shlex.join(remote)
        return ["ssh", *(["-tt"] if tty else ["-T"]), "-p", str(self.port), "-i", str(self.user_key),
                *SSH_OPTIONS, *extra, f"{self.user}@127.0.0.1", command]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


# -- sbs serve --ssh ---------------------------------------------------------------------------------------------
class SbsServer:
    """`python -m tui serve --ssh --port 0 ...` as a subprocess; its log lines are collected as they come."""

    LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")

    def __init__(self, workdir: Path, args: list[str], env: dict[str, str] | None = None) -> None:
        self.dir = workdir
        self.args = args
        self.env = env
        self.lines: list[str] = []
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "SbsServer":
        import sys

        env = dict(os.environ, **(self.env or {}))
        self.proc = subprocess.Popen([sys.executable, "-m", "tui", "serve", "--ssh", "--host", "127.0.0.1",
                                      "--port", "0", *self.args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._collect, daemon=True).start()

        def listening():
            for line in list(self.lines):
                m = self.LISTENING.search(line)
                if m:
                    return int(m.group(1))
            if self.proc.poll() is not None:
                raise AssertionError(f"sbs serve exited with {self.proc.returncode}: {self.log()}")
            return 0

        self.port = wait_until(listening, timeout, what="sbs serve to listen")
        return self

    def _collect(self) -> None:
        assert self.proc and self.proc.stdout
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_log(self, pattern: str, timeout: float = 20, count: int = 1) -> list[re.Match]:
        rx = re.compile(pattern)

        def found():
            hits = [m for m in (rx.search(ln) for ln in list(self.lines)) if m]
            return hits if len(hits) >= count else None

        try:
            return wait_until(found, timeout, what=f"server log {pattern!r} x{count}")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; log:\n{self.log()}") from None

    def ssh_argv(self, key: Path | None, user: str = "reader", tty: bool = True, extra: list[str] = (),
                 command: str | None = None) -> list[str]:
        ident = ["-i", str(key)] if key else ["-o", "PubkeyAuthentication=no"]
        return ["ssh", *(["-tt"] if tty else ["-T"]), "-p", str(self.port), *ident, *SSH_OPTIONS, *extra,
                f"{user}@127.0.0.1", *([command] if command else [])]

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class PtyClient:
    """A command (here: the ssh client) on a pseudo-terminal of our own, counting the bytes it writes to it."""

    def __init__(self, argv: list[str], cols: int = 80, rows: int = 24, env: dict[str, str] | None = None) -> None:
        import fcntl
        import struct
        import termios

        self.master, slave = os.openpty()
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                     env=env)
        os.close(slave)
        self.last_output = time.monotonic()
        self.received = b""

    def read_for(self, seconds: float) -> int:
        import select

        got = 0
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if not select.select([self.master], [], [], left)[0]:
                break
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            if not data:
                break
            got += len(data)
            self.received += data
            self.last_output = time.monotonic()
        return got

    def until_quiet(self, quiet: float, limit: float) -> int:
        got = 0
        start = time.monotonic()
        while time.monotonic() - start < limit and self.proc.poll() is None:
            got += self.read_for(0.2)
            if got and time.monotonic() - self.last_output >= quiet:
                break
        return got

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        os.close(self.master)
