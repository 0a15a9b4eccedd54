"""The pair view's cursor (tui/navigation.py), without Textual: where j/k, n/N, c, u, tab, [ ], / and + - go.

A hand-made alignment of two six-sentence articles, so every expected move is written out:

    left  0 ─ 0 right   same
          1 ─ 1         partial
          2 ─ 3         conflict
          3             (only in the left article)
          4 ─ 4         same
          5 ─ 5         conflict
                2       (only in the right article)
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from align.alignment import Alignment, Link
from align.document import document_from_text
from tests.conftest import ROOT
from tui.navigation import FIRST, LAST, Cursor, next_threshold

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")
LINKS = (Link(0, 0, 0.9), Link(1, 1, 0.7, "partial"), Link(2, 3, 0.6, "conflict"), Link(4, 4, 0.9),
         Link(5, 5, 0.6, "conflict"))


def article(name: str, side: str):
    return document_from_text(name, " ".join(f"The {w} sentence of the {side} article is here." for w in ORDINALS))


@pytest.fixture
def docs():
    docs = [article("left.txt", "left"), article("right.txt", "right"), article("third.txt", "third")]
    assert all(len(d.sentences) == 6 for d in docs)
    return docs


def alignment(docs, links=LINKS, left_only=(3,), right_only=(2,)) -> Alignment:
    return Alignment(docs[0], docs[1], tuple(links), tuple(left_only), tuple(right_only), 0.5)


@pytest.fixture
def cursor(docs) -> Cursor:
    cur = Cursor(docs)
    assert cur.set_alignment(alignment(docs))
    return cur


def walk(cur: Cursor, stop: str, direction: int = 1):
    """Press the key until it says something; the sentences it visited and what it said."""
    visited = []
    for _ in range(20):
        note = cur.step(stop, direction)
        if note is not None:
            return visited, note
        visited.append(cur.sentence)
    raise AssertionError(f"{stop} never stopped: {visited}")


def test_it_opens_on_the_first_link(cursor):
    assert cursor.link == LINKS[0] and cursor.sentence == 0 and cursor.side == "left"


@pytest.mark.parametrize("stop, expected, note", [
    ("link", [1, 2, 4, 5], LAST),
    ("diff", [1, 2, 5], LAST),
    ("conflict", [2, 5], LAST),
    ("only", [3], LAST),
])
def test_j_n_c_u_each_stop_at_the_end_with_a_note_and_never_wrap(cursor, stop, expected, note):
    visited, said = walk(cursor, stop)
    assert visited == expected and said == note
    where = (cursor.sentence, cursor.link)
    assert cursor.step(stop) == note  # pressed again: still at the end, the same note, no jump back to the top
    assert (cursor.sentence, cursor.link) == where


@pytest.mark.parametrize("stop, expected", [("link", [4, 2, 1, 0]), ("diff", [2, 1])])
def test_k_and_shift_n_stop_at_the_start_with_a_note(cursor, stop, expected):
    cursor.select(5, LINKS[4])
    visited, said = walk(cursor, stop, -1)
    assert visited == expected and said == FIRST


def test_a_walk_starts_from_what_is_on_screen_after_scrolling(cursor):
    assert cursor.step("link", 1, start=4) is None and cursor.link == LINKS[3]  # the first link at or below 4
    assert cursor.step("link", -1, start=3) is None and cursor.link == LINKS[2]  # the last at or above 3
    assert cursor.step("conflict", 1, start=3) is None and cursor.link == LINKS[4]
    assert cursor.step("only", 1, start=0) is None and cursor.sentence == 3 and cursor.link is None


def test_what_each_key_says_when_there_is_nothing_to_walk(docs):
    cur = Cursor(docs)
    cur.set_alignment(alignment(docs, links=[ln for ln in LINKS if ln.kind != "conflict"]))
    assert cur.step("conflict").text == "No conflicts between these two articles."
    cur.set_alignment(alignment(docs, links=[], left_only=range(6), right_only=range(6)))
    assert cur.step("link").text == "No links between these two articles at this threshold."
    assert cur.step("conflict").text == "No conflicts between these two articles."
    cur.set_alignment(alignment(docs, left_only=()))
    assert cur.step("only").text == "Every sentence of this article has a counterpart."
    cur.set_alignment(alignment(docs, links=[LINKS[0], LINKS[2]]))
    assert cur.step("conflict") is None and cur.link == LINKS[2]
    assert cur.step("conflict").text == "This is the only conflict."


def test_tab_takes_the_link_to_the_other_side(cursor):
    cursor.select(2, LINKS[2])
    assert cursor.switch_side() and cursor.side == "right" and cursor.sentence == 3 and cursor.link == LINKS[2]
    assert [ln.right for ln in cursor.order()] == [0, 1, 3, 4, 5]  # reading order of the right article
    assert cursor.step("only") == LAST  # the right article's own sentence (2) is above
    assert cursor.step("only", start=0) is None and cursor.sentence == 2 and cursor.link is None
    assert not cursor.switch_side() and cursor.side == "left"  # no link to follow: the screen picks a sentence


def test_brackets_step_through_the_articles_and_keep_the_active_sentence(docs):
    cur = Cursor(docs)
    cur.set_alignment(alignment(docs))
    cur.select(4)
    assert cur.pair_after("right") == (0, 2)
    assert cur.pair_after("left") == (2, 1)  # 1 is on the right: skipped
    assert cur.show_pair(0, 2) == 4  # the left article stays, and its sentence with it
    assert cur.link is None and (cur.left, cur.right) == (0, 2)
    assert cur.show_pair(1, 2) is None  # the active (left) article changed
    with pytest.raises(ValueError):
        cur.show_pair(1, 1)
    assert Cursor(docs[:2]).pair_after("right") is None  # two articles: nothing to step to


def test_find_goes_round_and_says_which_match(cursor):
    cursor.select(4)
    note = cursor.find("SECOND")
    assert cursor.sentence == 1 and note.text == "wrapped to the top · match 1 of 1 sentences"
    note = cursor.find("sentence of")
    assert cursor.sentence == 2 and note.text == "match 3 of 6 sentences · / enter: next"
    assert cursor.find("not in it") is None and cursor.sentence == 2


def test_the_threshold_moves_in_steps_within_bounds():
    assert next_threshold(0.5, 1) == 0.55 and next_threshold(0.5, -1) == 0.45
    assert next_threshold(0.95, 1) == 0.95 and next_threshold(0.05, -1) == 0.05


def test_marks_and_sentences_only_here(cursor):
    assert cursor.marks() == ({3}, {2}, {2, 5}, {3, 5})
    assert cursor.only_here() == [3]


def test_the_cursor_needs_no_textual():
    code = "import sys, tui.navigation; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
