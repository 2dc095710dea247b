"""The Chicago Data Portal dialog against a fake SODA server (httpx.MockTransport): no network."""

from __future__ import annotations

from datetime import date

import httpx
from PySide6.QtCore import QDate

from crimedesk.ui.dialogs.portal_dialog import PortalDialog
from crimedesk.ui.welcome import WelcomePage
from tests.feed.soda_mock import FakeSoda, api_rows

TODAY = date(2017, 1, 3)


def test_downloads_then_imports_and_shows_the_counts(
    qtbot, sqlite_store, chicago_sample, tmp_path, artifacts
):
    soda = FakeSoda(*api_rows(chicago_sample))
    dialog = PortalDialog(sqlite_store, client=soda.client(), app_token="", folder=tmp_path, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.date_range() == (date(2016, 12, 7), TODAY)  # the last 28 days by default
    assert "goes online" in dialog.note.text()
    qtbot.wait(50)
    assert soda.requests == []  # nothing goes online before Download

    dialog.start_date.setDate(QDate(2017, 1, 1))
    with qtbot.waitSignal(dialog.downloaded, timeout=20_000) as blocker:
        dialog.download.click()
    path = blocker.args[0]
    assert path == tmp_path / "chicago_crimes_2017-01-01_to_2017-01-03.csv" and path.exists()
    assert soda.page_requests()[0].url.params["$where"] == (
        "date between '2017-01-01T00:00:00' and '2017-01-03T23:59:59'"
    )
    assert dialog.progress.value() == 1000 and "Downloaded 2,426 incidents" in dialog.message.text()

    importer = dialog.import_dialog
    assert importer is not None and importer.path.text() == str(path)
    qtbot.waitUntil(importer.start.isEnabled, timeout=10_000)
    assert "Chicago" in importer.detected.text()
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as imported:
        importer.start.click()
    counts = imported.args[0].counts
    assert counts.rows_read == 2426
    assert counts.inserted + counts.updated + counts.unchanged + counts.rejected == 2426
    assert "2,426 rows read" in importer.message.text()
    assert "2,426 rows read" in dialog.message.text()
    assert dialog.cancel.text() == "Close"
    importer.close()
    qtbot.wait(50)
    dialog.grab().save(str(artifacts / "portal_dialog.png"))


def test_a_failed_download_is_shown_and_leaves_no_file(qtbot, sqlite_store, chicago_sample, tmp_path):
    soda = FakeSoda(*api_rows(chicago_sample))
    for n in range(1, 20):
        soda.faults[n] = lambda _r: httpx.Response(403, text="forbidden")
    dialog = PortalDialog(
        sqlite_store, client=soda.client(), app_token="", folder=tmp_path / "dl", today=TODAY
    )
    qtbot.addWidget(dialog)
    dialog.download.click()
    qtbot.waitUntil(lambda: "⚠" in dialog.message.text(), timeout=10_000)
    assert "HTTP 403" in dialog.message.text() and "data.cityofchicago.org" in dialog.message.text()
    assert dialog.download.isEnabled() and dialog.import_dialog is None
    assert list((tmp_path / "dl").glob("*")) == []


def test_welcome_page_offers_the_download(qtbot):
    page = WelcomePage("test")
    qtbot.addWidget(page)
    assert page.portal_button.text() == "Download from the Chicago Data Portal…"


def test_workspace_welcome_button_opens_the_dialog_offline(qtbot, sqlite_store, tmp_path):
    from crimedesk.ui.workspace import Workspace

    workspace = Workspace(sqlite_store, tmp_path / "settings.json")
    qtbot.addWidget(workspace.window)
    workspace.welcome.portal_button.click()
    dialogs = workspace.window.findChildren(PortalDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible() and dialogs[0].job is None
    dialogs[0].close()
