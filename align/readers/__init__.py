"""Reading an article from wherever it is: a text, Markdown, HTML, PDF or Word (.docx) file, standard input, or
a web address. One function, `read_article`, gives the same Document for each; one module per format.

The format is the file's suffix, else what its first bytes say (a PDF or a Word file sent through standard input
or saved without a suffix). Every failure is a DocumentError with one line naming the source.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from align.document import TEXT_SUFFIXES, Document, DocumentError, Origin, Progress, read_bytes, text_document
from align.readers.fetch import MAX_PAGE_BYTES, TIMEOUT, fetch, is_url, keep_page

FORMAT_SUFFIXES = {
    "html": frozenset({".html", ".htm", ".xhtml", ".shtml"}),
    "pdf": frozenset({".pdf"}),
    "docx": frozenset({".docx"}),
}
#: What a directory given on the command line stands for: every file with one of these suffixes.
ARTICLE_SUFFIXES = frozenset(TEXT_SUFFIXES).union(*FORMAT_SUFFIXES.values())
ARTICLE_KINDS = "articles (.txt, .md, .html, .pdf, .docx)"
_UNSUPPORTED = {".doc": "an old Word file (.doc)", ".odt": "an OpenDocument text", ".rtf": "a rich-text file",
                ".pages": "a Pages document", ".epub": "an e-book"}

__all__ = ["ARTICLE_KINDS", "ARTICLE_SUFFIXES", "read_article", "is_url", "url_name"]


def read_article(source: str, pages_dir: str | os.PathLike[str] | None = None, timeout: float = TIMEOUT,
                 max_bytes: int = MAX_PAGE_BYTES, *, cache_dir: str | os.PathLike[str] | None = None,
                 progress: Progress | None = None) -> Document:
    """The article at `source` (a path, `-` for standard input, or an http(s) address), segmented.

    A fetched page that gives an article is kept in `pages_dir` (default: the user cache's pages/ folder) and
    named in `origin.kept`. With `cache_dir`, a book's segmentation is kept there (align.cache.UnitCache).
    `progress(characters done, total)` follows the segmentation of a text file."""
    if is_url(source):
        page = fetch(source, timeout=timeout, max_bytes=max_bytes)
        doc = from_bytes(page.data, page.format, url_name(page.final_url), source, None, url=page.final_url,
                         cache_dir=cache_dir)
        kept = keep_page(page, pages_dir).kept  # only a page that gave an article is kept
        return replace(doc, origin=replace(doc.origin, kept=kept))
    data = read_bytes(source)
    if source == "-":
        return from_bytes(data, sniff("", data), "stdin", "stdin", "-", cache_dir=cache_dir, progress=progress)
    return from_bytes(data, sniff(source, data), Path(source).name, source, source, cache_dir=cache_dir,
                      progress=progress)


def from_bytes(data: bytes, fmt: str, name: str, shown: str, path: str | None, url: str = "",
               kept: str = "", *, cache_dir: str | os.PathLike[str] | None = None,
               progress: Progress | None = None) -> Document:
    """A document from bytes in a known format (html, pdf, docx or text)."""
    if fmt == "html":
        from align.readers.html_page import html_document

        return html_document(data, name, shown, path, url=url, kept=kept, cache_dir=cache_dir)
    if fmt == "pdf":
        from align.readers.pdf import pdf_document

        return pdf_document(data, name, shown, path, url=url, kept=kept, cache_dir=cache_dir)
    if fmt == "docx":
        from align.readers.docx_file import docx_document

        return docx_document(data, name, shown, path, url=url, kept=kept, cache_dir=cache_dir)
    doc = text_document(data, shown, path or "-", cache_dir=cache_dir, progress=progress)
    if url or kept:
        doc = replace(doc, name=name, path=path, origin=Origin(url=url, kept=kept))
    return doc


def sniff(path: str, data: bytes) -> str:
    """The format of a file: its suffix says, else its first bytes (a PDF or Word file piped in, or saved
    without a suffix; an HTML page without a suffix)."""
    suffix = Path(path).suffix.lower() if path else ""
    for fmt, suffixes in FORMAT_SUFFIXES.items():
        if suffix in suffixes:
            return fmt
    if suffix in _UNSUPPORTED:
        raise DocumentError(f"{path}: {_UNSUPPORTED[suffix]} is not read; save it as .docx, PDF or plain text")
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return "docx"
    if suffix not in (".txt", ".md", ".markdown", ".text"):
        head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if head.startswith((b"<!doctype html", b"<html")):
            return "html"
    return "text"


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def url_name(url: str) -> str:
    """A short name for a fetched article: its host and the last part of its path (bbc.com/world-65678901)."""
    parts = urlsplit(url)
    host = (parts.hostname or "page").removeprefix("www.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if not segments:
        return host
    last = segments[-1]
    if last.lower() in ("index.html", "index.htm", "index.php", "amp") and len(segments) > 1:
        last = segments[-2]
    return f"{host}/{last[:80]}"
