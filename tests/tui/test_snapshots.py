"""Snapshots (pytest-textual-snapshot) of the pair view, help, pair picker and export dialog at 80x24 and larger.

Every snapshot waits for the background alignment first, so the highlights are always in the picture.
Update after a deliberate change with `pytest tests/tui/test_snapshots.py --snapshot-update`, then look at them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.conftest import aligned

SMALL = (80, 24)
LARGE = (160, 45)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x45"])
def test_pair_view_on_a_conflict(snap_compare, make_app, marlow_docs, size):
    assert snap_compare(make_app(marlow_docs), run_before=aligned, press=["c"], terminal_size=size)


def test_pair_view_at_200x60(snap_compare, make_app, seed_docs):
    assert snap_compare(make_app(seed_docs), run_before=aligned, press=["j", "j"], terminal_size=(200, 60))


def test_pair_view_no_color(snap_compare, make_app, marlow_docs, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(marlow_docs), run_before=aligned, press=["c"], terminal_size=SMALL)


def test_pair_view_light_theme(snap_compare, make_app, marlow_docs):
    assert snap_compare(make_app(marlow_docs), run_before=aligned, press=["t", "c", "tab"], terminal_size=SMALL)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x45"])
def test_help(snap_compare, make_app, marlow_docs, size):
    assert snap_compare(make_app(marlow_docs), run_before=aligned, press=["question_mark"], terminal_size=size)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x45"])
def test_pair_picker(snap_compare, make_app, marlow_docs, size):
    assert snap_compare(make_app(marlow_docs), run_before=aligned, press=["p"], terminal_size=size)


def test_export_dialog(snap_compare, make_app, marlow_docs, monkeypatch):
    # The dialog names the current folder: one with the same name on every machine, for a stable picture.
    folder = Path("/tmp/sbs-snapshot-exports")
    folder.mkdir(exist_ok=True)
    monkeypatch.chdir(folder)
    app = make_app(marlow_docs, low_bandwidth=True)  # no blinking cursor: a stable picture
    assert snap_compare(app, run_before=aligned, press=["e"], terminal_size=SMALL)
