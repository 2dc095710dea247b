"""The upload history shows an import whose every row was rejected as such, with its rows."""

from pathlib import Path

from PySide6.QtCore import Qt

from crimedesk.ingest.history import REJECTED_ALL
from crimedesk.ingest.pipeline import import_file
from crimedesk.ui.panes.data.uploads_view import UploadsView

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
