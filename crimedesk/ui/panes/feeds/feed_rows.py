"""The Feeds pane's table rows as plain text (Qt-free, so the figures are easy to test)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from crimedesk.feeds.catalog import feed_history, list_feeds
from crimedesk.feeds.feed import Feed

FEED_COLUMNS = ["Name", "Kind", "Status", "Lag", "Watermark", "Last success", "Last error", "Last run"]
RUN_COLUMNS = [
    "Started",
    "Status",
    "Received",
    "Inserted",
    "Updated",
    "Unchanged",
    "Rejected",
    "Note / error",
]


@dataclass(frozen=True)
class FeedLine:
    """One feed and its latest run (None: never run)."""

    feed: Feed
    last_run: dict[str, Any] | None


def read_feeds(engine: Engine) -> list[FeedLine]:
    """Every feed with its latest run (a query per feed: a store holds a handful of feeds)."""
    return [FeedLine(f, next(iter(feed_history(engine, f.name, limit=1)), None)) for f in list_feeds(engine)]


def lag_text(last_success: datetime | None, now: datetime) -> str:
    """How long ago the feed last caught up, in the largest whole unit."""
    if last_success is None:
        return "never caught up"
    seconds = max(int((now - last_success).total_seconds()), 0)
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def watermark_text(watermark: dict[str, Any]) -> str:
    """Where the feed resumes: a portal's last ``:updated_at``, or a topic's offsets."""
    if not watermark:
        return "from the start"
    if "updated_at" in watermark:
        return str(watermark["updated_at"])
    return ", ".join(f"{key}={value}" for key, value in sorted(watermark.items()))


def run_counts(run: dict[str, Any] | None) -> str:
    if run is None:
        return "—"
    return (
        f"{run['received']:,} = {run['inserted']:,} new + {run['updated']:,} updated"
        f" + {run['unchanged']:,} unchanged + {run['rejected']:,} rejected"
    )


def feed_row(line: FeedLine, now: datetime) -> list[str]:
    feed = line.feed
    return [
        feed.name,
        feed.kind,
        feed.status,
        lag_text(feed.last_success, now),
        watermark_text(feed.watermark),
        _when(feed.last_success),
        feed.last_error or "",
        run_counts(line.last_run),
    ]


def run_row(run: dict[str, Any]) -> list[str]:
    counted = [f"{run[name]:,}" for name in ("received", "inserted", "updated", "unchanged", "rejected")]
    return [_when(run["started_at"]), run["status"], *counted, run["error"] or run["note"] or ""]


def reconciles(run: dict[str, Any]) -> bool:
    """received = inserted + updated + unchanged + rejected (+ conflicts, listed as rejected rows)."""
    parts = ("inserted", "updated", "unchanged", "rejected", "conflicts")
    return run["received"] == sum(run[name] for name in parts)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "—"
