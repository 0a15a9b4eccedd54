"""A batch manifest: which articles make each cluster, one cluster a line, as JSON lines or CSV.

JSON lines: `{"cluster": "c1", "articles": ["a.txt", "b.txt"]}` (other keys are ignored). CSV: a cluster id,
then its articles in the cells after it (`c1,a.txt,b.txt`); a first row starting `cluster` is a header. Blank
lines and lines starting with `#` are skipped. Relative paths are relative to the manifest's folder.

A line that cannot run (malformed, no articles, an id already used, an id that cannot name a folder) becomes a
ClusterSpec with `error` set and its line number, so the summary names it while the rest run. A manifest that
cannot be used at all (missing, binary, no line parses) is a ManifestError: one line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from align.document import DocumentError, decode
from align.readers import is_url

#: The summary's file name in the output folder: no cluster may take it.
RESERVED_IDS = frozenset({"summary.csv"})
MAX_ID_BYTES = 200


class ManifestError(Exception):
    """The manifest as a whole cannot be used; one line naming it and the reason."""


@dataclass(frozen=True)
class ClusterSpec:
    """One manifest line: a cluster id and its article sources (paths resolved against the manifest's folder,
    or web addresses). `error` says why the line cannot run; empty when it can."""

    line: int
    cluster: str
    sources: tuple[str, ...]
    error: str = ""


def read_manifest(path: str | os.PathLike[str]) -> list[ClusterSpec]:
    """Every cluster line of the manifest at `path`, in order, with the bad ones marked (see the module)."""
    spath = os.fspath(path)
    try:
        with open(spath, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ManifestError(f"{spath}: no such file") from None
    except IsADirectoryError:
        raise ManifestError(f"{spath}: is a directory, not a manifest") from None
    except PermissionError:
        raise ManifestError(f"{spath}: permission denied") from None
    except OSError as exc:
        raise ManifestError(f"{spath}: cannot read ({exc.strerror or exc})") from None
    try:
        text = decode(data, spath).removeprefix("\ufeff")
    except DocumentError as exc:
        raise ManifestError(f"{exc}; a manifest is JSON lines or CSV") from None
    return parse_manifest(text, manifest_format(spath, text), os.path.dirname(spath), spath)


def manifest_format(path: str, text: str) -> str:
    """`jsonl` or `csv`: by the file's suffix, else by its first character (`{` starts JSON lines)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    for line in text.splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            return "jsonl" if s.startswith("{") else "csv"
    return "csv"


def parse_manifest(text: str, fmt: str, base: str = "", name: str = "manifest") -> list[ClusterSpec]:
    """Parse manifest text (`fmt` jsonl or csv); relative sources are joined to `base`."""
    if fmt == "jsonl":
        if text.lstrip().startswith("["):
            raise ManifestError(f"{name}: a JSON array; write one cluster object per line (JSON lines)")
        specs = list(_jsonl(text, name))
        if specs and all(s.error.startswith("malformed") for s in specs) and not any(_is_object_line(text)):
            raise ManifestError(f"{name}: not JSON lines (line {specs[0].line}: {specs[0].error})")
    else:
        specs = list(_csv(text, name, delimiter="\t" if name.lower().endswith(".tsv") else ","))
    if not specs:
        raise ManifestError(f"{name}: no clusters in it")
    return check_specs(specs, base)


def _is_object_line(text: str) -> Iterator[bool]:
    for line in text.splitlines():
        try:
            yield isinstance(json.loads(line), dict)
        except ValueError:
            yield False


def _jsonl(text: str, name: str) -> Iterator[ClusterSpec]:
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        try:
            obj = json.loads(s)
        except json.JSONDecodeError as exc:
            yield ClusterSpec(n, "", (), f"malformed line: not JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield ClusterSpec(n, "", (), "malformed line: not a JSON object {\"cluster\": ..., \"articles\": [...]}")
            continue
        cid = obj.get("cluster", obj.get("id"))
        if isinstance(cid, int) and not isinstance(cid, bool):
            cid = str(cid)
        if not isinstance(cid, str) or not cid:
            yield ClusterSpec(n, "", (), "malformed line: no \"cluster\" id (a string)")
            continue
        arts = obj.get("articles")
        if arts is None:
            yield ClusterSpec(n, cid, (), "malformed line: no \"articles\" list")
            continue
        if not isinstance(arts, list) or not all(isinstance(a, str) and a.strip() for a in arts):
            yield ClusterSpec(n, cid, (), "malformed line: \"articles\" must be a list of paths or web addresses")
            continue
        yield ClusterSpec(n, cid, tuple(a.strip() for a in arts))


def _csv(text: str, name: str, delimiter: str) -> Iterator[ClusterSpec]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    first = True
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if first and cells[0].casefold() in ("cluster", "cluster_id", "id"):
                first = False
                continue
            first = False
            if not cells[0]:
                yield ClusterSpec(line, "", (), "malformed line: no cluster id in the first cell")
                continue
            yield ClusterSpec(line, cells[0], tuple(c for c in cells[1:] if c))
    except csv.Error as exc:
        raise ManifestError(f"{name}: not CSV (line {reader.line_num}: {exc})") from None


def check_specs(specs: list[ClusterSpec], base: str = "") -> list[ClusterSpec]:
    """Ids that name a folder and are used once, at least one article each, sources resolved against `base`
    (idempotent: specs already checked come back the same)."""
    first_line: dict[str, int] = {}
    out = []
    for s in specs:
        if s.cluster and s.cluster not in first_line:
            first_line[s.cluster] = s.line
        if s.error:
            out.append(s)
            continue
        bad = id_problem(s.cluster)
        if bad:
            out.append(replace(s, error=f"cluster id {s.cluster!r}: {bad}"))
        elif first_line[s.cluster] != s.line:
            out.append(replace(s, error=f"duplicate cluster id {s.cluster!r} (first on line {first_line[s.cluster]})"))
        elif not s.sources:
            out.append(replace(s, error="empty cluster: no articles"))
        elif "-" in s.sources:
            out.append(replace(s, error="- (standard input) cannot be an article of a batch; name a file"))
        else:
            out.append(replace(s, sources=tuple(resolve(src, base) for src in s.sources)))
    return out


def id_problem(cluster: str) -> str:
    """Why a cluster id cannot name its output folder; empty if it can."""
    if cluster in (".", "..") or cluster.startswith("."):
        return "must not start with '.'"
    if "/" in cluster or "\\" in cluster:
        return "must not contain '/' or '\\' (it names a folder)"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in cluster):
        return "must not contain control characters"
    if cluster.strip() != cluster:
        return "must not begin or end with a space"
    if len(cluster.encode("utf-8", "surrogatepass")) > MAX_ID_BYTES:
        return f"longer than {MAX_ID_BYTES} bytes"
    if cluster.casefold() in RESERVED_IDS:
        return "is the summary's file name"
    return ""


def resolve(source: str, base: str) -> str:
    """A path relative to the manifest's folder (`~` expanded); a web address as it is."""
    if is_url(source):
        return source
    return os.path.join(base, os.path.expanduser(source))
