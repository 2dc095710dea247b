"""A deleted pane leaves no listener on the shared state, and later changes never reach it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from crimedesk.state.selection import SelectionState
from crimedesk.ui.panes.dashboard.dashboard_pane import DashboardPane
from crimedesk.ui.panes.data.data_pane import DataPane
from crimedesk.ui.panes.map.map_pane import MapPane
from crimedesk.ui.runtime import workers
from tests.ui.listeners import CountingFilterState

PANES = {
    # pane: (how to make it, listeners it adds to the FilterState and to the SelectionState)
    "dashboard": (lambda engine, filters, _selection: DashboardPane(engine, filters), (1, 0)),
    "data": (lambda engine, filters, selection: DataPane(engine, filters, selection=selection), (1, 1)),
    "map": (lambda engine, filters, selection: MapPane(engine, filters, selection=selection), (1, 1)),
}


@pytest.mark.parametrize("name", PANES)
def test_a_deleted_pane_unsubscribes_and_is_never_touched_again(qtbot, chicago_sample_store, state, name):
    make, listeners = PANES[name]
    filters = CountingFilterState(state.snapshot)
    selection = SelectionState()
    pane = make(chicago_sample_store, filters, selection)
    assert (filters.listeners, selection.listener_count) == listeners
    destroyed: list[bool] = []
    pane.destroyed.connect(lambda: destroyed.append(True))  # waitSignal would warn: gone, can't disconnect
    pane.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    pane.close()
    qtbot.waitUntil(lambda: destroyed == [True], timeout=5_000)
    assert (filters.listeners, selection.listener_count) == (0, 0)
    with chicago_sample_store.connect() as conn:
        incident_id = conn.execute(text("select min(id) from incidents")).scalar_one()
    jobs = workers.pending_jobs()
    filters.update(categories={"drug"})  # a listener left behind would raise or start a query
    selection.select(incident_id)
    assert workers.pending_jobs() == jobs
