"""run_batch: every cluster of a manifest aligned and exported, resumably, on a process pool or a Dask cluster."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from align.batch.cluster import ClusterJob, ClusterResult, Options, failed, fingerprint, read_done
from align.batch.manifest import ClusterSpec, check_specs, read_manifest
from align.batch.runners import require_dask, run_in_pool, run_on_dask
from align.batch.summary import SUMMARY, write_summary
from align.linking import THRESHOLD

#: Called as each cluster finishes: (its result, how many have finished, how many there are).
OnResult = Callable[[ClusterResult, int, int], None]


class BatchError(Exception):
    """The batch cannot start (output folder unusable, or already in use by another run); one line."""


@dataclass(frozen=True)
class BatchReport:
    """Every manifest line's result, in manifest order, and where the summary was written."""

    results: list[ClusterResult]
    summary: Path

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)


def run_batch(
    manifest: str | os.PathLike[str] | Sequence[ClusterSpec],
    out_dir: str | os.PathLike[str],
    *,
    model: str | None = None,
    threshold: float = THRESHOLD,
    raw: bool = False,
    use_cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    models_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    scheduler=None,
    force: bool = False,
    on_result: OnResult | None = None,
    summary_every: float = 1.0,
) -> BatchReport:
    """Align every cluster of `manifest` (a path, or ClusterSpecs from read_manifest) into `out_dir`/CLUSTER/.

    Clusters already done with the same inputs are skipped unless `force`. `cache_dir` (default: the user cache
    folder) must be one every worker sees. `scheduler`: None for a local pool of
    `workers` processes (default: half the cores), "local" for a Dask LocalCluster of `workers`, a scheduler's
    address, or a distributed.Client. The summary (out_dir/summary.csv) is rewritten at most every
    `summary_every` seconds as clusters finish, and at the end, also when interrupted.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold {threshold}: must be between 0 and 1")
    if isinstance(scheduler, str):
        require_dask()
    specs = read_manifest(manifest) if isinstance(manifest, (str, os.PathLike)) else check_specs(list(manifest))
    out = Path(out_dir).absolute()
    from align.cache import default_cache_dir
    from align.embed import make_embedder

    # The model is resolved here (a missing one is one line before anything runs), not loaded.
    model_id = make_embedder(model, use_cache=False, models_dir=models_dir).model_id
    cache = Path(cache_dir or default_cache_dir()).absolute()
    options = Options(str(out), model, threshold, raw, use_cache, str(cache),
                      str(Path(models_dir).absolute()) if models_dir else None)
    workers = max(1, workers or default_workers())
    with ExitStack() as stack:
        _claim(out, stack)
        results: dict[int, ClusterResult] = {}
        jobs: list[tuple[int, ClusterJob]] = []
        for k, spec in enumerate(specs):
            if spec.error:
                results[k] = failed(spec, spec.error)
                continue
            fp = fingerprint(spec, options, model_id)
            done = None if force else read_done(str(out), spec, fp)
            if done is not None:
                results[k] = done
            else:
                jobs.append((k, ClusterJob(spec, fp, options)))
        summary = out / SUMMARY
        total = len(specs)
        if on_result:
            for n, k in enumerate(sorted(results), 1):
                on_result(results[k], n, total)
        write_summary(str(summary), results.values(), raw)
        written, dirty = time.monotonic(), False
        try:
            if jobs:
                tick = min(1.0, summary_every)
                runner = (run_in_pool(jobs, min(workers, len(jobs)), tick) if scheduler is None
                          else run_on_dask(jobs, scheduler, workers, tick))
                for line, result in runner:
                    if line is not None and result is not None:
                        results[line] = result
                        dirty = True
                        if on_result:
                            on_result(result, len(results), total)
                    if dirty and time.monotonic() - written >= summary_every:
                        write_summary(str(summary), results.values(), raw)
                        written, dirty = time.monotonic(), False
        finally:
            write_summary(str(summary), results.values(), raw)
    return BatchReport([results[k] for k in sorted(results)], summary)


def default_workers() -> int:
    """Half the cores: onnxruntime already runs one worker's model on every core, so on two cores a second worker
    process only contends for them (bench/batch.py; README, Many clusters, has the figures)."""
    return max(1, (os.cpu_count() or 2) // 2)


def _claim(out: Path, stack: ExitStack) -> None:
    """Make the output folder and hold a lock on it for the run: two runs into one folder would redo each
    other's clusters."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BatchError(f"{out}: exists and is not a folder") from None
    except OSError as exc:
        raise BatchError(f"{out}: cannot make the folder ({exc.strerror or exc})") from None
    try:
        import fcntl
    except ImportError:  # no advisory locks here (Windows): nothing to hold
        return
    try:
        f = stack.enter_context(open(out / ".sbs-batch.lock", "a"))
    except OSError as exc:
        raise BatchError(f"{out}: cannot write there ({exc.strerror or exc})") from None
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise BatchError(f"{out}: another sbs batch is writing there; wait for it or choose another folder") from None
