"""Filters that leave nothing: the place filters say why, and count axes start at 0.
Also: the trend's legend sits above its lines, not on them."""

from __future__ import annotations

import pytest

from crimedesk.ui.workspace import Workspace

DOWNTOWN = "001"  # police district 001 (Central), by the source's codes
FAR_SOUTH = (-87.70, 41.65, -87.52, 41.70)  # a rectangle around the city's south end (lon/lat)


def dashboard_note(workspace: Workspace) -> str:
    return workspace.dashboard.trend.status.text()


@pytest.fixture
def workspace(qtbot, chicago_sample_store, tmp_path) -> Workspace:
    workspace = Workspace(chicago_sample_store, tmp_path / "settings.json")
    qtbot.addWidget(workspace.window)
    workspace.window.resize(1366, 768)
    workspace.window.show()
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
    qtbot.waitUntil(workspace.dashboard.is_current, timeout=15_000)
    return workspace


def test_regions_and_a_drawn_shape_that_do_not_meet_say_so(qtbot, workspace, artifacts):
    state, window = workspace.state, workspace.window
    state.update(region_layer_id="district", region_ids={DOWNTOWN}, bbox=FAR_SOUTH)
    qtbot.waitUntil(lambda: window.counts_label.text().startswith("0 of 2,426"), timeout=10_000)
    qtbot.waitUntil(lambda: window.message_label.text() != "", timeout=10_000)
    message = window.message_label.text()
    assert message.startswith("No incident matches: the chosen regions (")
    assert " and the drawn shape (" in message and message.endswith(") have none in common.")
    assert dashboard_note(workspace) == "No incidents"
    label = window.message_label  # wide enough at 1366 px, beside a long store path
    assert label.width() >= label.fontMetrics().horizontalAdvance(message)
    assert window.grab().save(str(artifacts / "zero_reason.png"))

    state.update(bbox=None)  # the next count that finds incidents clears it
    qtbot.waitUntil(lambda: not window.counts_label.text().startswith("0 of"), timeout=10_000)
    assert window.message_label.text() == ""


def test_a_place_filter_empty_by_itself_is_named(qtbot, workspace):
    state, window = workspace.state, workspace.window
    state.update(region_layer_id="district", region_ids={DOWNTOWN}, text="NO SUCH BLOCK ANYWHERE")
    qtbot.waitUntil(lambda: window.message_label.text() != "", timeout=10_000)
    assert window.message_label.text() == ("No incident matches: none is in the location text, even alone.")


def test_no_data_axes_start_at_zero(qtbot, workspace):
    workspace.state.update(region_layer_id="district", region_ids={DOWNTOWN}, bbox=FAR_SOUTH)
    dashboard = workspace.dashboard
    qtbot.waitUntil(
        lambda: dashboard.is_current() and dashboard.trend.frame["total"].sum() == 0, timeout=15_000
    )
    (_, _), (bottom, top) = dashboard.trend.plot.vb.viewRange()
    assert (bottom, top) == (0, 1)  # not -0.5 to 0.5 incidents
    (left, right), _ = dashboard.offenses.plot.vb.viewRange()
    assert (left, right) == (0, 1)


def test_counts_never_show_a_negative_margin_and_the_legend_is_above_the_lines(qtbot, workspace):
    trend = workspace.dashboard.trend
    (_, _), (bottom, top) = trend.plot.vb.viewRange()
    assert bottom == 0 and top > trend.frame["total"].max()
    legend, lines = trend.legend.sceneBoundingRect(), trend.plot.vb.sceneBoundingRect()
    assert len(trend.legend.items) == 5  # violent, property, drug, other, total
    assert legend.bottom() <= lines.top() and not legend.intersects(lines)
