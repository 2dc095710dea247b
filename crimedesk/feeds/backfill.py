"""Backfill a portal feed: fetch a date range again, beside its schedule, without moving its watermark.

A backfill pages the range from the start (keyset on ``:updated_at, :id`` as every SODA run) with
the feed's filter and the range's, and stores each page like a run's (validated, deduplicated: rows
already stored count as unchanged). The feed's own watermark stays where its scheduled runs left
it, so the next scheduled run neither skips nor repeats anything; rows missing from the range are
not deleted (deletions are the scheduled runs' business, over the feed's whole filter).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.domain.progress import CancelFn, ProgressFn, never_cancel, no_progress
from crimedesk.feeds.catalog import load_feed
from crimedesk.feeds.errors import FeedError
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.run import FeedRun
from crimedesk.feeds.runner import RunResult, pull
from crimedesk.ingest.history import Counts


def range_filter(start: date, end: date) -> str:
    """The SoQL condition for incidents that occurred from ``start`` through ``end`` (local time)."""
    return f"date between '{start.isoformat()}T00:00:00' and '{end.isoformat()}T23:59:59'"


class BackfillRun(FeedRun):
    """A run whose batches keep the feed's stored watermark (the paging position stays in memory)."""

    def __init__(self, engine: Engine, feed: Feed, user: User, kept: dict[str, Any]) -> None:
        self.kept = kept
        super().__init__(engine, feed, user)

    def _record(self, conn: Connection, batch: Counts, watermark: dict[str, Any]) -> None:
        super()._record(conn, batch, self.kept)

    def delete_missing(self, keys_on_server: set[str]) -> int:
        return 0


@requires(Action.RUN_FEED)
def backfill_feed(
    engine: Engine,
    name: str,
    start: date,
    end: date,
    *,
    user: User,
    progress: ProgressFn = no_progress,
    cancel: CancelFn = never_cancel,
) -> RunResult:
    """Fetch the incidents of ``start``..``end`` of a portal feed (raises FeedError on another kind)."""
    if start > end:
        raise FeedError("The backfill's start date is after its end date.")
    feed = load_feed(engine, name)
    if feed.kind != "soda":
        raise FeedError(f"Feed {name!r} reads a topic; only portal feeds can be backfilled.")
    condition = range_filter(start, end)
    filters = f"({feed.filters}) and {condition}" if feed.filters.strip() else condition
    with engine.begin() as conn:
        audit.record(conn, user, Action.RUN_FEED, "feed", name, {"backfill": [str(start), str(end)]})
    run = BackfillRun(engine, replace(feed, filters=filters, watermark={}), user, feed.watermark)
    return pull(run, progress, cancel)
