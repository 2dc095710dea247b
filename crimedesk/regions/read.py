"""Read one boundary layer from GeoJSON, a (zipped) Shapefile or a GeoPackage into WGS84 regions.

A region is one id: several features sharing an id (Chicago district 31 comes in 3 pieces) are
dissolved into one geometry. Invalid geometries are repaired with ``shapely.make_valid`` and
counted, never silently: the count is part of the result.
"""

from __future__ import annotations

import logging
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from crimedesk.domain.errors import BoundaryFileError
from crimedesk.regions.sizes import areas_km2, region_populations

log = logging.getLogger(__name__)

SUFFIXES = (".geojson", ".json", ".zip", ".gpkg", ".shp")
KINDS = "GeoJSON, a zipped Shapefile or a GeoPackage"
WGS84 = "EPSG:4326"


@dataclass(frozen=True)
class BoundaryLayer:
    """A boundary file read and cleaned: one row per region, in WGS84.

    ``regions`` has columns ``region_id`` (str), ``name`` (str or None), ``properties`` (dict of
    the remaining attributes of the region's first feature), ``population`` (float or None: residents
    from the population field, crimedesk.regions.sizes), ``area_km2`` (float) and ``geometry``.
    """

    regions: gpd.GeoDataFrame
    source_layer: str
    source_crs: str
    repaired: int
    warnings: tuple[str, ...]


def read_boundary_file(
    path: str | Path,
    *,
    id_field: str,
    name_field: str | None = None,
    source_layer: str | None = None,
    population_field: str | None = None,
) -> BoundaryLayer:
    """Read, validate, reproject, repair and dissolve one layer of ``path``.

    Raises ``BoundaryFileError`` with a message for the analyst when the file is missing or
    unreadable, the layer is unknown or empty, or a chosen field does not exist.
    """
    path = Path(path)
    layer = choose_layer(path, source_layer)
    frame = _read_layer(path, layer)
    _check_fields(frame, path, layer, id_field, name_field, population_field)
    warnings: list[str] = []
    frame, source_crs = _to_wgs84(frame, path, warnings)
    frame = _drop_unusable(frame, id_field, warnings)
    geometries, repaired = repair_geometries(np.asarray(frame.geometry.array))
    regions = _dissolve(frame, geometries, id_field, name_field)
    populations = region_populations(frame, id_field, population_field) if population_field else {}
    regions["population"] = [populations.get(region_id) for region_id in regions["region_id"]]
    regions["area_km2"] = areas_km2(regions)
    _check_lengths(regions, id_field, name_field)
    for message in warnings:
        log.warning("%s: %s", path.name, message)
    return BoundaryLayer(regions, layer, source_crs, repaired, tuple(warnings))


def file_layers(path: Path) -> list[str]:
    """Names of the vector layers in ``path`` (a zip may hold several shapefiles)."""
    if not path.exists():
        raise BoundaryFileError(f"Boundary file not found: {path}")
    if path.suffix.lower() not in SUFFIXES:
        raise BoundaryFileError(f"{path.name} is not a boundary file: expected {KINDS}.")
    try:
        return [str(name) for name, _kind in pyogrio.list_layers(path)]
    except DataSourceError as exc:
        raise BoundaryFileError(f"Cannot read {path.name} as {KINDS}: {exc}") from exc


def is_boundary_file(path: Path) -> bool:
    """``path`` holds boundaries (GeoJSON, a shapefile, zipped or not, or a GeoPackage), not incidents:
    told by its name, a ``.json``'s opening bytes, or the ``.shp`` inside a ``.zip``."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            with path.open("rb") as file:
                head = file.read(4096)
            return b'"FeatureCollection"' in head or b'"Feature"' in head
        if suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                return any(name.lower().endswith(".shp") for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return suffix in (".geojson", ".gpkg", ".shp")


def boundary_fields(path: Path, source_layer: str | None = None) -> list[str]:
    """The attribute names of the file's (chosen) layer: what a region id or name can come from."""
    layer = choose_layer(path, source_layer)
    try:
        return [str(name) for name in pyogrio.read_info(path, layer=layer)["fields"]]
    except (DataSourceError, DataLayerError) as exc:
        raise BoundaryFileError(f"Cannot read {path.name} as {KINDS}: {exc}") from exc


def choose_layer(path: Path, source_layer: str | None) -> str:
    layers = file_layers(path)
    if source_layer is not None and source_layer not in layers:
        raise BoundaryFileError(
            f"No layer '{source_layer}' in {path.name}; available layers: {', '.join(sorted(layers))}."
        )
    if source_layer is None and len(layers) > 1:
        raise BoundaryFileError(
            f"{path.name} holds {len(layers)} layers; choose one of: {', '.join(sorted(layers))}."
        )
    if not layers:
        raise BoundaryFileError(f"{path.name} holds no vector layer.")
    return source_layer or layers[0]


def _read_layer(path: Path, layer: str) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError) as exc:
        raise BoundaryFileError(f"Cannot read layer '{layer}' of {path.name}: {exc}") from exc
    if not isinstance(frame, gpd.GeoDataFrame) or "geometry" not in frame:
        raise BoundaryFileError(f"Layer '{layer}' of {path.name} has no geometries.")
    if frame.empty:
        raise BoundaryFileError(f"Layer '{layer}' of {path.name} has no features.")
    return frame


def _check_fields(frame: gpd.GeoDataFrame, path: Path, layer: str, *fields: str | None) -> None:
    available = [str(c) for c in frame.columns if c != frame.geometry.name]
    for field in fields:
        if field is not None and field not in available:
            raise BoundaryFileError(
                f"Field '{field}' is not in layer '{layer}' of {path.name}; "
                f"available fields: {', '.join(available) or '(none)'}."
            )


def _to_wgs84(frame: gpd.GeoDataFrame, path: Path, warnings: list[str]) -> tuple[gpd.GeoDataFrame, str]:
    """Reproject to EPSG:4326; a file without CRS is accepted only if it plainly is lon/lat."""
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BoundaryFileError(
                f"{path.name} declares no coordinate reference system and its coordinates are not "
                "longitude/latitude; add a .prj file or save it with a CRS."
            )
        warnings.append("No CRS declared; coordinates look like longitude/latitude, assumed EPSG:4326.")
        return frame.set_crs(WGS84), "unknown (assumed EPSG:4326)"
    authority = frame.crs.to_authority()
    source_crs = ":".join(authority) if authority else str(frame.crs.name)[:80]
    return frame.to_crs(WGS84), source_crs


def _drop_unusable(frame: gpd.GeoDataFrame, id_field: str, warnings: list[str]) -> gpd.GeoDataFrame:
    """Drop features without geometry or without id, saying how many."""
    ids = frame[id_field].map(region_id_text)
    no_geometry = frame.geometry.isna() | frame.geometry.is_empty
    for mask, what in ((no_geometry, "no geometry"), (ids.isna() & ~no_geometry, f"no '{id_field}'")):
        if mask.any():
            warnings.append(f"{int(mask.sum()):,} feature(s) with {what} skipped.")
    keep = ~(no_geometry | ids.isna())
    if not keep.any():
        raise BoundaryFileError(f"No feature has both a geometry and a value in '{id_field}'.")
    return frame.loc[keep].assign(**{id_field: ids[keep]})


def region_id_text(value: object) -> str | None:
    """A region id as text: ``3.0`` -> ``"3"``, strings stripped, blanks and nulls -> None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def repair_geometries(geometries: np.ndarray) -> tuple[np.ndarray, int]:
    """``make_valid`` the invalid geometries, keeping only their polygonal parts; returns the count."""
    kinds = set(shapely.get_type_id(geometries).tolist()) - {3, 6, 7}  # Polygon, MultiPolygon, Collection
    if kinds:
        raise BoundaryFileError("Boundary layers must contain polygons; this one has points or lines.")
    invalid = ~shapely.is_valid(geometries)
    repaired = geometries.copy()
    repaired[invalid] = [_polygonal(g) for g in shapely.make_valid(geometries[invalid])]
    return repaired, int(invalid.sum())


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    parts = shapely.get_parts(shapely.get_parts(geometry))  # twice: a collection may hold multipolygons
    polygons = parts[shapely.get_type_id(parts) == 3]
    if len(polygons) == 1:
        return polygons[0]
    return shapely.multipolygons(polygons) if len(polygons) else shapely.Polygon()


def _dissolve(
    frame: gpd.GeoDataFrame, geometries: np.ndarray, id_field: str, name_field: str | None
) -> gpd.GeoDataFrame:
    attributes = frame.drop(columns=frame.geometry.name).reset_index(drop=True)
    named = [f for f in (id_field, name_field) if f is not None]
    rows = []
    for region_id, positions in attributes.groupby(id_field, sort=False).indices.items():
        rows.append(
            {
                "region_id": region_id,
                "name": _first_name(attributes, positions, name_field),
                "properties": _json_ready(attributes.iloc[positions[0]].drop(named)),
                "geometry": _union(geometries[positions]),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def _check_lengths(regions: gpd.GeoDataFrame, id_field: str, name_field: str | None) -> None:
    """Ids and names must fit the store's columns; a long value usually means the wrong field."""
    for column, field, limit in (("region_id", id_field, 80), ("name", name_field, 200)):
        longest = max((len(v) for v in regions[column] if v), default=0)
        if longest > limit:
            raise BoundaryFileError(
                f"Field '{field}' has values of up to {longest} characters (at most {limit} allowed); "
                "is it the right field?"
            )


def _first_name(attributes: pd.DataFrame, positions: np.ndarray, name_field: str | None) -> str | None:
    if name_field is None:
        return None
    names = [region_id_text(v) for v in attributes[name_field].iloc[positions]]
    return next((n for n in names if n), None)


def _union(geometries: np.ndarray) -> shapely.Geometry:
    if len(geometries) == 1:
        return geometries[0]
    return _polygonal(shapely.union_all(geometries))


def _json_ready(row: pd.Series) -> dict[str, object]:
    """Attribute values as plain JSON types (numpy scalars unwrapped, nulls None, others as text)."""
    out: dict[str, object] = {}
    for key, value in row.items():
        if isinstance(value, np.generic):
            value = value.item()
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            out[str(key)] = None
        elif isinstance(value, str | int | float | bool):
            out[str(key)] = value
        else:
            out[str(key)] = str(value)
    return out
