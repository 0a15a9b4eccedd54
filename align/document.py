"""Documents: an article's text as read, and its units (sentences, headings, bullets) with exact offsets.

Plain text and Markdown are read here; HTML, PDF, DOCX and web addresses are read by align.readers, which turns
each into the same Document (its text is the text extracted, and the offsets count into that)."""

from __future__ import annotations

import glob
import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

#: (characters done, total) of a segmentation.
Progress = Callable[[int, int], None]

#: Files larger than this are refused: sidebyside compares articles and books (a whole Bible is 4.3 MB), not data
#: dumps. Reading and segmenting 20 MB takes at most about 30 s here, with a progress line.
MAX_BYTES = 20 * 1024 * 1024
#: Documents with more units than this are refused: a whole Bible is about 35,000; embedding 50,000 sentences
#: already takes several minutes on a CPU, and a file of a million one-word lines would take hours. Segmentation
#: stops as soon as a document passes it.
MAX_UNITS = 50_000


#: Characters that make a path a pattern (glob's own).
_GLOB = re.compile(r"[*?[]")


class DocumentError(Exception):
    """A document that cannot be read; the message is one line that names the file and the reason."""


@dataclass(frozen=True)
class Sentence:
    """One unit of a document: `document.text[start:end] == text`."""

    index: int
    start: int
    end: int
    text: str
    kind: str = "sentence"  # sentence | heading | bullet | credit (a photo credit or file-photo caption)
    paragraph: int = 0


@dataclass(frozen=True)
class Origin:
    """Where an article came from and what its own metadata call it; an empty string where unknown."""

    format: str = "text"  # text | html | pdf | docx
    title: str = ""
    byline: str = ""
    date: str = ""  # as the source gives it (ISO 8601 where the reader could parse it)
    site: str = ""  # the publication, as the page names itself
    url: str = ""  # the page fetched: the address after redirects
    kept: str = ""  # the fetched page as saved on disk, so the comparison can be cited


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    sentences: tuple[Sentence, ...] = field(repr=False)
    path: str | None = None
    origin: Origin = field(default=Origin(), compare=False)

    def __len__(self) -> int:
        return len(self.sentences)

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]


def document_from_text(name: str, text: str, path: str | None = None, origin: Origin = Origin(), *,
                       cache_dir: str | os.PathLike[str] | None = None, progress: Progress | None = None,
                       limit: int | None = None) -> Document:
    """The document of `text`; with `cache_dir`, a book's segmentation is kept there (align.cache.UnitCache).
    `progress(characters done, total)` follows the segmentation, and with a `limit` it stops after `limit + 1`
    units (see align.segment.segment)."""
    return Document(name=name, text=text, sentences=tuple(_units(text, cache_dir, progress, limit)), path=path,
                    origin=origin)


def _units(text: str, cache_dir: str | os.PathLike[str] | None, progress: Progress | None = None,
           limit: int | None = None) -> list[Sentence]:
    """Segment the text; a book's segmentation (seconds of syntok) is read back from the cache, if there is one."""
    from align.cache import UNITS_MIN_CHARS
    from align.segment import segment

    if cache_dir is None or len(text) < UNITS_MIN_CHARS:
        return segment(text, progress, limit)
    from align.cache import UnitCache

    cache = UnitCache(cache_dir)
    units = cache.get(text)
    if units is None:
        units = segment(text, progress, limit)
        if limit is None or len(units) <= limit:  # a segmentation cut short is not the text's
            cache.put(text, units)
    return units


def decode(data: bytes, name: str) -> str:
    """Bytes to text without changing a character: no newline translation, and a byte-order mark kept as U+FEFF
    (UTF-8, UTF-16 and UTF-32 alike), so offsets count every character of the file as decoded."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise DocumentError(f"{name}: not valid {codec[:6].upper()} text ({exc.reason} at byte {exc.start})") from None
    head = data[:8192]
    kind = _binary_kind(head)
    if kind or b"\x00" in head:  # magic first: an uncompressed PDF can be plain ASCII
        if not kind:
            for order, zeros in (("le", head[1::2]), ("be", head[0::2])):
                if len(head) >= 4 and zeros.count(0) >= 0.9 * len(zeros):
                    raise DocumentError(f"{name}: UTF-16 text without a byte-order mark; convert it first, "
                                        f"e.g. iconv -f utf-16{order} -t utf-8")
        raise DocumentError(f"{name}: binary file{kind}, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{name}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at byte {exc.start}); "
            "convert it first, e.g. iconv -f latin1 -t utf-8"
        ) from None


def _binary_kind(head: bytes) -> str:
    for magic, label in ((b"\x89PNG", "PNG image"), (b"%PDF", "PDF"), (b"PK\x03\x04", "ZIP/Office"),
                         (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"), (b"\x7fELF", "program")):
        if head.startswith(magic):
            return f" ({label})"
    return ""


def read_document(path: str | os.PathLike[str], *, cache_dir: str | os.PathLike[str] | None = None,
                  progress: Progress | None = None) -> Document:
    """Read a UTF-8 text or Markdown file (`-` is standard input) and segment it.

    Refused with one line: a missing, unreadable, binary or non-text file, a device, anything over MAX_BYTES or
    MAX_UNITS, and a file with no text at all (an empty download is a mistake worth saying, not an empty column).
    With `cache_dir`, a book's segmentation is kept there, so it opens at once the next time; `progress(characters
    done, total)` follows the segmentation (seconds for a book).
    """
    spath = os.fspath(path)
    data = read_bytes(spath)
    shown = "stdin" if spath == "-" else spath
    return text_document(data, shown, "-" if spath == "-" else spath, cache_dir=cache_dir, progress=progress)


def text_document(data: bytes, shown: str, path: str, *, cache_dir: str | os.PathLike[str] | None = None,
                  progress: Progress | None = None) -> Document:
    """A document from the bytes of a text file; `shown` names it in errors ("stdin" for `-`)."""
    name = "stdin" if path == "-" else Path(path).name
    return document_or_empty(name, decode(data, shown), shown, path, cache_dir=cache_dir, progress=progress)


def read_bytes(spath: str) -> bytes:
    """The bytes of a file (`-` is standard input), refused with one line if it is no regular file, cannot be read
    or is over MAX_BYTES."""
    if spath == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        _check_size(len(data), "stdin")
        return data
    p = Path(spath)
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise DocumentError(f"{spath}: is a directory, not a text file")
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
            # /dev/zero would never end, /dev/tty would wait for the keyboard.
            raise DocumentError(f"{spath}: not a regular file ({_file_kind(st.st_mode)})")
        _check_size(st.st_size, spath)
        data = _read_bounded(spath, fifo=stat.S_ISFIFO(st.st_mode))
        _check_size(len(data), spath)
    except FileNotFoundError:
        raise DocumentError(f"{spath}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{spath}: permission denied") from None
    except OSError as exc:
        raise DocumentError(f"{spath}: cannot read ({exc.strerror or exc})") from None
    return data


def _read_bounded(path: str, fifo: bool) -> bytes:
    """At most MAX_BYTES + 1 bytes. A named pipe is opened without blocking, so one with no writer reads as
    empty instead of hanging; `<(curl ...)` pipes already have their writer and read normally."""
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | (os.O_NONBLOCK if fifo else 0)
    fd = os.open(path, flags)
    try:
        if fifo:
            os.set_blocking(fd, True)
        chunks = []
        left = MAX_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise DocumentError(f"{name}: too large (over {MAX_BYTES // (1024 * 1024)} MB, the limit)")


def _file_kind(mode: int) -> str:
    for test, label in ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return label
    return "a special file"


def document_or_empty(name: str, text: str, shown: str, path: str | None, origin: Origin = Origin(),
                      empty: str = "", *, cache_dir: str | os.PathLike[str] | None = None,
                      progress: Progress | None = None) -> Document:
    """The document, or one line if it has no sentences (`empty` says why, for text that was extracted) or too
    many (segmentation stops just past MAX_UNITS: the rest of a huge file is not worth the wait). With
    `cache_dir`, a book's segmentation is kept there."""
    doc = document_from_text(name, text, path=path, origin=origin, cache_dir=cache_dir, progress=progress,
                             limit=MAX_UNITS)
    if not doc.sentences:
        why = empty or ("empty file" if not text else "only white space")
        raise DocumentError(f"{shown}: {why}, nothing to compare")
    if len(doc.sentences) > MAX_UNITS:
        raise DocumentError(f"{shown}: too many sentences (more than {MAX_UNITS:,}, the limit)")
    return doc


TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}


def expand_paths(paths: list[str], suffixes: set[str] | frozenset[str] = frozenset(TEXT_SUFFIXES),
                 kinds: str = "text files (.txt, .md)") -> list[str]:
    """Files as given; a directory stands for the files directly inside it with one of `suffixes`, sorted; a
    pattern that names no file as it is (`seeds/*.txt`, quoted on a command line or written in a batch manifest)
    stands for the files it matches, sorted, as a shell would expand it."""
    out: list[str] = []
    for p in paths:
        if p != "-" and not os.path.exists(p) and _GLOB.search(p) and "://" not in p:
            matched = sorted(m for m in glob.glob(os.path.expanduser(p)) if os.path.isfile(m))
            if not matched:
                raise DocumentError(f"{p}: no file matches")
            out.extend(matched)
        elif p != "-" and os.path.isdir(p):
            try:
                found = sorted(
                    str(c) for c in Path(p).iterdir()
                    if c.is_file() and c.suffix.lower() in suffixes and not c.name.startswith(".")
                )
            except PermissionError:
                raise DocumentError(f"{p}: permission denied (cannot list the directory)") from None
            except OSError as exc:
                raise DocumentError(f"{p}: cannot list the directory ({exc.strerror or exc})") from None
            if not found:
                raise DocumentError(f"{p}: directory has no {kinds}")
            out.extend(found)
        else:
            out.append(p)
    return out


def unique_names(documents: list[Document]) -> list[Document]:
    """Give documents with the same name distinct names: a.txt in two folders becomes d1/a.txt and d2/a.txt (the
    shortest end of each path that tells them apart); the same file twice gets "a.txt (2)"."""
    by_name: dict[str, list[int]] = {}
    for k, d in enumerate(documents):
        by_name.setdefault(d.name, []).append(k)
    names = [d.name for d in documents]
    for same in by_name.values():
        paths = [documents[k].path for k in same]
        if len(same) < 2 or any(not p or p == "-" for p in paths):
            continue
        parts = [Path(os.path.abspath(p or "")).parts for p in paths]
        for depth in range(2, max(len(p) for p in parts) + 1):
            tails = ["/".join(p[-depth:]) for p in parts]
            if len(set(tails)) == len(tails):
                for k, t in zip(same, tails):
                    names[k] = t
                break
    seen: dict[str, int] = {}
    out = []
    for d, name in zip(documents, names):
        n = seen.get(name, 0)
        seen[name] = n + 1
        name = name if n == 0 else f"{name} ({n + 1})"
        out.append(d if name == d.name else replace(d, name=name))
    return out
