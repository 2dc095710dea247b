"""An import whose every row was rejected is shown as such: upload history and import dialog."""

from pathlib import Path

from PySide6.QtCore import Qt

from crimedesk.ingest.history import REJECTED_ALL
from crimedesk.ingest.pipeline import import_file
from crimedesk.ui.dialogs.import_dialog import ImportDialog
from crimedesk.ui.panes.data.uploads_view import UploadsView
from tests.keyless_csv import FAR_OFF, MAPPING, expected_repeats, write_keyless_csv

BAD = Path(__file__).resolve().parents[3] / "bad_files"


def test_rejected_all_is_shown_in_the_upload_history(qtbot, sqlite_store, chicago_sample):
    import_file(sqlite_store, chicago_sample)
    import_file(sqlite_store, BAD / "all_rejected.csv")
    uploads = UploadsView(sqlite_store)
    qtbot.addWidget(uploads)
    uploads.refresh()
    qtbot.waitUntil(lambda: uploads.imports.rowCount() == 2, timeout=10_000)
    status = uploads.imports.frame.columns.get_loc("status")
    shown = [
        uploads.imports.data(uploads.imports.index(row, status), Qt.ItemDataRole.DisplayRole)
        for row in (0, 1)
    ]
    assert shown == [REJECTED_ALL, "ok"]
    with qtbot.waitSignal(uploads.rejected_loaded, timeout=10_000) as blocker:
        uploads.imports_view.selectRow(0)
    assert blocker.args == [5]
    assert uploads.rejected.frame["line_number"].tolist() == [2, 3, 4, 5, 6]


def test_the_import_dialog_says_nothing_was_stored(qtbot, sqlite_store):
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.choose_file(BAD / "all_rejected.csv")
    qtbot.waitUntil(dialog.start.isEnabled, timeout=10_000)
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as blocker:
        dialog.start.click()
    assert blocker.args[0].status == REJECTED_ALL
    text = dialog.message.text()
    assert text.startswith("⚠ Every row was rejected: nothing was stored.")
    assert "5 rows read = 0 inserted" in text and "+ 0 conflicts" in text


def test_the_import_dialog_shows_rejection_reasons_as_text(qtbot, sqlite_store, tmp_path):
    header, first, *_ = (BAD / "all_rejected.csv").read_text().splitlines()
    fields = first.split(",")
    fields[2] = "<b>late</b>"
    path = tmp_path / "html_date.csv"
    path.write_text(f"{header}\n{','.join(fields)}\n")
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.choose_file(path)
    qtbot.waitUntil(dialog.start.isEnabled, timeout=10_000)
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        dialog.start.click()
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText
    assert "line 2: occurred '<b>late</b>' does not match" in dialog.message.text()


def test_the_rejected_list_says_what_else_it_lists(qtbot, sqlite_store, chicago_sample, tmp_path):
    """Repeats and far-off points are stored and listed beside the rejected rows: the label says
    which is which (it called them all rejected rows)."""
    written = write_keyless_csv(chicago_sample, tmp_path / "keyless.csv")
    import_file(sqlite_store, tmp_path / "keyless.csv", profile=MAPPING.to_profile())
    uploads = UploadsView(sqlite_store)
    qtbot.addWidget(uploads)
    uploads.refresh()
    qtbot.waitUntil(lambda: uploads.imports.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(uploads.rejected_loaded, timeout=10_000):
        uploads.imports_view.selectRow(0)
    duplicates, conflicts = (len(lines) for lines in expected_repeats(written))
    total = duplicates + conflicts + len(FAR_OFF)
    assert uploads.rejected_label.text() == (
        f"Import 1: {total} listed: 0 rejected, {conflicts} in conflict, {duplicates} repeated,"
        f" {len(FAR_OFF)} far off"
    )
