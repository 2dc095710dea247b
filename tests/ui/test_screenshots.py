"""Screenshots of every pane on the Chicago sample, saved to tests/_artifacts/ for a human to look at."""

from crimedesk.ui.workspace import Workspace


def test_screenshots_of_each_pane(qtbot, chicago_sample_store, tmp_path, artifacts):
    workspace = Workspace(chicago_sample_store, tmp_path / "settings.json")
    window = workspace.window
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
    qtbot.waitUntil(workspace.dashboard.is_current, timeout=15_000)
    qtbot.waitUntil(lambda: len(workspace.filter_panel.offenses.items()) > 10, timeout=10_000)
    qtbot.wait(100)
    assert window.grab().save(str(artifacts / "dashboard.png"))

    window.tabs.setCurrentWidget(workspace.data)
    qtbot.waitUntil(lambda: 0 in workspace.data.model.pages, timeout=10_000)
    workspace.data.table.selectRow(0)
    qtbot.waitUntil(lambda: "Case" in workspace.data.details.toPlainText(), timeout=10_000)
    qtbot.wait(100)
    assert window.grab().save(str(artifacts / "data.png"))

    workspace.data.setCurrentWidget(workspace.data.uploads)
    qtbot.waitUntil(lambda: workspace.data.uploads.imports.rowCount() == 1, timeout=10_000)
    qtbot.wait(100)
    assert window.grab().save(str(artifacts / "uploads.png"))
