"""Article text is data: every control, bidi and invisible character is shown as one visible narrow character."""

from __future__ import annotations

import unicodedata

from hypothesis import given, strategies as st
from rich.cells import cell_len

from tui.text_safety import BIDI_MARK, INVISIBLE_MARK, marked_spans, safe_line, sanitize


def test_escape_sequences_become_visible_text():
    shown = sanitize("a\x1b[2Jb\x1b]52;c;SGVsbG8=\x07c\x1b]8;;http://x\x1b\\link")
    assert "\x1b" not in shown and "\x07" not in shown
    assert shown.startswith("a␛[2Jb␛]52;c;SGVsbG8=␇c")


def test_bidi_and_zero_width_are_marked():
    assert sanitize("abc\u202eexe.txt") == f"abc{BIDI_MARK}exe.txt"
    assert sanitize("a\u2066b\u2069") == f"a{BIDI_MARK}b{BIDI_MARK}"
    assert sanitize("pay\u200bpal\ufeff") == f"pay{INVISIBLE_MARK}pal{INVISIBLE_MARK}"
    assert marked_spans("x\u202ey\x1bz") == [(1, 2), (3, 4)]


def test_whitespace_controls_become_spaces_and_c1_is_marked():
    assert sanitize("a\tb\r\nc\u2028d") == "a b  c d"
    assert sanitize("a\x85b\x9bc") == "a�b�c"


def test_markup_and_wide_characters_are_left_alone():
    text = "[bold red]not bold[/] 中文 😀 café"
    assert sanitize(text) == text
    assert cell_len(sanitize(text)) == cell_len(text)


@given(st.text())
def test_one_character_for_one_and_nothing_unsafe_left(text):
    shown = sanitize(text)
    assert len(shown) == len(text)  # offsets into the original text still point at the same characters
    for original, ch in zip(text, shown):
        assert unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"), repr(original)
        if ch != original:
            assert cell_len(ch) == 1


def test_safe_line_is_one_short_line():
    assert safe_line("a\nb\x1b[31m" + "x" * 300, 20) == "a b␛[31m" + "x" * 11 + "…"
