"""Bytes the app writes to the terminal: opening the seeds, 50 `j` presses, and at rest.

Over SSH every byte the app draws crosses the network, so this counts exactly what a remote reader receives:
the app runs on a pseudo-terminal (80x24 by default, TERM=xterm-256color, no COLORTERM: the usual ssh case) and
everything read from the master side is counted. Phases:
  open   from start until the screen has been quiet for --quiet seconds (the alignment finished and drawn)
  50 j   50 presses of `j`, one every --interval seconds, until quiet again
  rest   --rest seconds without input (should be ~0: no animation, no per-frame redraw)
  dialog rest  the same with the export dialog open (a blinking text cursor costs bytes; --low-bandwidth stops it)
  quit   `q` until the process exits (the terminal restore)
Runs with the model-free `hashing` embedder and with the real model on a warm embedding cache (warmed first by
`sbs align`, so no figure includes model loading), each with and without --low-bandwidth. Prints the figures;
never fails on a number.

    .venv/bin/python bench/bandwidth.py [--size 80x24] [--only hashing|model] [--presses 50]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class PtyApp:
    """The app on a pty; `pump` reads what it writes, counting bytes."""

    def __init__(self, argv: list[str], env: dict[str, str], cols: int, rows: int) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                     start_new_session=True)
        os.close(slave)
        self.total = 0
        self.last_output = time.monotonic()
        self.screen_tail = b""
        self.everything = bytearray()

    def pump(self, seconds: float) -> int:
        """Read for `seconds`; returns the bytes read."""
        got = 0
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                break
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the app closed the terminal
                data = b""
            if not data:
                time.sleep(min(left, 0.05))
                if self.proc.poll() is not None:
                    break
                continue
            got += len(data)
            self.last_output = time.monotonic()
            self.screen_tail = (self.screen_tail + data)[-4096:]
            self.everything += data
        self.total += got
        return got

    def until_quiet(self, quiet: float, limit: float) -> int:
        """Read until nothing has come for `quiet` seconds (after at least one byte), at most `limit` seconds."""
        got = 0
        start = time.monotonic()
        while time.monotonic() - start < limit:
            got += self.pump(0.2)
            if got and time.monotonic() - self.last_output >= quiet:
                break
            if self.proc.poll() is not None:
                break
        return got

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        os.close(self.master)


def measure(model: str, low_bandwidth: bool, cache: Path, args) -> dict[str, float]:
    cols, rows = args.size
    argv = [sys.executable, "-m", "tui", "--model", model, *(["--low-bandwidth"] if low_bandwidth else [])]
    env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR", "TMUX", "COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8", SBS_CACHE_DIR=str(cache), HF_HUB_OFFLINE="1")
    app = PtyApp(argv, env, cols, rows)
    try:
        t0 = time.monotonic()
        opened = app.until_quiet(args.quiet, 180)
        open_s = app.last_output - t0
        if app.proc.poll() is not None:
            raise RuntimeError(f"the app exited ({app.proc.returncode}): {app.screen_tail[-400:]!r}")
        keys = moves = 0
        for _ in range(args.presses):
            app.send(b"j")
            got = app.pump(args.interval)
            moves += got > 64  # j stops at the last link: later presses only ring the bell (1 byte)
            keys += got
        keys += app.until_quiet(args.quiet, 60)
        rest = app.pump(args.rest)
        app.send(b"e")  # a dialog with a text cursor: does it blink at rest?
        dialog_open = app.pump(2.0)
        dialog_rest = app.pump(args.rest)
        app.send(b"\x1b")
        app.pump(1.0)
        app.send(b"q")
        quit_bytes = app.until_quiet(args.quiet, 20)
        try:
            app.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        return {"open": opened, "open_s": open_s, "keys": keys, "moves": moves, "rest": rest,
                "dialog_open": dialog_open, "dialog_rest": dialog_rest,
                "quit": quit_bytes, "exit": app.proc.poll(),
                "zlib": len(zlib.compress(bytes(app.everything), 6)) / max(1, len(app.everything))}
    finally:
        app.close()


def warm(model: str, cache: Path) -> float:
    seeds = sorted(str(p) for p in (ROOT / "seeds").glob("*.txt"))
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-m", "tui", "align", *seeds, "--model", model, "--csv", os.devnull],
                   check=True, cwd=ROOT, env=dict(os.environ, SBS_CACHE_DIR=str(cache), HF_HUB_OFFLINE="1"),
                   stdin=subprocess.DEVNULL)
    return time.monotonic() - t0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="80x24", type=lambda s: tuple(int(x) for x in s.lower().split("x")))
    p.add_argument("--only", choices=("hashing", "model"))
    p.add_argument("--presses", type=int, default=50)
    p.add_argument("--interval", type=float, default=0.1, help="seconds between key presses")
    p.add_argument("--quiet", type=float, default=2.0, help="seconds of silence that count as idle")
    p.add_argument("--rest", type=float, default=5.0, help="seconds measured at rest")
    args = p.parse_args()
    cols, rows = args.size
    runs = [("hashing", "hashing"), ("model (warm cache)", "")]
    if args.only:
        runs = [r for r in runs if r[0].startswith(args.only)]
    print(f"terminal {cols}x{rows}, TERM=xterm-256color, 5 seed articles; {args.presses} x j every "
          f"{args.interval:g} s; idle = {args.quiet:g} s quiet; rest measured over {args.rest:g} s")
    header = (f"{'embedder':<20} {'mode':<14} {'open':>8} {'open s':>6} {f'{args.presses} j':>8} {'moves':>5} "
              f"{'per move':>8} {'rest':>5} {'dialog':>7} {'dialog rest B/s':>15} {'quit':>5} {'zlib':>5}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="sbs-bandwidth-") as tmp:
        for label, model in runs:
            cache = Path(tmp) / "cache"
            if model != "hashing":
                model = os.environ.get("SBS_MODEL", "") or "all-MiniLM-L6-v2"
                print(f"(warming the embedding cache: {warm(model, cache):.1f} s)", flush=True)
            for low in (False, True):
                try:
                    r = measure(model, low, cache, args)
                except Exception as exc:  # a benchmark reports; it does not crash on one bad run
                    print(f"{label:<20} {'low-bandwidth' if low else 'default':<14} failed: {exc}")
                    continue
                print(f"{label:<20} {'low-bandwidth' if low else 'default':<14} {r['open']:>8,} "
                      f"{r['open_s']:>6.1f} {r['keys']:>8,} {r['moves']:>5} "
                      f"{r['keys'] / max(1, r['moves']):>8,.0f} {r['rest']:>5,} {r['dialog_open']:>7,} "
                      f"{r['dialog_rest'] / args.rest:>15.1f} {r['quit']:>5,} {r['zlib']:>5.0%}", flush=True)
    print("bytes written to the terminal (what crosses an SSH link, before compression); 'moves' = presses of j "
          "that redrew (j stops at the last aligned passage, then rings the bell: 1 byte); 'dialog' = opening the "
          "export dialog (a full repaint); 'zlib' = the whole session's bytes compressed as `ssh -C` would, as a share "
          "of the raw size")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
