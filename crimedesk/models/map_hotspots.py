"""Model output for the map: a hotspot experiment's polygons as WGS84 GeoJSON.

Same split as the risk cells (:mod:`crimedesk.models.map_output`): :func:`hotspot_polygons` loads
the stored map on any worker thread; :func:`polygons_geojson` reprojects with pyproj, which has
crashed the process on Qt pool threads here, so the UI calls it on its own thread. Labels are plain
text (the page shows them with ``textContent``, never as HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Engine

from crimedesk.domain.errors import CrimedeskError
from crimedesk.mapping.layers import coloured_geojson
from crimedesk.models.experiments import get_experiment, load_experiment_model
from crimedesk.models.map_output import to_lonlat

if TYPE_CHECKING:  # the artifact's module loads scikit-learn: not at app start
    from crimedesk.models.hotspots.areas import HotspotMap

NAMES = {"hotspots_dbscan": "DBSCAN cluster", "hotspots_gistar": "Gi* hot spot"}


@dataclass(frozen=True)
class HotspotPolygons:
    """Polygons in metres (``epsg``) with their incident counts and text labels."""

    polygons: np.ndarray
    counts: np.ndarray
    labels: list[str]
    epsg: int


def hotspot_polygons(engine: Engine, experiment_id: int) -> HotspotPolygons:
    """The polygons a hotspot experiment drew from the latest weeks of its data."""
    import shapely

    exp = get_experiment(engine, experiment_id)
    if exp.task != "hotspots":
        raise CrimedeskError(f"experiment {experiment_id} is a {exp.task} model, not a hotspot map")
    model: HotspotMap = load_experiment_model(exp)
    table = model.table
    name = NAMES.get(model.method, model.method)
    period = f"{model.start:%Y-%m-%d} to {model.end - np.timedelta64(1, 'D'):%Y-%m-%d}"
    labels = [
        f"{name} {i + 1}: {count:,} incidents ({share:.1%}), {area / 1e6:.2f} km², {period}; top: {top}"
        for i, (count, share, area, top) in enumerate(
            zip(table["count"], table["share"], table["area_m2"], table["top_offenses"], strict=True)
        )
    ]
    polygons = shapely.from_wkt(table["wkt"].to_numpy(dtype=object))
    return HotspotPolygons(polygons, table["count"].to_numpy(float), labels, model.epsg)


def polygons_geojson(hotspots: HotspotPolygons) -> dict:
    """The polygons in lon/lat, coloured by incident count (call on the UI thread: pyproj)."""
    return coloured_geojson(
        hotspots.counts, hotspots.labels, to_lonlat(hotspots.polygons, hotspots.epsg), "incidents per hotspot"
    )
