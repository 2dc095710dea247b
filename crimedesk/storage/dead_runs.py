"""Training runs left ``running`` by a process that died (killed, crashed) become ``abandoned``.

A run records its process id and host when it starts. When the store opens, a run still marked
running whose process is gone from this host is marked abandoned, with a sentence saying so;
runs of other hosts cannot be judged from here and are left as they are.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

import psutil
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import OperationalError, ProgrammingError

from crimedesk.storage.schema import experiments

log = logging.getLogger(__name__)
ABANDONED = "abandoned: its process ({pid} on {host}) ended without finishing the run"


def abandon_dead_experiments(engine: Engine, alive: Callable[[int], bool] = psutil.pid_exists) -> int:
    """Mark ``abandoned`` this host's runs whose process is gone; returns how many."""
    host = socket.gethostname()
    running = (experiments.c.status == "running") & (experiments.c.host == host)
    try:
        with engine.connect() as conn:  # most opens find none: no write lock taken for them
            rows = conn.execute(select(experiments.c.id, experiments.c.pid).where(running)).all()
        dead = [row for row in rows if row.pid is not None and not alive(row.pid)]
        if not dead:
            return 0
        with engine.begin() as conn:
            for row in dead:
                conn.execute(
                    update(experiments)
                    .where(experiments.c.id == row.id, experiments.c.status == "running")
                    .values(status="abandoned", error=ABANDONED.format(pid=row.pid, host=host))
                )
    except (OperationalError, ProgrammingError) as exc:  # read-only, locked, or not ours to change
        log.info("experiments not checked for abandoned runs: %s", exc.orig)
        return 0
    return len(dead)
