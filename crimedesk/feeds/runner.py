"""Run a feed now (the scheduler, the CLI and the Feeds pane all call :func:`run_feed`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.domain.errors import ImportCancelled
from crimedesk.domain.explain import explain
from crimedesk.domain.progress import CancelFn, ProgressFn, never_cancel, no_progress
from crimedesk.feeds.adapters import adapter_for
from crimedesk.feeds.catalog import load_feed
from crimedesk.feeds.errors import FeedError
from crimedesk.feeds.feed import CANCELLED, FAILED, OK, PAUSED
from crimedesk.feeds.run import FeedRun
from crimedesk.ingest.history import Counts


@dataclass(frozen=True)
class RunResult:
    feed: str
    run_id: int
    status: str
    counts: Counts
    deleted: int = 0
    note: str | None = None

    def summary(self) -> str:
        c = self.counts
        text = (
            f"feed {self.feed} run {self.run_id}: {c.rows_read:,} received = {c.inserted:,} inserted"
            f" + {c.updated:,} updated + {c.unchanged:,} unchanged + {c.rejected:,} rejected"
            f" + {c.conflicts:,} conflicts; {self.deleted:,} deleted upstream"
        )
        return text + (f". {self.note}" if self.note else "")


@requires(Action.RUN_FEED)
def run_feed(
    engine: Engine,
    name: str,
    *,
    user: User,
    progress: ProgressFn = no_progress,
    cancel: CancelFn = never_cancel,
    on_batch: Callable[[Counts], None] | None = None,
) -> RunResult:
    """Pull the feed from its watermark: until caught up (a portal) or until ``cancel`` (a topic).

    ``on_batch(counts)`` is told each batch once it is committed (the app's live refresh).
    Batches committed before an error or a cancel stay; the run is recorded as failed/cancelled
    with the error, and FeedError / ImportCancelled are raised on.
    """
    feed = load_feed(engine, name)
    if feed.status == PAUSED:
        raise FeedError(f"Feed {name!r} is paused; resume it first.")
    with engine.begin() as conn:
        audit.record(conn, user, Action.RUN_FEED, "feed", name, {"watermark": feed.watermark})
    run = FeedRun(engine, feed, user)
    run.on_batch = on_batch
    return pull(run, progress, cancel)


def pull(run: FeedRun, progress: ProgressFn, cancel: CancelFn) -> RunResult:
    """Run the feed's adapter through ``run`` and record how the run ended."""
    name = run.feed.name
    try:
        outcome = adapter_for(run.feed.kind).pull(run, progress, cancel)
    except ImportCancelled as exc:
        run.finish(CANCELLED, str(exc))
        raise
    except Exception as exc:
        run.finish(FAILED, explain(exc))
        raise
    if not run.counts.reconciles():
        run.finish(FAILED, f"reconciliation failed: {run.counts}")
        raise FeedError(f"Feed {name!r}: the counts do not reconcile ({run.counts}).")
    run.finish(OK, note=outcome.note, server_count=outcome.server_count)
    return RunResult(name, run.run_id, OK, run.counts, run.deleted, outcome.note)
