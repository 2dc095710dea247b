"""Kill -9 the consumer at random moments while a topic is stored, restart it, and count the store.

Used by tests/feeds/test_kafka_feed.py (10,000 messages) and `bench/feeds.py --kill-test` (the
issue's 100,000). The messages go out in kills + 1 chunks, one per consumer process, so that every
kill lands while that process is storing its chunk."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Engine, Table, func, select

from crimedesk.storage.schema import feed_runs, incidents, rejected_rows
from tests.feeds.kafka_topic import encoded, incident, produce, producer

CLI = "from crimedesk.cli import app; app()"


@dataclass(frozen=True)
class Stored:
    """What the store holds after the runs: keys of incidents, rejected rows, run statuses."""

    keys: list[str]
    poison: list[tuple[str, str]]  # raw text, reasons
    statuses: list[str]


def messages(templates: list[dict], count: int, poison: int, seed: int = 7) -> tuple[list[bytes], set[str]]:
    """``count`` payloads, ``poison`` of them not JSON, and the keys of the valid ones."""
    payloads, keys = [], set()
    poison_at = set(random.Random(seed).sample(range(count), poison))
    for n in range(count):
        if n in poison_at:
            payloads.append(b"\x00 not json {" + str(n).encode())
        else:
            record = incident(templates[n % len(templates)], n)
            keys.add(record["id"])
            payloads.append(encoded(record))
    return payloads, keys


def count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def statuses(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(feed_runs.c.status)).scalars())


def wait_for(condition: Callable[[], bool], seconds: float, why: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            raise TimeoutError(why)
        time.sleep(0.1)


def kill_and_restart(engine: Engine, bootstrap: str, feed: str, payloads: list[bytes], kills: int,
                     seed: int = 11) -> list[float]:  # fmt: skip
    """Follow ``feed`` in a CLI process, kill it -9 ``kills`` times at random moments while it
    stores, restart it each time, until every message is handled; stop the last one with Ctrl-C.
    Returns how far (0..1 of the messages handled) each kill came."""
    env = {**os.environ, "CRIMEDESK_DB": engine.url.render_as_string(hide_password=False)}
    follow = [sys.executable, "-c", CLI, "feeds", "follow", feed]
    handled = lambda: count(engine, incidents) + count(engine, rejected_rows)  # noqa: E731
    chunks = [payloads[i :: kills + 1] for i in range(kills + 1)]  # fresh messages for every process
    sender, moments, at = producer(bootstrap), random.Random(seed), []
    app = subprocess.Popen(follow, env=env)
    try:
        for chunk in chunks[:kills]:
            before = handled()
            produce(sender, chunk)
            wait_for(partial(_grew, handled, before), 120, "the consumer stored nothing")
            time.sleep(moments.uniform(0.0, 0.5))  # a random moment while the chunk is stored
            os.kill(app.pid, signal.SIGKILL)
            app.wait()
            at.append(handled() / len(payloads))
            app = subprocess.Popen(follow, env=env)
        produce(sender, chunks[kills])
        wait_for(lambda: handled() == len(payloads), 300, "the consumer did not catch up")
        # the last process has started its run (it marked the killed ones) before Ctrl-C
        wait_for(lambda: statuses(engine).count("interrupted") == kills, 60, "no run was started")
    finally:
        app.send_signal(signal.SIGINT)
        app.wait(60)
    return at


def _grew(count: Callable[[], int], before: int) -> bool:
    return count() > before


def stored(engine: Engine) -> Stored:
    with engine.connect() as conn:
        keys = list(conn.execute(select(incidents.c.source_key)).scalars())
        poison = [tuple(r) for r in conn.execute(select(rejected_rows.c.raw_text, rejected_rows.c.reasons))]
    return Stored(keys, poison, statuses(engine))
