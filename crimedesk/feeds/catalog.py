"""The ``feeds`` table: add, edit, pause and resume subscriptions (each audited)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.feeds.adapters import adapter_for
from crimedesk.feeds.errors import FeedError
from crimedesk.feeds.feed import ACTIVE, PAUSED, Feed
from crimedesk.storage.schema import feed_runs, feeds

EDITABLE = ("endpoint", "dataset", "profile", "filters", "schedule_minutes")


def _from_row(row: Any) -> Feed:
    values = dict(row._mapping)
    values["watermark"] = json.loads(values.pop("watermark_json") or "{}")
    values.pop("created_at")
    return Feed(**values)


def list_feeds(engine: Engine) -> list[Feed]:
    with engine.connect() as conn:
        return [_from_row(r) for r in conn.execute(select(feeds).order_by(feeds.c.name))]


def get_feed(conn: Connection, name: str) -> Feed:
    row = conn.execute(select(feeds).where(feeds.c.name == name)).first()
    if row is None:
        raise FeedError(f"There is no feed named {name!r}.")
    return _from_row(row)


def load_feed(engine: Engine, name: str) -> Feed:
    with engine.connect() as conn:
        return get_feed(conn, name)


@requires(Action.MANAGE_FEEDS)
def add_feed(engine: Engine, feed: Feed, *, user: User) -> Feed:
    """Store a new subscription (checked by its adapter first); raises FeedError on a bad one."""
    adapter_for(feed.kind).check(feed)
    with engine.begin() as conn:
        if conn.execute(select(feeds.c.id).where(feeds.c.name == feed.name)).first():
            raise FeedError(f"A feed named {feed.name!r} exists already; choose another name.")
        feed.id = conn.execute(
            feeds.insert()
            .values(
                name=feed.name,
                kind=feed.kind,
                endpoint=feed.endpoint,
                dataset=feed.dataset,
                profile=feed.profile,
                filters=feed.filters,
                schedule_minutes=feed.schedule_minutes,
                watermark_json=json.dumps(feed.watermark),
                status=feed.status,
                created_at=datetime.now(),
                **dict.fromkeys(("received", "inserted", "updated", "unchanged", "rejected"), 0),
            )
            .returning(feeds.c.id)
        ).scalar_one()
        audit.record(conn, user, Action.MANAGE_FEEDS, "feed", feed.name, {"added": feed.kind})
    return feed


@requires(Action.MANAGE_FEEDS)
def edit_feed(engine: Engine, name: str, changes: dict[str, Any], *, user: User) -> Feed:
    """Change where or what a feed reads (its resume point is kept)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise FeedError(f"A feed's {', '.join(sorted(unknown))} cannot be edited.")
    with engine.begin() as conn:
        feed = get_feed(conn, name)
        for key, value in changes.items():
            setattr(feed, key, value)
        adapter_for(feed.kind).check(feed)
        conn.execute(update(feeds).where(feeds.c.id == feed.id).values(**changes))
        audit.record(conn, user, Action.MANAGE_FEEDS, "feed", name, {"edited": changes})
    return feed


@requires(Action.MANAGE_FEEDS)
def pause_feed(engine: Engine, name: str, *, user: User) -> None:
    _set_status(engine, name, PAUSED, user)


@requires(Action.MANAGE_FEEDS)
def resume_feed(engine: Engine, name: str, *, user: User) -> None:
    _set_status(engine, name, ACTIVE, user)


def _set_status(engine: Engine, name: str, status: str, user: User) -> None:
    with engine.begin() as conn:
        feed = get_feed(conn, name)
        conn.execute(update(feeds).where(feeds.c.id == feed.id).values(status=status))
        audit.record(conn, user, Action.MANAGE_FEEDS, "feed", name, {"status": status})


def feed_history(engine: Engine, name: str, limit: int = 20) -> list[dict[str, Any]]:
    """The feed's latest runs, newest first, as column -> value."""
    with engine.connect() as conn:
        feed = get_feed(conn, name)
        query = (
            select(feed_runs)
            .where(feed_runs.c.feed_id == feed.id)
            .order_by(feed_runs.c.id.desc())
            .limit(limit)
        )
        return [dict(r._mapping) for r in conn.execute(query)]
