"""The import dialog shows how it reads the chosen file (encoding and delimiter, or a workbook's
sheet), lets the analyst change each, and imports the file as chosen."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import select

from crimedesk.storage.schema import incidents
from crimedesk.ui.dialogs.import_dialog import ImportDialog
from tests.ingest.helpers import count
from tests.ingest.test_workbooks import write_workbook

UMLAUT_BLOCK = "ÄUSSERE RING STRASSE"


def _dialog(qtbot, store, path) -> ImportDialog:
    dialog = ImportDialog(store)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    dialog.choose_file(path)
    return dialog


def _read(qtbot, dialog: ImportDialog, format_text: str) -> None:
    qtbot.waitUntil(lambda: dialog.read_format.format.text() == format_text, timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.detected.text().startswith("Reading"), timeout=10_000)


def _semicolon_sample(chicago_sample, tmp_path):
    """The sample with ';' between fields, UTF-8, the first row's block holding an umlaut."""
    frame = pd.read_csv(chicago_sample, dtype=str, keep_default_na=False)
    frame.loc[0, "Block"] = UMLAUT_BLOCK
    path = tmp_path / "semicolons.csv"
    frame.to_csv(path, index=False, sep=";", encoding="utf-8")
    return path, frame.loc[0, "ID"]


def test_the_sniffed_format_is_shown_and_an_override_is_imported(qtbot, store, chicago_sample, tmp_path):
    path, first_id = _semicolon_sample(chicago_sample, tmp_path)
    dialog = _dialog(qtbot, store, path)
    _read(qtbot, dialog, "read as utf-8, delimiter ';'")
    row = dialog.read_format
    assert row.encoding.currentText() == "Sniffed" and row.delimiter.currentText() == "Sniffed"
    assert row.encoding.isVisible() and not row.sheet.isVisible()
    assert "Chicago" in dialog.detected.text() and dialog.start.isEnabled()
    assert dialog.minimumSizeHint().width() <= 1366 and dialog.minimumSizeHint().height() <= 768

    row.delimiter.setCurrentText(",")
    _read(qtbot, dialog, "read as utf-8, delimiter ','")
    assert dialog.map_columns.isVisible() and not dialog.start.isEnabled()
    row.delimiter.setCurrentText("Sniffed")
    row.encoding.setCurrentText("cp1252")  # the analyst's (wrong) choice is what the import uses
    _read(qtbot, dialog, "read as cp1252, delimiter ';'")
    qtbot.waitUntil(dialog.start.isEnabled, timeout=10_000)
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as blocker:
        dialog.start.click()
    assert blocker.args[0].counts.inserted == 2426 and count(store) == 2426
    with store.connect() as conn:
        block = conn.execute(select(incidents.c.block).where(incidents.c.source_key == first_id)).scalar_one()
    assert block == UMLAUT_BLOCK.encode("utf-8").decode("cp1252")


def test_a_workbooks_sheet_is_shown_chosen_and_imported(qtbot, sqlite_store, chicago_sample, tmp_path):
    path = write_workbook(chicago_sample, tmp_path / "export.xlsx")
    book = load_workbook(path)
    book.move_sheet("Notes", offset=-1)  # the notes come first: the incidents must be chosen
    book.save(path)
    dialog = _dialog(qtbot, sqlite_store, path)
    _read(qtbot, dialog, "Excel workbook, sheet Notes")
    row = dialog.read_format
    assert [row.sheet.itemText(i) for i in range(row.sheet.count())] == ["Notes", "Incidents"]
    assert row.sheet.isVisible() and not row.encoding.isVisible() and not row.delimiter.isVisible()
    assert dialog.map_columns.isVisible() and not dialog.start.isEnabled()

    row.sheet.setCurrentText("Incidents")
    _read(qtbot, dialog, "Excel workbook, sheet Incidents")
    qtbot.waitUntil(dialog.start.isEnabled, timeout=10_000)
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as blocker:
        dialog.start.click()
    counts = blocker.args[0].counts
    assert (counts.rows_read, counts.inserted, counts.rejected) == (60, 59, 1)
    assert row.sheet.currentText() == "Incidents"


def test_a_new_file_goes_back_to_the_sniffed_format(qtbot, sqlite_store, chicago_sample, tmp_path):
    path, _ = _semicolon_sample(chicago_sample, tmp_path)
    dialog = _dialog(qtbot, sqlite_store, path)
    _read(qtbot, dialog, "read as utf-8, delimiter ';'")
    dialog.read_format.encoding.setCurrentText("latin-1")
    _read(qtbot, dialog, "read as latin-1, delimiter ';'")
    dialog.choose_file(chicago_sample)
    _read(qtbot, dialog, "read as utf-8, delimiter ','")
    assert dialog.read_format.encoding.currentText() == "Sniffed"
