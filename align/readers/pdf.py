"""A PDF's text with pypdf (BSD-3-Clause, pure Python), its lines joined back into paragraphs.

A PDF stores lines, not paragraphs: a sentence that wraps is two lines, which the segmenter would take for two
units. So the lines of each page are joined into paragraphs: a line much shorter than the page's usual width
(a paragraph's last line, a headline) or a blank line ends one, a word hyphenated at a line end is joined, and
a line holding only a page number is dropped. The offsets count into this joined text (what `--save-text`
writes), never into the PDF's own bytes.
"""

from __future__ import annotations

import io
import re

from align.document import Document, DocumentError, Origin, document_or_empty

_SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]]$")
_PAGE_NUMBER = re.compile(r"(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?", re.IGNORECASE)


def pdf_document(data: bytes, name: str, shown: str, path: str | None, url: str = "", kept: str = "") -> Document:
    """The text of a PDF. Refused with one line: a damaged file, a password, no text layer (a scan)."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            # An empty user password is what "protected against copying" PDFs use: those open like any other.
            raise DocumentError(f"{shown}: password-protected PDF; save a copy without the password first "
                                "(e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf)")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
        title, author = _meta(meta, "title"), _meta(meta, "author")
        created = getattr(meta, "creation_date", None) if meta is not None else None
    except DocumentError:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise DocumentError(f"{shown}: password-protected PDF; save a copy without the password first") from None
    except Exception as exc:  # a parser of untrusted bytes: whatever it raises, the reader gets one line
        raise DocumentError(f"{shown}: not a readable PDF (damaged or incomplete)") from None
    text = join_pages([paragraphs(p) for p in pages])
    if not text.strip():
        raise DocumentError(f"{shown}: the PDF has no text layer (a scan?); run OCR on it first, e.g. "
                            "ocrmypdf in.pdf out.pdf")
    if title.lower().endswith((".doc", ".docx", ".pdf", ".indd", ".odt")) or title.startswith("Microsoft Word - "):
        title = ""  # the file name the PDF was made from, not the article's title
    date = created.date().isoformat() if created is not None else ""
    origin = Origin(format="pdf", title=title, byline=author, date=date, url=url, kept=kept)
    return document_or_empty(name, text, shown, path, origin)


def _meta(meta, key: str) -> str:
    try:
        value = getattr(meta, key, None) if meta is not None else None
    except Exception:  # a damaged information dictionary is no reason to refuse the text
        return ""
    return " ".join(str(value).split()) if value else ""


def paragraphs(page: str) -> list[str]:
    """One page's lines joined into paragraphs."""
    lines = [" ".join(line.split()) for line in page.splitlines()]
    lines = [line for line in lines if not _PAGE_NUMBER.fullmatch(line)]
    widths = sorted(len(line) for line in lines if line)
    if not widths:
        return []
    usual = widths[int(0.9 * (len(widths) - 1))]
    out: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                out.append(current)
            current = ""
            continue
        current = _join(current, line) if current else line
        short = len(line) < 0.75 * usual or (_SENTENCE_END.search(line) and len(line) < 0.9 * usual)
        if short:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def _join(left: str, right: str) -> str:
    if len(left) > 1 and left.endswith("-") and left[-2].isalpha() and right[:1].islower():
        return left[:-1] + right  # "civil-" + "ians": a word hyphenated at the line's end
    return f"{left} {right}"


def join_pages(pages: list[list[str]]) -> str:
    """Paragraphs of all pages separated by blank lines; a paragraph cut by a page break is joined again when
    the next page goes on in lower case."""
    out: list[str] = []
    for paras in pages:
        for k, p in enumerate(paras):
            if k == 0 and out and not _SENTENCE_END.search(out[-1]) and p[:1].islower():
                out[-1] = _join(out[-1], p)
            else:
                out.append(p)
    return "\n\n".join(out) + ("\n" if out else "")
