"""`crimedesk feeds add|list|run|follow|pause|resume|history`: live subscriptions."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from crimedesk.auth.session import acting_user
from crimedesk.cli.common import DbOption, console, err_console, fail, opened_store, run_cancellable
from crimedesk.domain.errors import CrimedeskError, ImportCancelled
from crimedesk.feeds.adapters import adapter_for
from crimedesk.feeds.catalog import (
    Feed,
    add_feed,
    feed_history,
    list_feeds,
    load_feed,
    pause_feed,
    resume_feed,
)
from crimedesk.feeds.errors import FeedOffline
from crimedesk.feeds.runner import run_feed
from crimedesk.feeds.soda import CHICAGO_DATASET, CHICAGO_DOMAIN

feeds_app = typer.Typer(help="Live feeds: portal subscriptions, Kafka topics, MQTT sensor alerts.")
OFFLINE_WAIT_SECONDS = 60.0


@feeds_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="A name of your choice for the feed.")],
    kind: Annotated[str, typer.Option(help="soda (a Socrata portal), kafka or mqtt.")] = "soda",
    endpoint: Annotated[
        str, typer.Option(help="Portal domain, Kafka bootstrap servers or MQTT host:port.")
    ] = CHICAGO_DOMAIN,
    dataset: Annotated[str, typer.Option(help="Portal dataset id, or the topic.")] = CHICAGO_DATASET,
    profile: Annotated[str, typer.Option(help="Import profile or saved mapping of the events.")] = "chicago",
    where: Annotated[
        str,
        typer.Option(help="SoQL filter of a portal feed, e.g. \"date >= '2024-01-01'\" (a backfill range)."),
    ] = "",
    every: Annotated[int, typer.Option(help="Minutes between runs of a portal feed.")] = 15,
    db: DbOption = None,
) -> None:
    """Subscribe to a feed (it runs with `crimedesk feeds run` or `follow`)."""
    feed = Feed(name, kind, endpoint, dataset, profile, filters=where, schedule_minutes=every)
    with opened_store(db) as engine:
        try:
            add_feed(engine, feed, user=acting_user(engine))
        except CrimedeskError as exc:
            raise fail(str(exc)) from exc
    console.print(f"feed {name} added ({adapter_for(kind).title})", highlight=False)


@feeds_app.command("list")
def list_command(db: DbOption = None) -> None:
    """Every feed with its status, last success, last error and counts."""
    table = Table("name", "kind", "status", "dataset", "received", "inserted", "updated", "rejected",
                  "last success", "last error")  # fmt: skip
    with opened_store(db) as engine:
        for f in list_feeds(engine):
            counts = (f"{n:,}" for n in (f.received, f.inserted, f.updated, f.rejected))
            table.add_row(f.name, f.kind, f.status, f.dataset, *counts, str(f.last_success or ""),
                          f.last_error or "")  # fmt: skip
    console.print(table)


@feeds_app.command("run")
def run_command(name: str, db: DbOption = None) -> None:
    """Run a feed once: a portal until caught up (Ctrl-C stops, keeping what was written)."""
    with opened_store(db) as engine:
        user = acting_user(engine)
        result = run_cancellable(
            f"feed {name}",
            lambda progress, cancel: run_feed(engine, name, user=user, progress=progress, cancel=cancel),
            cancelled="cancelled; the batches already written are kept",
        )
    console.print(result.summary(), highlight=False)


@feeds_app.command("follow")
def follow_command(name: str, db: DbOption = None) -> None:
    """Run a feed continuously with a live line of counts; Ctrl-C stops cleanly."""
    try:
        with opened_store(db) as engine:
            _follow(engine, name)
    except (KeyboardInterrupt, ImportCancelled):
        console.print("stopped", highlight=False)


def _follow(engine: Engine, name: str) -> None:
    user = acting_user(engine)
    while True:
        try:
            feed = load_feed(engine, name)
        except CrimedeskError as exc:
            raise fail(str(exc)) from exc
        try:
            result = run_cancellable(
                f"feed {name}",
                lambda progress, cancel: run_feed(engine, name, user=user, progress=progress, cancel=cancel),
                cancelled="stopped; the batches already written are kept",
            )
        except typer.Exit as stop:
            if stop.exit_code == 130:
                return
            if not isinstance(stop.__cause__, FeedOffline):
                raise
            err_console.print("(trying again in a minute)")  # the sentence was printed by fail()
            time.sleep(OFFLINE_WAIT_SECONDS)
            continue
        console.print(time.strftime("%H:%M:%S ") + result.summary(), highlight=False)
        if adapter_for(feed.kind).continuous:
            return  # it ran until Ctrl-C
        time.sleep(feed.schedule_minutes * 60)


@feeds_app.command("pause")
def pause_command(name: str, db: DbOption = None) -> None:
    """Stop a feed from running until it is resumed."""
    with opened_store(db) as engine:
        try:
            pause_feed(engine, name, user=acting_user(engine))
        except CrimedeskError as exc:
            raise fail(str(exc)) from exc
    console.print(f"feed {name} paused", highlight=False)


@feeds_app.command("resume")
def resume_command(name: str, db: DbOption = None) -> None:
    """Let a paused feed run again, from where it stopped."""
    with opened_store(db) as engine:
        try:
            resume_feed(engine, name, user=acting_user(engine))
        except CrimedeskError as exc:
            raise fail(str(exc)) from exc
    console.print(f"feed {name} resumed", highlight=False)


@feeds_app.command("history")
def history_command(name: str, limit: int = 20, db: DbOption = None) -> None:
    """A feed's runs, newest first: received = inserted + updated + unchanged + rejected + conflicts."""
    with opened_store(db) as engine:
        try:
            runs = feed_history(engine, name, limit)
        except CrimedeskError as exc:
            raise fail(str(exc)) from exc
    for r in runs:
        console.print(
            f"run {r['id']} {r['status']} {r['started_at']:%Y-%m-%d %H:%M:%S}: {r['received']:,} received"
            f" = {r['inserted']:,} inserted + {r['updated']:,} updated + {r['unchanged']:,} unchanged"
            f" + {r['rejected']:,} rejected + {r['conflicts']:,} conflicts; {r['deleted']:,} deleted",
            highlight=False,
        )
        if r["error"] or r["note"]:
            console.print(f"  {r['error'] or r['note']}", highlight=False, markup=False)
