"""Layer payloads for the map page: colour classes, region GeoJSON, model overlays, drawn shapes.

Pure (no Qt, no SQL). Payloads are plain JSON-ready values; the page never receives HTML, so a
name or description full of markup is shown as text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from crimedesk.domain.categories import CATEGORIES
from crimedesk.mapping.classes import OVERLAY_PALETTE, REGION_PALETTE, classify
from crimedesk.mapping.rates import MISSING, region_rate, value_text

if TYPE_CHECKING:
    import geopandas as gpd

    from crimedesk.regions.sizes import RegionSize

#: Marker colours by category (colour-blind safe, Okabe-Ito).
CATEGORY_COLORS: dict[str, str] = {
    "violent": "#D55E00",
    "property": "#0072B2",
    "drug": "#009E73",
    "other": "#7F7F7F",
}
#: A cluster bubble's disc and ring, as the page draws a middle-sized one (map.js, over white).
CLUSTER_BUBBLE = ("#c3c3c3", "#a6a6a6")
NO_VALUE_COLOR = "#dddddd"  # a region without a rate: the page's fill for a region without colour
if tuple(CATEGORY_COLORS) != CATEGORIES:
    raise ImportError("CATEGORY_COLORS must list every category in order")


def regions_geojson(rows: Iterable[tuple[str, str | None, str]], tolerance_deg: float = 0.0001) -> dict:
    """A boundary layer for the page from ``(region_id, name, hex WKB)`` rows (WGS84), simplified
    to about 10 m. Plain shapely, no geopandas: pyproj is not safe on Qt's pool threads."""
    import shapely

    rows = list(rows)
    shapes = shapely.simplify(shapely.from_wkb([r[2] for r in rows]), tolerance_deg, preserve_topology=True)
    features = [
        {
            "type": "Feature",
            "properties": {"region_id": str(rid), "name": None if name is None else str(name)},
            "geometry": geometry.__geo_interface__,
        }
        for (rid, name, _wkb), geometry in zip(rows, shapes, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def region_counts_payload(
    region_ids: Iterable[str],
    counts: Mapping[str, int],
    palette: str = REGION_PALETTE,
    method: str = "quantile",
    measure: str = "count",
    sizes: Mapping[str, RegionSize] | None = None,
) -> tuple[dict[str, dict[str, Any]], list[list[str]]]:
    """Per-region ``{count, value, color, label}`` (every region of the layer, zero included) and
    legend rows, in ``palette``'s classes cut by ``method`` (crimedesk.mapping.classes).

    ``measure`` (crimedesk.mapping.rates) turns counts into rates with ``sizes``; a region without
    the denominator has no value and no colour, and the legend gets a row saying so.
    """
    ids = [str(r) for r in region_ids]
    sizes = sizes or {}
    values = [region_rate(counts.get(r, 0), sizes.get(r), measure) for r in ids]
    known = [v for v in values if v is not None]
    colors, legend = classify(known, palette, method)
    colour_of = iter(colors)
    payload = {
        r: {
            "count": counts.get(r, 0),
            "value": v,
            "color": None if v is None else next(colour_of),
            "label": value_text(v, measure),
        }
        for r, v in zip(ids, values, strict=True)
    }
    if len(known) < len(values):
        legend.append([NO_VALUE_COLOR, MISSING[measure]])
    return payload, legend


def overlay_geojson(shapes: gpd.GeoDataFrame, value_column: str, label_column: str | None = None) -> dict:
    """Model output (hotspot polygons, risk grid cells) as GeoJSON coloured by ``value_column``.

    Each feature carries ``value``, ``color`` and a text ``label`` (``label_column`` or the value).
    """
    shapes = shapes.to_crs(4326) if shapes.crs is not None else shapes
    values = [float(v) for v in shapes[value_column]]
    if label_column:
        labels = [str(v) for v in shapes[label_column]]
    else:
        labels = [f"{value_column}: {v:.3g}" for v in values]
    return coloured_geojson(values, labels, shapes.geometry, value_column)


def coloured_geojson(
    values: Sequence[float], labels: Sequence[str], geometries: Iterable[Any], measure: str
) -> dict:
    """Features (shapely geometries in lon/lat) coloured by class of ``values``, each with its
    ``value``, ``color`` and text ``label``: the overlay payload the page draws.

    The collection also carries its legend (a GeoJSON foreign member): ``{"title": measure,
    "rows": [[colour, "low – high"], ...]}``.
    """
    values = [float(v) for v in values]
    colors, legend = classify(values, OVERLAY_PALETTE)
    features = [
        {
            "type": "Feature",
            "properties": {"value": v, "color": c, "label": label},
            "geometry": g.__geo_interface__,
        }
        for v, c, label, g in zip(values, colors, labels, geometries, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features, "legend": {"title": measure, "rows": legend}}


def drawn_filter(layer_type: str, geometry_json: str) -> dict[str, Any]:
    """The FilterState change for a shape drawn on the map: a rectangle sets ``bbox``, anything
    else ``polygon_wkt`` (the other one is cleared, so only the latest shape applies)."""
    from shapely.geometry import shape

    geometry = shape(json.loads(geometry_json))
    if geometry.geom_type != "Polygon" or geometry.is_empty:
        raise ValueError(f"a drawn filter must be a polygon, got {geometry.geom_type}")
    if layer_type == "rectangle":
        return {"bbox": tuple(round(v, 7) for v in geometry.bounds), "polygon_wkt": None}
    return {"bbox": None, "polygon_wkt": geometry.wkt}


def filter_shape(bbox: Sequence[float] | None, polygon_wkt: str | None) -> dict | None:
    """The spatial filter as a GeoJSON geometry to outline on the map (None when unset)."""
    from shapely import wkt
    from shapely.geometry import box, mapping

    if polygon_wkt:
        return dict(mapping(wkt.loads(polygon_wkt)))
    if bbox is not None:
        west, south, east, north = bbox
        return dict(mapping(box(west, south, east, north)))
    return None


def cell_size_deg(cell_m: float, latitude: float) -> tuple[float, float]:
    """(lon, lat) degrees of a roughly square ``cell_m`` cell near ``latitude``."""
    lat_deg = cell_m / 111_320.0
    return lat_deg / max(math.cos(math.radians(latitude)), 0.01), lat_deg
