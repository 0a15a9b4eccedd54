"""A Word document's text with python-docx (MIT): its paragraphs and table cells in reading order.

Each paragraph becomes one paragraph of the text (blank lines between), so headings and body keep their units;
empty paragraphs are skipped; a table row is one line, its cells joined by " | ". The title is the document's
Title property, else its first paragraph in the Title style, else its first paragraph when that is a heading; the
byline and date come from the file's properties (author, created), except python-docx's template defaults, which
name the library and a day in 2013, not the article's author and date.
"""

from __future__ import annotations

import io

from align.document import Document, DocumentError, Origin, document_or_empty

#: python-docx's default template's core properties, kept by every file it makes that does not set its own.
_TEMPLATE_AUTHOR, _TEMPLATE_CREATED = "python-docx", "2013-12-23T23:15:00"


def docx_document(data: bytes, name: str, shown: str, path: str | None, url: str = "", kept: str = "", *,
                  cache_dir=None) -> Document:
    """The text of a .docx file. Refused with one line: not a Word file, damaged, or without text."""
    import docx
    from docx.table import Table

    try:
        d = docx.Document(io.BytesIO(data))
        parts: list[str] = []
        title = heading = ""
        for block in d.iter_inner_content():
            if isinstance(block, Table):
                parts.extend(_rows(block))
                continue
            text = block.text.strip()
            if not text:
                continue
            if not title and _style(block).lower() == "title":
                title = " ".join(text.split())
            if not parts and _style(block).lower().startswith("heading") and len(text) <= 200:
                heading = " ".join(text.split())
            parts.append(text)
        props = d.core_properties
        title = " ".join((props.title or "").split()) or title or heading
        byline = " ".join((props.author or "").split())
        created = props.created
        if byline == _TEMPLATE_AUTHOR and created is not None and created.isoformat().startswith(_TEMPLATE_CREATED):
            byline, created = "", None
        date = created.date().isoformat() if created else ""
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
