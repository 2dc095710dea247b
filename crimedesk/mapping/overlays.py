"""Model overlays for the map: projected shapes with values and labels as coloured lon/lat GeoJSON.

The models (``crimedesk.models.risk.map_cells``, ``crimedesk.models.hotspots.map_polygons``) hand
over :class:`ProjectedShapes` in the incidents' projected CRS (metres, ``incidents.xy_epsg``);
:func:`projected_geojson` reprojects them with pyproj, which has crashed the process on Qt pool
threads here, so the UI calls it on its own thread (a few hundred shapes take milliseconds).
Labels are plain text (the page shows them with ``textContent``, never as HTML).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crimedesk.mapping.layers import coloured_geojson


@dataclass(frozen=True)
class ProjectedShapes:
    """Shapely geometries in EPSG ``epsg`` (metres), a value and a text label each, and the legend
    title ``measure`` (what the values are)."""

    geometries: np.ndarray
    values: np.ndarray
    labels: Sequence[str]
    epsg: int
    measure: str


def square_cells(x: np.ndarray, y: np.ndarray, half: float) -> np.ndarray:
    """Squares of side ``2 * half`` centred on (x, y)."""
    import shapely

    return shapely.box(x - half, y - half, x + half, y + half)


def projected_geojson(shapes: ProjectedShapes) -> dict:
    """The shapes in lon/lat coloured by value, legend included (call on the UI thread: pyproj)."""
    lonlat = to_lonlat(shapes.geometries, shapes.epsg)
    return coloured_geojson(shapes.values.tolist(), shapes.labels, lonlat, shapes.measure)


def to_lonlat(geometries: np.ndarray, epsg: int) -> np.ndarray:
    """Shapely geometries in ``epsg`` (metres) reprojected to lon/lat (call on the UI thread: pyproj)."""
    import shapely
    from pyproj import Transformer  # a fresh one: pyproj objects are tied to the thread that made them

    transformer = Transformer.from_crs(epsg, 4326, always_xy=True)
    return shapely.transform(
        geometries, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )
