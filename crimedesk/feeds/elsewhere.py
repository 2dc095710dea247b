"""Which feeds another process runs now (another analyst's app on a shared store, or the CLI).

The app's scheduler leaves those alone: a second follower of an MQTT feed would share its client id
and knock the first off the broker, and a starting run marks the feed's running runs interrupted.
A run of this host whose process is gone does not count; runs of other hosts cannot be judged from
here and count as alive (the analyst can still press Run now).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

import psutil
from sqlalchemy import Engine, select

from crimedesk.feeds.feed import RUNNING
from crimedesk.storage.schema import feed_runs, feeds, imports


def run_elsewhere(engine: Engine, alive: Callable[[int], bool] = psutil.pid_exists) -> set[str]:
    """Names of the feeds with a run marked running by another live process."""
    host, pid = socket.gethostname(), os.getpid()
    query = (
        select(feeds.c.name, imports.c.host, imports.c.pid)
        .join(feed_runs, feed_runs.c.feed_id == feeds.c.id)
        .join(imports, imports.c.id == feed_runs.c.import_id)
        .where(feed_runs.c.status == RUNNING)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return {r.name for r in rows if r.host != host or (r.pid is not None and r.pid != pid and alive(r.pid))}
