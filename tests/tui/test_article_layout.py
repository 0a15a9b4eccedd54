"""Wrapping articles into screen lines: never wider than the pane, never a cut word, every character once."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st
from rich.cells import cell_len

from align.document import document_from_text
from tui.widgets.article_layout import layout_article


def lines_of(layout):
    return [layout.display[s:e] for s, e in zip(layout.starts, layout.ends)]


def test_wraps_words_whole_and_separates_paragraphs(seed_docs):
    doc = seed_docs[0]
    layout = layout_article(doc, 30)
    for line in lines_of(layout):
        assert cell_len(line) <= 30
        assert line == line.strip()
    # Each line starts and ends on a word boundary of the text.
    for s, e in zip(layout.starts, layout.ends):
        if s < e:
            assert s == 0 or doc.text[s - 1].isspace()
            assert e == len(doc.text) or doc.text[e].isspace()
    # Paragraph breaks are blank lines.
    paragraphs = len({s.paragraph for s in doc.sentences})
    assert sum(1 for s, e in zip(layout.starts, layout.ends) if s == e) == paragraphs - 1


def test_sentences_map_to_lines_and_back(seed_docs):
    doc = seed_docs[1]
    layout = layout_article(doc, 41)
    for k, sent in enumerate(doc.sentences):
        first, last = layout.first_line[k], layout.last_line[k]
        assert layout.starts[first] <= sent.start < layout.ends[first]
        assert layout.starts[last] < sent.end <= layout.ends[last]
        assert k in layout.sentences_on(first) and k in layout.sentences_on(last)
        # A click on the sentence's first character selects it.
        col = cell_len(layout.display[layout.starts[first]:sent.start])
        assert layout.sentence_at(first, col) == k


def test_wide_characters_and_overlong_words():
    doc = document_from_text("x.txt", "中文字符很宽。" * 20 + " https://example.org/" + "a" * 90 + " end.")
    layout = layout_article(doc, 16)
    assert all(cell_len(line) <= 16 for line in lines_of(layout))
    assert "".join(lines_of(layout)).replace(" ", "") == doc.text.replace(" ", "")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab cd\n中😀.\x1b\u202e")), min_size=1, max_size=60),
                min_size=1, max_size=6), st.integers(min_value=4, max_value=50))
def test_every_non_space_character_is_shown_once(chunks, width):
    text = "\n\n".join(chunks)
    doc = document_from_text("p.txt", text)
    layout = layout_article(doc, width)
    shown = lines_of(layout)
    assert all(cell_len(line) <= width for line in shown)
    covered = "".join(doc.text[s:e] for s, e in zip(layout.starts, layout.ends))
    inside = "".join(doc.text[s.start:s.end] for s in doc.sentences)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", inside)
