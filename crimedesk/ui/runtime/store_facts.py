"""What the window says about the store: how many incidents from which sources, the newest day,
and whether UCR figures are on file, read together on a worker.

Every read here takes an index or a small table, never a scan of the incidents: on a city's whole
history (7M rows) the per-source summary of ``crimedesk stats`` scans the table for seconds, which
delayed the first dashboard of a cold start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select

from crimedesk.analytics.extent import latest_occurrence
from crimedesk.storage.schema import imports, incidents, ucr_counts


@dataclass(frozen=True)
class StoreFacts:
    total: int  # incidents in the store
    sources: list[str]  # the sources they came from, by name
    latest: date | None
    has_ucr: bool  # FBI UCR figures on file (a store may hold only those)

    @property
    def is_empty(self) -> bool:
        return self.total == 0

    def described(self) -> str:
        """The status bar's words, e.g. ``Dataset: chicago · 6,975,865 incidents``."""
        return f"Dataset: {', '.join(self.sources) or 'no data'} · {self.total:,} incidents"


def store_facts(engine: Engine) -> StoreFacts:
    """Read the facts (run on a worker)."""
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
        # an incident's source is that of an import that inserted or updated it (deleting an
        # import keeps only rows a later import of the same source updated)
        stored = (imports.c.inserted > 0) | (imports.c.updated > 0)
        sources = conn.scalars(select(imports.c.source).where(stored).distinct().order_by(imports.c.source))
        latest = latest_occurrence(conn)
        has_ucr = conn.execute(select(ucr_counts.c.year).limit(1)).first() is not None
        return StoreFacts(total, list(sources) if total else [], latest, has_ucr)
