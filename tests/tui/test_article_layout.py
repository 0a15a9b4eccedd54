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


def test_list_items_hang_past_their_marker_and_stay_together():
    text = ("Storm hits the coast\n\n"
            "- Winds reached 150 km/h on Monday night along the coast.\n"
            "- Two people died, officials said.\n"
            "12. Power was cut to 40,000 homes in the region.\n\n"
            "The mayor said that schools will reopen on Thursday.")
    doc = document_from_text("list.md", text)
    assert [s.kind for s in doc.sentences].count("bullet") == 3
    layout = layout_article(doc, 24)
    shown = [" " * indent + line for indent, line in zip(layout.indents, lines_of(layout))]
    assert shown[:2] == ["Storm hits the coast", ""]
    items = shown[2:shown.index("", 2)]  # no blank line between the items
    assert items[0].startswith("- Winds") and all(not line.startswith("-") or line.startswith("- ") for line in items)
    # Continuation lines start under the item's text, never under its marker, and still fit the width.
    for line, next_line in zip(items, items[1:]):
        if not next_line.lstrip()[0].isdigit() and not next_line.startswith("- "):
            marker = 4 if line.lstrip()[0].isdigit() or line.startswith("    ") else 2
            assert next_line.startswith(" " * marker) and next_line[marker] != " "
    assert any(line.startswith("    ") for line in items)  # "12. " hangs by four
    assert all(cell_len(line) <= 24 for line in shown)
    # A click on a continuation line's text selects that item.
    k = next(i for i, s in enumerate(doc.sentences) if s.text.startswith("- Winds"))
    second = layout.first_line[k] + 1
    assert layout.indents[second] == 2 and layout.sentence_at(second, 2) == k
    # The paragraph after the list is separated by a blank line.
    mayor = next(i for i, line in enumerate(shown) if line.startswith("The mayor"))
    assert shown[mayor - 1] == "" and layout.indents[mayor] == 0


def test_every_sentence_starts_a_line_so_its_gutter_mark_is_its_own(seed_docs):
    # A sentence that began mid-line shared the line's one gutter mark with the sentence before (a user trial
    # read "┃+died. In addition, ..." as the "+" of the current passage).
    for doc in seed_docs:
        layout = layout_article(doc, 38)
        for k, sent in enumerate(doc.sentences):
            assert layout.starts[layout.first_line[k]] == sent.start, (doc.name, sent.text)
            assert list(layout.sentences_on(layout.first_line[k]))[0] == k
    # No space between two sentences: the line still breaks where the next one starts.
    doc = document_from_text("x.txt", "Title\n\nOne sentence here.Two starts without space. Three.")
    layout = layout_article(doc, 40)
    assert len(doc.sentences) == 4
    assert [line for line in lines_of(layout) if line] == [s.text for s in doc.sentences]
