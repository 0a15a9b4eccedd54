"""One export flow for the pair view and the overview: the registry of formats (align.export.FORMATS), the one
dialog (tui/screens/export_dialog.py) that offers them, and the worker that writes with their plain functions."""

from __future__ import annotations

import csv
import html
import json

import align.export
from align.export import COLUMNS, FORMATS, GROUP_COLUMNS, ExportFormat, ExportOptions, formats_for, select_pairs
from tests.tui.conftest import aligned
from tests.tui.test_overview import overview
from tui.screens.export_dialog import ExportDialog
from tui.widgets.toggle_line import ToggleLine


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def test_each_format_writes_its_subject_with_the_options_it_reads(seed_comparison, tmp_path):
    assert [f.name for f in formats_for("alignment")] == ["csv", "html", "json"]
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
        if fmt.extension == ".json":  # the alignment and the facts, as `sbs align --json` writes them
            data = json.loads(path.read_text(encoding="utf-8"))
            assert rows is None and data["rows"] and data["groups"]
            assert {r["pair"] for r in data["rows"]} == {f"{pair[0]} vs {pair[1]}"}
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
    """The seam for another format (a list of the pairs, say): register it, and the pair view's `e` offers it,
    the file name follows it, only its options show, and its writer writes."""
    def write_pairs(comparison, path, o):
        names = [d.name for d in comparison.documents]
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(f"{names[i]} vs {names[j]}\n" for i, j in select_pairs(comparison, o.only))

    pairs = ExportFormat("pairs", "pair list", ".pairs", "alignment", write_pairs, frozenset({"only"}))
    monkeypatch.setattr(align.export, "FORMATS", FORMATS + (pairs,))
    app = make_app(marlow_docs, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(pilot)
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one("#export-body").border_title == "Export the alignment"
        assert dialog.query_one("#export-path").value == "sbs-marlow-a-vs-marlow-b.csv"
        offered = [str(t.render()) for t in dialog.query(ToggleLine)]
        assert offered[-2:] == ["[ ] JSON instead: the links and the facts, with offsets, for scripts",
                                "[ ] pair list instead"]
        await pilot.click("#export-html")
        await pilot.click("#export-pairs")  # one format at a time: the report is off again
        await pilot.pause()
        assert not dialog.query_one("#export-html", ToggleLine).value and dialog.query_one("#export-pairs").value
        assert dialog.query_one("#export-path").value == "sbs-marlow-a-vs-marlow-b.pairs"
        assert not dialog.query_one("#export-raw", ToggleLine).display  # a list of pairs has no spreadsheet cells
        assert dialog.query_one("#export-all", ToggleLine).display
        dialog.query_one("#export-path").focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        written = [n.message for n in app._notifications if n.title == "Exported"]
    path = tmp_path / "sbs-marlow-a-vs-marlow-b.pairs"
    assert app.last_export == str(path)
    assert written and written[-1] == f"Wrote the file to {path}"
    assert path.read_text(encoding="utf-8") == "marlow-a.txt vs marlow-b.txt\n"  # only the pair on screen


async def test_a_typed_extension_chooses_the_format_it_names(make_app, marlow_docs, tmp_path):
    """A reader who types report.html or links.json gets that format, not a CSV under that name; the toggles
    show the choice, and typing .csv again goes back to CSV."""
    for name, check in (("links.json", lambda text: json.loads(text)["rows"]),
                        ("report.HTML", lambda text: text.startswith("<!DOCTYPE html>")),
                        ("again.csv", lambda text: text.startswith("pair,left_doc"))):
        app = make_app(marlow_docs)
        async with app.run_test(size=(80, 24)) as pilot:
            await aligned(pilot)
            await pilot.press("e")
            dialog = app.screen
            assert isinstance(dialog, ExportDialog)
            if name == "again.csv":  # from the report, chosen by its toggle, back to CSV by the name alone
                await pilot.click("#export-html")
                await pilot.pause()
                assert dialog.query_one("#export-html", ToggleLine).value
            field = dialog.query_one("#export-path")
            field.focus()
            field.value = ""
            await pilot.press(*str(tmp_path / name))
            await pilot.pause()
            ext = name.rsplit(".", 1)[1].lower()
            assert dialog.format.extension == f".{ext}"
            for toggle in ("html", "json"):
                assert dialog.query_one(f"#export-{toggle}", ToggleLine).value == (toggle == ext)
            assert dialog.query_one("#export-raw", ToggleLine).display == (ext == "csv")
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert check((tmp_path / name).read_text(encoding="utf-8")), name
