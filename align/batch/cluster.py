"""One cluster of a batch, start to finish: read its articles, embed, align, write the exports, mark it done.

`run_cluster` is the unit of work a process-pool or Dask worker runs. It writes the same three files `sbs align
--csv --json --groups-csv` writes, each atomically, then `done.json` last (atomically too): a cluster is done
exactly when its marker is there and its fingerprint (the manifest line, the articles' bytes, the options) still
matches, so a run killed at any point keeps every finished cluster and redoes only the others.

The embedder lives as long as the worker process, one per model, so a worker loads its model once however many
clusters it runs (`worker_embedder`); its vectors go to the on-disk cache the workers share (align.cache).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from align.batch.manifest import ClusterSpec
from align.readers import is_url

OUTPUTS = ("alignment.csv", "alignment.json", "groups.csv")
MARKER = "done.json"
#: Changes when what a cluster's files hold changes, so older results are redone.
FORMAT = 1


@dataclass(frozen=True)
class Options:
    """What every cluster of a run shares. Paths are absolute: a worker may run elsewhere. `cache_dir` holds the
    embeddings (unless not `use_cache`), the fetched pages and books' segmentations, as for `sbs align`."""

    out_dir: str
    model: str | None = None
    threshold: float = 0.5
    raw: bool = False
    use_cache: bool = True
    cache_dir: str | None = None
    models_dir: str | None = None


@dataclass(frozen=True)
class ClusterJob:
    spec: ClusterSpec
    fingerprint: str
    options: Options
    attempt: int = 1


@dataclass(frozen=True)
class ClusterResult:
    """A summary row: `status` is done (this run), skipped (done by an earlier run) or failed (`error` says why).
    Timings in seconds; `new_embedder` says this task created its worker's embedder (the first on that worker);
    `attempts` counts the starts on a local pool (more than one when a worker process died running it)."""

    cluster: str
    line: int
    status: str
    articles: int = 0
    sentences: int = 0
    links: int = 0
    conflicts: int = 0
    facts: int = 0
    facts_in_all: int = 0
    seconds: float = 0.0
    read_s: float = 0.0
    embed_s: float = 0.0
    align_s: float = 0.0
    write_s: float = 0.0
    error: str = ""
    new_embedder: bool = False
    attempts: int = 1


def failed(spec: ClusterSpec, error: str, seconds: float = 0.0) -> ClusterResult:
    return ClusterResult(spec.cluster, spec.line, "failed", seconds=seconds, error=one_line(error))


def one_line(message: str) -> str:
    return " ".join(message.split())


def cluster_dir(out_dir: str | os.PathLike[str], cluster: str) -> Path:
    return Path(out_dir) / cluster


def read_sources(sources: tuple[str, ...], cache_dir: str | None = None):
    """The cluster's articles (text, Markdown, HTML, PDF, Word files, folders of them, web addresses), read and
    named as `sbs align` reads and names them; with `cache_dir`, fetched pages are kept in its pages/ folder and a
    book's segmentation in its units/. The one place a source becomes a Document."""
    from align.document import expand_paths, unique_names
    from align.readers import ARTICLE_KINDS, ARTICLE_SUFFIXES, read_article

    pages = Path(cache_dir) / "pages" if cache_dir else None
    docs: list = []
    for source in sources:
        paths = [source] if is_url(source) else expand_paths([source], ARTICLE_SUFFIXES, ARTICLE_KINDS)
        docs.extend(read_article(p, pages_dir=pages, cache_dir=cache_dir) for p in paths)
    return unique_names(docs)


def fingerprint(spec: ClusterSpec, options: Options, model_id: str) -> str:
    """What the cluster's outputs depend on: its id and sources, every article file's bytes, the model and
    options. A web address counts as its address (a page is fetched when the cluster runs, not to check it). A
    source that cannot be read is hashed as such (the run will say why)."""
    from align.document import DocumentError, expand_paths
    from align.readers import ARTICLE_KINDS, ARTICLE_SUFFIXES

    h = hashlib.sha256(json.dumps({"format": FORMAT, "cluster": spec.cluster, "sources": spec.sources,
                                   "model": model_id, "threshold": options.threshold, "raw": options.raw},
                                  sort_keys=True).encode("utf-8", "surrogatepass"))
    for source in spec.sources:
        if is_url(source):
            continue
        try:
            paths = expand_paths([source], ARTICLE_SUFFIXES, ARTICLE_KINDS)
        except DocumentError:
            h.update(b"\0unlistable")
            continue
        for p in paths:
            h.update(b"\0" + p.encode("utf-8", "surrogateescape") + b"\0")
            try:
                with open(p, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
            except OSError:
                h.update(b"\0unreadable")
    return h.hexdigest()


def read_done(out_dir: str, spec: ClusterSpec, fp: str) -> ClusterResult | None:
    """The result an earlier run recorded for this cluster, as `skipped`, if its marker matches `fp` and its
    files are all there; else None (the cluster is to be run)."""
    d = cluster_dir(out_dir, spec.cluster)
    try:
        data = json.loads((d / MARKER).read_text("utf-8"))
        if data.get("fingerprint") != fp or not all((d / name).is_file() for name in OUTPUTS):
            return None
        known = {f.name for f in fields(ClusterResult)}
        result = ClusterResult(**{k: v for k, v in data["result"].items() if k in known})
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return replace(result, cluster=spec.cluster, line=spec.line, status="skipped", new_embedder=False, attempts=0)


# One embedder per model for the life of the worker process: the model loads on its first cluster only.
_EMBEDDERS: dict[tuple, object] = {}
_LOCK = threading.Lock()


def worker_embedder(options: Options):
    """This process's embedder for the options' model (created on first use), and whether it was just made."""
    from align.embed import make_embedder

    key = (options.model, options.use_cache, options.cache_dir, options.models_dir)
    with _LOCK:
        embedder = _EMBEDDERS.get(key)
        if embedder is not None:
            return embedder, False
        embedder = make_embedder(options.model, use_cache=options.use_cache, cache_dir=options.cache_dir,
                                 models_dir=options.models_dir)
        _EMBEDDERS[key] = embedder
        return embedder, True


def run_cluster(job: ClusterJob) -> ClusterResult:
    """Run one cluster and write its files; every failure comes back as a `failed` result with one line."""
    from align.document import DocumentError
    from align.embed import ModelError
    from align.export import ExportError

    spec, options = job.spec, job.options
    start = time.perf_counter()
    directory = cluster_dir(options.out_dir, spec.cluster)
    try:
        _discard(directory, (MARKER,), spec.sources)  # from here until the marker is rewritten, not done
        return _run(job, directory, start)
    except (DocumentError, ModelError, ExportError, ClusterError) as exc:
        error = str(exc)
    except MemoryError:
        error = "out of memory"
    except Exception as exc:  # anything else is still one cluster's failure, told in one line
        error = f"{type(exc).__name__}: {exc}"
    _discard(directory, OUTPUTS, spec.sources)  # no files from an earlier run beside a failure
    return failed(spec, error, time.perf_counter() - start)


class ClusterError(Exception):
    """A cluster that cannot be aligned (fewer than two articles); one line."""


def _run(job: ClusterJob, directory: Path, start: float) -> ClusterResult:
    from align.compare import compare, embed_documents
    from align.export import write_csv, write_groups_csv, write_json, write_output

    spec, options = job.spec, job.options
    docs = read_sources(spec.sources, options.cache_dir)
    if len(docs) < 2:
        raise ClusterError(f"needs at least two articles, got {len(docs)}")
    t_read = time.perf_counter()
    embedder, new = worker_embedder(options)
    embeddings = embed_documents(docs, embedder)
    t_embed = time.perf_counter()
    comparison = compare(docs, embedder, options.threshold, embeddings=embeddings)
    alignments = [comparison.alignment(i, j) for i, j in comparison.pairs]
    groups = comparison.groups()
    t_align = time.perf_counter()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ClusterError(f"{directory}: cannot make the folder ({exc.strerror or exc})") from None
    write_csv(comparison, str(directory / OUTPUTS[0]), raw=options.raw)
    write_json(comparison, str(directory / OUTPUTS[1]), model=embedder.model_id)
    write_groups_csv(comparison, str(directory / OUTPUTS[2]), raw=options.raw)
    t_write = time.perf_counter()
    result = ClusterResult(
        spec.cluster, spec.line, "done", articles=len(docs), sentences=sum(len(d.sentences) for d in docs),
        links=sum(len(al.links) for al in alignments),
        conflicts=sum(ln.kind == "conflict" for al in alignments for ln in al.links),
        facts=len(groups), facts_in_all=sum(g.sources == len(docs) for g in groups),
        seconds=t_write - start, read_s=t_read - start, embed_s=t_embed - t_read, align_s=t_align - t_embed,
        write_s=t_write - t_align, new_embedder=new, attempts=job.attempt)
    marker = {"fingerprint": job.fingerprint, "sources": list(spec.sources), "result": asdict(result)}
    write_output(str(directory / MARKER), lambda f: json.dump(marker, f, ensure_ascii=False, indent=1))
    return result


def _discard(directory: Path, names: tuple[str, ...], sources: tuple[str, ...]) -> None:
    """Remove this cluster's own files, never one of its articles (a manifest could name one)."""
    for name in names:
        p = directory / name
        if not p.is_file() or any(_same(p, s) for s in sources):
            continue
        try:
            p.unlink()
        except OSError:
            pass


def _same(p: Path, source: str) -> bool:
    try:
        return not is_url(source) and os.path.samefile(p, source)
    except OSError:
        return False
