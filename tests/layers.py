"""Boundary layers the tests load from the shared data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from crimedesk.regions.store import BoundaryImportResult, import_boundary_layer


def import_districts(store: Engine, data_dir: Path) -> BoundaryImportResult:
    """Chicago's police districts as layer ``districts``, compared with the source's district codes."""
    return import_boundary_layer(
        store,
        data_dir / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
        name_field="DIST_LABEL",
        incident_field="district",
    )
