"""Preloaded into each worker of the Dask cluster `--scheduler local` starts (Dask's `preload` setting).

ctrl+c reaches every process of the terminal's process group, workers included; it is the batch's to handle
(it closes the cluster, which ends the workers), and a worker that took it too would print a traceback.
"""

from __future__ import annotations

import signal
import threading


def dask_setup(worker) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
