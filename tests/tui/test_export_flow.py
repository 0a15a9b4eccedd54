"""One export flow for the pair view and the overview: the registry of formats (align.export.FORMATS), the one
dialog (tui/screens/export_dialog.py) that offers them, and the worker that writes with their plain functions."""

from __future__ import annotations

import csv
import html
import json

import align.export
from align.export import COLUMNS, FORMATS, GROUP_COLUMNS, ExportFormat, ExportOptions, formats_for, write_json
from tests.tui.conftest import aligned
from tests.tui.test_overview import overview
from tui.screens.export_dialog import ExportDialog
from tui.widgets.toggle_line import ToggleLine


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def test_each_format_writes_its_subject_with_the_options_it_reads(seed_comparison, tmp_path):
    assert [f.name for f in formats_for("alignment")] == ["csv", "html"]
    assert [f.name for f in formats_for("groups")] == ["groups-csv"]
    docs = seed_comparison.documents
    pair = (docs[0].name, docs[1].name)
    for fmt in FORMATS:
        path = tmp_path / f"out-{fmt.name}{fmt.extension}"
        options = ExportOptions(only=pair if "only" in fmt.options else None, model="hashing-256", version="9.9")
        rows = fmt.write(seed_comparison, str(path), options)
        if fmt.extension == ".html":  # the report: one section per pair, the model named, no rows counted
            page = path.read_text(encoding="utf-8")
            assert rows is None and page.count('<section class="pair"') == 1 and "hashing-256" in page
            assert f"{html.escape(pair[0])} vs {html.escape(pair[1])}" in page
            continue
        header, read = read_csv(path)
        assert rows == len(read) > 0
        assert header == (COLUMNS if fmt.subject == "alignment" else GROUP_COLUMNS)
        if fmt.subject == "alignment":
            assert {r["pair"] for r in read} == {f"{pair[0]} vs {pair[1]}"}
        # raw: a cell that begins like a formula keeps no apostrophe
        raw = fmt.write(seed_comparison, str(path), ExportOptions(raw=True))
        assert raw >= rows and not any(v.startswith("'") for r in read_csv(path)[1] for v in r.values() if v)


async def test_the_overview_and_the_pair_view_open_the_same_dialog(make_app, marlow_docs, tmp_path):
    app = make_app(marlow_docs, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        pair_dialog = app.screen
        assert isinstance(pair_dialog, ExportDialog) and pair_dialog.query("#export-pair")
        assert pair_dialog.query_one("#export-body").border_title == "Export the alignment"  # CSV or the report
        await pilot.press("escape")
        await overview(pilot)
        await pilot.press("e")
        groups_dialog = app.screen
        assert isinstance(groups_dialog, ExportDialog) and groups_dialog is not pair_dialog
        assert groups_dialog.query_one("#export-body").border_title == "Export the fact groups as CSV"
        assert not groups_dialog.query("#export-pair") and not groups_dialog.query("#export-all")
        assert groups_dialog.query_one("#export-path").value == "sbs-groups.csv"


async def test_a_new_format_is_one_entry_in_the_registry(make_app, marlow_docs, tmp_path, monkeypatch):
    """The seam for another format (an HTML report, say): register it, and the pair view's `e` offers it, the
    file name follows it, only its options show, and its writer writes."""
    as_json = ExportFormat("json", "JSON", ".json", "alignment",
                           lambda comparison, path, o: write_json(comparison, path, o.only), frozenset({"only"}))
    monkeypatch.setattr(align.export, "FORMATS", FORMATS + (as_json,))
    app = make_app(marlow_docs, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one("#export-body").border_title == "Export the alignment"
        assert dialog.query_one("#export-path").value == "sbs-marlow-a-vs-marlow-b.csv"
        offered = [str(t.render()) for t in dialog.query(ToggleLine)]
        assert offered[-2:] == ["[ ] HTML report instead: one page, the articles side by side", "[ ] JSON instead"]
        await pilot.click("#export-html")
        await pilot.click("#export-json")  # one format at a time: the report is off again
        await pilot.pause()
        assert not dialog.query_one("#export-html", ToggleLine).value and dialog.query_one("#export-json").value
        assert dialog.query_one("#export-path").value == "sbs-marlow-a-vs-marlow-b.json"
        assert not dialog.query_one("#export-raw", ToggleLine).display  # JSON has no spreadsheet cells
        assert dialog.query_one("#export-all", ToggleLine).display
        dialog.query_one("#export-path").focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        written = [n.message for n in app._notifications if n.title == "Exported"]
    path = tmp_path / "sbs-marlow-a-vs-marlow-b.json"
    assert app.last_export == str(path)
    assert written and written[-1] == f"Wrote the file to {path}"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {r["pair"] for r in data["rows"]} == {"marlow-a.txt vs marlow-b.txt"}  # only the pair on screen
