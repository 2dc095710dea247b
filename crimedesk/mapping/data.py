"""What the map shows for a filter, queried from the store (SQLite or PostgreSQL, same SQL).

Up to ``point_limit`` incidents travel as points; above it the database aggregates them into grid
cells (GROUP BY on lon/lat cell numbers), so Python never holds more than a few thousand rows
whatever the store size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, Row, and_, cast, func, select

from crimedesk.analytics.filters_sql import snapshot_of, where_clause
from crimedesk.mapping.layers import CATEGORY_COLORS, cell_size_deg, classify, region_counts_payload
from crimedesk.state.filters import FilterSnapshot, FilterState
from crimedesk.storage.schema import boundaries, incident_regions, incidents

POINT_LIMIT = 20_000
DETAIL_FIELDS: tuple[tuple[str, str], ...] = (
    ("case_number", "Case"),
    ("occurred_from", "Occurred"),
    ("offense_type", "Offense"),
    ("offense_description", "Description"),
    ("category", "Category"),
    ("block", "Block"),
    ("location_description", "Location"),
)


@dataclass(frozen=True)
class MapData:
    """Everything the page needs for one filter. ``mode`` is ``points`` or ``grid``."""

    mode: str
    total: int
    points: list[list[Any]]  # [id, lat, lon, colour]
    cells: list[list[Any]]  # [south, west, north, east, count, colour]
    heat: list[list[float]]  # [lat, lon, weight]
    heat_max: float
    legend: list[dict[str, Any]]


def located() -> ColumnElement[bool]:
    c = incidents.c
    return and_(c.mappable.is_(True), c.latitude.is_not(None), c.longitude.is_not(None))


def map_data(
    conn: Connection,
    filters: FilterState | FilterSnapshot,
    point_limit: int = POINT_LIMIT,
    cell_m: float = 400.0,
    latitude: float = 41.84,
) -> MapData:
    """Points when at most ``point_limit`` incidents match, else ``cell_m`` grid counts near ``latitude``."""
    where = and_(where_clause(filters, incidents), located())
    c = incidents.c
    # One more row than the limit tells points from grid without a separate COUNT scan.
    query = (
        select(c.id, c.latitude, c.longitude, c.category).where(where).order_by(c.id).limit(point_limit + 1)
    )
    rows = conn.execute(query).all()
    if len(rows) <= point_limit:
        return _points(rows)
    return _grid(conn, where, *cell_size_deg(cell_m, latitude))


def _category_legend() -> dict[str, Any]:
    return {"title": "Incidents", "rows": [[color, name] for name, color in CATEGORY_COLORS.items()]}


def _points(rows: Sequence[Row[Any]]) -> MapData:
    other = CATEGORY_COLORS["other"]
    points = [[r.id, r.latitude, r.longitude, CATEGORY_COLORS.get(r.category, other)] for r in rows]
    heat = [[r.latitude, r.longitude, 1.0] for r in rows]
    return MapData("points", len(rows), points, [], heat, 1.0, [_category_legend()])


def _cell_number(column: ColumnElement[float], origin: float, size: float, dialect: str) -> ColumnElement:
    """floor((column - origin) / size); the value is never negative, so SQLite can truncate with
    CAST (its floor() needs the optional math functions) while PostgreSQL's CAST would round."""
    scaled = (column - origin) / size
    return cast(scaled, Integer) if dialect == "sqlite" else cast(func.floor(scaled), Integer)


def _grid(conn: Connection, where: ColumnElement[bool], lon_deg: float, lat_deg: float) -> MapData:
    dialect = conn.dialect.name
    gx = _cell_number(incidents.c.longitude, -180.0, lon_deg, dialect).label("gx")
    gy = _cell_number(incidents.c.latitude, -90.0, lat_deg, dialect).label("gy")
    rows = conn.execute(select(gx, gy, func.count().label("n")).where(where).group_by(gx, gy)).all()
    colors, legend = classify([r.n for r in rows])
    cells, heat = [], []
    for r, color in zip(rows, colors, strict=True):
        south, west = -90.0 + r.gy * lat_deg, -180.0 + r.gx * lon_deg
        cells.append([south, west, south + lat_deg, west + lon_deg, r.n, color])
        heat.append([south + lat_deg / 2, west + lon_deg / 2, float(r.n)])
    heat_max = float(max((r.n for r in rows), default=1))
    size = f"Incidents per {lat_deg * 111_320:,.0f} m cell"
    total = sum(r.n for r in rows)
    return MapData("grid", total, [], cells, heat, heat_max, [{"title": size, "rows": legend}])


def region_counts(
    conn: Connection, filters: FilterState | FilterSnapshot, layer_id: int
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Choropleth of ``layer_id``: ``{region_id: {count, color}}`` and its legend section.

    A region selection on this same layer is ignored here: the map shows every region's count and
    outlines the selected ones, so the analyst can see what they are choosing from.
    """
    f = snapshot_of(filters)
    if f.region_layer_id == layer_id:
        f = replace(f, region_ids=frozenset())
    ir = incident_regions.c
    if replace(f, region_layer_id=None) == FilterSnapshot():  # nothing to filter: read the join alone
        query = select(ir.region_id, func.count()).where(ir.layer_id == layer_id).group_by(ir.region_id)
    else:
        # Driven from the filtered incidents (their indexes) with one primary-key look-up each: a
        # join lets SQLite scan every joined row of the layer first, whatever the filter.
        region = (
            select(ir.region_id)
            .where(ir.layer_id == layer_id, ir.incident_id == incidents.c.id)
            .correlate(incidents)
            .scalar_subquery()
            .label("region_id")
        )
        query = (
            select(region, func.count())
            .select_from(incidents)
            .where(where_clause(f, incidents))
            .group_by(region)
        )
    counts = {str(rid): n for rid, n in conn.execute(query).all() if rid is not None}
    layer_regions = select(boundaries.c.region_id).where(boundaries.c.layer_id == layer_id)
    payload, legend = region_counts_payload(conn.execute(layer_regions).scalars().all(), counts)
    return payload, {"title": "Incidents per region", "rows": legend}


def incident_details(conn: Connection, incident_id: int) -> tuple[float, float, list[list[str]]] | None:
    """(lat, lon, [[label, text], ...]) of one incident for its popup; None if it has no location."""
    c = incidents.c
    columns = [c[name] for name, _label in DETAIL_FIELDS]
    row = conn.execute(select(c.latitude, c.longitude, *columns).where(c.id == incident_id)).first()
    if row is None or row.latitude is None or row.longitude is None:
        return None
    details = [
        [label, "" if row[i + 2] is None else str(row[i + 2])] for i, (_n, label) in enumerate(DETAIL_FIELDS)
    ]
    return row.latitude, row.longitude, details
