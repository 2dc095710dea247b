"""MQTT sensor alerts: QoS 1 on a persistent session, acknowledged only once stored.

The client id is fixed per feed and the session is not clean, so the broker keeps the alerts
that arrive while the app is closed or the connection is down. Alerts are acknowledged (PUBACK,
paho's manual acknowledgement) only after the transaction that stores them commits: a crash
before that gets them delivered again, and the event id (unique per feed) stores them once.
The feed runs until cancelled; paho reconnects by itself after a cut connection.
"""

from __future__ import annotations

import functools
import queue
import time
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import Connection

from crimedesk.domain.progress import CancelFn, ProgressFn
from crimedesk.feeds.errors import FeedError
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.registry import Outcome, register
from crimedesk.feeds.run import FeedRun, insert_rejected
from crimedesk.feeds.sensors import parse_alert, store_events
from crimedesk.ingest.history import Counts
from crimedesk.ingest.textstream import escaped

BATCH = 2_000
WAIT_SECONDS = 0.2


def broker_address(endpoint: str) -> tuple[str, int]:
    host, _, port = endpoint.strip().rpartition(":")
    if not host or not port.isdigit():
        raise FeedError(f"An MQTT feed needs the broker as host:port, not {endpoint!r}.")
    return host, int(port)


class MqttAdapter:
    kind = "mqtt"
    title = "MQTT sensor alerts"
    continuous = True

    def check(self, feed: Feed) -> None:
        broker_address(feed.endpoint)
        if not feed.dataset.strip():
            raise FeedError("An MQTT feed needs the topic of its alerts (e.g. sensors/alerts/#).")

    def pull(self, run: FeedRun, progress: ProgressFn, cancel: CancelFn) -> Outcome:
        arrived: queue.Queue[paho.MQTTMessage] = queue.Queue()
        client = _client(run.feed, arrived)
        client.connect_async(*broker_address(run.feed.endpoint), keepalive=20)
        client.loop_start()
        try:
            while not cancel():
                messages = _drain(arrived)
                if messages:
                    run.write_rows(functools.partial(_store, run=run, messages=messages), {})
                    for message in messages:
                        client.ack(message.mid, message.qos)
                    c = run.counts
                    progress(0.0, f"{c.rows_read:,} alerts: {c.inserted:,} new, {c.rejected:,} rejected")
        finally:
            client.disconnect()
            client.loop_stop()
        return Outcome()


def _client(feed: Feed, arrived: queue.Queue[paho.MQTTMessage]) -> paho.Client:
    client = paho.Client(
        CallbackAPIVersion.VERSION2,
        client_id=f"crimedesk-feed-{feed.id}",
        clean_session=False,
        protocol=paho.MQTTv311,
        manual_ack=True,
    )
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    client.max_inflight_messages_set(1_000)

    def on_connect(client: paho.Client, _data: Any, _flags: Any, reason: Any, _props: Any) -> None:
        if not reason.is_failure:
            client.subscribe(feed.dataset, qos=1)

    client.on_connect = on_connect
    client.on_message = lambda _client, _data, message: arrived.put(message)
    return client


def _drain(arrived: queue.Queue[paho.MQTTMessage]) -> list[paho.MQTTMessage]:
    messages: list[paho.MQTTMessage] = []
    deadline = time.monotonic() + WAIT_SECONDS
    while len(messages) < BATCH:
        try:
            messages.append(arrived.get(timeout=max(deadline - time.monotonic(), 0.0)))
        except queue.Empty:
            break
    return messages


def _store(conn: Connection, *, run: FeedRun, messages: list[paho.MQTTMessage]) -> Counts:
    rows: list[dict[str, Any]] = []
    rejected: list[tuple[int | None, str, str]] = []
    for message in messages:
        try:
            rows.append(parse_alert(bytes(message.payload)))
        except ValueError as exc:
            text = escaped(message.payload.decode("utf-8", "replace"))
            rejected.append((None, f"{message.topic}: {text}", str(exc)))
    assert run.feed.id is not None
    counts = store_events(conn, run.feed.id, rows)
    insert_rejected(conn, run.import_id, rejected)
    counts.rows_read += len(rejected)
    counts.rejected = len(rejected)
    return counts


MQTT = register(MqttAdapter())
