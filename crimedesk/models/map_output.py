"""Model output for the map: a risk experiment's flagged grid cells as WGS84 GeoJSON.

Grid cells live in the store's projected CRS (metres, ``incidents.xy_epsg``); the map wants lon/lat.
Scoring (:func:`risk_cells`) is safe on any worker thread; the reprojection
(:func:`cells_geojson`, :func:`to_lonlat`) uses pyproj, which has crashed the process on Qt pool
threads here, so the UI calls it on its own thread (a few hundred cells take milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, select

from crimedesk.domain.errors import CrimedeskError
from crimedesk.mapping.layers import coloured_geojson
from crimedesk.models.experiments import get_experiment, load_experiment_model
from crimedesk.models.registry import model_spec
from crimedesk.storage.schema import incidents


@dataclass(frozen=True)
class RiskCells:
    """Flagged cells: centres in metres (``epsg``), half the cell side, scores, the scored day."""

    x: np.ndarray
    y: np.ndarray
    half: float
    scores: np.ndarray
    epsg: int
    day: str


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


def risk_cells(engine: Engine, experiment_id: int) -> RiskCells:
    """The cells a risk experiment flags for the day after its data."""
    exp = get_experiment(engine, experiment_id)
    if exp.task != "risk":
        raise CrimedeskError(f"experiment {experiment_id} is a {exp.task} model, not a risk model")
    spec = model_spec(exp.model_kind)
    model = load_experiment_model(exp)
    flagged = spec.predict(model, None, spec.make_params(exp.params)).query("flagged")
    day = f"{flagged['at'].iloc[0]:%Y-%m-%d}" if len(flagged) else ""
    return RiskCells(
        flagged["x"].to_numpy(float),
        flagged["y"].to_numpy(float),
        model.grid.cell_size / 2,
        flagged["score"].to_numpy(float),
        store_epsg(engine),
        day,
    )


def cells_geojson(cells: RiskCells) -> dict:
    """The cells as lon/lat squares coloured by score (call on the UI thread: pyproj)."""
    import shapely

    x, y, half = cells.x, cells.y, cells.half
    squares = shapely.box(x - half, y - half, x + half, y + half)
    labels = [f"risk {s:.3g} on {cells.day}" for s in cells.scores]
    return coloured_geojson(cells.scores, labels, to_lonlat(squares, cells.epsg), f"risk score, {cells.day}")


def to_lonlat(geometries: np.ndarray, epsg: int) -> np.ndarray:
    """Shapely geometries in ``epsg`` (metres) reprojected to lon/lat (call on the UI thread: pyproj)."""
    import shapely
    from pyproj import Transformer  # a fresh one: pyproj objects are tied to the thread that made them

    transformer = Transformer.from_crs(epsg, 4326, always_xy=True)
    return shapely.transform(
        geometries, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )
