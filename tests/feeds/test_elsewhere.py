"""A feed another live process runs is left to it; a dead process's run is not."""

from __future__ import annotations

import os
import socket

from sqlalchemy import update

from crimedesk.feeds.catalog import add_feed
from crimedesk.feeds.elsewhere import run_elsewhere
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.run import FeedRun
from crimedesk.storage.schema import imports
from tests.feeds.conftest import ANALYST


def test_runs_of_other_live_processes_count_and_dead_or_own_ones_do_not(sqlite_store):
    names = ("own", "other_pid", "dead_pid", "other_host")
    runs = {}
    for name in names:
        feed = add_feed(sqlite_store, Feed(name, "mqtt", "127.0.0.1:1883", "a/#", "chicago"), user=ANALYST)
        runs[name] = FeedRun(sqlite_store, feed, ANALYST)  # a run left running
    owners = {"other_pid": (socket.gethostname(), 4242), "dead_pid": (socket.gethostname(), 4343),
              "other_host": ("elsewhere", os.getpid())}  # fmt: skip
    with sqlite_store.begin() as conn:
        for name, (host, pid) in owners.items():
            conn.execute(
                update(imports).where(imports.c.id == runs[name].import_id).values(host=host, pid=pid)
            )
    assert run_elsewhere(sqlite_store, alive=lambda pid: pid == 4242) == {"other_pid", "other_host"}
    runs["other_pid"].finish("ok")
    assert run_elsewhere(sqlite_store, alive=lambda pid: pid == 4242) == {"other_host"}
