"""Kafka into the store, for bench/feeds.py: sustained validated events/s, and the kill -9 run.

Events/s: a backlog of real Chicago rows (each a new incident) waits on the topic of a Tansu broker;
the feed's consumer stores it batch by batch (validation, cleaning, region join, dedupe, offsets in
each batch's transaction), timed from the run's start to the last batch committed. The per-batch
rates give the interval (slowest and fastest tenth of the run).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise

from sqlalchemy import Engine

from crimedesk.auth.user import User
from crimedesk.feeds.catalog import add_feed
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.runner import run_feed
from crimedesk.ingest.history import Counts
from tests.feeds.brokers import Tansu
from tests.feeds.kafka_kill import kill_and_restart, messages, stored
from tests.feeds.kafka_topic import TOPIC, create_topic, encoded, incident, produce, producer


def events_per_second(engine: Engine, records: list[dict], user: User) -> tuple[float, float, float, Counts]:
    """Overall events/s over the backlog of ``records``, the slowest and fastest tenth's; the counts."""
    broker = Tansu()
    broker.start()
    try:
        create_topic(broker.bootstrap)
        produce(producer(broker.bootstrap), (encoded(incident(r, n)) for n, r in enumerate(records)))
        add_feed(engine, Feed("bench-kafka", "kafka", broker.bootstrap, TOPIC, "chicago"), user=user)
        marks: list[tuple[float, int]] = []
        counted = _counter(marks)
        start = time.perf_counter()
        marks.append((start, 0))
        result = run_feed(
            engine, "bench-kafka", user=user, on_batch=counted, cancel=lambda: marks[-1][1] >= len(records)
        )
    finally:
        broker.stop()
    seconds = marks[-1][0] - start
    return len(records) / seconds, *_tenths(marks), result.counts


def _counter(marks: list[tuple[float, int]]) -> Callable[[Counts], None]:
    def counted(batch: Counts) -> None:
        marks.append((time.perf_counter(), marks[-1][1] + batch.rows_read))

    return counted


def _nearest(marks: list[tuple[float, int]], count: float) -> tuple[float, int]:
    """The mark whose message count is nearest ``count``."""
    return min(marks, key=lambda mark: abs(mark[1] - count))


def _tenths(marks: list[tuple[float, int]]) -> tuple[float, float]:
    """The slowest and fastest rate over tenths of the messages (batch boundaries nearest)."""
    total, rates = marks[-1][1], []
    bounds = [_nearest(marks, k * total / 10) for k in range(11)]
    for (t0, n0), (t1, n1) in pairwise(bounds):
        if n1 > n0:
            rates.append((n1 - n0) / (t1 - t0))
    return min(rates), max(rates)


def kill_test(engine: Engine, templates: list[dict], count: int, poison: int, kills: int, user: User) -> str:
    """Produce ``count`` messages (``poison`` not JSON), kill -9 the consumer ``kills`` times,
    and reconcile the store with what was sent: one line, and whether it holds exactly."""
    payloads, keys = messages(templates, count, poison)
    broker = Tansu()
    broker.start()
    try:
        create_topic(broker.bootstrap)
        add_feed(engine, Feed("bench-kill", "kafka", broker.bootstrap, TOPIC, "chicago"), user=user)
        started = time.perf_counter()
        at = kill_and_restart(engine, broker.bootstrap, "bench-kill", payloads, kills)
        seconds = time.perf_counter() - started
    finally:
        broker.stop()
    found = stored(engine)
    unique = set(found.keys)
    exact = unique == keys and len(found.keys) == len(keys) and len(found.poison) == poison
    kills_at = ", ".join(f"{a:.0%}" for a in at)
    return (
        f"{count:,} messages sent ({poison} poison); killed -9 at {kills_at} of the stream; "
        f"store: {len(found.keys):,} incidents ({len(unique):,} distinct, {len(unique - keys)} unknown,"
        f" {len(keys - unique)} missing) + {len(found.poison)} rejected rows = "
        f"{len(found.keys) + len(found.poison):,}; runs {sorted(found.statuses)}; {seconds:.0f} s; "
        + ("EXACT" if exact else "MISMATCH")
    )
