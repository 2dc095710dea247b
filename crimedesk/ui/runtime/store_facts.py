"""What the window says about the store: its summary, newest day and whether UCR figures are on
file, read together on a worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select

from crimedesk.analytics.extent import latest_occurrence
from crimedesk.storage.schema import ucr_counts
from crimedesk.storage.summary import StoreSummary, store_summary


@dataclass(frozen=True)
class StoreFacts:
    summary: StoreSummary
    latest: date | None
    has_ucr: bool  # FBI UCR figures on file (a store may hold only those)


def store_facts(engine: Engine) -> StoreFacts:
    """Read the facts (run on a worker)."""
    with engine.connect() as conn:
        latest = latest_occurrence(conn)
        has_ucr = conn.execute(select(ucr_counts.c.year).limit(1)).first() is not None
    return StoreFacts(store_summary(engine), latest, has_ucr)
