"""Kafka incidents at 5,000 a second into the running app: every one reaches the map page and the
dashboard's counts (checked against SQL), and the window never freezes."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from crimedesk.feeds.catalog import add_feed, feed_history
from crimedesk.feeds.feed import Feed
from crimedesk.storage.schema import incidents
from crimedesk.ui.workspace import Workspace
from tests.feeds.brokers import Tansu
from tests.feeds.conftest import ANALYST
from tests.feeds.kafka_topic import TOPIC, create_topic, encoded, incident
from tests.ui.panes.feeds.map_watch import Heartbeat
from tests.ui.panes.map.mapjs import js

EVENTS, RATE = 10_000, 5_000
# A freeze is a stall a user notices as one. Measured here (machine loaded by others, load 4.1-4.4):
# 142-239 ms while the events arrive (the hidden dashboard is no longer redrawn then; it was 300-520 ms)
MAX_STALL_MS = 1_000
ON_PAGE = "crimedesk.layers.points.getLayers().map((m) => m.options.incidentId).sort((a, b) => a - b)"


def _ids(engine) -> list[int]:
    with engine.connect() as conn:
        query = select(incidents.c.id).where(incidents.c.mappable.is_(True)).order_by(incidents.c.id)
        return list(conn.execute(query).scalars())


def _stored(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(incidents)).scalar_one()


@pytest.fixture
def tansu():
    broker = Tansu()
    broker.start()
    yield broker
    broker.stop()


def _workspace(qtbot, engine, tmp_path) -> Workspace:
    workspace = Workspace(engine, tmp_path / "settings.json", user=ANALYST)
    qtbot.addWidget(workspace.window)
    workspace.window.show()
    workspace.window.tabs.setCurrentWidget(workspace.map)
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None and workspace.map.page_ready, timeout=20_000)
    return workspace


def test_kafka_events_reach_map_and_dashboard_without_freezing(
    qtbot, chicago_sample_store, portal_records, file_import_keys, tansu, tmp_path, gui_collector
):
    engine, before = chicago_sample_store, _stored(chicago_sample_store)
    templates = [r for r in portal_records if r["id"] in file_import_keys]  # rows the profile accepts
    lines = tmp_path / "events.jsonl"
    lines.write_bytes(b"\n".join(encoded(incident(templates[n % len(templates)], n)) for n in range(EVENTS)))
    create_topic(tansu.bootstrap)
    add_feed(engine, Feed("topic", "kafka", tansu.bootstrap, TOPIC, "chicago"), user=ANALYST)
    workspace = _workspace(qtbot, engine, tmp_path)
    workspace.start_feeds()
    qtbot.waitUntil(lambda: feed_history(engine, "topic") != [], timeout=10_000)  # the run started
    gui_collector.collect_all()  # the worker's earlier tests' garbage is not this test's stall
    heartbeat = Heartbeat()
    call = f"publish_at({tansu.bootstrap!r}, {str(lines)!r}, {RATE})"
    code = f"from tests.feeds.kafka_topic import publish_at; {call}"
    publisher = subprocess.Popen([sys.executable, "-c", code])
    started = time.perf_counter()
    qtbot.waitUntil(lambda: _stored(engine) == before + EVENTS, timeout=60_000)
    stored_in = time.perf_counter() - started
    assert publisher.wait(30) == 0
    total = before + EVENTS
    window, cards = workspace.window, workspace.dashboard.kpis.cards
    matching = f"{total:,} of {total:,} incidents match the filters"
    qtbot.waitUntil(lambda: window.counts_label.text() == matching, timeout=15_000)
    on_map = _ids(engine)
    qtbot.waitUntil(lambda: js(qtbot, workspace.map, ON_PAGE) == on_map, timeout=15_000)
    worst_ms = heartbeat.longest_stall_ms()
    shown = Heartbeat()
    window.tabs.setCurrentWidget(workspace.dashboard)  # hidden while the events came: redrawn when shown
    qtbot.waitUntil(lambda: cards["total"].value.text() == f"{total:,}", timeout=15_000)
    print(
        f"{EVENTS:,} Kafka events at {RATE:,}/s: stored in {stored_in:.1f} s;"
        f" longest stall {worst_ms:.0f} ms; the dashboard first shown after them:"
        f" longest stall {shown.longest_stall_ms():.0f} ms"
    )
    assert f"{total:,} incidents" in window.dataset_label.text()
    assert len(on_map) > before  # the new incidents are mappable, and on the page
    window.grab().save(str(tmp_path / "live_kafka.png"))
    window.close()
    assert worst_ms < MAX_STALL_MS
