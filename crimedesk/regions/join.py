"""Fast point-in-region lookup and bulk writing of ``incident_regions`` (used by every import batch).

``RegionIndex.locate`` sorts the points by longitude once; each polygon part then only tests the
points inside its bounding box (a ``searchsorted`` slice plus a latitude mask) with shapely's
vectorised ``intersects_xy`` on a prepared geometry. No point objects are built, which is what
makes 532k points against 277 beats take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing

import numpy as np
import pyarrow as pa
import shapely
from sqlalchemy import Connection, select

from crimedesk.storage import bulk
from crimedesk.storage.dbapi import dbapi_cursor
from crimedesk.storage.schema import boundaries, boundary_layers

RUN_ROWS = 1_000  # rows per region from which SQLite gets one INSERT per region (_insert_by_region)


def region_sort_key(region_id: str) -> tuple[int, int | str]:
    """Numeric ids in numeric order ("3" before "10"), then the others as text."""
    return (0, int(region_id)) if region_id.isdigit() else (1, region_id)


class RegionIndex:
    """The regions of one boundary layer, ready to locate points.

    On a shared border a point intersects several regions; it is given the lowest region id
    (``region_sort_key`` order) so that the result does not depend on file or storage order.
    """

    def __init__(
        self, layer_id: int, region_ids: Sequence[str], geometries: Sequence[shapely.Geometry] | np.ndarray
    ):
        order = sorted(range(len(region_ids)), key=lambda i: region_sort_key(region_ids[i]))
        self.layer_id = layer_id
        self.region_ids = np.array([region_ids[i] for i in order] + [None], dtype=object)
        parts, owners = shapely.get_parts(np.asarray(geometries, dtype=object)[order], return_index=True)
        shapely.prepare(parts)
        self._parts = parts
        self._owners = owners
        self._bounds = shapely.bounds(parts)

    @classmethod
    def from_layer(cls, conn: Connection, layer_id: int) -> RegionIndex:
        rows = conn.execute(
            select(boundaries.c.region_id, boundaries.c.geometry_wkb).where(boundaries.c.layer_id == layer_id)
        ).all()
        return cls(layer_id, [r.region_id for r in rows], shapely.from_wkb([r.geometry_wkb for r in rows]))

    @classmethod
    def for_layers(cls, conn: Connection) -> list[RegionIndex]:
        """One index per boundary layer in the store (ordered by layer id)."""
        layer_ids = conn.execute(select(boundary_layers.c.id).order_by(boundary_layers.c.id)).scalars()
        return [cls.from_layer(conn, layer_id) for layer_id in layer_ids.all()]

    def __len__(self) -> int:
        return len(self.region_ids) - 1

    @property
    def names(self) -> list[str]:
        """The region ids, in the order :meth:`positions` refers to."""
        return self.region_ids[:-1].tolist()

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Region id of each point (object array; None outside every region or for NaN)."""
        return self.region_ids[self.positions(lon, lat)]

    def positions(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index into ``region_ids`` of each point; ``len(self)`` means outside."""
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        order = np.argsort(lon, kind="stable")  # NaN sorts last and fails every bounds test
        xs, ys = lon[order], lat[order]
        best = np.full(len(xs), len(self), dtype=np.int64)
        starts = np.searchsorted(xs, self._bounds[:, 0], side="left")
        stops = np.searchsorted(xs, self._bounds[:, 2], side="right")
        for part, owner, bounds, start, stop in zip(
            self._parts, self._owners, self._bounds, starts, stops, strict=True
        ):
            in_band = ys[start:stop]
            candidates = np.flatnonzero((in_band >= bounds[1]) & (in_band <= bounds[3])) + start
            hits = candidates[shapely.intersects_xy(part, xs[candidates], ys[candidates])]
            best[hits] = np.minimum(best[hits], owner)
        result = np.empty_like(best)
        result[order] = best
        return result


def write_region_positions(
    conn: Connection, layer_id: int, incident_ids: np.ndarray, positions: np.ndarray, names: Sequence[str]
) -> int:
    """Insert (incident, region) pairs, each region given as its position in ``names`` (a position
    past the end means none, as from :meth:`RegionIndex.positions`); returns the rows written.

    Runs in the caller's transaction and never commits. The pairs must be new for this layer
    (delete an updated incident's rows first with ``delete_incident_regions``). They are written
    in the table's key order, region (as text) then incident, so a large write appends to the table.
    """
    found = positions < len(names)
    ids, positions = np.asarray(incident_ids)[found], positions[found]
    if len(ids) == 0:
        return 0
    text_ranks = np.argsort(np.argsort(np.array(names, dtype=str)))  # code point order, as SQLite's
    order = np.lexsort((ids, text_ranks[positions]))
    ids, positions = ids[order], positions[order]
    if conn.dialect.name == "sqlite" and len(ids) >= RUN_ROWS * len(names):
        _insert_by_region(conn, layer_id, ids, positions, names)
    else:
        regions = pa.array(np.asarray(names, dtype=object)[positions], pa.string())
        pairs = pa.table({"region_id": regions, "incident_id": pa.array(ids, pa.int64())})
        bulk.insert_arrow(conn, "incident_regions", pairs, {"layer_id": layer_id})
    return len(ids)


def _insert_by_region(
    conn: Connection, layer_id: int, ids: np.ndarray, positions: np.ndarray, names: Sequence[str]
) -> None:
    """One INSERT per region, naming it as a literal, so only the incident ids are bound (Python's
    sqlite3 copies every bound text value)."""
    starts = np.flatnonzero(np.diff(positions, prepend=-1))
    for start, stop in zip(starts, [*starts[1:], len(ids)], strict=True):
        run = pa.table({"incident_id": pa.array(ids[start:stop], pa.int64())})
        region = names[positions[start]]
        bulk.insert_arrow(conn, "incident_regions", run, {"layer_id": layer_id, "region_id": region})


def delete_incident_regions(conn: Connection, incident_ids: np.ndarray) -> None:
    """Forget every layer's region for these incidents (before re-locating updated rows)."""
    among, bound = bulk.any_of(conn, np.asarray(incident_ids).tolist())
    sql = f"DELETE FROM incident_regions WHERE layer_id = {bulk.placeholder(conn)} AND incident_id {among}"
    with closing(dbapi_cursor(conn)) as cursor:
        for layer_id in conn.execute(select(boundary_layers.c.id)).scalars().all():
            cursor.execute(sql, (layer_id, bound))  # (incident, layer) is indexed
