"""Documents: an article's text as read, and its units (sentences, headings, bullets) with exact offsets."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

#: Files larger than this are refused: sidebyside compares articles and books, not data dumps.
MAX_BYTES = 64 * 1024 * 1024


class DocumentError(Exception):
    """A document that cannot be read; the message is one line that names the file and the reason."""


@dataclass(frozen=True)
class Sentence:
    """One unit of a document: `document.text[start:end] == text`."""

    index: int
    start: int
    end: int
    text: str
    kind: str = "sentence"  # sentence | heading | bullet
    paragraph: int = 0


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    sentences: tuple[Sentence, ...] = field(repr=False)
    path: str | None = None

    def __len__(self) -> int:
        return len(self.sentences)

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]


def document_from_text(name: str, text: str, path: str | None = None) -> Document:
    from align.segment import segment

    return Document(name=name, text=text, sentences=tuple(segment(text)), path=path)


def decode(data: bytes, name: str) -> str:
    """Bytes to text without changing a character: no newline translation, a UTF-8 BOM kept as U+FEFF."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{name}: not valid UTF-16 text ({exc.reason} at byte {exc.start})") from None
    head = data[:8192]
    if b"\x00" in head:
        kind = _binary_kind(head)
        raise DocumentError(f"{name}: binary file{kind}, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        kind = _binary_kind(head)
        if kind:
            raise DocumentError(f"{name}: binary file{kind}, not text") from None
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


def read_document(path: str | os.PathLike[str]) -> Document:
    """Read a UTF-8 text or Markdown file (`-` is standard input) and segment it."""
    spath = os.fspath(path)
    if spath == "-":
        data = sys.stdin.buffer.read()
        return document_from_text("stdin", decode(data, "stdin"), path="-")
    p = Path(spath)
    try:
        if p.is_dir():
            raise DocumentError(f"{spath}: is a directory, not a text file")
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError(f"{spath}: too large ({size // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)")
        data = p.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{spath}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{spath}: permission denied") from None
    except OSError as exc:
        raise DocumentError(f"{spath}: cannot read ({exc.strerror or exc})") from None
    return document_from_text(p.name, decode(data, spath), path=spath)


TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}


def expand_paths(paths: list[str]) -> list[str]:
    """Files as given; a directory stands for the text files directly inside it, sorted."""
    out: list[str] = []
    for p in paths:
        if p != "-" and os.path.isdir(p):
            found = sorted(
                str(c) for c in Path(p).iterdir()
                if c.is_file() and c.suffix.lower() in TEXT_SUFFIXES and not c.name.startswith(".")
            )
            if not found:
                raise DocumentError(f"{p}: directory has no text files (.txt, .md)")
            out.extend(found)
        else:
            out.append(p)
    return out


def unique_names(documents: list[Document]) -> list[Document]:
    """Give documents with the same name (the same file twice, or a.txt in two folders) distinct names."""
    seen: dict[str, int] = {}
    out = []
    for d in documents:
        n = seen.get(d.name, 0)
        seen[d.name] = n + 1
        out.append(d if n == 0 else Document(f"{d.name} ({n + 1})", d.text, d.sentences, d.path))
    return out
