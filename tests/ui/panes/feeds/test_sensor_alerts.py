"""Sensor alerts in the running app: a live map layer, and a toast for the alerts the rules pick."""

from __future__ import annotations

from crimedesk.config.settings import Settings, save_settings
from crimedesk.feeds.alerts import AlertRule
from crimedesk.feeds.catalog import add_feed, pause_feed
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.sensors import parse_alert, store_events
from crimedesk.ui.panes.feeds.sensor_alerts import LAYER
from crimedesk.ui.workspace import Workspace
from tests.feeds.conftest import ANALYST
from tests.feeds.test_mqtt_feed import alert
from tests.ui.panes.map.mapjs import js, wait_js


def test_alerts_arrive_on_the_map_and_the_rules_pick_the_toast(qtbot, chicago_sample_store, tmp_path):
    engine, settings = chicago_sample_store, tmp_path / "settings.json"
    save_settings(Settings(alert_rules=[AlertRule(("gunshot",), 0.9).to_dict()]), settings)
    feed = add_feed(engine, Feed("s", "mqtt", "127.0.0.1:1883", "city/#", "chicago"), user=ANALYST)
    pause_feed(engine, "s", user=ANALYST)  # the test stores the alerts itself
    with engine.begin() as conn:  # stored before the app opened: drawn, never notified
        store_events(conn, feed.id, [parse_alert(alert(n)) for n in range(1_000, 1_010)])
    workspace = Workspace(engine, settings, user=ANALYST)
    qtbot.addWidget(workspace.window)
    workspace.window.show()
    workspace.window.tabs.setCurrentWidget(workspace.map)
    workspace.reload()
    workspace.start_feeds()
    qtbot.waitUntil(lambda: workspace.map.page_ready and workspace.sensors.last_id > 0, timeout=20_000)
    wait_js(qtbot, workspace.map, f"crimedesk.stats().overlays.includes('{LAYER}')")
    assert not workspace.sensors.toast.isVisible()
    with engine.begin() as conn:
        store_events(conn, feed.id, [parse_alert(alert(n)) for n in range(30)])
    for _ in range(3):  # three batches within a second: one re-read
        workspace.scheduler.batch.emit("mqtt", "s", 10, 0)
    wait_js(qtbot, workspace.map, f"crimedesk.overlays['{LAYER}'].getLayers().length === 40")
    picked = [n for n in range(30) if n % 3 and (n % 10) / 10 >= 0.9]  # gunshots of confidence >= 0.9
    assert picked == [19, 29]
    toast = workspace.sensors.toast
    qtbot.waitUntil(toast.isVisible, timeout=5_000)
    assert toast.text().startswith("Sensor alert: gunshot at 2017-01-0") and toast.text().endswith(
        "(and 1 more)"
    )
    assert js(qtbot, workspace.map, f"crimedesk.overlays['{LAYER}'].getLayers()[0].options.radius") == 6
    qtbot.wait(300)
    workspace.window.grab().save("/tmp/sensor_alerts.png")
    workspace.window.close()
