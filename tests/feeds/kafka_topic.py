"""A topic of Chicago incidents on a real Kafka-protocol broker: the messages the feed tests, the UI
test and bench/feeds.py produce (the portal's records, system fields dropped, with new ids)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

TOPIC = "incidents"
FIRST_ID = 50_000_000  # above every Chicago id: each message is a new incident


def create_topic(bootstrap: str, partitions: int = 3) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    topic = NewTopic(TOPIC, num_partitions=partitions, replication_factor=1)
    for future in admin.create_topics([topic]).values():
        future.result(20)


def incident(template: dict[str, Any], number: int) -> dict[str, Any]:
    """``template`` (a portal record) as incident ``FIRST_ID + number``: its key is the new id."""
    record = {k: v for k, v in template.items() if not k.startswith(":")}
    record["id"] = str(FIRST_ID + number)
    return record


def produce(producer: Producer, payloads: Iterable[bytes]) -> None:
    """Send every payload and wait until the broker has them all."""
    for n, payload in enumerate(payloads):
        producer.produce(TOPIC, payload)
        if n % 5_000 == 0:
            producer.poll(0)
    assert producer.flush(60) == 0


def producer(bootstrap: str, linger_ms: int = 20) -> Producer:
    return Producer({"bootstrap.servers": bootstrap, "linger.ms": linger_ms})


def encoded(record: dict[str, Any]) -> bytes:
    return json.dumps(record).encode()


def publish_at(bootstrap: str, lines: str, rate: int) -> None:
    """Publish each line of the file ``lines`` (one JSON message a line), paced to ``rate`` a
    second in 10 ms slices; run as its own process, so the app under test shares no GIL with it."""
    sender = producer(bootstrap, linger_ms=5)
    with open(lines, "rb") as f:
        payloads = f.read().splitlines()
    start, per_slice = time.monotonic(), max(rate // 100, 1)
    for n, payload in enumerate(payloads):
        if n % per_slice == 0:
            time.sleep(max(start + n / rate - time.monotonic(), 0.0))
            sender.poll(0)
        sender.produce(TOPIC, payload)
    assert sender.flush(60) == 0
    print(f"published {len(payloads):,} in {time.monotonic() - start:.2f} s")
