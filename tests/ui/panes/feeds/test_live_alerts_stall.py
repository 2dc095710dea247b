"""MQTT alerts at 5,000 a second into the running app: all stored once, the window never freezes."""

from __future__ import annotations

import subprocess
import sys
import time
from itertools import pairwise

import pytest
from PySide6.QtCore import QTimer
from sqlalchemy import func, select

from crimedesk.feeds.catalog import add_feed, feed_history
from crimedesk.feeds.feed import Feed
from crimedesk.storage.schema import sensor_events
from crimedesk.ui.workspace import Workspace
from tests.feeds.brokers import Mosquitto
from tests.feeds.conftest import ANALYST
from tests.feeds.test_mqtt_feed import alert

ALERTS, RATE = 15_000, 5_000
MAX_STALL_MS = 250


def publish_at(port: int, count: int, rate: int) -> None:
    """Publish ``count`` alerts at QoS 1, paced to ``rate`` a second (in 10 ms slices)."""
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    publisher = paho.Client(CallbackAPIVersion.VERSION2, client_id="stall-publisher")
    publisher.max_inflight_messages_set(1_000)
    publisher.connect("127.0.0.1", port)
    publisher.loop_start()
    start, per_slice, infos = time.monotonic(), rate // 100, []
    for n in range(count):
        if n % per_slice == 0:
            time.sleep(max(start + n / rate - time.monotonic(), 0.0))
        infos.append(publisher.publish("city/sensors/alerts", alert(n), qos=1))
    for info in infos:
        info.wait_for_publish(60)
    print(f"published {count:,} in {time.monotonic() - start:.2f} s")
    publisher.disconnect()
    publisher.loop_stop()


def _stored(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(sensor_events)).scalar_one()


@pytest.mark.slow  # 30 s: a broker, the whole window and 15,000 alerts
def test_alerts_at_5000_a_second_never_freeze_the_window(
    qtbot, chicago_sample_store, tmp_path, gui_collector
):
    broker = Mosquitto(tmp_path)
    broker.start()
    try:
        engine = chicago_sample_store
        feed = Feed("sensors", "mqtt", f"127.0.0.1:{broker.port}", "city/sensors/#", "chicago")
        add_feed(engine, feed, user=ANALYST)
        workspace = Workspace(engine, tmp_path / "settings.json", user=ANALYST)
        qtbot.addWidget(workspace.window)
        workspace.window.show()
        workspace.reload()
        qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
        workspace.start_feeds()
        qtbot.waitUntil(lambda: feed_history(engine, "sensors") != [], timeout=10_000)
        qtbot.wait(800)  # subscribed
        gui_collector.collect_all()  # the worker's earlier tests' garbage is not this test's stall
        ticks: list[float] = []
        timer = QTimer(interval=10)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start()
        code = f"from {__name__} import publish_at; publish_at({broker.port}, {ALERTS}, {RATE})"
        publisher = subprocess.Popen([sys.executable, "-c", code])
        started = time.perf_counter()
        qtbot.waitUntil(lambda: _stored(engine) >= ALERTS, timeout=120_000)
        stored_in = time.perf_counter() - started
        timer.stop()
        assert publisher.wait(30) == 0
        gaps = [b - a for a, b in pairwise(ticks)]
        worst_ms = 1000 * max(gaps)
        print(
            f"{ALERTS:,} alerts published at {RATE:,}/s: all stored in {stored_in:.1f} s"
            f" ({ALERTS / stored_in:,.0f}/s); {len(ticks)} ticks, worst GUI-thread stall {worst_ms:.0f} ms"
        )
        qtbot.waitUntil(lambda: workspace.badges[0].count == ALERTS, timeout=5_000)
        workspace.window.close()
    finally:
        broker.stop()
    with engine.connect() as conn:
        ids = conn.execute(select(sensor_events.c.event_id)).scalars().all()
    assert len(ids) == len(set(ids)) == ALERTS
    assert worst_ms < MAX_STALL_MS
