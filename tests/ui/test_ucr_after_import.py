"""The UCR tab shows FBI figures as soon as they are imported, even while it is in front."""

from __future__ import annotations

from crimedesk.ingest.pipeline import import_file
from crimedesk.ui.runtime import workers
from crimedesk.ui.workspace import Workspace


def open_workspace(qtbot, engine, tmp_path) -> Workspace:
    workspace = Workspace(engine, tmp_path / "settings.json")
    qtbot.addWidget(workspace.window)
    workspace.window.show()
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
    return workspace


def test_the_ucr_tab_in_front_refreshes_after_a_ucr_import(qtbot, chicago_sample_store, ucr_table, tmp_path):
    workspace = open_workspace(qtbot, chicago_sample_store, tmp_path)
    ucr = workspace.ucr
    workspace.window.tabs.setCurrentWidget(ucr)
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=10_000)
    assert ucr.stack.currentWidget() is ucr.empty  # no UCR figures yet

    import_file(chicago_sample_store, ucr_table)
    workspace.reload()  # what a finished import does
    qtbot.waitUntil(lambda: "US" in ucr.chart.curves, timeout=10_000)
    assert ucr.stack.currentIndex() == 1


def test_a_store_holding_only_ucr_figures_opens_on_them(qtbot, sqlite_store, ucr_table, tmp_path):
    import_file(sqlite_store, ucr_table)
    workspace = open_workspace(qtbot, sqlite_store, tmp_path)
    window = workspace.window
    assert window.stack.currentWidget() is window.tabs  # not the welcome page
    assert window.tabs.currentWidget() is workspace.ucr
    qtbot.waitUntil(lambda: "US" in workspace.ucr.chart.curves, timeout=10_000)
