"""Live feeds into the store, on SQLite and PostgreSQL: Kafka events/s, SODA catch-up, event -> map.

    .venv/bin/python bench/feeds.py                 # the 536,605 rows of the 2016-17 file, SQLite + PostgreSQL
    .venv/bin/python bench/feeds.py --rows 50000 --no-pg
    .venv/bin/python bench/feeds.py --kill-test     # also: 100,000 messages, consumer killed -9 five times

Kafka: a backlog of --kafka rows of the same file (each a new incident) on a Tansu topic, stored by
the feed's consumer (bench/feeds_kafka.py); the baseline is the file import's rows/s and the
issue's target of 5,000/s. Latency: the real Workspace offscreen, one incident published every
0.3 s, timed until the map page holds its point (bench/feeds_latency.py, its own process); the
baseline is the time until the store holds it.

The portal serves the rows as SODA's JSON (50,000 a page) from a real HTTP server on 127.0.0.1;
the feed pages, validates, de-duplicates and commits each page with its watermark. The baseline
is `import_file` of the same rows as a CSV export, into a fresh store of the same backend.
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.memkeyring.MemoryKeyring")

from bench._common import DATA, ROOT, create_pg_database, drop_pg_database, run_child
from bench.feeds_kafka import events_per_second, kill_test
from crimedesk.auth.roles import Role
from crimedesk.auth.user import User
from crimedesk.feeds.catalog import add_feed
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.runner import run_feed
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import incidents
from tests.feeds.fake_soda import FakePortal, api_records
from tests.feeds.kafka_topic import FIRST_ID

USER = User(name="bench", role=Role.ANALYST, host="bench")


def sample(rows: int, folder: Path) -> Path:
    path = folder / "rows.csv"
    with (
        gzip.open(DATA / "chicago_crimes_2016_2017.csv.gz", "rt", encoding="utf-8") as src,
        path.open("w") as out,
    ):
        for n, line in enumerate(src):
            if n > rows:
                break
            out.write(line)
    return path


def measure(url_for, csv: Path, records: list[dict]) -> tuple[float, float]:
    engine = make_engine(url_for("feed"))
    portal = FakePortal(records)
    try:
        add_feed(engine, Feed("bench", "soda", portal.url, "ijzp-q8t2", "chicago"), user=USER)
        start = time.perf_counter()
        result = run_feed(engine, "bench", user=USER)
        feed_seconds = time.perf_counter() - start
    finally:
        portal.close()
        engine.dispose()
    engine = make_engine(url_for("file"))
    start = time.perf_counter()
    import_file(engine, csv, profile="chicago")
    file_seconds = time.perf_counter() - start
    engine.dispose()
    return result.counts.rows_read / feed_seconds, len(records) / file_seconds


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def kafka(url: str, records: list[dict], file_rate: float) -> str:
    engine = make_engine(url)
    try:
        rate, slowest, fastest, counts = events_per_second(engine, records, USER)
    finally:
        engine.dispose()
    return (
        f"Kafka: {counts.rows_read:,} messages -> {counts.inserted:,} new incidents + {counts.rejected:,}"
        f" rejected; {rate:,.0f} events/s sustained (tenths of the run {slowest:,.0f}-{fastest:,.0f});"
        f" {rate / 5_000:.2f}x the 5,000/s target; {rate / file_rate:.2f}x the file import"
    )


def latency(url: str, events: int) -> str:
    got = run_child(ROOT / "bench" / "feeds_latency.py", url, str(events))
    shown, stored = got["shown"], got["stored"]
    missing = got["sent"] - len(shown)
    p50, p95 = percentile(shown, 0.5), percentile(shown, 0.95)
    s50, s95 = percentile(stored, 0.5), percentile(stored, 0.95)
    return (
        f"event -> on the map ({len(shown)} of {got['sent']} events{', MISSING ' + str(missing) if missing else ''}):"
        f" p50 {p50:.2f} s, p95 {p95:.2f} s (target p95 2 s: {p95 / 2:.2f}x);"
        f" baseline event -> in the store p50 {s50:.2f} s, p95 {s95:.2f} s; longest GUI stall {got['stall_ms']:.0f} ms"
    )


def accepted(url: str, records: list[dict]) -> list[dict]:
    """The records the Kafka run stored (message n is incident FIRST_ID + n): valid templates."""
    engine = make_engine(url)
    with engine.connect() as conn:
        keys = set(conn.execute(select(incidents.c.source_key)).scalars())
    engine.dispose()
    return [r for n, r in enumerate(records) if str(FIRST_ID + n) in keys]


def import_rate(url: str, csv: Path, rows: int) -> float:
    engine = make_engine(url)
    start = time.perf_counter()
    import_file(engine, csv, profile="chicago")
    engine.dispose()
    return rows / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=536_605)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--kafka", type=int, default=100_000, help="messages in the Kafka backlog")
    parser.add_argument("--events", type=int, default=60, help="events timed to the map")
    parser.add_argument("--no-soda", action="store_true")
    parser.add_argument("--kill-test", action="store_true", help="100,000 messages, 5 kill -9")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv = sample(args.rows, Path(folder))
        records = api_records(csv)
        backends = {"sqlite": lambda name: f"sqlite:///{folder}/{name}.sqlite"}
        handles = []
        if not args.no_pg:
            urls = {}
            for name in ("feed", "file", "kafka", "latency", "kill"):
                urls[name], handle = create_pg_database()
                handles.append(handle)
            backends["postgresql"] = urls.__getitem__
        try:
            for backend, url_for in backends.items():
                if not args.no_soda:
                    feed_rate, file_rate = measure(url_for, csv, records)
                    print(
                        f"{backend}: SODA catch-up of {len(records):,} rows {feed_rate:,.0f} rows/s;"
                        f" file import {file_rate:,.0f} rows/s; ratio {feed_rate / file_rate:.2f}",
                        flush=True,
                    )
                else:
                    file_rate = import_rate(url_for("file"), csv, len(records))
                print(f"{backend}: {kafka(url_for('kafka'), records[: args.kafka], file_rate)}", flush=True)
                print(f"{backend}: {latency(url_for('latency'), args.events)}", flush=True)
                if args.kill_test:
                    templates = records[: args.kafka]
                    print(
                        f"{backend}: kill test: {kill_test(make_engine(url_for('kill')), templates, 100_000, 25, 5, USER)}"
                    )
        finally:
            for handle in handles:
                drop_pg_database(handle)


if __name__ == "__main__":
    main()
