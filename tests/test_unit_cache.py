"""The segmentation cache for books: the same units as segmenting afresh, and a bad entry is never trusted."""

from __future__ import annotations

import numpy as np
import pytest

from align import cache as cache_module
from align.cache import UNITS_MIN_CHARS, UnitCache
from align.document import document_from_text
from align.segment import segment
from tests.conftest import SEEDS


@pytest.fixture
def book() -> str:
    """A book-sized text from the seeds (CRLF line ends, so offsets are tested on them too)."""
    text = "\r\n\r\n".join(p.read_text(encoding="utf-8") for p in SEEDS)
    return (text * (UNITS_MIN_CHARS // len(text) + 1)).replace("\n", "\r\n")


def test_cached_units_equal_fresh_ones(book, tmp_path):
    fresh = segment(book)
    first = document_from_text("book.txt", book, cache_dir=tmp_path)
    entry = UnitCache(tmp_path).path(book)
    assert entry.exists()
    second = document_from_text("book.txt", book, cache_dir=tmp_path)
    assert list(first.sentences) == list(second.sentences) == fresh
    assert all(book[u.start:u.end] == u.text for u in second.sentences)


def test_the_cache_is_read_and_a_valid_entry_is_used(book, tmp_path):
    document_from_text("book.txt", book, cache_dir=tmp_path)
    entry = UnitCache(tmp_path).path(book)
    arr = np.load(entry)
    np.save(entry, arr[:3])  # a shorter (but consistent) entry: what comes back proves the cache was read
    assert len(document_from_text("book.txt", book, cache_dir=tmp_path).sentences) == 3


@pytest.mark.parametrize("damage", ["garbage", "out_of_range", "overlap", "bad_kind", "floats"])
def test_a_bad_entry_is_dropped_and_recomputed(book, tmp_path, damage):
    fresh = segment(book)
    document_from_text("book.txt", book, cache_dir=tmp_path)
    entry = UnitCache(tmp_path).path(book)
    arr = np.load(entry)
    if damage == "garbage":
        entry.write_bytes(b"\x93NUMPY\x01\x00garbage")
    else:
        if damage == "out_of_range":
            arr[-1, 1] = len(book) + 5
        elif damage == "overlap":
            arr[5, 0] = arr[4, 0]
        elif damage == "bad_kind":
            arr[0, 2] = 7
        else:
            arr = arr.astype(np.float64)
        np.save(entry, arr)
    assert list(document_from_text("book.txt", book, cache_dir=tmp_path).sentences) == fresh
    assert np.array_equal(np.load(entry), np.array(
        [(u.start, u.end, ("sentence", "heading", "bullet", "credit").index(u.kind), u.paragraph) for u in fresh]))


def test_articles_are_not_cached(tmp_path):
    text = SEEDS[0].read_text(encoding="utf-8")
    assert len(text) < UNITS_MIN_CHARS
    document_from_text("a.txt", text, cache_dir=tmp_path)
    assert not (tmp_path / "units").exists()


def test_a_new_segmenter_gets_new_entries(book, tmp_path, monkeypatch):
    before = UnitCache(tmp_path).path(book)
    monkeypatch.setattr(cache_module, "segmenter_version", lambda: "another")
    assert UnitCache(tmp_path).path(book) != before


def test_an_unwritable_cache_only_costs_speed(book, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert list(document_from_text("book.txt", book, cache_dir=blocker).sentences) == segment(book)


def test_without_a_folder_nothing_is_cached(book, tmp_path, monkeypatch):
    """The library writes no cache of its own accord, not even in the user cache folder: only where the caller
    (the command line, from SBS_CACHE_DIR or that folder) says."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert str(cache_module.default_cache_dir()).startswith(str(tmp_path))
    assert list(document_from_text("book.txt", book).sentences) == segment(book)
    assert not any(tmp_path.iterdir())
