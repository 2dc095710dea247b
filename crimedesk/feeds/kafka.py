"""Kafka topics of JSON incidents (field names of the feed's import profile or mapping).

The store, not the broker, holds the truth about what was consumed: each batch's rows and the
next offset of every partition (the feed's watermark) commit in one transaction, and only then
are the offsets committed to the broker, under the feed's consumer group (for the broker's own
lag tools). A feed has one consumer, so it assigns itself every partition of the topic at the
stored offsets rather than joining the group: a restarted consumer reads at once, instead of
waiting for the broker to expire the killed one and rebalance, and a process killed between the
two commits neither loses nor doubles a message. Partitions added to the topic later are picked
up within PARTITION_CHECK_SECONDS. A
message that is not a JSON object (a poison message) becomes a rejected row with its topic,
partition, offset and raw text; the offset is the rejected row's line number.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Message, TopicPartition

from crimedesk.domain.progress import CancelFn, ProgressFn
from crimedesk.feeds.errors import FeedError
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.registry import Outcome, register
from crimedesk.feeds.run import FeedRun
from crimedesk.ingest.source import BadRow
from crimedesk.ingest.textstream import escaped

log = logging.getLogger(__name__)
BATCH = 5_000
POLL_SECONDS = 0.5
PARTITION_CHECK_SECONDS = 30.0
METADATA_TIMEOUT_SECONDS = 10.0


class KafkaAdapter:
    kind = "kafka"
    title = "Kafka topic of incidents"
    continuous = True

    def check(self, feed: Feed) -> None:
        if not feed.endpoint.strip() or not feed.dataset.strip():
            raise FeedError("A Kafka feed needs the bootstrap servers (host:port,...) and the topic.")

    def pull(self, run: FeedRun, progress: ProgressFn, cancel: CancelFn) -> Outcome:
        consumer = _consumer(run.feed)
        try:
            assigned = _assign_new(consumer, run.feed, set())
            next_check = time.monotonic() + PARTITION_CHECK_SECONDS
            while not cancel():
                if time.monotonic() >= next_check:
                    assigned = _assign_new(consumer, run.feed, assigned)
                    next_check = time.monotonic() + PARTITION_CHECK_SECONDS
                messages = consumer.consume(BATCH, POLL_SECONDS)
                if _write(run, messages):
                    offsets = [
                        TopicPartition(run.feed.dataset, int(p), o) for p, o in run.feed.watermark.items()
                    ]
                    consumer.commit(offsets=offsets, asynchronous=False)
                c = run.counts
                progress(0.0, f"{c.rows_read:,} messages: {c.inserted:,} new, {c.rejected:,} rejected")
        finally:
            consumer.close()
        return Outcome()


def _consumer(feed: Feed) -> Consumer:
    return Consumer(
        {
            "bootstrap.servers": feed.endpoint,
            "group.id": f"crimedesk-feed-{feed.id}",  # the offsets' home on the broker
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "client.id": "crimedesk",
        }
    )


def _assign_new(consumer: Consumer, feed: Feed, assigned: set[int]) -> set[int]:
    """Assign the topic's partitions not yet ``assigned``, each at the store's offset; all of them."""
    partitions = _partitions(consumer, feed)
    new = [
        TopicPartition(feed.dataset, p, int(feed.watermark.get(str(p), OFFSET_BEGINNING)))
        for p in sorted(partitions - assigned)
    ]
    if new:
        consumer.incremental_assign(new)
    return partitions


def _partitions(consumer: Consumer, feed: Feed) -> set[int]:
    try:
        metadata = consumer.list_topics(feed.dataset, timeout=METADATA_TIMEOUT_SECONDS)
    except KafkaException as exc:
        raise FeedError(f"The Kafka broker at {feed.endpoint} did not answer: {exc.args[0]}") from exc
    topic = metadata.topics.get(feed.dataset)
    if topic is None or topic.error is not None or not topic.partitions:
        why = "" if topic is None or topic.error is None else f" ({topic.error.str()})"
        raise FeedError(f"The Kafka topic {feed.dataset!r} was not found at {feed.endpoint}{why}.")
    return set(topic.partitions)


def _write(run: FeedRun, messages: list[Message]) -> bool:
    """Store the batch with the offsets after it; False when it held nothing new."""
    watermark = dict(run.feed.watermark)
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    poison: list[BadRow] = []
    for message in messages:
        error = message.error()
        if error is not None:
            if error.code() != KafkaError._PARTITION_EOF:
                log.warning("Kafka: %s", error)
            continue
        partition, offset = str(message.partition()), int(message.offset() or 0)
        if offset < int(watermark.get(partition, 0)):
            continue  # stored already: the broker's commit had not caught up
        watermark[partition] = offset + 1
        record = _record(message.value() or b"")
        if isinstance(record, dict):
            records.append(record)
            lines.append(offset)
        else:
            raw = escaped((message.value() or b"").decode("utf-8", "replace"))
            poison_text = f"{message.topic()}[{partition}]@{offset}: {raw}"
            poison.append(BadRow(offset, poison_text, record))
    if watermark == run.feed.watermark:
        return False
    run.write(records, lines, watermark, poison)
    return True


def _record(value: bytes) -> dict[str, Any] | str:
    """The message as a JSON object, or why it is not one."""
    try:
        record = json.loads(value)
    except (UnicodeDecodeError, ValueError) as exc:
        return f"poison message: not JSON ({exc})"
    return record if isinstance(record, dict) else "poison message: not a JSON object"


KAFKA = register(KafkaAdapter())
