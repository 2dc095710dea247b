"""A hotspot experiment's polygons for the map, in the incidents' projected CRS, with text labels.

Safe on any worker thread; :func:`crimedesk.mapping.overlays.projected_geojson` turns them into
lon/lat GeoJSON on the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Engine

from crimedesk.domain.errors import CrimedeskError
from crimedesk.mapping.overlays import ProjectedShapes
from crimedesk.models.experiments import get_experiment, load_experiment_model

if TYPE_CHECKING:  # the artifact's module loads scikit-learn: not at app start
    from crimedesk.models.hotspots.areas import HotspotMap

NAMES = {"hotspots_dbscan": "DBSCAN cluster", "hotspots_gistar": "Gi* hot spot"}


def hotspot_polygons(engine: Engine, experiment_id: int) -> ProjectedShapes:
    """The polygons a hotspot experiment drew from the latest weeks of its data, coloured by count."""
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
    return ProjectedShapes(
        polygons, table["count"].to_numpy(float), labels, model.epsg, "incidents per hotspot"
    )
