"""Article fixtures in the formats sidebyside reads, made by the tests themselves (nothing downloaded):
a news page with navigation, adverts and a related-stories box; PDFs written byte by byte (text, scanned,
password-protected); DOCX through python-docx."""

from __future__ import annotations

import html
import io
import zlib

#: The story every format carries (paragraphs; the first is the headline).
STORY = [
    "Russia says it repelled raid in Belgorod",
    "The Russian Defense Ministry said on Tuesday that it had thrown out of its Belgorod region the armed men "
    "who had entered Russian territory from Ukraine the day before.",
    "According to Moscow, they have been defeated, dozens of them have ended up dead and the rest have fled to "
    "the neighbouring country.",
    "Governor Vyacheslav Gladkov said that twelve civilians were injured and that residents of nine villages "
    "were evacuated overnight.",
    "Kyiv denied any involvement and said the fighters were Russian citizens opposed to the Kremlin.",
]

#: Page furniture that must not reach the article's text.
FURNITURE = ["Subscribe now", "ADVERTISEMENT", "Buy the best shoes", "Related stories",
             "Drone strikes hit Moscow suburbs", "All rights reserved", "Cookie settings"]


def news_page(paragraphs: list[str] = STORY, title: str | None = None, author: str = "Jane Reporter",
              date: str = "2023-05-23T10:15:00Z", site: str = "The Daily Example", charset: str = "utf-8") -> bytes:
    """A news article page as sites serve them: metadata in the head, the story inside navigation, an advert, a
    related-stories box and a footer. Text is escaped, so a hostile paragraph stays text."""
    title = paragraphs[0] if title is None else title
    e = html.escape
    body = [f"<h1>{e(paragraphs[0])}</h1>", f'<p class="byline">By {e(author)}</p>']
    for k, p in enumerate(paragraphs[1:]):
        if k == 2:
            body.append("<h2>Governor&#39;s account</h2>")
        body.append(f"<p>{e(p)}</p>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}">
<title>{e(title)} | {e(site)}</title>
<meta property="og:title" content="{e(title)}">
<meta name="author" content="{e(author)}">
<meta property="article:published_time" content="{e(date)}">
<meta property="og:site_name" content="{e(site)}">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/subscribe">Subscribe now</a></li></ul></nav></header>
<div class="ad-banner">ADVERTISEMENT: Buy the best shoes in town today, 50% off!</div>
<main><article>
{chr(10).join(body)}
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Drone strikes hit Moscow suburbs</a></li>
<li><a href="/b">Ten things to know about Bakhmut</a></li></ul></aside>
</main>
<footer><p>&copy; 2023 {e(site)}. All rights reserved. Privacy policy. Cookie settings.</p></footer>
</body></html>
"""
    return page.encode(charset, "xmlcharrefreplace")


def nav_only_page() -> bytes:
    return (b"<!DOCTYPE html><html><head><title>The Daily Example</title></head><body><nav><a href=/>Home</a> "
            b"<a href=/world>World</a> <a href=/sport>Sport</a></nav><div id=root></div>"
            b"<script>render()</script><footer>(c) 2023</footer></body></html>")


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_bytes(pages: list[list[str]], info: dict[str, str] | None = None, image_only: bool = False,
              headline: list[str] | None = None) -> bytes:
    """A PDF with one page per list of lines (an empty string is a blank line), in Helvetica with WinAnsi
    encoding, as a word processor lays out a press release. `image_only`: pages carry a picture and no text, as
    a scan does. `headline`: lines set at 24 points above the first page's 11-point lines (a title wrapped as
    typeset, each of its lines shorter than a body line)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = None
    if image_only:
        pixels = bytes((x * 29 + y * 53) % 256 for y in range(64) for x in range(64))
        data = zlib.compress(pixels)
        image = add(b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % len(data)
                    + data + b"\nendstream")
    kids = []
    for n, lines in enumerate(pages):
        if image_only:
            stream = b"q 400 0 0 500 100 200 cm /Im1 Do Q"
        else:
            ops = [b"BT /F1 11 Tf 14 TL 72 740 Td"]
            if headline and n == 0:
                ops = [b"BT /F1 24 Tf 28 TL 72 740 Td"]
                for k, line in enumerate(headline):
                    ops.append((b"T* " if k else b"") + _pdf_string(line) + b" Tj")
                ops.append(b"/F1 11 Tf 14 TL T* T*")
            for k, line in enumerate(lines):
                if k:
                    ops.append(b"T*")
                if line:
                    ops.append(_pdf_string(line) + b" Tj")
            ops.append(b"ET")
            stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        resources = (b"<< /XObject << /Im1 %d 0 R >> >>" % image) if image_only else (b"<< /Font << /F1 %d 0 R >> >>" % font)
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources %s /Contents %d 0 R >>"
                        % (pages_obj, resources, content)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                              + b"] /Count %d >>" % len(kids))
    info_obj = None
    if info:
        info_obj = add(b"<< " + b" ".join(b"/" + k.encode() + b" " + _pdf_string(v) for k, v in info.items()) + b" >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info_obj:
        trailer += b" /Info %d 0 R" % info_obj
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def wrap(paragraph: str, width: int = 78) -> list[str]:
    """A paragraph cut into lines at spaces, as a typesetter does."""
    lines, line = [], ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + ([line] if line else [])


def paragraphs_pdf(paragraphs: list[str], lines_per_page: int = 50) -> bytes:
    """Paragraphs wrapped at 78 characters with a blank line between them, cut into pages of so many lines (a
    paragraph may run on over a page break)."""
    lines: list[str] = []
    for p in paragraphs:
        lines += wrap(p) + [""]
    return pdf_bytes([lines[k:k + lines_per_page] for k in range(0, len(lines), lines_per_page)])


def press_release_pdf(paragraphs: list[str] = STORY, info: dict[str, str] | None = None) -> bytes:
    """The story as a one-page PDF: the headline, then each paragraph wrapped at 78 characters, a blank line
    between paragraphs, and a page number at the foot."""
    lines: list[str] = [paragraphs[0], ""]
    for p in paragraphs[1:]:
        lines += wrap(p) + [""]
    lines.append("1")
    return pdf_bytes([lines], info=info if info is not None else
                     {"Title": paragraphs[0], "Author": "Press Office", "CreationDate": "D:20230523101500Z"})


def encrypted_pdf(plain: bytes, user_password: str = "secret", owner_password: str = "owner") -> bytes:
    """The PDF encrypted with pypdf (AES-256); an empty user password gives a PDF anyone may open."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(paragraphs: list[str] = STORY, title: str = "", author: str = "Press Office",
               table: list[list[str]] | None = None) -> bytes:
    """A Word document: the first paragraph in the Title style, the rest as body text, optionally a table."""
    import datetime

    import docx

    d = docx.Document()
    d.add_paragraph(paragraphs[0], style="Title")
    for p in paragraphs[1:]:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    d.core_properties.title = title
    d.core_properties.author = author
    d.core_properties.created = datetime.datetime(2023, 5, 23, 10, 15)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
