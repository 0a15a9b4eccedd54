"""Article text is data: make it safe to draw, one character for one character.

Every replacement is a single narrow character, so an offset into the original text is the same offset into the
display text (highlights, clicks and exports keep pointing at the right words). Wide characters (CJK, emoji)
are left as they are; rich.cells.cell_len measures them.

- C0 controls and DEL become their Control Pictures (ESC -> ␛, NUL -> ␀), so an escape sequence shows as text
  and never reaches the terminal; tab, newline and the like become a space (prose wraps on them).
- C1 controls (U+0080-U+009F) become �.
- Bidirectional overrides and isolates become ⇄; zero-width and other invisible format characters become ¦.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_MARK = "⇄"
INVISIBLE_MARK = "¦"
C1_MARK = "�"

_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_SPACE_LIKE = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x2028, 0x2029}


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x20):
        table[cp] = " " if cp in _SPACE_LIKE else chr(0x2400 + cp)
    table[0x7F] = "\u2421"  # ␡
    for cp in range(0x80, 0xA0):
        table[cp] = C1_MARK
    table[0x2028] = table[0x2029] = " "
    table[0x00AD] = "-"  # soft hyphen: terminals disagree on its width
    # Format characters (category Cf): bidi controls, zero-width space/joiners, BOM, tags...
    for cp in [*range(0x00A0, 0x10000), *range(0x1D173, 0x1D17B), *range(0xE0000, 0xE0080)]:
        if cp not in table and unicodedata.category(chr(cp)) == "Cf":
            table[cp] = BIDI_MARK if cp in _BIDI else INVISIBLE_MARK
    return table


_TABLE = _table()
#: Characters that were replaced by a marker (not the plain space substitutes): the pane styles them.
UNSAFE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_TABLE) if cp not in _SPACE_LIKE and cp != 0xAD) + "]")


def sanitize(text: str) -> str:
    """The text with every control, bidi and invisible character replaced by one visible narrow character."""
    return text.translate(_TABLE)


def marked_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of characters in the original text that `sanitize` replaced with a visible marker."""
    return [m.span() for m in UNSAFE.finditer(text)]


def safe_line(text: str, limit: int = 200) -> str:
    """A one-line, sanitised and shortened version of some text (file names, reasons, notifications)."""
    s = " ".join(sanitize(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"



def folder_line(path: str, width: int) -> str:
    """A folder for one line: shown safely, and cut at its start when long (the end names the folder)."""
    shown = safe_line(path, 10_000)
    return shown if len(shown) <= width else "…" + shown[-(width - 1):]
