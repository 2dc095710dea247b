"""What a store holds, in a few cheap aggregate queries (the app's "Store" overview, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, case, func, select

from crimedesk.storage.schema import boundary_layers, imports, incidents

RECENT_IMPORTS = 10


@dataclass(frozen=True)
class ImportRecord:
    """One row of the upload history with its reconciliation counts."""

    file_name: str
    profile: str
    status: str
    started_at: datetime
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int


@dataclass(frozen=True)
class StoreSummary:
    total_incidents: int
    by_source: dict[str, int]
    first_occurred: datetime | None
    last_occurred: datetime | None
    mappable_share: float | None  # None when there are no incidents
    recent_imports: list[ImportRecord]
    boundary_layers: list[str]

    @property
    def is_empty(self) -> bool:
        return self.total_incidents == 0


def store_label(engine: Engine) -> str:
    """Backend and location for the status bar, e.g. ``SQLite · /home/a/crimedesk.sqlite``."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return f"SQLite · {url.database or ':memory:'}"
    return f"PostgreSQL · {url.username}@{url.host}:{url.port or 5432}/{url.database}"


def store_summary(engine: Engine, recent: int = RECENT_IMPORTS) -> StoreSummary:
    """Counts, time span and import history of the store behind ``engine``."""
    with engine.connect() as conn:
        per_source = _per_source(conn)
        total = sum(facts.count for facts in per_source.values())
        return StoreSummary(
            total_incidents=total,
            by_source={source: facts.count for source, facts in per_source.items()},
            first_occurred=min((f.first for f in per_source.values()), default=None),
            last_occurred=max((f.last for f in per_source.values()), default=None),
            mappable_share=sum(f.mappable for f in per_source.values()) / total if total else None,
            recent_imports=_recent_imports(conn, recent),
            boundary_layers=list(
                conn.scalars(select(boundary_layers.c.name).order_by(boundary_layers.c.name))
            ),
        )


@dataclass(frozen=True)
class _SourceFacts:
    count: int
    first: datetime
    last: datetime
    mappable: int


def _per_source(conn: Connection) -> dict[str, _SourceFacts]:
    """Count, time span and mappable rows of each source, in one scan of the incidents."""
    occurred = incidents.c.occurred_from
    query = (
        select(
            incidents.c.source,
            func.count(),
            func.min(occurred),
            func.max(occurred),
            func.sum(case((incidents.c.mappable, 1), else_=0)),
        )
        .group_by(incidents.c.source)
        .order_by(incidents.c.source)
    )
    return {
        source: _SourceFacts(int(count), first, last, int(mappable))
        for source, count, first, last, mappable in conn.execute(query)
    }


def _recent_imports(conn: Connection, limit: int) -> list[ImportRecord]:
    columns = [imports.c[name] for name in ImportRecord.__dataclass_fields__]
    query = select(*columns).order_by(imports.c.started_at.desc(), imports.c.id.desc()).limit(limit)
    return [ImportRecord(**row._mapping) for row in conn.execute(query)]
