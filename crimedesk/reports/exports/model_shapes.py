"""A model's map output (hotspot polygons, flagged risk cells) as a table for export."""

from __future__ import annotations

import geopandas as gpd
import shapely
from sqlalchemy import Engine

from crimedesk.domain.errors import CrimedeskError
from crimedesk.models.catalog import model_spec
from crimedesk.models.experiments import get_experiment


def model_shapes(engine: Engine, experiment_id: int) -> gpd.GeoDataFrame:
    """``value`` (named in ``measure``), ``label`` and the MultiPolygon of each shape, in the
    store's projected CRS, exactly as the map shows them."""
    exp = get_experiment(engine, experiment_id)
    output = model_spec(exp.model_kind).map_output
    if output is None:
        raise CrimedeskError(f"experiment {experiment_id} ({exp.model_kind}) has no shapes to export")
    shapes = output.compute(engine, experiment_id)
    polygons = [shapely.MultiPolygon([g]) if isinstance(g, shapely.Polygon) else g for g in shapes.geometries]
    frame = {
        "experiment_id": [experiment_id] * len(polygons),
        "value": shapes.values.astype(float),
        "measure": [shapes.measure] * len(polygons),
        "label": [str(label) for label in shapes.labels],
    }
    return gpd.GeoDataFrame(frame, geometry=polygons, crs=f"EPSG:{shapes.epsg}")
