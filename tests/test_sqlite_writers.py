"""Two writers on one SQLite store: a followed feed commits many times a second while the analyst
pauses another feed. A transaction that reads before it writes must wait its turn, not fail."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select, update

from crimedesk.auth.roles import Role
from crimedesk.auth.user import User
from crimedesk.feeds.catalog import add_feed, load_feed, pause_feed, resume_feed
from crimedesk.feeds.feed import ACTIVE, PAUSED, Feed
from crimedesk.storage.schema import feeds

ANALYST = User(name="ana", role=Role.ANALYST, host="test-host")


def _committing(engine, stop: threading.Event, commits: list[int]) -> None:
    """A feed run's pace: one short write transaction after another, until ``stop``."""
    while not stop.is_set():
        with engine.begin() as conn:
            conn.execute(update(feeds).where(feeds.c.name == "busy").values(received=len(commits)))
        commits.append(1)


def _waited_for(commits: list[int], count: int) -> bool:
    deadline = time.monotonic() + 30
    while len(commits) < count and time.monotonic() < deadline:
        time.sleep(0.001)
    return len(commits) >= count


def test_pausing_a_feed_waits_for_a_feed_that_commits_all_the_time(sqlite_store):
    for name in ("busy", "sensors"):
        add_feed(sqlite_store, Feed(name, "mqtt", "127.0.0.1:1883", "city/#", "chicago"), user=ANALYST)
    stop, commits = threading.Event(), []
    writer = threading.Thread(target=_committing, args=(sqlite_store, stop, commits))
    writer.start()
    try:
        for _ in range(40):  # each reads the feed, then writes its status and the audit trail
            seen = len(commits)
            pause_feed(sqlite_store, "sensors", user=ANALYST)
            resume_feed(sqlite_store, "sensors", user=ANALYST)
            assert _waited_for(commits, seen + 1)  # the other writer committed in between
        pause_feed(sqlite_store, "sensors", user=ANALYST)
    finally:
        stop.set()
        writer.join()
    assert load_feed(sqlite_store, "sensors").status == PAUSED
    assert load_feed(sqlite_store, "busy").status == ACTIVE and len(commits) >= 40


def test_a_reader_does_not_wait_for_an_open_write_transaction(sqlite_store):
    add_feed(sqlite_store, Feed("sensors", "mqtt", "127.0.0.1:1883", "city/#", "chicago"), user=ANALYST)
    holding, read_done = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        with sqlite_store.begin() as conn:
            conn.execute(update(feeds).values(status=PAUSED))
            holding.set()
            read_done.wait(30)

    writer = threading.Thread(target=hold_the_write_lock)
    writer.start()
    try:
        assert holding.wait(30)
        with sqlite_store.connect() as conn:  # the snapshot before the writer's change
            status = conn.execute(select(feeds.c.status)).scalar_one()
        still_writing = writer.is_alive()
    finally:
        read_done.set()
        writer.join()
    assert status == ACTIVE and still_writing
    assert load_feed(sqlite_store, "sensors").status == PAUSED
