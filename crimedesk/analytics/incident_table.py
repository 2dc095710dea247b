"""Pages of filtered incidents for the data table: sorted and cut in the database, never all rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.domain.quality import describe
from crimedesk.storage.schema import imports, incidents

#: (column, header) shown in the table, in order.
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("occurred_from", "Occurred"),
    ("category", "Category"),
    ("offense_type", "Offense"),
    ("offense_description", "Description"),
    ("block", "Block"),
    ("location_description", "Location"),
    ("district", "District"),
    ("arrest", "Arrest"),
    ("domestic", "Domestic"),
    ("case_number", "Case"),
    ("source", "Source"),
)
#: An import's reconciliation: rows read = inserted + ... + conflicts; then unmappable and far off.
IMPORT_COUNTS: tuple[str, ...] = (
    "rows_read",
    "inserted",
    "updated",
    "unchanged",
    "rejected",
    "duplicates",
    "conflicts",
    "unmappable",
    "far_off",
)
IMPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "file_name",
    "profile",
    "status",
    "username",
    "started_at",
    "finished_at",
    *IMPORT_COUNTS,
    "error",
)


def count_incidents(conn: Connection, filters: FilterSnapshot) -> int:
    query = select(func.count()).select_from(incidents).where(where_clause(filters, incidents))
    return int(conn.execute(query).scalar_one())


def incident_page(
    conn: Connection,
    filters: FilterSnapshot,
    sort: str = "occurred_from",
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
) -> list[tuple[Any, ...]]:
    """Rows ``offset .. offset+limit`` in ``sort`` order (ties by id): id first, then TABLE_COLUMNS."""
    if sort not in dict(TABLE_COLUMNS):
        raise ValueError(f"cannot sort by {sort!r}")
    key, tie = incidents.c[sort], incidents.c.id
    order = (key.desc().nulls_last(), tie.desc()) if descending else (key.asc().nulls_first(), tie.asc())
    query = (
        select(incidents.c.id, *(incidents.c[name] for name, _ in TABLE_COLUMNS))
        .where(where_clause(filters, incidents))
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    return [tuple(row) for row in conn.execute(query)]


def incident_details(conn: Connection, incident_id: int) -> dict[str, Any]:
    """Every stored field of one incident; KeyError when it does not exist."""
    row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).mappings().first()
    if row is None:
        raise KeyError(f"incident {incident_id} does not exist")
    return {**row, "quality": ", ".join(describe(row["quality_flags"])) or "none"}


def import_history(conn: Connection, limit: int | None = None) -> list[dict[str, Any]]:
    """Import attempts, newest first (all, or the last ``limit``), with reconciliation counts and error."""
    query = select(*(imports.c[name] for name in IMPORT_COLUMNS)).order_by(imports.c.id.desc()).limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]
