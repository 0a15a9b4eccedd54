"""A Word document's text with python-docx (MIT): its paragraphs and table cells in reading order.

Each paragraph becomes one paragraph of the text (blank lines between), so headings and body keep their units;
empty paragraphs are skipped; a table row is one line, its cells joined by " | ". The title is the document's
Title property, else its first paragraph in the Title style; the byline and date come from the file's properties
(author, created).
"""

from __future__ import annotations

import io

from align.document import Document, DocumentError, Origin, document_or_empty


def docx_document(data: bytes, name: str, shown: str, path: str | None, url: str = "", kept: str = "", *,
                  cache_dir=None) -> Document:
    """The text of a .docx file. Refused with one line: not a Word file, damaged, or without text."""
    import docx
    from docx.table import Table

    try:
        d = docx.Document(io.BytesIO(data))
        parts: list[str] = []
        title = ""
        for block in d.iter_inner_content():
            if isinstance(block, Table):
                parts.extend(_rows(block))
                continue
            text = block.text.strip()
            if not text:
                continue
            if not title and _style(block).lower() == "title":
                title = " ".join(text.split())
            parts.append(text)
        props = d.core_properties
        title = " ".join((props.title or "").split()) or title
        byline = " ".join((props.author or "").split())
        date = props.created.date().isoformat() if props.created else ""
    except Exception:  # a parser of untrusted bytes (zip, XML): whatever it raises, one line
        raise DocumentError(f"{shown}: not a readable Word document (.docx): damaged, or not a Word file") from None
    origin = Origin(format="docx", title=title, byline=byline, date=date, url=url, kept=kept)
    return document_or_empty(name, "\n\n".join(parts) + ("\n" if parts else ""), shown, path, origin,
                             empty="no text in the document", cache_dir=cache_dir)


def _rows(table) -> list[str]:
    """A table as one line per row, its cells joined by " | " (a row states one fact); a cell merged across
    columns is read once."""
    out = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            out.append(" | ".join(cells))
    return out


def _style(paragraph) -> str:
    try:
        return paragraph.style.name or ""
    except Exception:
        return ""
