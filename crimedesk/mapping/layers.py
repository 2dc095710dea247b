"""Layer payloads for the map page: colour classes, region GeoJSON, model overlays, drawn shapes.

Pure (no Qt, no SQL). Payloads are plain JSON-ready values; the page never receives HTML, so a
name or description full of markup is shown as text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from crimedesk.domain.categories import CATEGORIES

if TYPE_CHECKING:
    import geopandas as gpd

#: Marker colours by category (colour-blind safe, Okabe-Ito).
CATEGORY_COLORS: dict[str, str] = {
    "violent": "#D55E00",
    "property": "#0072B2",
    "drug": "#009E73",
    "other": "#7F7F7F",
}
if tuple(CATEGORY_COLORS) != CATEGORIES:
    raise ImportError("CATEGORY_COLORS must list every category in order")

#: Sequential palette for counts and risk (ColorBrewer YlOrRd, 5 classes).
YLORRD = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")


def classify(values: Sequence[float], palette: Sequence[str] = YLORRD) -> tuple[list[str], list[list[str]]]:
    """Quantile classes: a colour per value and legend rows ``[colour, "low – high"]``.

    Equal values always share a class; fewer distinct values give fewer classes.
    """
    if not values:
        return [], []
    data = np.asarray(values, dtype=float)
    edges = np.unique(np.quantile(data, np.linspace(0, 1, len(palette) + 1)))
    if len(edges) == 1:
        return [palette[-1]] * len(data), [[palette[-1], _fmt(edges[0])]]
    classes = np.clip(np.searchsorted(edges, data, side="right") - 1, 0, len(edges) - 2)
    # Spread the classes over the whole palette so few classes still run from light to dark.
    picks = np.round(np.linspace(0, len(palette) - 1, len(edges) - 1)).astype(int)
    colors = [palette[picks[c]] for c in classes]
    legend = [[palette[picks[i]], f"{_fmt(edges[i])} – {_fmt(edges[i + 1])}"] for i in range(len(edges) - 1)]
    return colors, legend


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2g}"


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
    region_ids: Iterable[str], counts: Mapping[str, int]
) -> tuple[dict[str, dict[str, Any]], list[list[str]]]:
    """Per-region ``{count, color}`` (every region of the layer, zero included) and legend rows."""
    ids = [str(r) for r in region_ids]
    values = [counts.get(r, 0) for r in ids]
    colors, legend = classify(values)
    return {r: {"count": v, "color": c} for r, v, c in zip(ids, values, colors, strict=True)}, legend


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
    colors, legend = classify(values)
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
