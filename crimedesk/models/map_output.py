"""Model output for the map: a risk experiment's flagged grid cells as WGS84 GeoJSON.

Grid cells live in the store's projected CRS (metres, ``incidents.xy_epsg``); the map wants lon/lat.
Only numpy and pyproj are used, so this runs safely on a worker thread.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine, select

from crimedesk.domain.errors import CrimedeskError
from crimedesk.ingest.validate.coords import transformer
from crimedesk.mapping.layers import classify
from crimedesk.models.experiments import get_experiment, load_experiment_model
from crimedesk.models.registry import model_spec
from crimedesk.storage.schema import incidents


def store_epsg(engine: Engine) -> int:
    """The one projected CRS of the store's incidents (grids are only meaningful within one)."""
    query = select(incidents.c.xy_epsg).where(incidents.c.xy_epsg.is_not(None)).group_by(incidents.c.xy_epsg)
    with engine.connect() as conn:
        codes = [row[0] for row in conn.execute(query)]
    if len(codes) != 1:
        raise CrimedeskError(
            f"the store's incidents use {len(codes)} coordinate systems; a grid needs exactly one"
        )
    return codes[0]


def risk_cells_geojson(engine: Engine, experiment_id: int) -> dict:
    """The cells a risk experiment flags for the day after its data, coloured by score."""
    exp = get_experiment(engine, experiment_id)
    if exp.task != "risk":
        raise CrimedeskError(f"experiment {experiment_id} is a {exp.task} model, not a risk model")
    spec = model_spec(exp.model_kind)
    model = load_experiment_model(exp)
    table = spec.predict(model, None, spec.make_params(exp.params))
    flagged = table[table["flagged"]]
    half = model.grid.cell_size / 2
    x, y = flagged["x"].to_numpy(), flagged["y"].to_numpy()
    corners_x = np.stack([x - half, x + half, x + half, x - half, x - half], axis=1)
    corners_y = np.stack([y - half, y - half, y + half, y + half, y - half], axis=1)
    lon, lat = transformer(store_epsg(engine), 4326).transform(corners_x, corners_y)
    scores = flagged["score"].to_numpy(float)
    colours, _legend = classify(list(scores))
    day = f"{flagged['at'].iloc[0]:%Y-%m-%d}" if len(flagged) else ""
    features = [
        {
            "type": "Feature",
            "properties": {"value": float(s), "color": c, "label": f"risk {s:.3g} on {day}"},
            "geometry": {"type": "Polygon", "coordinates": [np.column_stack([lo, la]).tolist()]},
        }
        for s, c, lo, la in zip(scores, colours, lon, lat, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}
