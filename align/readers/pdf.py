"""A PDF's text with pypdf (BSD-3-Clause, pure Python), its lines joined back into paragraphs.

A PDF stores lines, not paragraphs: a sentence that wraps is two lines, which the segmenter would take for two
units. So the lines of each page are joined into paragraphs: a wider gap above a line than between the page's
lines usually (where pypdf tells each line's height), a blank line, a change of type size, or a line much
shorter than the page's usual width (a paragraph's last line, a headline) ends one. Gap and width are read
against the line's own type size, so a headline set large and wrapped over two lines stays one paragraph. A
word hyphenated at a line end is joined (keeping the hyphen when the document writes the word with one
elsewhere and never without: "large-scale"), ligatures are spelled out ("ﬁ" -> "fi", so words compare as
typed), and a line holding only a page number is dropped, as are running headers and footers: a line at the
top or foot of most pages that reads the same on each but for its digits ("12/4/26, 5:07 AM Story title",
"file:///story.html 1/2", as a browser prints a page), and a browser's print stamp on a one-page file. The
offsets count into this joined text (what `--save-text` writes), never into the PDF's own bytes.
"""

from __future__ import annotations

import io
import re

from align.document import Document, DocumentError, Origin, document_or_empty

_SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]]$")
#: Typographic ligatures (U+FB00-FB06) as their letters.
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})
#: Where a line-end hyphen was taken out, until the whole text shows whether the word keeps it (a private-use
#: character: pypdf's text never holds one once _clean_line has run).
_SPLIT = "\ue000"
_PAGE_NUMBER = re.compile(r"(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?", re.IGNORECASE)
#: Lines at each end of a page where running headers and footers sit.
_EDGE = 2
#: A browser's print header (date and time, then the page's title) and footer (its address, then "page/pages").
_PRINT_STAMP = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4},? \d{1,2}:\d{2}(?:\s?[AP]M)?\b.*"
                          r"|(?:https?|file)://\S+\s+\d{1,4}/\d{1,4}", re.IGNORECASE)


def pdf_document(data: bytes, name: str, shown: str, path: str | None, url: str = "", kept: str = "", *,
                 cache_dir=None) -> Document:
    """The text of a PDF. Refused with one line: a damaged file, a password, no text layer (a scan)."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            # An empty user password is what "protected against copying" PDFs use: those open like any other.
            raise DocumentError(f"{shown}: password-protected PDF; save a copy without the password first "
                                "(e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf)")
        pages = drop_running_lines([_page_text(page) for page in reader.pages])
        meta = reader.metadata
        title, author = _meta(meta, "title"), _meta(meta, "author")
        created = getattr(meta, "creation_date", None) if meta is not None else None
    except DocumentError:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise DocumentError(f"{shown}: password-protected PDF; save a copy without the password first") from None
    except Exception:  # a parser of untrusted bytes: whatever it raises, the reader gets one line
        raise DocumentError(f"{shown}: not a readable PDF (damaged or incomplete)") from None
    gap, width, size = _document_usuals(pages)
    text = rehyphenate(join_pages([paragraphs(p, ys, gap, width, sizes, size) for p, ys, sizes in pages]))
    if not text.strip():
        raise DocumentError(f"{shown}: the PDF has no text layer (a scan?); run OCR on it first, e.g. "
                            "ocrmypdf in.pdf out.pdf")
    if title.lower().endswith((".doc", ".docx", ".pdf", ".indd", ".odt")) or title.startswith("Microsoft Word - "):
        title = ""  # the file name the PDF was made from, not the article's title
    date = created.date().isoformat() if created is not None else ""
    origin = Origin(format="pdf", title=title, byline=author, date=date, url=url, kept=kept)
    return document_or_empty(name, text, shown, path, origin, cache_dir=cache_dir)


Page = tuple[str, "list[float] | None", "list[float] | None"]


def drop_running_lines(pages: list[Page]) -> list[Page]:
    """The pages without their running headers and footers (see the module's docstring): page furniture, which
    would otherwise be aligned as a sentence of the story."""
    edges: list[list[tuple[int, str, str]]] = []  # per page: (index among non-blank lines, line, key) at its edges
    for text, _, _ in pages:
        lines = [line for line in text.splitlines() if line.strip()]
        ends = sorted(set(range(min(_EDGE, len(lines)))) | set(range(max(0, len(lines) - _EDGE), len(lines))))
        edges.append([(k, clean, _running_key(clean)) for k in ends for clean in (_clean_line(lines[k]),)])
    counts: dict[str, int] = {}
    for page in edges:
        for key in {key for _, _, key in page}:
            counts[key] = counts.get(key, 0) + 1
    repeated = {key for key, n in counts.items() if n >= max(2, (len(pages) + 1) // 2)} if len(pages) > 1 else set()
    out: list[Page] = []
    for (text, heights, sizes), page in zip(pages, edges):
        drop = {k for k, line, key in page if key in repeated or _PRINT_STAMP.fullmatch(line)}
        if not drop:
            out.append((text, heights, sizes))
            continue
        kept, k = [], 0
        for line in text.splitlines():
            if line.strip():
                k += 1
                if k - 1 in drop:
                    continue
            kept.append(line)
        out.append(("\n".join(kept),
                    None if heights is None else [h for i, h in enumerate(heights) if i not in drop],
                    None if sizes is None else [z for i, z in enumerate(sizes) if i not in drop]))
    return out


def _running_key(line: str) -> str:
    """A line as a running header or footer repeats it: its digits (dates, page numbers) may change."""
    return re.sub(r"\d+", "#", line.lower())


def _meta(meta, key: str) -> str:
    try:
        value = getattr(meta, key, None) if meta is not None else None
    except Exception:  # a damaged information dictionary is no reason to refuse the text
        return ""
    return " ".join(str(value).split()) if value else ""


def _page_text(page) -> tuple[str, list[float] | None, list[float] | None]:
    """The page's text as pypdf lays it out, and the height and type size of each of its non-blank lines when
    pypdf's text pieces tell them one for one (else None: the joining then goes by line widths alone)."""
    heights: list[float] = []
    sizes: list[float] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            if not heights or abs(heights[-1] - y) > 0.5:
                heights.append(y)
                # The size as drawn: the font's size scaled by the text and page matrices' vertical scale.
                scale = abs(tm[3] * cm[3]) or 1.0
                sizes.append(float(size or 0) * scale)

    text = page.extract_text(visitor_text=visit) or ""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(heights) != len(lines):
        return text, None, None
    return text, heights, (sizes if all(sizes) else None)


def paragraphs(page: str, heights: list[float] | None = None, usual_gap: float | None = None,
               usual_width: int | None = None, sizes: list[float] | None = None,
               usual_size: float | None = None) -> list[str]:
    """One page's lines joined into paragraphs. `heights` and `sizes` (one per non-blank line, top down) find
    the gaps and the type size; the usual gap, line width and size are the document's (a last page of two lines
    has no usual of its own), else this page's."""
    raw = [_clean_line(line) for line in page.splitlines()]
    # (line, the space above it, its type size; None where unknown); "" is a blank line
    lines: list[tuple[str, float | None, float | None]] = []
    k = 0
    for line in raw:
        if not line:
            lines.append(("", None, None))
            continue
        gap = heights[k - 1] - heights[k] if heights is not None and k else None
        size = sizes[k] if sizes is not None else None
        k += 1
        if not _PAGE_NUMBER.fullmatch(line):
            lines.append((line, gap, size))
    if usual_gap is None:
        usual_gap = _usual_gap([g for _, g, _ in lines])
    if usual_width is None:
        usual_width = _usual_width([line for line, _, _ in lines])
    if usual_size is None:
        usual_size = _usual_size([s for _, _, s in lines])
    if not usual_width:
        return []
    out: list[str] = []
    current = ""
    previous_size: float | None = None
    for line, gap, size in lines:
        # A line set larger than the body holds fewer characters and sits further below the one above it.
        ratio = max(1.0, size / usual_size) if size and usual_size else 1.0
        wide = bool(usual_gap and gap is not None and gap > 1.4 * usual_gap * ratio)
        resized = bool(size and previous_size and abs(size - previous_size) > 0.1 * previous_size)
        if not line or wide or resized:
            if current:
                out.append(current)
            current = ""
            if not line:
                previous_size = None
                continue
        previous_size = size
        current = _join(current, line) if current else line
        width = usual_width / ratio
        # Display type (a headline) is set ragged: a short line of it ends nothing; its end is where the size or
        # the spacing changes (above), or a full stop.
        display = ratio > 1.2
        short = len(line) < 0.75 * width and not display
        if short or (_SENTENCE_END.search(line) and (display or len(line) < 0.9 * width)):
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def _usual_gap(gaps: list[float | None]) -> float | None:
    """The median space between two lines (a paragraph's lines are most of them)."""
    known = sorted(g for g in gaps if g is not None and g > 0)
    return known[len(known) // 2] if known else None


def _usual_width(lines: list[str]) -> int:
    """A full line's length: the 90th percentile, so a few long lines (a URL) do not set it."""
    widths = sorted(len(line) for line in lines if line)
    return widths[int(0.9 * (len(widths) - 1))] if widths else 0


def _usual_size(sizes: list[float | None]) -> float | None:
    """The body's type size: the median line's (headlines and captions are few)."""
    known = sorted(s for s in sizes if s)
    return known[len(known) // 2] if known else None


def _document_usuals(pages: list[tuple[str, list[float] | None, list[float] | None]]
                     ) -> tuple[float | None, int, float | None]:
    gaps: list[float | None] = []
    lines: list[str] = []
    sizes: list[float | None] = []
    for text, heights, page_sizes in pages:
        page_lines = [_clean_line(line) for line in text.splitlines() if line.strip()]
        lines += [line for line in page_lines if not _PAGE_NUMBER.fullmatch(line)]
        if heights is not None:
            gaps += [a - b for a, b in zip(heights, heights[1:])]
        sizes += list(page_sizes or [])
    return _usual_gap(gaps), _usual_width(lines), _usual_size(sizes)


def _clean_line(line: str) -> str:
    return " ".join(line.translate(_LIGATURES).replace(_SPLIT, "").split())


def _join(left: str, right: str) -> str:
    if len(left) > 1 and left.endswith("-") and left[-2].isalpha() and right[:1].islower():
        return left[:-1] + _SPLIT + right  # "civil-" + "ians": a word hyphenated at the line's end (rehyphenate)
    return f"{left} {right}"


def rehyphenate(text: str) -> str:
    """Each word hyphenated at a line's end joined: without the hyphen ("civilians"), unless the rest of the text
    writes it with one and never without ("large-scale")."""
    if _SPLIT not in text:
        return text
    rest = re.sub(rf"\w+{_SPLIT}\w+", " ", text)
    seen = {w.lower() for w in re.findall(r"\w+(?:-\w+)*", rest)}

    def join(m: re.Match[str]) -> str:
        a, b = m.group(1), m.group(2)
        hyphenated = f"{a}-{b}".lower()
        if any(f"-{hyphenated}-" in f"-{w}-" for w in seen if "-" in w) and (a + b).lower() not in seen:
            return f"{a}-{b}"
        return a + b

    return re.sub(rf"(\w+){_SPLIT}(\w+)", join, text).replace(_SPLIT, "")


def join_pages(pages: list[list[str]]) -> str:
    """Paragraphs of all pages separated by blank lines; a paragraph cut by a page break (it ends without a full
    stop, and is no heading: it is long, or the next page goes on in lower case) is joined again."""
    out: list[str] = []
    for paras in pages:
        for k, p in enumerate(paras):
            if k == 0 and out and not _SENTENCE_END.search(out[-1]) and (p[:1].islower() or len(out[-1]) > 80):
                out[-1] = _join(out[-1], p)
            else:
                out.append(p)
    return "\n\n".join(out) + ("\n" if out else "")
