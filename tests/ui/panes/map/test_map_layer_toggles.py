"""Every layer switched on and off, in every combination, while the filters change: each update
reaches every layer (real QtWebEngine; the region counts and legend checked against SQL).

Leaflet.heat threw on every update once it had been shown and hidden, and the rest of the update
(choropleth, legend, filter shape) never ran: the map mixed two filters without a word.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, func, select

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.mapping.classes import fmt as _fmt
from crimedesk.storage.schema import boundary_layers, incident_regions, incidents
from crimedesk.ui.panes.map.map_pane import MapPane, register_map_schemes
from tests.ui.panes.map.conftest import on_districts
from tests.ui.panes.map.mapjs import js

register_map_schemes()  # at collection time, before pytest-qt creates the QApplication

pytestmark = pytest.mark.webengine
LAYERS = ("points", "clusters", "heat", "aggregates", "regions")
FILTERS = (
    {"categories": frozenset({"violent"})},
    {"categories": frozenset({"property"})},
    {"date_from": date(2017, 1, 2), "date_to": date(2017, 1, 2)},
    {"categories": frozenset()},
    {"date_from": date(2017, 1, 1), "date_to": date(2017, 1, 3)},
)


@pytest.fixture
def pane(make_pane, districts_store) -> MapPane:
    return make_pane(
        districts_store, on_districts(districts_store, date_from=date(2017, 1, 1), date_to=date(2017, 1, 3))
    )


def _sql_region_counts(engine: Engine, f: FilterSnapshot) -> dict[str, int]:
    i, r = incidents.c, incident_regions.c
    with engine.connect() as conn:
        layer = conn.execute(select(boundary_layers.c.id)).scalar_one()
        query = (
            select(r.region_id, func.count())
            .select_from(incident_regions.join(incidents, i.id == r.incident_id))
            .where(r.layer_id == layer)
            .group_by(r.region_id)
        )
        if f.categories:
            query = query.where(i.category.in_(sorted(f.categories)))
        if f.date_from:
            query = query.where(i.occurred_from >= datetime.combine(f.date_from, time()))
        if f.date_to:
            query = query.where(i.occurred_from < datetime.combine(f.date_to + timedelta(days=1), time()))
        return {str(region): n for region, n in conn.execute(query)}


def _gray_code_subsets() -> list[list[str]]:
    """All 32 combinations of the layers, each one switch away from the one before."""
    codes = [n ^ (n >> 1) for n in range(2 ** len(LAYERS))]
    return [[name for bit, name in enumerate(LAYERS) if code >> bit & 1] for code in codes]


def test_each_layer_follows_every_filter_whatever_was_toggled(qtbot, pane, districts_store):
    for step, visible in enumerate(_gray_code_subsets()):
        pane.set_visible_layers(visible)
        with qtbot.waitSignal(pane.updated, timeout=20_000):
            pane.filters.update(**FILTERS[step % len(FILTERS)])
        expected = _sql_region_counts(districts_store, pane.filters.snapshot)
        shown = js(
            qtbot,
            pane,
            "Object.fromEntries(crimedesk.layers.regions.getLayers()[0].getLayers()"
            ".map(l => [l.feature.properties.region_id, l.feature.properties.count]))",
        )
        assert {k: v for k, v in shown.items() if v} == expected, (step, visible)
        legend = js(qtbot, pane, "document.querySelector('.cd-legend').textContent")
        if "regions" in visible:
            assert legend.endswith(f"– {_fmt(max(expected.values()))}"), (step, visible, legend)
        else:
            assert "per region" not in legend, (step, visible, legend)
        assert js(qtbot, pane, "crimedesk.stats().heat") == (
            js(qtbot, pane, "crimedesk.stats().points") or js(qtbot, pane, "crimedesk.stats().aggregates")
        )
    assert pane.page_errors == []


def test_a_failing_layer_is_reported_and_the_others_still_update(qtbot, pane, districts_store):
    breaking = (
        "(() => { crimedesk.setAggregates = () => { throw new Error('broken layer'); }; return true; })()"
    )
    js(qtbot, pane, breaking)
    with qtbot.waitSignal(pane.updated, timeout=20_000):
        pane.filters.update(categories=frozenset({"violent"}))
    qtbot.waitUntil(lambda: len(pane.page_errors) == 1, timeout=5_000)
    assert "setAggregates: broken layer" in pane.page_errors[0]
    assert "broken layer" in pane.status.text()
    expected = _sql_region_counts(districts_store, pane.filters.snapshot)
    shown = js(
        qtbot,
        pane,
        "Object.fromEntries(crimedesk.layers.regions.getLayers()[0].getLayers()"
        ".map(l => [l.feature.properties.region_id, l.feature.properties.count]))",
    )
    assert {k: v for k, v in shown.items() if v} == expected
