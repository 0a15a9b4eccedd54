"""Setting up a worker process the batch owns: a local pool's processes (their initializer) and the workers of the
Dask cluster `--scheduler local` starts (Dask's `preload` setting calls `dask_setup`).

ctrl+c reaches every process of the terminal's process group, workers included; it is the batch's to handle (it
ends the workers), and a worker that took it too would print a traceback. The PDF and HTML libraries log their
repairs of damaged files as warnings; a failing cluster is told in its summary row, not in their log (the same
loggers `sbs align` quiets, tui/cli.py).
"""

from __future__ import annotations

import logging
import signal
import threading

PARSER_LOGGERS = ("pypdf", "trafilatura", "htmldate", "courlan", "justext", "charset_normalizer")


def prepare_worker() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in PARSER_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def dask_setup(worker) -> None:
    prepare_worker()
