"""Map pane fixtures: the Chicago sample with its police districts, and panes shown on a real page."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, select

from crimedesk.config.settings import settings_path
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.regions.store import import_boundary_layer
from crimedesk.state.filters import FilterState
from crimedesk.storage.schema import boundary_layers
from crimedesk.ui.panes.map.map_pane import MapPane
from tests.fill import add_import, add_incident
from tests.ui.panes.map.mapjs import XSS, XSS_BLOCK


@pytest.fixture
def districts_store(sqlite_store, chicago_sample, data_dir):
    """The Chicago sample, its police districts, and one incident whose text is markup (key "xss")."""
    import_boundary_layer(
        sqlite_store,
        data_dir / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
        name_field="DIST_LABEL",
        incident_field="district",
    )
    import_file(sqlite_store, chicago_sample)
    with sqlite_store.begin() as conn:
        imp = add_import(conn, "xss.csv", source="xss")
        add_incident(
            conn,
            imp,
            "xss",
            datetime(2017, 1, 2),
            source="xss",
            latitude=41.88,
            longitude=-87.63,
            offense_description=XSS,
            block=XSS_BLOCK,
        )
    return sqlite_store


def on_districts(engine: Engine, **fields) -> FilterState:
    """A FilterState whose region layer is the store's boundary layer, as the analyst picks it
    in the filter panel: the map draws that layer's choropleth."""
    with engine.connect() as conn:
        layer = conn.execute(select(boundary_layers.c.id)).scalar_one()
    return FilterState(FilterSnapshot(region_layer_id=layer, **fields))


@pytest.fixture
def make_pane(qtbot):
    """Makes map panes, shown and holding their first data; deletes them after the test."""
    settings_path().unlink(missing_ok=True)
    panes: list[MapPane] = []

    def make(engine, filters: FilterState | None = None, **kwargs) -> MapPane:
        """A pane on ``filters``, by default those of :func:`on_districts`."""
        pane = MapPane(engine, filters or on_districts(engine), **kwargs)
        panes.append(pane)
        pane.resize(900, 700)
        with qtbot.waitSignal(pane.updated, timeout=30_000):
            pane.show()
        return pane

    yield make
    for pane in panes:  # the page must go before its profile: delete while the loop still runs
        pane.close()
        pane.deleteLater()
    qtbot.wait(50)
    settings_path().unlink(missing_ok=True)
