"""Word differences inside aligned sentences and the link kind that follows from them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from align.alignment import Conflict, Link
from align.differences import classify, mirror_link, word_diff


def texts(text: str, spans) -> list[tuple[str, str]]:
    return [(s.op, text[s.start:s.end]) for s in spans]


def test_changed_words_and_summary():
    a = "According to Moscow, dozens of them have ended up dead."
    b = "According to Moscow, more than 70 of them have ended up dead."
    d = word_diff(a, b)
    assert texts(a, d.left) == [("equal", "According to Moscow,"), ("changed", "dozens"), ("equal", "of them have ended up dead.")]
    assert texts(b, d.right) == [("equal", "According to Moscow,"), ("changed", "more than 70"), ("equal", "of them have ended up dead.")]
    assert d.summary == "-dozens +more than 70"
    assert 0.6 < d.ratio < 1.0


def test_only_left_and_only_right_words():
    a = "The Kremlin expressed deep concern after this incursion."
    b = "The Kremlin expressed concern after this incursion on Monday."
    d = word_diff(a, b)
    assert ("deleted", "deep") in texts(a, d.left)
    assert ("inserted", "on Monday.") in texts(b, d.right)
    assert d.summary == "-deep | +on Monday."
    # Deleted spans exist only on the left, inserted only on the right.
    assert {s.op for s in d.left} <= {"equal", "changed", "deleted"}
    assert {s.op for s in d.right} <= {"equal", "changed", "inserted"}


def test_case_punctuation_and_quotes_do_not_count():
    a = "“They have been expelled,” said the ministry’s spokesman."
    b = '"they have been EXPELLED" said the ministry\'s spokesman'
    d = word_diff(a, b)
    assert d.ratio == 1.0 and d.summary == ""
    assert [s.op for s in d.left] == ["equal"] and [s.op for s in d.right] == ["equal"]
    # The spans still point into the original texts, quotes and all.
    assert a[d.left[0].start:d.left[0].end] == a


def test_identical_and_empty():
    assert word_diff("Same words here.", "Same words here.").summary == ""
    d = word_diff("", "Something new.")
    assert d.left == () and texts("Something new.", d.right) == [("inserted", "Something new.")]
    assert word_diff("", "").ratio == 1.0


def test_long_summaries_are_cut_at_a_change():
    a = " ".join(f"alpha{i} common" for i in range(60))
    b = " ".join(f"beta{i} common" for i in range(60))
    d = word_diff(a, b)
    assert len(d.summary) <= 200 and d.summary.endswith("more)")
    # The uncut list (what the CSV export writes) has all 60 changes.
    assert len(d.changes) == 60 and d.full.count("-alpha") == 60 and "more)" not in d.full


def test_autojunk_is_off_for_long_sentences():
    # With autojunk a word that is frequent in a long sequence (here "the") would be ignored as junk, breaking
    # the match into pieces; with it off the whole shared run is one equal span.
    base = " ".join(["the"] * 120 + ["fact", "stays"])
    d = word_diff(base + " here.", base + " there.")
    assert d.left[0].op == "equal" and d.left[0].end >= len(base) - 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("ab c’“”\"',.\n\t") + ["12", "no", "Monday", " 70 men ", "not"]), max_size=30).map("".join),
       st.lists(st.sampled_from(list("ab c’“”\"',.\n\t") + ["12", "no", "Tuesday", " more than 70 men ", "n't"]), max_size=30).map("".join))
def test_spans_cover_each_word_once_in_order(a, b):
    d = word_diff(a, b)
    for text, spans in ((a, d.left), (b, d.right)):
        prev = 0
        for s in spans:
            assert prev <= s.start < s.end <= len(text)
            assert text[s.start:s.end] == text[s.start:s.end].strip()
            prev = s.end
    assert 0.0 <= d.ratio <= 1.0
    kind, conflicts = classify(a, b)
    assert kind in ("same", "partial", "conflict") and (kind == "conflict") == bool(conflicts)


def test_classify_kinds():
    near_copy = ("Kyiv, for its part, denied having anything to do with it.",
                 "But the Kyiv authorities denied having anything to do with it.")
    assert classify(*near_copy) == ("same", ())
    retold = ("It is focused on creating a security zone to protect civilians, kyiv indicates, and says only Russian "
              "citizens were involved in the attacks in the Russian region.",
              "The goal is to create a security zone that protects Ukrainian civilians, said Andrii Yusov.")
    assert classify(*retold)[0] == "partial"
    adds_a_lot = ("The Kremlin does not agree with this version.",
                  "The Kremlin does not agree with this version, Peskov said on Tuesday, adding that all the fighters "
                  "who crossed the border were Ukrainians and that the operation was continuing.")
    assert classify(*adds_a_lot)[0] == "partial"
    kind, conflicts = classify("He said that 12 civilians had been injured.", "He said no civilians had been harmed.")
    assert kind == "conflict" and conflicts[0].reason == "casualties: 12 civilians had been injured vs no civilians had been harmed"


def test_mirror_link_swaps_spans_and_reason():
    c = Conflict(0, 2, 5, 7, "number: 12 vs no")
    ln = mirror_link(Link(3, 4, 0.9, "conflict", (c,)))
    assert (ln.left, ln.right) == (4, 3)
    assert ln.conflicts == (Conflict(5, 7, 0, 2, "number: no vs 12"),)
    assert ln.reason == "number: no vs 12"


def test_a_wall_of_text_diffs_in_bounded_time():
    import time

    words = [f"w{i % 997}" for i in range(60_000)]
    a = " ".join(words)
    # One word changed in the middle: the common start and end are exact, the change is one word.
    b = " ".join(words[:30_000] + ["changed"] + words[30_001:])
    t0 = time.perf_counter()
    d = word_diff(a, b)
    assert [s.op for s in d.right] == ["equal", "changed", "equal"]
    assert b[d.right[1].start:d.right[1].end] == "changed"
    assert d.summary == "-w90 +changed"
    # Both ends differ too: the middle is too large to search, so it is one change, quickly.
    c = " ".join(["start"] + words[:30_000] + ["changed"] + words[30_001:] + ["end"])
    d = word_diff(a, c)
    assert [s.op for s in d.left] == ["changed"] and [s.op for s in d.right] == ["changed"]
    assert len(d.summary) <= 200 and "…" in d.summary
    assert time.perf_counter() - t0 < 30  # seconds, for both; searching them would take hours


def test_a_thousands_separator_does_not_make_a_difference():
    from align.differences import classify

    assert classify("Some 1,500 residents were evacuated from the town.",
                    "Some 1500 residents were evacuated from the town.")[0] == "same"


def test_a_difference_inside_a_chinese_sentence_marks_the_characters_that_differ():
    # No spaces between Chinese words: the whole sentence was one "word", so any change marked all of it.
    d = word_diff("洪水造成十二人死亡。", "洪水造成二十人死亡。")
    changed = [s for s in d.right if s.op != "equal"]
    assert changed and all(s.end - s.start == 1 for s in changed)
    assert "洪水造成" == "洪水造成二十人死亡。"[d.right[0].start:d.right[0].end]
    assert 0.5 < d.ratio < 1
    assert word_diff("Floods in Marlow", "马洛洪水").summary == "-Floods in Marlow +马洛洪水"
