"""MQTT sensor alerts against a real Mosquitto: 10,000 QoS-1 alerts, the app killed and restarted,
the broker restarted and the client's connection cut mid-stream: every alert stored once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

from crimedesk.feeds.catalog import add_feed, feed_history
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.sensors import parse_alert
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import feed_runs, rejected_rows, sensor_events
from tests.feeds.brokers import CuttableProxy, Mosquitto
from tests.feeds.conftest import ANALYST

ALERTS, BAD = 10_000, 7
CLI = "from crimedesk.cli import app; app()"


def alert(n: int) -> bytes:
    return json.dumps(
        {
            "id": f"shot-{n}",
            "sensor_id": f"S{n % 40:03d}",
            "time": "2017-01-02T21:15:00-06:00",
            "lon": -87.70 + (n % 100) / 1000,
            "lat": 41.85 + (n % 77) / 1000,
            "type": "gunshot" if n % 3 else "fireworks",
            "confidence": (n % 10) / 10,
        }
    ).encode()


def test_alerts_are_validated_with_reasons():
    row = parse_alert(alert(6))
    assert row["event_id"] == "shot-6" and row["kind"] == "fireworks" and row["confidence"] == 0.6
    for payload, reason in [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (json.dumps({**json.loads(alert(1)), "lat": 123}).encode(), "out of range"),
        (json.dumps({**json.loads(alert(1)), "confidence": 7}).encode(), "not between 0 and 1"),
        (json.dumps({**json.loads(alert(1)), "time": "yesterday"}).encode(), "not ISO 8601"),
        (json.dumps({k: v for k, v in json.loads(alert(1)).items() if k != "id"}).encode(), "no id"),
    ]:
        with pytest.raises(ValueError, match=reason):
            parse_alert(payload)


def payloads() -> list[bytes]:
    """The alerts with the bad payloads among them."""
    every = [alert(n) for n in range(ALERTS)]
    every[100:100] = [b"{broken", b"[]", b'{"id": "x"}', b"", b"null", b'{"id": 1, "lat": "a"}', b"7"]
    return every


def publish(port: int) -> None:
    publisher = paho.Client(CallbackAPIVersion.VERSION2, client_id="test-publisher")
    publisher.max_inflight_messages_set(200)
    publisher.connect("127.0.0.1", port)
    publisher.loop_start()
    infos = [publisher.publish("city/sensors/alerts", p, qos=1) for p in payloads()]
    for info in infos:
        info.wait_for_publish(60)
    publisher.disconnect()
    publisher.loop_stop()


def _stored(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(sensor_events)).scalar_one()


def _wait(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_ten_thousand_alerts_survive_app_kill_broker_restart_and_a_cut_socket(backend, request, tmp_path):
    engine = (
        make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
        if backend == "sqlite"
        else request.getfixturevalue("pg_store")
    )
    broker = Mosquitto(tmp_path)
    broker.start()
    proxy = CuttableProxy(broker.port)
    env = {**os.environ, "CRIMEDESK_DB": engine.url.render_as_string(hide_password=False)}
    feed = Feed("sensors", "mqtt", f"127.0.0.1:{proxy.port}", "city/sensors/#", "chicago")
    add_feed(engine, feed, user=ANALYST)
    app = subprocess.Popen([sys.executable, "-c", CLI, "feeds", "follow", "sensors"], env=env)
    try:
        _wait(lambda: feed_history(engine, "sensors") != [] and len(proxy.live) > 0)
        time.sleep(0.5)  # subscribed
        code = f"from tests.feeds.test_mqtt_feed import publish; publish({broker.port})"
        publishing = subprocess.Popen([sys.executable, "-c", code])
        _wait(lambda: _stored(engine) >= 2_000)
        os.kill(app.pid, signal.SIGKILL)  # the app dies mid-stream
        app.wait()
        app = subprocess.Popen([sys.executable, "-c", CLI, "feeds", "follow", "sensors"], env=env)
        _wait(lambda: _stored(engine) >= 5_000)
        assert proxy.cut() >= 1  # the client's connection dropped under it
        assert publishing.wait(120) == 0
        broker.stop()  # the broker restarts (its persistence keeps the queued alerts)
        broker.start()
        _wait(lambda: _stored(engine) >= ALERTS, 120)
        time.sleep(1.0)
    finally:
        app.send_signal(signal.SIGINT)
        app.wait(30)
        proxy.close()
        broker.stop()
    with engine.connect() as conn:
        ids = conn.execute(select(sensor_events.c.event_id)).scalars().all()
        rejected = conn.execute(select(rejected_rows.c.reasons)).scalars().all()
        runs = conn.execute(select(feed_runs)).all()
    assert len(ids) == len(set(ids)) == ALERTS and set(ids) == {f"shot-{n}" for n in range(ALERTS)}
    assert len(rejected) >= BAD and any("not JSON" in r for r in rejected)
    for run in runs:
        assert run.received == run.inserted + run.unchanged + run.rejected
    assert sum(r.inserted for r in runs) == ALERTS
    assert {r.status for r in runs} == {"interrupted", "ok"}
    if backend == "sqlite":
        engine.dispose()
