"""Translate filters into one SQL WHERE clause that SQLite and PostgreSQL both run.

Neither backend is assumed to have a spatial extension, so a drawn polygon becomes plain
arithmetic: its bounding box plus the even-odd crossing test over every ring edge.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import replace
from functools import reduce
from itertools import pairwise

from sqlalchemy import ColumnElement, Table, and_, case, or_, select, true

from crimedesk.analytics.sqltime import Period, hour_of, seconds, weekday_of
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.domain.timecodec import SECONDS_PER_DAY, day_number
from crimedesk.storage.schema import incident_regions

#: Each edge costs 7 bound parameters; SQLite allows 32,766 per statement.
MAX_POLYGON_EDGES = 2_000


def where_clause(f: FilterSnapshot, incidents: Table) -> ColumnElement[bool]:
    """All filter conditions ANDed together (``true()`` when nothing is restricted)."""
    c = incidents.c
    conditions: list[ColumnElement[bool]] = []
    if f.date_from is not None:
        conditions.append(seconds(c.occurred_from) >= day_number(f.date_from) * SECONDS_PER_DAY)
    if f.date_to is not None:
        conditions.append(seconds(c.occurred_from) < (day_number(f.date_to) + 1) * SECONDS_PER_DAY)
    if f.region_ids:
        conditions.append(_region_condition(f, incidents))
    if f.categories:
        conditions.append(c.category.in_(sorted(f.categories)))
    if f.offense_types:
        conditions.append(c.offense_type.in_(sorted(f.offense_types)))
    if f.hours is not None:
        conditions.append(_hours_condition(incidents, *f.hours))
    if f.weekdays:
        conditions.append(weekday_of(c.occurred_from).in_(sorted(f.weekdays)))
    if f.text.strip():
        pattern = "%" + _escape_like(f.text.strip()) + "%"
        columns = (c.block, c.location_description, c.case_number)
        conditions.append(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    if f.mappable_only:
        conditions.append(c.mappable.is_(True))
    if f.bbox is not None:
        conditions.append(_bbox_condition(incidents, f.bbox))
    if f.polygon_wkt:
        conditions.append(polygon_condition(incidents, f.polygon_wkt))
    return and_(true(), *conditions)


def without_dates(filters: FilterSnapshot) -> FilterSnapshot:
    """The same filters over all time (for functions that set their own periods)."""
    return replace(filters, date_from=None, date_to=None)


def filter_period(f: FilterSnapshot) -> Period:
    """The filter's closed date range; an error when either end is open."""
    if f.date_from is None or f.date_to is None:
        raise ValueError("this aggregate needs both date_from and date_to (apply a preset first)")
    return Period(f.date_from, f.date_to)


def _region_condition(f: FilterSnapshot, incidents: Table) -> ColumnElement[bool]:
    ids = sorted(f.region_ids)
    if isinstance(f.region_layer_id, str):
        return incidents.c[f.region_layer_id].in_(ids)
    members = select(incident_regions.c.incident_id).where(
        incident_regions.c.layer_id == f.region_layer_id, incident_regions.c.region_id.in_(ids)
    )
    return incidents.c.id.in_(members)


def _hours_condition(incidents: Table, start: int, end: int) -> ColumnElement[bool]:
    """Clock hours ``start`` (included) to ``end`` (excluded), wrapping past midnight."""
    hour = hour_of(incidents.c.occurred_from)
    if start < end:
        return and_(hour >= start, hour < end)
    return or_(hour >= start, hour < end)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _bbox_condition(incidents: Table, bbox: tuple[float, ...]) -> ColumnElement[bool]:
    min_lon, min_lat, max_lon, max_lat = bbox
    return and_(
        incidents.c.longitude.between(min_lon, max_lon), incidents.c.latitude.between(min_lat, max_lat)
    )


def polygon_condition(incidents: Table, wkt: str) -> ColumnElement[bool]:
    """Point-in-(multi)polygon by the even-odd rule; holes and disjoint parts come out right.

    The cost is one CASE per edge for each incident inside the bounding box: fine for shapes
    drawn on the map, hence the edge limit.
    """
    from shapely import wkt as shapely_wkt

    geometry = shapely_wkt.loads(wkt)
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"spatial filter must be a Polygon or MultiPolygon, got {geometry.geom_type}")
    parts = getattr(geometry, "geoms", [geometry])
    rings = [ring for part in parts for ring in (part.exterior, *part.interiors)]
    # A horizontal edge never crosses the horizontal ray cast from a point.
    edges = [(a, b) for ring in rings for a, b in pairwise(ring.coords) if a[1] != b[1]]
    if not edges:
        raise ValueError("spatial filter polygon has no area")
    if len(edges) > MAX_POLYGON_EDGES:
        raise ValueError(f"spatial filter polygon has {len(edges)} edges; simplify it to {MAX_POLYGON_EDGES}")
    lon, lat = incidents.c.longitude, incidents.c.latitude
    crossings = []
    for (x1, y1), (x2, y2) in edges:
        edge_x = x1 + (lat - y1) * ((x2 - x1) / (y2 - y1))
        crossings.append(case(((lat >= min(y1, y2)) & (lat < max(y1, y2)) & (lon < edge_x), 1), else_=0))
    return and_(_bbox_condition(incidents, geometry.bounds), sum_parity(crossings) == 1)


def sum_parity(terms: Sequence[ColumnElement[int]]) -> ColumnElement[int]:
    """``(a + b + ...) % 2`` nested in groups of 32: SQLite refuses expressions 1,000 deep, and
    the parity of a sum is the parity of its groups' parities."""
    groups = [reduce(operator.add, terms[i : i + 32]) % 2 for i in range(0, len(terms), 32)]
    return groups[0] if len(groups) == 1 else sum_parity(groups)
