"""Boundary layers in the store: atomic import (regions + join of every incident), list, delete.

An import is one transaction: the regions, the join of every mappable incident and the removal
of a previous layer of the same name all land together, or (error, cancel) not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely
from sqlalchemy import Column, Connection, Engine, func, select

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires, resolved
from crimedesk.auth.roles import Action
from crimedesk.auth.user import PermissionDenied, User
from crimedesk.domain.errors import CrimedeskError, ImportCancelled
from crimedesk.regions.agreement import INCIDENT_FIELDS, Agreement, region_agreement
from crimedesk.regions.join import RegionIndex, region_sort_key, write_region_positions
from crimedesk.regions.sizes import SIZE_KEY
from crimedesk.storage.schema import boundaries, boundary_layers, incident_regions, incidents

if TYPE_CHECKING:  # geopandas loads only when a file is read or a map is drawn (fast app start)
    import geopandas as gpd

    from crimedesk.regions.read import BoundaryLayer

__all__ = [
    "Agreement",
    "BoundaryImportResult",
    "LayerInfo",
    "delete_layer",
    "import_boundary_layer",
    "layer_names",
    "layer_regions_gdf",
    "list_layers",
    "region_agreement",
]

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]
JOIN_CHUNK = 200_000  # incidents located per round trip: bounds memory whatever the store size


@dataclass(frozen=True)
class BoundaryImportResult:
    layer_id: int
    regions: int
    repaired: int
    incidents_joined: int
    incidents_outside: int  # mappable but in no region
    compared: int
    agreeing: int
    agreement_rate: float | None  # None when nothing was compared
    warnings: tuple[str, ...] = ()
    populated: int = 0  # regions with a population (0 when no population field was chosen)


@dataclass(frozen=True)
class LayerInfo:
    id: int
    name: str
    source_file: str
    id_field: str
    name_field: str | None
    incident_field: str | None
    crs: str
    loaded_at: datetime
    regions: int
    incidents_joined: int


class _Steps:
    """Reports progress and raises ``ImportCancelled`` as soon as ``cancel()`` turns true."""

    def __init__(self, progress: Progress | None, cancel: Cancel | None):
        self._progress = progress
        self._cancel = cancel

    def __call__(self, fraction: float, message: str) -> None:
        if self._cancel is not None and self._cancel():
            raise ImportCancelled("Boundary import cancelled; nothing was changed.")
        if self._progress is not None:
            self._progress(fraction, message)


@requires(Action.LOAD_BOUNDARIES)
def import_boundary_layer(
    engine: Engine,
    path: str | Path,
    *,
    layer_name: str,
    id_field: str,
    name_field: str | None = None,
    incident_field: str | None = None,
    source_layer: str | None = None,
    population_field: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    user: User | None = None,
) -> BoundaryImportResult:
    """Load a boundary file as layer ``layer_name`` (replacing one of that name) and join incidents.

    ``population_field`` names the attribute holding each region's residents (for rates per
    100,000 residents); every region's area is kept too (crimedesk.regions.sizes)."""
    from crimedesk.regions.read import read_boundary_file

    _check_names(layer_name, incident_field)
    _check_may_replace(engine, layer_name, resolved(user))
    step = _Steps(progress, cancel)
    step(0.0, f"Reading {Path(path).name}")
    layer = read_boundary_file(
        path,
        id_field=id_field,
        name_field=name_field,
        source_layer=source_layer,
        population_field=population_field,
    )
    step(0.05, f"Storing {len(layer.regions):,} regions")
    with engine.begin() as conn:
        _delete_layer_rows(conn, layer_name)
        layer_id = _insert_layer(conn, layer_name, Path(path), layer, id_field, name_field, incident_field)
        _insert_regions(conn, layer_id, layer.regions)
        index = RegionIndex(layer_id, layer.regions["region_id"].tolist(), layer.regions.geometry.array)
        joined, outside = _join_incidents(conn, index, step)
        step(0.97, "Checking agreement with the incidents' own codes")
        agreement = region_agreement(conn, layer_id)
        details = {
            "file": Path(path).name,
            "regions": len(layer.regions),
            "joined": joined,
            "outside": outside,
            "population_field": population_field,
        }
        audit.record(conn, resolved(user), Action.LOAD_BOUNDARIES, "boundary_layer", layer_name, details)
    if progress is not None:
        progress(1.0, "Done")
    return BoundaryImportResult(
        layer_id=layer_id,
        regions=len(layer.regions),
        repaired=layer.repaired,
        incidents_joined=joined,
        incidents_outside=outside,
        compared=agreement.compared,
        agreeing=agreement.agreeing,
        agreement_rate=agreement.agreement_rate,
        warnings=layer.warnings,
        populated=int(layer.regions["population"].notna().sum()),
    )


def _check_names(layer_name: str, incident_field: str | None) -> None:
    if not layer_name.strip() or len(layer_name) > 80:
        raise CrimedeskError("A layer name must have 1 to 80 characters.")
    if incident_field is not None and incident_field not in INCIDENT_FIELDS:
        raise CrimedeskError(
            f"Unknown incident field '{incident_field}'; choose one of {', '.join(INCIDENT_FIELDS)}."
        )


def _insert_layer(
    conn: Connection,
    name: str,
    path: Path,
    layer: BoundaryLayer,
    id_field: str,
    name_field: str | None,
    incident_field: str | None,
) -> int:
    values = {
        "name": name,
        "source_file": str(path.resolve()),
        "id_field": id_field,
        "name_field": name_field,
        "incident_field": incident_field,
        "crs": layer.source_crs,
        "loaded_at": datetime.now().replace(microsecond=0),
    }
    return conn.execute(boundary_layers.insert().values(values).returning(boundary_layers.c.id)).scalar_one()


def _insert_regions(conn: Connection, layer_id: int, regions: gpd.GeoDataFrame) -> None:
    wkb = shapely.to_wkb(np.asarray(regions.geometry.array), hex=True)
    sizes = [
        {SIZE_KEY: {"population": _number(population), "area_km2": _number(area)}}
        for population, area in zip(regions["population"], regions["area_km2"], strict=True)
    ]
    rows = [
        {
            "layer_id": layer_id,
            "region_id": region_id,
            "name": name,
            "geometry_wkb": geometry,
            "properties": json.dumps({**properties, **size}),
        }
        for region_id, name, properties, geometry, size in zip(
            regions["region_id"], regions["name"], regions["properties"], wkb, sizes, strict=True
        )
    ]
    conn.execute(boundaries.insert(), rows)


def _number(value: object) -> float | None:
    """A float for the JSON, None for a missing value (None or NaN)."""
    return None if value is None or value != value else float(value)  # type: ignore[arg-type]


def _join_incidents(conn: Connection, index: RegionIndex, step: _Steps) -> tuple[int, int]:
    """Locate every mappable incident, ``JOIN_CHUNK`` at a time by id; returns (joined, outside)."""
    mappable = (
        incidents.c.mappable.is_(True),
        incidents.c.latitude.is_not(None),
        incidents.c.longitude.is_not(None),
    )
    total = conn.execute(select(func.count()).where(*mappable)).scalar_one()
    query = select(incidents.c.id, incidents.c.longitude, incidents.c.latitude).where(*mappable)
    joined = done = last_id = 0
    while done < total:
        rows = conn.execute(
            query.where(incidents.c.id > last_id).order_by(incidents.c.id).limit(JOIN_CHUNK)
        ).all()
        if not rows:
            break
        ids, lon, lat = (np.array(column) for column in zip(*rows, strict=True))
        joined += write_region_positions(conn, index.layer_id, ids, index.positions(lon, lat), index.names)
        done, last_id = done + len(rows), int(ids[-1])
        step(0.05 + 0.9 * done / total, f"Joined {done:,} of {total:,} incidents")
    return joined, done - joined


def _check_may_replace(engine: Engine, name: str, user: User) -> None:
    """Replacing a layer deletes its regions, which only an admin may (the server refuses too)."""
    if user.can(Action.DELETE_BOUNDARIES):
        return
    with engine.connect() as conn:
        found = conn.execute(select(boundary_layers.c.id).where(boundary_layers.c.name == name)).first()
    if found is not None:
        raise PermissionDenied(
            f"a boundary layer named {name!r} exists and replacing it deletes its regions, which only"
            f" an admin may do: load the file under another name, or ask an admin to delete {name!r}"
        )


def _delete_layer_rows(conn: Connection, name: str) -> bool:
    layer_id = conn.execute(select(boundary_layers.c.id).where(boundary_layers.c.name == name)).scalar()
    if layer_id is None:
        return False
    conn.execute(incident_regions.delete().where(incident_regions.c.layer_id == layer_id))
    conn.execute(boundaries.delete().where(boundaries.c.layer_id == layer_id))
    conn.execute(boundary_layers.delete().where(boundary_layers.c.id == layer_id))
    return True


@requires(Action.DELETE_BOUNDARIES)
def delete_layer(engine: Engine, name: str, user: User | None = None) -> bool:
    """Remove layer ``name`` with its regions and joins; False if there was no such layer."""
    with engine.begin() as conn:
        deleted = _delete_layer_rows(conn, name)
        if deleted:
            audit.record(conn, resolved(user), Action.DELETE_BOUNDARIES, "boundary_layer", name)
        return deleted


def list_layers(conn: Connection) -> list[LayerInfo]:
    """Every boundary layer with its region and joined-incident counts, by name."""
    regions = _count_by_layer(conn, boundaries.c.layer_id)
    joined = _count_by_layer(conn, incident_regions.c.layer_id)
    rows = conn.execute(select(boundary_layers).order_by(boundary_layers.c.name)).mappings()
    return [
        LayerInfo(**row, regions=regions.get(row["id"], 0), incidents_joined=joined.get(row["id"], 0))
        for row in rows
    ]


def _count_by_layer(conn: Connection, layer_id: Column[int]) -> dict[int, int]:
    """Rows per layer id of ``layer_id``'s table (layers without rows are absent)."""
    query = select(layer_id, func.count()).group_by(layer_id)
    return {layer: count for layer, count in conn.execute(query).all()}


def layer_names(conn: Connection) -> list[tuple[int, str]]:
    """``(id, name)`` of every boundary layer, by name; unlike :func:`list_layers` it counts
    nothing, so it stays instant on millions of incidents."""
    query = select(boundary_layers.c.id, boundary_layers.c.name).order_by(boundary_layers.c.name)
    return [(layer_id, name) for layer_id, name in conn.execute(query).all()]


def layer_regions_gdf(conn: Connection, layer_id: int) -> gpd.GeoDataFrame:
    """The regions of a layer (region_id, name, properties as dict, geometry) in EPSG:4326."""
    import geopandas as gpd

    query = select(
        boundaries.c.region_id, boundaries.c.name, boundaries.c.properties, boundaries.c.geometry_wkb
    ).where(boundaries.c.layer_id == layer_id)
    rows = sorted(conn.execute(query).all(), key=lambda r: region_sort_key(r.region_id))
    return gpd.GeoDataFrame(
        {
            "region_id": [r.region_id for r in rows],
            "name": [r.name for r in rows],
            "properties": [json.loads(r.properties) if r.properties else {} for r in rows],
        },
        geometry=shapely.from_wkb([r.geometry_wkb for r in rows]),
        crs="EPSG:4326",
    )
