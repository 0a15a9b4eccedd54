"""Batch alignment: many clusters of articles (every outlet's version of each story) from one manifest.

`run_batch(manifest, out_dir)` aligns each cluster as `sbs align` would and writes its CSV, JSON and groups CSV
under out_dir/CLUSTER/, with one summary table (out_dir/summary.csv). It resumes: a cluster whose inputs have not
changed since it was done is skipped. Modules: `manifest` (reading the list of clusters), `cluster` (one cluster:
the unit of work and its done-marker), `runners` (a local process pool, or Dask), `worker` (setting up the
processes it owns), `summary` (the table), `run`.
"""

from align.batch.cluster import ClusterResult, Options, run_cluster
from align.batch.manifest import ClusterSpec, ManifestError, read_manifest
from align.batch.run import BatchError, BatchReport, run_batch
from align.batch.runners import SchedulerError

__all__ = ["BatchError", "BatchReport", "ClusterResult", "ClusterSpec", "ManifestError", "Options", "SchedulerError",
           "read_manifest", "run_batch", "run_cluster"]
