"""Hostile article samples, as bytes, shared by the command-line tests and the app (Pilot) tests.

Generated rather than committed: every byte is visible here, and a reviewer can see exactly what each sample
attacks. Big samples (a 5 MB line) are written at test time by `write_big_line`.
"""

from __future__ import annotations

from pathlib import Path

#: Escape sequences and markup that must reach the screen as visible text, never as control.
ESCAPES = (
    "Breaking [bold red]news[/] from the [link=https://evil.example]border[/link] today.\n"
    "The screen \x1b[2J was cleared \x1b[31mred\x1b[0m and the clipboard \x1b]52;c;cm0gLXJmIH4=\x07 was written.\n"
    "A hyperlink \x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\ hides its target.\n"
    "A file named \u202egpj.exe looks harmless, and zero\u200bwidth\u200d joiners\u2060 hide too.\n"
    "Single-byte C1 controls \x9b2J and \x9d52;c;eA==\x9c and NEL \x85 and a bell \x07 here.\n"
    "=HYPERLINK(\"https://evil.example\",\"Click\") is a formula, and so is +1+1 and @SUM(A1).\n"
    "-2 degrees were forecast, said the agency.\n"
)

#: The same facts in a second article, so the hostile sentences get linked and shown side by side.
ESCAPES_PEER = (
    "Breaking news from the border today, officials said.\n"
    "The screen was cleared and the clipboard was written, according to the report.\n"
    "A hyperlink hides its target, investigators found.\n"
    "Minus two degrees were forecast, said the agency.\n"
)

#: Control characters that must never be written raw to a terminal (C0 except tab/newline, DEL, C1, bidi).
TERMINAL_UNSAFE = (
    {chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}
    | {"\x7f"}
    | {chr(c) for c in range(0x80, 0xA0)}
    | set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)

WIDE = (
    "東京で地震が発生し、12人が負傷した。\n"
    "Officials 👩‍🚒 said the café near Zürich was évacuée. 🚒🚒\n"
    "Ａ fullwidth sentence with combining a\u0301ccents e\u0300 and ñ.\n"
)
WIDE_PEER = (
    "東京で地震があり、12人がけがをした。\n"
    "Officials said the cafe near Zurich was evacuated.\n"
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
#: A PDF made only of ASCII and without pages: it decodes as UTF-8, so only its magic number says it is a PDF, and
#: the PDF reader refuses it as damaged.
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
LATIN1 = "Le café était fermé. Personne n'a été blessé.\n".encode("latin-1")

CRLF_TEXT = "Border clash\r\n\r\nThe ministry said 70 saboteurs died. Four vehicles were destroyed!\r\nNo civilians\r\nwere harmed.\r\n"
BOM_TEXT = "\ufeffThe ministry said 70 saboteurs died. Four vehicles were destroyed.\n"


def bad_files() -> dict[str, tuple[bytes, str]]:
    """name -> (content, the reason the one-line error must give)."""
    return {
        "image.png": (PNG, "binary file (PNG image)"),
        "report.pdf": (PDF, "not a readable PDF (damaged or incomplete)"),
        "latin1.txt": (LATIN1, "not UTF-8 text"),
        "empty.txt": (b"", "empty file"),
        "blank.txt": ("  \n\t\r\n\u3000\n\ufeff\u200b\n".encode("utf-8"), "only white space"),
        "nul.txt": (b"text\x00with a NUL byte", "binary file"),
        "odd-utf16.txt": (b"\xff\xfeA\x00B", "not valid UTF-16"),
        "utf16-no-bom.txt": ("The ministry said 70 saboteurs died.".encode("utf-16-le"),
                             "UTF-16 text without a byte-order mark; convert it first, e.g. iconv -f utf-16le"),
    }


def good_files() -> dict[str, bytes]:
    """name -> content that must align, with offsets true to the text as decoded."""
    return {
        "crlf.txt": CRLF_TEXT.encode("utf-8"),
        "bom-utf8.txt": BOM_TEXT.encode("utf-8"),
        "utf16le.txt": b"\xff\xfe" + CRLF_TEXT.encode("utf-16-le"),
        "utf16be.txt": b"\xfe\xff" + CRLF_TEXT.encode("utf-16-be"),
        "one-word.txt": b"Saboteurs",
        "escapes.txt": ESCAPES.encode("utf-8"),
        "escapes-peer.txt": ESCAPES_PEER.encode("utf-8"),
        "wide.txt": WIDE.encode("utf-8"),
        "wide-peer.txt": WIDE_PEER.encode("utf-8"),
    }


def decoded(content: bytes) -> str:
    """The text as read, decoded independently of the code under test (BOMs kept, newlines untouched)."""
    if content.startswith(b"\xff\xfe"):
        return content.decode("utf-16-le")
    if content.startswith(b"\xfe\xff"):
        return content.decode("utf-16-be")
    return content.decode("utf-8")


def write(directory: Path, files: dict[str, bytes]) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, content in files.items():
        p = directory / name
        p.write_bytes(content)
        out[name] = p
    return out


def write_big_line(path: Path, size: int = 5_000_000) -> Path:
    """One line of `size` bytes with no full stop and no line break (the worst case for a sentence splitter)."""
    words = "saboteurs crossed the border near graivoron and the ministry counted vehicles "
    path.write_text((words * (size // len(words) + 1))[:size], encoding="utf-8")
    return path
