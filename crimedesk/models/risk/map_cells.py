"""A risk experiment's flagged grid cells for the map, as squares in the store's projected CRS.

Safe on any worker thread; :func:`crimedesk.mapping.overlays.projected_geojson` turns them into
lon/lat GeoJSON on the UI thread.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from crimedesk.domain.errors import CrimedeskError
from crimedesk.mapping.overlays import ProjectedShapes, square_cells
from crimedesk.models.experiments import get_experiment, load_experiment_model
from crimedesk.models.risk.next_day import next_day_scores
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


def risk_cells(engine: Engine, experiment_id: int) -> ProjectedShapes:
    """The cells a risk experiment flags for the day after its data, coloured by score."""
    exp = get_experiment(engine, experiment_id)
    if exp.task != "risk":
        raise CrimedeskError(f"experiment {experiment_id} is a {exp.task} model, not a risk model")
    model = load_experiment_model(exp)
    flagged = next_day_scores(model, exp.params["coverage"]).query("flagged")
    day = f"{flagged['at'].iloc[0]:%Y-%m-%d}" if len(flagged) else ""
    scores = flagged["score"].to_numpy(float)
    squares = square_cells(
        flagged["x"].to_numpy(float), flagged["y"].to_numpy(float), model.grid.cell_size / 2
    )
    labels = [f"risk {s:.3g} on {day}" for s in scores]
    return ProjectedShapes(squares, scores, labels, store_epsg(engine), f"risk score, {day}")
