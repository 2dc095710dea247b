"""The "Subscribe to a portal" dialog against the fake portal on 127.0.0.1: a feed and its backfill."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from sqlalchemy import func, select

from crimedesk.feeds.catalog import list_feeds
from crimedesk.storage.schema import incidents
from crimedesk.ui.dialogs.portal_dialog import PortalDialog
from crimedesk.ui.welcome import WelcomePage
from tests.feeds.conftest import file_import_keys, portal, portal_records  # noqa: F401 - fixtures
from tests.feeds.fake_soda import status

TODAY = date(2017, 1, 3)


def test_subscribes_and_backfills_with_progress(qtbot, sqlite_store, portal, file_import_keys, artifacts):  # noqa: F811
    dialog = PortalDialog(sqlite_store, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.date_range() == (date(2016, 12, 7), TODAY)  # the last 28 days by default
    assert "goes online" in dialog.note.text()
    qtbot.wait(50)
    assert portal.requests == []  # nothing goes online before Subscribe
    dialog.domain.setText(portal.url)
    dialog.start_date.setDate(QDate(2017, 1, 1))
    with qtbot.waitSignal(dialog.subscribed, timeout=30_000) as blocker:
        dialog.subscribe.click()
    assert blocker.args[0].counts.rows_read == 2426
    assert "2,426 received" in dialog.message.text() and dialog.cancel.text() == "Close"
    [feed] = list_feeds(sqlite_store)
    assert feed.filters == "date between '2017-01-01T00:00:00' and '2017-01-03T23:59:59'"
    assert all(r["params"].get("$where", "").startswith("(date between") for r in portal.requests)
    with sqlite_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(incidents)).scalar_one() == len(file_import_keys)
    dialog.grab().save(str(artifacts / "portal_dialog.png"))


def test_a_failed_backfill_is_shown(qtbot, sqlite_store, portal):  # noqa: F811
    portal.faults = {n: status(403) for n in range(1, 20)}
    dialog = PortalDialog(sqlite_store, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.domain.setText(portal.url)
    dialog.subscribe.click()
    qtbot.waitUntil(lambda: "⚠" in dialog.message.text(), timeout=10_000)
    assert "HTTP 403" in dialog.message.text() and "127.0.0.1" in dialog.message.text()
    assert dialog.subscribe.isEnabled()


def test_welcome_page_offers_a_subscription(qtbot):
    page = WelcomePage("test")
    qtbot.addWidget(page)
    assert page.portal_button.text() == "Subscribe to a portal…"


def test_workspace_welcome_button_opens_the_dialog_offline(qtbot, sqlite_store, tmp_path):
    from crimedesk.ui.workspace import Workspace

    workspace = Workspace(sqlite_store, tmp_path / "settings.json")
    qtbot.addWidget(workspace.window)
    workspace.welcome.portal_button.click()
    dialogs = workspace.window.findChildren(PortalDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible() and dialogs[0].job is None
    dialogs[0].close()
