"""The Feeds pane: the store's feeds shown (state -> widgets), its buttons change them (widgets -> state)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from crimedesk.auth.roles import Role
from crimedesk.auth.user import User
from crimedesk.feeds.catalog import add_feed, load_feed, pause_feed
from crimedesk.feeds.feed import Feed
from crimedesk.storage.schema import feed_runs, incidents
from crimedesk.ui.panes.feeds.feed_rows import reconciles
from crimedesk.ui.panes.feeds.feeds_pane import BUTTONS, FeedsPane
from crimedesk.ui.panes.feeds.scheduler import FeedScheduler
from tests.feeds.conftest import ANALYST


def _pane(qtbot, engine, user: User = ANALYST, settings: Path | None = None) -> FeedsPane:
    scheduler = FeedScheduler(engine, user)
    pane = FeedsPane(engine, user, scheduler, settings or engine_dir(engine) / "settings.json")
    scheduler.setParent(pane)
    qtbot.addWidget(pane, before_close_func=lambda _pane: scheduler.stop())  # as the window's close does
    pane.resize(1200, 500)
    pane.show()
    with qtbot.waitSignal(pane.loaded, timeout=10_000):
        pane.refresh()
    return pane


def engine_dir(engine) -> Path:
    return Path(engine.url.database).parent


def _cells(pane: FeedsPane, column: int) -> list[str]:
    return [pane.table.item(r, column).text() for r in range(pane.table.rowCount())]


def _history_status(pane: FeedsPane) -> str | None:
    return pane.history.item(0, 1).text() if pane.history.rowCount() == 1 else None


def _portal_feed(portal, name: str = "chicago") -> Feed:
    return Feed(name=name, kind="soda", endpoint=portal.url, dataset="ijzp-q8t2", profile="chicago")


def test_the_table_shows_the_stores_feeds_and_their_status(qtbot, sqlite_store, portal):
    add_feed(sqlite_store, _portal_feed(portal), user=ANALYST)
    add_feed(sqlite_store, Feed("alerts", "mqtt", "127.0.0.1:1883", "sensors/#", "-"), user=ANALYST)
    pause_feed(sqlite_store, "alerts", user=ANALYST)
    pane = _pane(qtbot, sqlite_store)
    assert _cells(pane, 0) == ["alerts", "chicago"]
    assert _cells(pane, 1) == ["mqtt", "soda"]
    assert _cells(pane, 2) == ["paused", "active"]
    assert _cells(pane, 3) == ["never caught up"] * 2
    pane.table.selectRow(0)
    assert pane.buttons["Resume"].isEnabled() and not pane.buttons["Pause"].isEnabled()
    assert not pane.buttons["Backfill…"].isEnabled()  # a topic has no date range to fetch again
    pane.table.selectRow(1)
    assert pane.buttons["Pause"].isEnabled() and pane.buttons["Backfill…"].isEnabled()


def test_pause_and_resume_buttons_change_the_store(qtbot, sqlite_store, portal):
    add_feed(sqlite_store, _portal_feed(portal), user=ANALYST)
    pane = _pane(qtbot, sqlite_store)
    pane.table.selectRow(0)
    with qtbot.waitSignal(pane.loaded, timeout=10_000):
        pane.buttons["Pause"].click()
    assert load_feed(sqlite_store, "chicago").status == "paused"
    assert _cells(pane, 2) == ["paused"] and pane.buttons["Resume"].isEnabled()
    with qtbot.waitSignal(pane.loaded, timeout=10_000):
        pane.buttons["Resume"].click()
    assert load_feed(sqlite_store, "chicago").status == "active"


def test_the_add_dialog_stores_the_feed_it_shows(qtbot, sqlite_store):
    pane = _pane(qtbot, sqlite_store)
    pane.buttons["Add…"].click()
    dialog = pane.dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData("mqtt"))
    assert dialog.dataset.placeholderText() == "sensors/alerts/#"
    dialog.kind.setCurrentIndex(dialog.kind.findData("soda"))
    dialog.name.setText("nyc")
    dialog.endpoint.setText("data.cityofnewyork.us")
    dialog.dataset.setText("5uac-w243")
    dialog.profile.setText("nypd")
    dialog.schedule.setValue(30)
    with qtbot.waitSignal(pane.loaded, timeout=10_000):
        dialog.accept()
    feed = load_feed(sqlite_store, "nyc")
    assert (feed.kind, feed.endpoint, feed.dataset, feed.profile, feed.schedule_minutes) == (
        "soda", "data.cityofnewyork.us", "5uac-w243", "nypd", 30,
    )  # fmt: skip
    assert _cells(pane, 0) == ["nyc"]
    pane.table.selectRow(0)
    pane.buttons["Edit…"].click()
    pane.dialog.schedule.setValue(5)
    with qtbot.waitSignal(pane.loaded, timeout=10_000):
        pane.dialog.accept()
    assert load_feed(sqlite_store, "nyc").schedule_minutes == 5


def test_run_now_lands_the_portals_rows_and_a_reconciled_run(
    qtbot, sqlite_store, portal, file_import_keys, quick_retries, tmp_path: Path
):
    add_feed(sqlite_store, _portal_feed(portal), user=ANALYST)
    pane = _pane(qtbot, sqlite_store)
    pane.table.selectRow(0)
    pane.buttons["Run now"].click()
    qtbot.waitUntil(lambda: not pane.scheduler.running("chicago"), timeout=60_000)
    qtbot.waitUntil(lambda: _cells(pane, 2) == ["active"] and _history_status(pane) == "ok", timeout=10_000)
    with sqlite_store.connect() as conn:
        keys = list(conn.execute(select(incidents.c.source_key)).scalars())
        run = dict(conn.execute(select(feed_runs)).one()._mapping)
    assert len(keys) == len(set(keys)) and set(keys) == file_import_keys
    assert reconciles(run) and run["received"] == len(portal.records)
    assert pane.history.item(0, 1).text() == "ok"
    assert pane.history.item(0, 2).text() == f"{len(portal.records):,}"
    assert pane.history.item(0, 3).text() == f"{run['inserted']:,}"
    assert "never" not in _cells(pane, 3)[0]
    pane.grab().save(str(tmp_path / "feeds_pane.png"))
    pane.grab().save("/tmp/feeds_pane.png")


@pytest.mark.parametrize("role", [Role.VIEWER])
def test_a_viewer_sees_the_feeds_without_the_buttons(qtbot, sqlite_store, portal, role):
    add_feed(sqlite_store, _portal_feed(portal), user=ANALYST)
    pane = _pane(qtbot, sqlite_store, User(name="vi", role=role, host="h"))
    pane.table.selectRow(0)
    assert _cells(pane, 0) == ["chicago"]
    pane.scheduler.start()
    assert not pane.scheduler.timer.isActive()  # a viewer's app runs no feed
    hidden = [name for name in BUTTONS if name != "Alert rules…"]
    assert not any(pane.buttons[name].isVisible() or pane.buttons[name].isEnabled() for name in hidden)
    assert pane.buttons["Alert rules…"].isVisible()  # which alerts notify them is theirs to choose
    with sqlite_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(feed_runs)).scalar_one() == 0


def test_alert_rules_set_in_the_dialog_are_saved_and_shown(qtbot, sqlite_store, data_dir, tmp_path):
    from crimedesk.config.settings import load_settings
    from crimedesk.feeds.alerts import AlertRule
    from tests.layers import import_districts

    layer_id = import_districts(sqlite_store, data_dir).layer_id
    settings = tmp_path / "settings.json"
    pane = _pane(qtbot, sqlite_store, settings=settings)
    pane.buttons["Alert rules…"].click()
    dialog = pane.dialog
    qtbot.waitUntil(lambda: dialog.layer.count() == 2, timeout=10_000)
    dialog.kinds.setText("gunshot, explosion")
    dialog.confidence.setValue(0.8)
    dialog.layer.setCurrentIndex(1)
    dialog.regions.setText("10, 11")
    dialog.where.setCurrentIndex(1)
    dialog.add_button.click()
    dialog.kinds.setText("")
    dialog.layer.setCurrentIndex(0)
    dialog.add_button.click()
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == [
        "gunshot, explosion · confidence ≥ 0.8 · outside districts 10, 11",
        "any type · confidence ≥ 0.8",
    ]
    dialog.list.setCurrentRow(1)
    dialog.remove_button.click()
    dialog.accept()
    saved = [AlertRule.from_dict(r) for r in load_settings(settings).alert_rules]
    assert saved == [AlertRule(("gunshot", "explosion"), 0.8, layer_id, ("10", "11"), False)]


def test_pausing_a_followed_topic_ends_its_run(qtbot, sqlite_store, tmp_path):
    from tests.feeds.brokers import Mosquitto

    broker = Mosquitto(tmp_path)
    broker.start()
    try:
        feed = Feed("sensors", "mqtt", f"127.0.0.1:{broker.port}", "city/#", "chicago")
        add_feed(sqlite_store, feed, user=ANALYST)
        pane = _pane(qtbot, sqlite_store)
        pane.table.selectRow(0)
        pane.buttons["Run now"].click()
        qtbot.waitUntil(lambda: _cells(pane, 2) == ["active · running"], timeout=10_000)
        pane.buttons["Pause"].click()
        qtbot.waitUntil(lambda: not pane.scheduler.running("sensors"), timeout=10_000)
        qtbot.waitUntil(lambda: _cells(pane, 2) == ["paused"], timeout=10_000)
        with sqlite_store.connect() as conn:
            runs = conn.execute(select(feed_runs.c.status, feed_runs.c.finished_at)).all()
        assert len(runs) == 1 and runs[0].status == "ok" and runs[0].finished_at is not None
    finally:
        broker.stop()


def test_backfill_through_the_pane_fetches_the_range(
    qtbot, sqlite_store, portal, file_import_keys, quick_retries
):
    from datetime import date

    from PySide6.QtCore import QDate

    add_feed(sqlite_store, _portal_feed(portal), user=ANALYST)
    pane = _pane(qtbot, sqlite_store)
    pane.table.selectRow(0)
    pane.buttons["Backfill…"].click()
    pane.dialog.start.setDate(QDate(2017, 1, 3))
    pane.dialog.end.setDate(QDate(2017, 1, 3))
    assert pane.dialog.dates() == (date(2017, 1, 3), date(2017, 1, 3))
    pane.dialog.accept()
    qtbot.waitUntil(lambda: _history_status(pane) == "ok", timeout=60_000)
    with sqlite_store.connect() as conn:
        keys = set(conn.execute(select(incidents.c.source_key)).scalars())
    day = {r["id"] for r in portal.records.values() if r["date"].startswith("2017-01-03")}
    assert keys == day & file_import_keys and keys
    assert load_feed(sqlite_store, "chicago").watermark == {}
