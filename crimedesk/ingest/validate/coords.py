"""Coordinates: fill from state-plane X/Y, fix swaps, mark the unmappable, project to metres.

Unmappable incidents are kept (analysts still need them in totals) with ``mappable = False`` and
a quality flag saying why; lat/lon stay as the source gave them.
"""

from __future__ import annotations

import threading

import numpy as np
from pyproj import Transformer

from crimedesk.domain.quality import Quality
from crimedesk.ingest.area import DataArea
from crimedesk.ingest.arrowtools import to_float
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.context import ImportContext
from crimedesk.ingest.profiles.base import CoordSpec

_per_thread = threading.local()


def transformer(source_epsg: int, target_epsg: int) -> Transformer:
    """A cached transformer of this thread's own: pyproj objects must not cross threads."""
    cache = _per_thread.__dict__.setdefault("transformers", {})
    key = (source_epsg, target_epsg)
    if key not in cache:
        cache[key] = Transformer.from_crs(source_epsg, target_epsg, always_xy=True)
    return cache[key]


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone holding a point."""
    zone = int((lon + 180) // 6) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def _inside(lon: np.ndarray, lat: np.ndarray, bbox: tuple[float, float, float, float] | None) -> np.ndarray:
    if bbox is None:
        return (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    min_lon, min_lat, max_lon, max_lat = bbox
    return (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat)


def _read(batch: Batch, name: str | None, degrees: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The column's numbers; ``degrees`` also reads a decimal comma (no degree has a thousands
    separator, while a projected X of '443,210' may be metres)."""
    if name is None or not batch.has(name):
        return np.full(len(batch), np.nan), np.zeros(len(batch), dtype=bool)
    return to_float(batch.column(name), decimal_comma=degrees)


def _from_projected(batch: Batch, spec: CoordSpec, lon: np.ndarray, lat: np.ndarray) -> None:
    """Derive lat/lon from X/Y where lat/lon are missing (in place)."""
    x, _ = _read(batch, spec.x)
    y, _ = _read(batch, spec.y)
    usable = np.isnan(lat) & np.isnan(lon) & np.isfinite(x) & np.isfinite(y) & (x != 0) & (y != 0)
    if spec.projected_epsg is None or not usable.any():
        return
    lon[usable], lat[usable] = transformer(spec.projected_epsg, 4326).transform(x[usable], y[usable])
    batch.flag(usable, Quality.COORDS_FROM_PROJECTED)


def validate(batch: Batch, context: ImportContext) -> None:
    spec = context.profile.coords
    if spec is None:
        raise ValueError(f"profile {context.profile.name} reads incidents but names no coordinate columns")
    lat, bad_lat = _read(batch, spec.lat, degrees=True)
    lon, bad_lon = _read(batch, spec.lon, degrees=True)
    invalid = bad_lat | bad_lon
    lat[invalid], lon[invalid] = np.nan, np.nan
    _from_projected(batch, spec, lon, lat)
    present = np.isfinite(lat) & np.isfinite(lon)
    zero = present & (lat == 0) & (lon == 0)
    swapped = _swapped(context, spec.bbox, lon, lat, present & ~zero)
    lat[swapped], lon[swapped] = lon[swapped], lat[swapped]
    outside = present & ~zero & ~_inside(lon, lat, spec.bbox)
    far_off = _far_off(batch, context, lon, lat, present & ~zero & ~outside) if spec.bbox is None else None
    batch.flag(invalid, Quality.COORDS_INVALID)
    batch.flag(~present & ~invalid, Quality.COORDS_MISSING)
    batch.flag(zero, Quality.COORDS_ZERO)
    batch.flag(swapped, Quality.COORDS_SWAPPED)
    batch.flag(outside, Quality.COORDS_OUTSIDE_AREA)
    mappable = present & ~zero & ~outside
    if far_off is not None:
        batch.flag(far_off, Quality.COORDS_FAR_OFF)
        mappable &= ~far_off
    _project(batch, context, spec.metric_epsg, lon, lat, mappable)
    batch.values.update(latitude=lat, longitude=lon, mappable=mappable)


def _swapped(
    context: ImportContext,
    bbox: tuple[float, float, float, float] | None,
    lon: np.ndarray,
    lat: np.ndarray,
    candidates: np.ndarray,
) -> np.ndarray:
    """Rows among ``candidates`` whose latitude and longitude were given the wrong way round: the
    point lies outside the area and, swapped, inside it. The area is the bbox or, without one, the
    data's own area: a mere valid range would take a latitude of 91.5 for a swap, and miss a swap
    whose latitude happens to lie within +-90."""
    if bbox is not None:
        return candidates & ~_inside(lon, lat, bbox) & _inside(lat, lon, bbox)
    in_range = _inside(lon, lat, None)
    if context.area is None:
        context.area = DataArea.estimate(lon[candidates & in_range], lat[candidates & in_range])
    if context.area is None:  # too few points yet to know the area: no ground for a swap
        return np.zeros(len(lon), dtype=bool)
    limit = context.area.limit_km
    near = in_range & (context.area.distances(lon, lat) <= limit)
    near_swapped = _inside(lat, lon, None) & (context.area.distances(lat, lon) <= limit)
    return candidates & ~near & near_swapped


def _far_off(
    batch: Batch, context: ImportContext, lon: np.ndarray, lat: np.ndarray, candidates: np.ndarray
) -> np.ndarray:
    """Rows among ``candidates`` far outside the data's area (estimated on the first batch that
    has enough points; kept in the context for the whole import). Their distances from the
    area's centre are kept in ``batch.values["far_off_km"]`` (NaN for the other rows)."""
    if context.area is None:
        context.area = DataArea.estimate(lon[candidates], lat[candidates])
    far = np.zeros(len(batch), dtype=bool)
    if context.area is None:
        return far
    distances = context.area.distances(lon, lat)
    far = candidates & (distances > context.area.limit_km)
    batch.values["far_off_km"] = np.where(far, distances, np.nan)
    return far


def _project(
    batch: Batch,
    context: ImportContext,
    spec_epsg: int | None,
    lon: np.ndarray,
    lat: np.ndarray,
    mappable: np.ndarray,
) -> None:
    """x/y in metres of the mappable rows, in the profile's ``spec_epsg`` or, when it names none,
    the UTM zone of the import's first mappable rows (kept for the whole import)."""
    x = np.full(len(batch), np.nan)
    y = np.full(len(batch), np.nan)
    if mappable.any():
        if context.metric_epsg is None:
            context.metric_epsg = spec_epsg or utm_epsg(
                float(np.median(lon[mappable])), float(np.median(lat[mappable]))
            )
        x[mappable], y[mappable] = transformer(4326, context.metric_epsg).transform(
            lon[mappable], lat[mappable]
        )
    batch.values.update(x=x, y=y)
