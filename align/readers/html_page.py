"""A web page's article: its main text, title, byline and date, with trafilatura (Apache-2.0).

trafilatura is made for this: it keeps the story and drops navigation, adverts, related-story boxes and footers,
and reads the title, author and publication date from the page's metadata (OpenGraph, JSON-LD, meta tags). The
article's text is its paragraphs separated by blank lines, headed by the title, so the title is aligned like any
heading and every offset counts into this text (what `--save-text` writes).
"""

from __future__ import annotations

import re
from typing import Any

from align.document import Document, DocumentError, Origin, document_or_empty

#: Fewer words than this is not an article: navigation only, a cookie wall, or text a script would load.
MIN_WORDS = 12


def html_document(data: bytes, name: str, shown: str, path: str | None, url: str = "", kept: str = "", *,
                  cache_dir=None) -> Document:
    """The article in an HTML page's bytes (any encoding the page declares or trafilatura detects)."""
    import trafilatura

    try:
        found = trafilatura.bare_extraction(data, url=url or None, with_metadata=True, include_comments=False,
                                            include_images=False, include_links=False)
    except Exception:  # a parser of untrusted bytes: whatever it raises, the reader gets one line
        raise DocumentError(f"{shown}: cannot read the page (damaged HTML)") from None
    doc: Any = found if hasattr(found, "text") else None  # a trafilatura Document (a dict only on request)
    body = (doc.text or "") if doc is not None else ""
    if len(re.findall(r"\w+", body)) < MIN_WORDS:
        raise DocumentError(f"{shown}: no article text found (the page holds only navigation, or a script "
                            "loads its text)")
    title = _clean(doc.title)
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
    if title and _key(paragraphs[0]) != _key(title):
        paragraphs.insert(0, title)
    origin = Origin(format="html", title=title, byline=_clean(doc.author), date=_clean(doc.date),
                    site=_clean(doc.sitename), url=url, kept=kept)
    return document_or_empty(name, "\n\n".join(paragraphs) + "\n", shown, path, origin, cache_dir=cache_dir)


def _clean(value) -> str:
    return " ".join(str(value).split()) if value else ""


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
