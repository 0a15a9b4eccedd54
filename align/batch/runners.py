"""Where the clusters run: a local process pool (the default), or a Dask cluster when dask.distributed is there.

Both yield `(index, ClusterResult)` as clusters finish, in any order, and `(None, None)` after `tick` seconds
without one (so the caller can flush what it holds while a long cluster runs). The standard library's
ProcessPoolExecutor serves one machine; its processes start by forkserver (spawn where there is none), never by
fork, so no worker inherits a half-initialised model runtime or its threads. Dask spreads the same task over many
machines and reschedules a task whose worker died; it is an optional extra (`pip install sidebyside[dask]`).
"""

from __future__ import annotations

import multiprocessing
import queue
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import replace

from align.batch.cluster import ClusterJob, ClusterResult, failed, run_cluster
from align.batch.worker import prepare_worker

#: Dask settings for the LocalCluster made here: a worker holds only the cluster it runs (the default queues one
#: more, which then waits behind a long cluster), no statistical profiler samples the workers (no dashboard shows
#: it), and each is set up as the pool's are (align.batch.worker).
LOCAL_CONFIG = {"distributed.scheduler.worker-saturation": 1.0, "distributed.worker.profile.enabled": False,
                "distributed.worker.preload": ["align.batch.worker"]}

#: A cluster whose worker process died this many times is given up as failed (Dask's default is 3).
MAX_ATTEMPTS = 2


class SchedulerError(Exception):
    """The Dask scheduler cannot be used (Dask missing, address unreachable); one line."""


def pool_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


Finished = Iterator[tuple[int, ClusterResult] | tuple[None, None]]


def run_in_pool(jobs: Sequence[tuple[int, ClusterJob]], workers: int, tick: float = 1.0) -> Finished:
    """Run the jobs on `workers` local processes, at most `workers` at a time (so when a worker process dies,
    the clusters that may have killed it are known: those in flight). A dead worker breaks the whole pool: a new
    pool takes the clusters that did not finish; one in flight at MAX_ATTEMPTS deaths is reported failed."""
    todo = deque(jobs)
    deaths: dict[int, int] = {}
    while todo:
        retry: list[tuple[int, ClusterJob]] = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(),
                                 initializer=prepare_worker) as pool:
            inflight: dict = {}
            broken = False
            try:
                while inflight or (todo and not broken):
                    while todo and not broken and len(inflight) < workers:
                        k, job = todo.popleft()
                        try:
                            inflight[pool.submit(run_cluster, job)] = (k, job)
                        except BrokenProcessPool:
                            broken = True
                            retry.append((k, job))
                    if not inflight:
                        break
                    done, _ = wait(inflight, timeout=tick, return_when=FIRST_COMPLETED)
                    if not done:
                        yield None, None
                    for fut in done:
                        k, job = inflight.pop(fut)
                        try:
                            result = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            deaths[k] = deaths.get(k, 0) + 1
                            if deaths[k] < MAX_ATTEMPTS:
                                retry.append((k, replace(job, attempt=job.attempt + 1)))
                                continue
                            result = replace(failed(job.spec, f"its worker process died {deaths[k]} times while "
                                                              f"running it (out of memory?)"), attempts=deaths[k])
                        except Exception as exc:  # the task could not even be sent or received
                            result = failed(job.spec, f"{type(exc).__name__}: {exc}")
                        yield k, result
            except BaseException:  # interrupted (ctrl+c) or closed early: stop now, not after the running clusters
                _terminate(pool)
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        todo.extendleft(reversed(retry))


def _terminate(pool: ProcessPoolExecutor) -> None:
    """End the pool's processes mid-cluster (safe: a cluster's files are written atomically, its marker last)."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()


def run_on_dask(jobs: Sequence[tuple[int, ClusterJob]], scheduler, workers: int, tick: float = 1.0) -> Finished:
    """Run the jobs on a Dask cluster: `scheduler` is an address (tcp://host:8786), "local" (a LocalCluster of
    `workers` processes on 127.0.0.1, made here and closed at the end) or a distributed.Client (left open)."""
    with ExitStack() as stack:
        client = dask_client(scheduler, workers, stack)
        run = uuid.uuid4().hex[:8]
        finished: queue.SimpleQueue = queue.SimpleQueue()
        # One call for all: the scheduler sees one group of many tasks and queues them, handing each worker the
        # next when it is free (submitted one by one, the first few would be given out at once, some behind a
        # long cluster on a busy worker).
        submitted = client.map(run_cluster, [job for _, job in jobs], pure=False,
                               key=[f"sbs-batch-{run}-line{job.spec.line}" for _, job in jobs])
        futures = dict(zip(submitted, jobs))
        for fut in submitted:
            fut.add_done_callback(finished.put)  # called on the client's thread as each one ends
        try:
            for _ in range(len(futures)):
                while True:
                    try:
                        fut = finished.get(timeout=tick)
                        break
                    except queue.Empty:
                        yield None, None
                k, job = futures[fut]
                try:
                    result = fut.result()
                except Exception as exc:  # KilledWorker: its workers died running it, as many times as allowed
                    name = type(exc).__name__
                    result = failed(job.spec, "Dask workers died while running it (out of memory?)"
                                    if name == "KilledWorker" else f"{name}: {exc}")
                fut.release()
                yield k, result
        finally:
            for fut in futures:
                fut.cancel()


def require_dask() -> None:
    """One line when dask.distributed cannot be imported."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise SchedulerError("--scheduler needs Dask: pip install 'sidebyside[dask]'") from None


def dask_client(scheduler, workers: int, stack: ExitStack):
    """A distributed.Client for `scheduler` (see run_on_dask); what it opens is closed with `stack`."""
    require_dask()
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        return scheduler
    if scheduler == "local":
        import logging

        import dask

        with dask.config.set(LOCAL_CONFIG):
            cluster = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                       host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                                       silence_logs=logging.ERROR))
        return stack.enter_context(Client(cluster))
    try:
        return stack.enter_context(Client(scheduler, timeout="10s"))
    except Exception as exc:  # refused, timed out, a bad address, TLS without its settings: all one line
        raise SchedulerError(f"--scheduler {scheduler}: cannot connect ({_reason(exc)})") from None


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
