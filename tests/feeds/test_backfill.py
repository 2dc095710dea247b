"""Backfilling a portal feed: the range's rows land, the feed's watermark stays, nothing doubles."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from crimedesk.auth.roles import Role
from crimedesk.auth.user import PermissionDenied, User
from crimedesk.feeds.backfill import backfill_feed
from crimedesk.feeds.catalog import add_feed, load_feed
from crimedesk.feeds.errors import FeedError
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.runner import run_feed
from crimedesk.storage.schema import audit, incidents
from tests.feeds.conftest import ANALYST


def _day_keys(portal, day: str) -> set[str]:
    return {r["id"] for r in portal.records.values() if r.get("date", "").startswith(day)}


def _stored(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(incidents.c.source_key)).scalars())


def test_a_backfill_stores_the_range_and_keeps_the_watermark(
    sqlite_store, portal, file_import_keys, quick_retries
):
    feed = Feed(name="chi", kind="soda", endpoint=portal.url, dataset="ijzp-q8t2", profile="chicago")
    add_feed(sqlite_store, feed, user=ANALYST)
    result = backfill_feed(sqlite_store, "chi", date(2017, 1, 2), date(2017, 1, 2), user=ANALYST)
    day = _day_keys(portal, "2017-01-02") & file_import_keys
    assert set(_stored(sqlite_store)) == day and len(day) > 500
    assert result.counts.reconciles() and result.counts.inserted == len(day)
    assert load_feed(sqlite_store, "chi").watermark == {}  # the next scheduled run starts at the start
    run_feed(sqlite_store, "chi", user=ANALYST)
    keys = _stored(sqlite_store)
    assert len(keys) == len(set(keys)) and set(keys) == file_import_keys
    with sqlite_store.connect() as conn:
        backfills = select(func.count()).where(audit.c.details_json.like("%backfill%"))
        audited = conn.execute(backfills).scalar_one()
    assert audited == 1


def test_a_viewer_cannot_backfill_and_topics_cannot_be_backfilled(sqlite_store, portal, quick_retries):
    add_feed(sqlite_store, Feed(name="t", kind="mqtt", endpoint="127.0.0.1:1883", dataset="a/#", profile="-"),
             user=ANALYST)  # fmt: skip
    with pytest.raises(FeedError, match="only portal feeds"):
        backfill_feed(sqlite_store, "t", date(2017, 1, 1), date(2017, 1, 2), user=ANALYST)
    viewer = User(name="vi", role=Role.VIEWER, host="h")
    with pytest.raises(PermissionDenied):
        backfill_feed(sqlite_store, "t", date(2017, 1, 1), date(2017, 1, 2), user=viewer)
