"""Export: the alignment as CSV (a contract: see README), JSON, and the cross-source groups as CSV.

Plain functions that write; the app and the command line only collect options. Every write is atomic: a
temporary file in the target directory, flushed and renamed, so an interrupted export leaves no partial file.
`FORMATS` lists what the app's export dialog offers: a new format is one `ExportFormat` there (and its writer).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from align.alignment import Alignment
from align.compare import Comparison
from align.differences import word_diff
from align.util.atomic import atomic_write

COLUMNS = ["pair", "left_doc", "left_start", "left_end", "left_text", "right_doc", "right_start", "right_end",
           "right_text", "score", "kind", "diff", "conflict", "conflict_rule"]
GROUP_COLUMNS = ["group", "doc", "start", "end", "text", "relation", "pivot_doc", "sources", "label"]
_FORMULA = ("=", "+", "-", "@")


class ExportError(Exception):
    """An export that could not be written; one line naming the path and the reason."""


def pair_name(al: Alignment) -> str:
    return f"{al.left.name} vs {al.right.name}"


def alignment_rows(al: Alignment) -> list[dict]:
    """One row per link and per unmatched sentence, ordered by position in the left article."""
    L, R = al.left.sentences, al.right.sentences
    keyed: list[tuple[tuple, dict]] = []
    pair = pair_name(al)
    for ln in al.links:
        a, b = L[ln.left], R[ln.right]
        d = word_diff(a.text, b.text)
        keyed.append(((ln.left, 0, ln.right), {
            "pair": pair, "left_doc": al.left.name, "left_start": a.start, "left_end": a.end, "left_text": a.text,
            "right_doc": al.right.name, "right_start": b.start, "right_end": b.end, "right_text": b.text,
            "score": round(ln.score, 4), "kind": ln.kind, "diff": d.full, "conflict": ln.reason,
            "conflict_rule": ln.rules,
        }))
    for i in al.left_only:
        a = L[i]
        keyed.append(((i, 1, -1), {
            "pair": pair, "left_doc": al.left.name, "left_start": a.start, "left_end": a.end, "left_text": a.text,
            "right_doc": "", "right_start": "", "right_end": "", "right_text": "",
            "score": "", "kind": "left_only", "diff": "", "conflict": "", "conflict_rule": "",
        }))
    # A sentence only the right side has goes after the left sentence linked to its nearest linked predecessor.
    anchor = -1
    anchors = {}
    for j in range(len(R)):
        ls = al.links_of_right(j)
        if ls:
            anchor = min(x.left for x in ls)
        anchors[j] = anchor
    for j in al.right_only:
        b = R[j]
        keyed.append(((anchors[j], 2, j), {
            "pair": pair, "left_doc": "", "left_start": "", "left_end": "", "left_text": "",
            "right_doc": al.right.name, "right_start": b.start, "right_end": b.end, "right_text": b.text,
            "score": "", "kind": "right_only", "diff": "", "conflict": "", "conflict_rule": "",
        }))
    keyed.sort(key=lambda kv: kv[0])
    return [row for _, row in keyed]


def select_pairs(comparison: Comparison, only: tuple[str, str] | None = None) -> list[tuple[int, int]]:
    """Every pair (i < j), or the one pair named by two document names, name prefixes or 1-based numbers."""
    if only is None:
        return comparison.pairs
    a, b = (find_document(comparison, x) for x in only)
    if a == b:
        raise ExportError(f"--pair {only[0]} {only[1]}: names the same article twice")
    return [(a, b)]


def find_document(comparison: Comparison, key: str) -> int:
    names = [d.name for d in comparison.documents]
    if key in names:
        return names.index(key)
    if key.isdigit() and 1 <= int(key) <= len(names) and not any(n.startswith(key) for n in names):
        return int(key) - 1
    hits = [i for i, n in enumerate(names) if n.startswith(key) or os.path.basename(key) == n]
    if len(hits) == 1:
        return hits[0]
    raise ExportError(f"--pair: no single article matches {key!r} (articles: {', '.join(names)})")


def all_rows(comparison: Comparison, only: tuple[str, str] | None = None) -> Iterator[dict]:
    for i, j in select_pairs(comparison, only):
        yield from alignment_rows(comparison.alignment(i, j))


def safe_cell(value, raw: bool = False):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe (unless raw).

    A cell that already begins with apostrophes before a formula character gets one more, so the rule reverses
    exactly: a cell matching `'+[=+-@]...` had one apostrophe added."""
    if not raw and isinstance(value, str) and value.lstrip("'").startswith(_FORMULA):
        return "'" + value
    return value


def write_csv_to(f: TextIO, rows: Iterable[dict], columns: list[str] = COLUMNS, raw: bool = False) -> int:
    w = csv.DictWriter(f, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
    w.writeheader()
    n = 0
    for r in rows:
        w.writerow({k: safe_cell(v, raw) for k, v in r.items()})
        n += 1
    return n


def groups_rows(comparison: Comparison) -> Iterator[dict]:
    docs = comparison.documents
    for g in comparison.groups():
        for d, doc in enumerate(docs):
            base = {"group": g.id, "doc": doc.name, "pivot_doc": docs[g.pivot].name, "sources": g.sources,
                    "label": g.label}
            if d in g.members:
                sents = [doc.sentences[s] for s in g.members[d]]
                for s in sents:
                    yield {**base, "start": s.start, "end": s.end, "text": s.text, "relation": g.relations[d]}
            else:
                yield {**base, "start": "", "end": "", "text": "", "relation": "silent"}


_NULLABLE = frozenset({"left_doc", "left_start", "left_end", "left_text", "right_doc", "right_start", "right_end",
                       "right_text", "score"})


def to_json(comparison: Comparison, only: tuple[str, str] | None = None, model: str = "") -> dict:
    """The alignment, the fact groups and what made them (threshold, model, sidebyside's version), for scripts."""
    from align import __version__

    docs = comparison.documents
    return {
        "threshold": comparison.threshold,
        "model": model or None,
        "sidebyside": __version__,
        "documents": [{"name": d.name, "path": d.path, "sentences": len(d.sentences), **_origin(d)} for d in docs],
        # The CSV's empty cells are JSON nulls: no sentence on that side, no score for an unmatched sentence.
        "rows": [{k: (None if v == "" and k in _NULLABLE else v) for k, v in r.items()}
                 for r in all_rows(comparison, only)],
        "groups": [
            {"group": g.id, "label": g.label, "pivot_doc": docs[g.pivot].name, "sources": g.sources,
             "conflict": g.has_conflict,
             "members": [{"doc": docs[d].name, "relation": g.relations[d],
                          "sentences": [{"start": docs[d].sentences[s].start, "end": docs[d].sentences[s].end,
                                         "text": docs[d].sentences[s].text} for s in ss]}
                         for d, ss in g.members.items()]}
            for g in comparison.groups()
        ],
    }


def _origin(d) -> dict:
    """What the JSON says of where an article came from: its format, and what the source's metadata call it."""
    o = d.origin
    return {"format": o.format, "title": o.title or None, "byline": o.byline or None, "date": o.date or None,
            "site": o.site or None, "url": o.url or None, "kept": o.kept or None}


def write_output(path: str, write: Callable[[TextIO], object]) -> None:
    """Write text to the user's `path` atomically (align.util.atomic); `-` is stdout; errors as ExportError.

    A device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written directly: renaming over it would replace
    the device node with a regular file. A symlink is followed, so the file it points to is the one replaced. The
    file keeps the mode the old one had, else the umask's.
    """
    if path == "-":
        write(sys.stdout)
        sys.stdout.flush()
        return
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise ExportError(f"{path}: directory {os.path.dirname(os.path.abspath(path))} does not exist")
    try:
        st = os.stat(target)
    except OSError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise ExportError(f"{path}: is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_special(path, target, write)
        return
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    try:
        atomic_write(target, write, mode=mode, fsync=True)
    except OSError as exc:
        raise ExportError(f"{path}: {_reason(exc)}") from None


def _write_special(path: str, target: str, write: Callable[[TextIO], object]) -> None:
    try:
        with open(target, "w", encoding="utf-8", newline="") as f:
            write(f)
    except OSError as exc:
        raise ExportError(f"{path}: {_reason(exc)}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOSPC:
        return "disk full"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno == errno.ENOENT:
        return "directory missing"
    return exc.strerror or str(exc)


def refuse_an_article(path: str, documents) -> None:
    """An export never replaces one of the articles it compares (`--csv story.txt` would destroy the story)."""
    if path == "-":
        return
    for doc in documents:
        if not doc.path or doc.path == "-":
            continue
        try:
            same = os.path.samefile(path, doc.path)
        except OSError:  # the output does not exist yet, or the article's file is gone: nothing to destroy
            same = False
        if same:
            raise ExportError(f"{path}: is one of the articles being compared ({doc.name}); choose another file")


def write_csv(comparison: Comparison, path: str, only: tuple[str, str] | None = None, raw: bool = False) -> int:
    """Write the alignment CSV; returns the number of rows."""
    refuse_an_article(path, comparison.documents)
    rows = list(all_rows(comparison, only))  # computed before the file is opened: a failure leaves nothing
    write_output(path, lambda f: write_csv_to(f, rows, COLUMNS, raw))
    return len(rows)


def write_json(comparison: Comparison, path: str, only: tuple[str, str] | None = None, model: str = "") -> None:
    refuse_an_article(path, comparison.documents)
    data = to_json(comparison, only, model)

    def write(f: TextIO) -> None:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")

    write_output(path, write)


def write_groups_csv(comparison: Comparison, path: str, raw: bool = False) -> int:
    refuse_an_article(path, comparison.documents)
    rows = list(groups_rows(comparison))
    write_output(path, lambda f: write_csv_to(f, rows, GROUP_COLUMNS, raw))
    return len(rows)


def csv_text(comparison: Comparison, only: tuple[str, str] | None = None, raw: bool = False) -> str:
    buf = io.StringIO()
    write_csv_to(buf, all_rows(comparison, only), COLUMNS, raw)
    return buf.getvalue()


def text_file_name(name: str) -> str:
    """The file `save_texts` writes an article's text to: its name with / as _, ending in .txt."""
    base = name.replace("/", "_").replace("\\", "_").lstrip(".") or "article"
    return base if base.lower().endswith(".txt") else f"{base}.txt"


def save_texts(documents, directory: str) -> list[str]:
    """Write each article's text as read or extracted (UTF-8, line ends kept) to DIRECTORY/NAME.txt, so every
    offset of an export can be checked: `open(p, encoding="utf-8", newline="").read()[start:end]`. Returns the
    paths written. Refuses (before writing any) to replace one of the articles."""
    paths, seen = [], set()
    for d in documents:
        fname = text_file_name(d.name)
        stem, n = fname[:-4], 2
        while fname.lower() in seen:
            fname, n = f"{stem} ({n}).txt", n + 1
        seen.add(fname.lower())
        paths.append(os.path.join(directory, fname))
    for p in paths:
        refuse_an_article(p, documents)
    for d, p in zip(documents, paths):
        text = d.text
        write_output(p, lambda f, t=text: f.write(t))  # type: ignore[misc]  # (t bound now, not at call)
    return paths


@dataclass(frozen=True)
class ExportOptions:
    """What the reader chose in the export dialog, and what the app adds, for the writers that read them."""

    only: tuple[str, str] | None = None  # one pair of articles, by name; None: every pair
    raw: bool = False  # cells as they are, no apostrophe before a formula-like cell
    model: str = ""  # the embedder's model id (the report names it)
    version: str = ""  # sidebyside's version (the report names it)


@dataclass(frozen=True)
class ExportFormat:
    """One kind of file sidebyside writes: what the dialog calls it, the plain function that writes it, and the
    `sbs align --NAME OUT` option that asks for it (the command line adds one per format)."""

    name: str  # unique
    label: str  # in the dialog's title and its list of formats: "CSV"
    extension: str  # of the file name the dialog suggests: ".csv"
    subject: str  # what it writes: "alignment" (the pair view's `e`) or "groups" (the overview's `e`)
    write: Callable[[Comparison, str, ExportOptions], int | None]  # returns the rows written (None: not rows)
    options: frozenset[str] = frozenset()  # the choices it reads ("only", "raw"): the dialog offers only those
    about: str = ""  # a few words on it, where the dialog offers it instead of the first format
    noun: str = "the file"  # what "Wrote ... to" calls a file that is not counted in rows
    cli_help: str = ""  # the help of its `sbs align --NAME OUT` option
    uses_groups: bool = False  # it writes the fact groups (the command line builds them first, under a stage)


def _write_report(comparison: Comparison, path: str, options: ExportOptions) -> None:
    from align.report import write_html  # the report imports this module

    write_html(comparison, path, model=options.model, only=options.only, version=options.version)


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("csv", "CSV", ".csv", "alignment",
                 lambda comparison, path, o: write_csv(comparison, path, o.only, raw=o.raw), frozenset({"only", "raw"}),
                 cli_help="write the alignment CSV to OUT (- for standard output; the default)"),
    ExportFormat("html", "HTML report", ".html", "alignment", _write_report, frozenset({"only"}),
                 about="one page, the articles side by side", noun="the report",
                 cli_help="write a report: one self-contained HTML page with the articles side by side and the facts "
                          "across them", uses_groups=True),
    ExportFormat("json", "JSON", ".json", "alignment",
                 lambda comparison, path, o: write_json(comparison, path, o.only, o.model), frozenset({"only"}),
                 about="the links and the facts, with offsets, for scripts", noun="the alignment and the fact groups",
                 cli_help="write the alignment and fact groups as JSON", uses_groups=True),
    ExportFormat("groups-csv", "CSV", ".csv", "groups",
                 lambda comparison, path, o: write_groups_csv(comparison, path, raw=o.raw), frozenset({"raw"}),
                 cli_help="write the cross-source fact groups as CSV", uses_groups=True),
)


def formats_for(subject: str, formats: Iterable[ExportFormat] | None = None) -> list[ExportFormat]:
    """The formats that write `subject`, in the order the dialog lists them."""
    return [f for f in (FORMATS if formats is None else formats) if f.subject == subject]
