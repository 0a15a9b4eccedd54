"""What a served session runs: `python -m tui.serve.session_entry ARGS` == `python -m tui ARGS` on a pty.

The server starts us in a new session with the pty on stdin/stdout/stderr; taking it as the controlling terminal
lets the kernel deliver SIGWINCH on resize and SIGHUP when the reader disconnects.
"""

from __future__ import annotations

import fcntl
import sys
import termios


def main() -> int:
    try:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    except OSError:
        pass  # still usable: the server signals the process group itself
    from tui.cli import main as sbs_main

    return sbs_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
