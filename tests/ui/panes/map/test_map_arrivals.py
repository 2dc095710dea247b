"""Live arrivals on the real page: new incidents are added to the points already drawn (no query of
the whole map), and what the map says still equals SQL; anything else redraws it all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.state.filters import FilterState
from crimedesk.storage.schema import incidents
from tests.fill import add_import, add_incident
from tests.ui.panes.map.mapjs import count_mappable, js

IDS = "crimedesk.layers.points.getLayers().map((m) => m.options.incidentId).sort((a, b) => a - b)"
MARK = "crimedesk.layers.points.getLayers().forEach((m) => { m.__before = 1; }) || 1"
KEPT = "crimedesk.layers.points.getLayers().filter((m) => m.__before === 1).length"


def _mappable_ids(engine) -> list[int]:
    with engine.connect() as conn:
        query = select(incidents.c.id).where(incidents.c.mappable.is_(True)).order_by(incidents.c.id)
        return list(conn.execute(query).scalars())


def _store_new(engine, *keys: str) -> None:
    with engine.begin() as conn:
        imp = add_import(conn, "feed", source="chicago")
        for key in keys:
            add_incident(conn, imp, key, datetime(2017, 1, 2), latitude=41.88, longitude=-87.63)


def test_new_incidents_join_the_points_on_the_page_and_the_totals_stay_sql(qtbot, districts_store, make_pane):
    pane = make_pane(districts_store, FilterState(FilterSnapshot()))  # no choropleth: points only
    before = js(qtbot, pane, "crimedesk.stats()")
    assert before["points"] == count_mappable(districts_store)
    js(qtbot, pane, MARK)
    _store_new(districts_store, "live-1", "live-2")
    with qtbot.waitSignal(pane.updated, timeout=10_000) as shown:
        pane.add_arrivals()
    total = count_mappable(districts_store)
    assert pane.arrivals_added == 1 and total == before["points"] + 2
    assert js(qtbot, pane, KEPT) == before["points"]  # the markers drawn before were kept, not redrawn
    assert js(qtbot, pane, IDS) == _mappable_ids(districts_store)
    stats = js(qtbot, pane, "crimedesk.stats()")
    assert stats["heat"] == stats["points"] == total
    qtbot.waitUntil(lambda: js(qtbot, pane, "crimedesk.stats().clustered") == total, timeout=10_000)
    assert shown.args[0].total == total and [p[0] for p in shown.args[0].points] == _mappable_ids(
        districts_store
    )
    assert pane.status.text().startswith(f"{total:,} incidents on the map (points)")


def test_changed_incidents_or_a_choropleth_redraw_the_whole_map(qtbot, districts_store, make_pane):
    pane = make_pane(districts_store, FilterState(FilterSnapshot(categories={"property"})))
    with districts_store.begin() as conn:  # a stored incident changed: no longer property
        first = conn.execute(select(incidents.c.id).where(incidents.c.category == "property")).scalar()
        conn.execute(update(incidents).where(incidents.c.id == first).values(category="violent"))
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        pane.add_arrivals(changed=True)
    assert pane.arrivals_added == 0
    assert js(qtbot, pane, "crimedesk.stats().points") == count_mappable(districts_store, category="property")
    choropleth = make_pane(districts_store)  # the districts' counts and classes move with arrivals
    _store_new(districts_store, "live-3")
    with qtbot.waitSignal(choropleth.updated, timeout=10_000):
        choropleth.add_arrivals()
    assert choropleth.arrivals_added == 0
    assert js(qtbot, choropleth, "crimedesk.stats().points") == count_mappable(districts_store)
