"""What the map shows for a filter, queried from the store (SQLite or PostgreSQL) or from its DuckDB
mirror (crimedesk.analytics.mirror): the same SQL on all three, and the same answers.

Up to ``point_limit`` incidents travel as points; above it the database aggregates them into grid
cells (GROUP BY on lon/lat cell numbers), so Python never holds more than a few thousand rows
whatever the store size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Integer, and_, cast, func, select

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.analytics.incident_words import value_words
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.mapping.classes import GRID_PALETTE, REGION_PALETTE, classify
from crimedesk.mapping.layers import CATEGORY_COLORS, CLUSTER_BUBBLE, cell_size_deg, region_counts_payload
from crimedesk.mapping.rates import UNITS
from crimedesk.storage.schema import boundaries, incident_regions, incidents

if TYPE_CHECKING:
    from crimedesk.regions.sizes import RegionSize

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
    legend: list[dict[str, Any]]


def located() -> ColumnElement[bool]:
    c = incidents.c
    return and_(c.mappable.is_(True), c.latitude.is_not(None), c.longitude.is_not(None))


def map_data(
    conn: Connection,
    filters: FilterSnapshot,
    point_limit: int = POINT_LIMIT,
    cell_m: float = 400.0,
    latitude: float = 41.84,
) -> MapData:
    """Points when at most ``point_limit`` incidents match, else ``cell_m`` grid counts near ``latitude``."""
    where = and_(where_clause(filters, incidents), located())
    c = incidents.c
    # One more row than the limit tells points from grid without a separate COUNT scan. No ORDER BY:
    # the scan stops at the limit (DuckDB would sort every match first); points are sorted here.
    query = select(c.id, c.latitude, c.longitude, c.category).where(where).limit(point_limit + 1)
    rows = conn.execute(query).all()
    if len(rows) <= point_limit:
        return _points(sorted(rows, key=itemgetter(0)))  # by id
    return _grid(conn, where, *cell_size_deg(cell_m, latitude))


def arrived_points(
    conn: Connection, filters: FilterSnapshot, shown: MapData, point_limit: int = POINT_LIMIT
) -> MapData | None:
    """The points of ``filters`` stored since ``shown`` (points of the same filters, by id) was
    queried: those above its highest id, with the filters' new total. None when they are not all
    it lacks, i.e. SQL's count of the filters is not ``shown.total`` plus them (incidents changed,
    removed or stored out of id order) or is above ``point_limit``: query the map anew then."""
    if shown.mode != "points":
        return None
    c = incidents.c
    where = and_(where_clause(filters, incidents), located())
    newer = where if not shown.points else and_(where, c.id > shown.points[-1][0])
    query = select(c.id, c.latitude, c.longitude, c.category).where(newer).order_by(c.id)
    rows = conn.execute(query.limit(point_limit + 1)).all()
    total = conn.execute(select(func.count()).select_from(incidents).where(where)).scalar_one()
    if total != shown.total + len(rows) or total > point_limit:
        return None
    return replace(_points(rows), total=total)


def _category_legend() -> dict[str, Any]:
    rows = [[color, name] for name, color in CATEGORY_COLORS.items()]
    return {"title": "Incidents", "rows": rows, "layers": ["points", "clusters"]}


def _cluster_legend() -> dict[str, Any]:
    """Grey bubbles, close to the "other" swatch: told apart, drawn as a bubble (disc and ring)."""
    disc, ring = CLUSTER_BUBBLE
    rows = [[disc, "number of incidents in the bubble"]]
    return {"title": "Clusters", "rows": rows, "layers": ["clusters"], "bubble": ring}


def _points(rows: Sequence[Sequence[Any]]) -> MapData:
    """Rows ``(id, lat, lon, category)`` as coloured points; unpacked, since looking up a Row's
    attributes by name costs more than building the lists for 20,000 points."""
    other = CATEGORY_COLORS["other"]
    points = [[i, lat, lon, CATEGORY_COLORS.get(category, other)] for i, lat, lon, category in rows]
    heat = [[lat, lon, 1.0] for _i, lat, lon, _category in rows]
    return MapData("points", len(rows), points, [], heat, [_category_legend(), _cluster_legend()])


def _cell_number(column: ColumnElement[float], origin: float, size: float, dialect: str) -> ColumnElement:
    """floor((column - origin) / size); the value is never negative, so SQLite can truncate with
    CAST (its floor() needs the optional math functions) while PostgreSQL's CAST would round."""
    scaled = (column - origin) / size
    return cast(scaled, Integer) if dialect == "sqlite" else cast(func.floor(scaled), Integer)


def _grid(conn: Connection, where: ColumnElement[bool], lon_deg: float, lat_deg: float) -> MapData:
    dialect = conn.dialect.name
    gx = _cell_number(incidents.c.longitude, -180.0, lon_deg, dialect).label("gx")
    gy = _cell_number(incidents.c.latitude, -90.0, lat_deg, dialect).label("gy")
    # Ordered, so every backend gives the same cells in the same order.
    query = select(gx, gy, func.count()).where(where).group_by(gx, gy).order_by(gx, gy)
    rows = conn.execute(query).all()
    counts = [n for _gx, _gy, n in rows]
    colors, legend = classify(counts, GRID_PALETTE)
    cells, heat = [], []
    for (x, y, n), color in zip(rows, colors, strict=True):
        south, west = -90.0 + y * lat_deg, -180.0 + x * lon_deg
        cells.append([south, west, south + lat_deg, west + lon_deg, n, color])
        heat.append([south + lat_deg / 2, west + lon_deg / 2, float(n)])
    size = f"Incidents per {lat_deg * 111_320:,.0f} m cell"
    total = sum(counts)
    legend_section = {"title": size, "rows": legend, "layers": ["aggregates"]}
    return MapData("grid", total, [], cells, heat, [legend_section])


def region_counts(
    conn: Connection,
    f: FilterSnapshot,
    layer_id: int,
    palette: str = REGION_PALETTE,
    method: str = "quantile",
    measure: str = "count",
    sizes: Mapping[str, RegionSize] | None = None,
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Choropleth of ``layer_id``: ``{region_id: {count, value, color, label}}`` and its legend
    section, in ``palette``'s classes cut by ``method`` (crimedesk.mapping.classes), of counts or
    of the rates ``measure`` with the regions' ``sizes`` (crimedesk.mapping.rates).

    A region selection on this same layer is ignored here: the map shows every region's count and
    outlines the selected ones, so the analyst can see what they are choosing from.
    """
    if f.region_layer_id == layer_id:
        f = replace(f, region_ids=frozenset())
    ir = incident_regions.c
    if not f.region_ids and replace(f, region_layer_id=None) == FilterSnapshot():  # no filter: the join alone
        query = select(ir.region_id, func.count()).where(ir.layer_id == layer_id).group_by(ir.region_id)
    else:
        # A LEFT JOIN keeps the filtered incidents as SQLite's outer loop (their indexes, then one
        # primary-key look-up each; an inner join lets it scan the whole layer first), and DuckDB
        # hashes it several times faster than a correlated subquery.
        of_layer = and_(ir.layer_id == layer_id, ir.incident_id == incidents.c.id)
        query = (
            select(ir.region_id, func.count())
            .select_from(incidents.outerjoin(incident_regions, of_layer))
            .where(where_clause(f, incidents))
            .group_by(ir.region_id)
        )
    counts = {str(rid): n for rid, n in conn.execute(query).all() if rid is not None}
    layer_regions = select(boundaries.c.region_id).where(boundaries.c.layer_id == layer_id)
    ids = conn.execute(layer_regions).scalars().all()
    payload, legend = region_counts_payload(ids, counts, palette, method, measure, sizes)
    title = "Incidents per region" if measure == "count" else UNITS[measure].capitalize()
    return payload, {"title": title, "rows": legend, "layers": ["regions"]}


def incident_details(conn: Connection, incident_id: int) -> tuple[float, float, list[list[str]]] | None:
    """(lat, lon, [[label, text], ...]) of one incident for its popup; None if it has no location."""
    c = incidents.c
    columns = [c[name] for name, _label in DETAIL_FIELDS]
    row = conn.execute(select(c.latitude, c.longitude, *columns).where(c.id == incident_id)).first()
    if row is None or row.latitude is None or row.longitude is None:
        return None
    details = [[label, value_words(name, row[i + 2])] for i, (name, label) in enumerate(DETAIL_FIELDS)]
    return row.latitude, row.longitude, details
