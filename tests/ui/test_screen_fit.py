"""The window fits field laptops' screens: every pane's controls inside 1366×768 and 1280×800.

Screenshots of every pane at 1366×768 and 1920×1080 go to tests/_artifacts/ for a human to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QComboBox,
    QLineEdit,
    QMainWindow,
    QWidget,
)

from crimedesk.ingest.pipeline import import_file
from crimedesk.ui.main_window import first_size
from crimedesk.ui.workspace import Workspace

# the map's view too: its legend and layer control sit in its corners
CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QAbstractScrollArea, QWebEngineView)
LAPTOPS = ((1366, 768), (1280, 800))


def controls_outside(window: QMainWindow) -> list[str]:
    """Every visible control (buttons, combo boxes, text fields, tables and lists, the map) that
    does not lie wholly inside the window."""
    inside = QRect(QPoint(0, 0), window.size())
    outside = []
    for widget in window.findChildren(QWidget):
        shown = widget.isVisible() and not widget.isWindow() and not widget.size().isEmpty()
        if isinstance(widget, CONTROLS) and shown:  # an empty table's 0×0 corner button is not shown
            box = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
            if not inside.contains(box):
                label = widget.text() if isinstance(widget, QAbstractButton) else ""
                outside.append(f"{type(widget).__name__} {label!r} at {box}")
    return outside


@pytest.fixture
def workspace(qtbot, chicago_sample_store, ucr_table, tmp_path) -> Workspace:
    import_file(chicago_sample_store, ucr_table)  # the UCR pane with its figures, not its empty page
    workspace = Workspace(chicago_sample_store, tmp_path / "settings.json")
    qtbot.addWidget(workspace.window)
    workspace.window.show()
    qtbot.waitExposed(workspace.window)
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
    qtbot.waitUntil(workspace.dashboard.is_current, timeout=15_000)
    return workspace


def visit_tabs(qtbot, workspace: Workspace, artifacts: Path | None = None, suffix: str = "") -> dict:
    """Show each tab in turn; the controls outside the window per tab (and a screenshot)."""
    window, found = workspace.window, {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        name = window.tabs.tabText(index)
        if window.tabs.currentWidget() is workspace.map:
            qtbot.waitUntil(lambda: workspace.map.page_ready, timeout=20_000)
        qtbot.wait(150)
        found[name] = controls_outside(window)
        if artifacts is not None:
            assert window.grab().save(str(artifacts / f"screen_{name.lower()}_{suffix}.png"))
    return found


def test_every_pane_fits_laptop_screens(qtbot, workspace, artifacts):
    window = workspace.window
    assert window.minimumSizeHint().width() <= 1280
    for width, height in LAPTOPS:
        window.resize(width, height)
        qtbot.waitUntil(lambda w=width, h=height: (window.width(), window.height()) == (w, h), timeout=3000)
        outside = visit_tabs(qtbot, workspace, artifacts if width == 1366 else None, f"{width}x{height}")
        assert not any(outside.values()), (width, height, outside)
    assert workspace.dashboard.kpis.columns == 4  # two rows of cards at 1280 px
    table = workspace.dashboard.compstat.view
    assert table.rowAt(table.viewport().height() - 1) >= 3  # four regions in view at 1280×800, not two
    split = workspace.dashboard.split  # the analyst can trade the trend's height for CompStat rows
    window.tabs.setCurrentWidget(workspace.dashboard)
    split.setSizes([150, sum(split.sizes()) - 150])
    qtbot.waitUntil(lambda: table.rowAt(table.viewport().height() - 1) >= 8, timeout=3000)
    assert "US" in workspace.ucr.chart.curves


def test_the_train_dialog_fits_a_laptop_screen_for_every_kind(qtbot, workspace, artifacts):
    dialog = workspace.models.open_train_dialog()
    for index in range(dialog.kind.count()):
        dialog.kind.setCurrentIndex(index)
        hint = dialog.sizeHint()
        assert hint.width() <= 1280 and hint.height() <= 700, dialog.selected_kind()
    dialog.select_kind("risk_gb")
    dialog.adjustSize()
    qtbot.waitExposed(dialog)
    qtbot.wait(50)
    assert dialog.grab().save(str(artifacts / "train_dialog_risk_gb.png"))


def test_wide_screen_screenshots(qtbot, workspace, artifacts):
    window = workspace.window
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.width() == 1920, timeout=3000)
    outside = visit_tabs(qtbot, workspace, artifacts, "1920x1080")
    assert not any(outside.values()), outside
    window.tabs.setCurrentWidget(workspace.dashboard)
    qtbot.waitUntil(lambda: workspace.dashboard.kpis.columns == 8, timeout=3000)  # one row when it fits


def test_map_export_renders_at_its_size_and_leaves_the_window_alone(qtbot, workspace, artifacts):
    window, pane = workspace.window, workspace.map
    window.resize(1366, 768)
    window.tabs.setCurrentWidget(pane)
    qtbot.waitUntil(lambda: pane.page_ready, timeout=20_000)
    before = (window.geometry(), window.minimumSize(), pane.view.minimumSize(), pane.view.maximumSize())
    view_size = pane.view.size()
    image = pane.export_png(artifacts / "map_export_1600x1200.png", 1600, 1200)
    assert (image.width(), image.height()) == (1600, 1200)
    corner = {image.pixelColor(x, y).rgb() for x in range(1450, 1600, 3) for y in range(1050, 1200, 3)}
    assert len(corner) > 10  # the legend sits in the corner: the page was laid out at 1600×1200
    after = (window.geometry(), window.minimumSize(), pane.view.minimumSize(), pane.view.maximumSize())
    assert after == before
    qtbot.waitUntil(lambda: pane.view.size() == view_size, timeout=3000)
    assert not controls_outside(window)


def test_the_welcome_page_shows_its_whole_text_on_a_laptop(qtbot, sqlite_store, tmp_path, artifacts):
    workspace = Workspace(sqlite_store, tmp_path / "settings.json")
    window = workspace.window
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    workspace.reload()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is workspace.welcome, timeout=10_000)
    text = workspace.welcome.text
    qtbot.waitUntil(lambda: text.height() >= text.heightForWidth(text.width()), timeout=3000)
    assert text.width() > 400  # wrapped into a readable column, not one word per line
    assert QRect(QPoint(0, 0), window.size()).contains(QRect(text.mapTo(window, QPoint(0, 0)), text.size()))
    assert not controls_outside(window)
    assert window.grab().save(str(artifacts / "screen_welcome_1366x768.png"))


def test_the_first_window_never_starts_larger_than_the_screen(qtbot, sqlite_store, tmp_path):
    assert first_size(QSize(1366, 740)) == QSize(1366, 740)  # a laptop's free area under its panel
    assert first_size(QSize(1920, 1040)) == QSize(1500, 950)
    workspace = Workspace(sqlite_store, tmp_path / "settings.json")
    qtbot.addWidget(workspace.window)
    free = workspace.window.screen().availableGeometry().size()
    assert workspace.window.height() <= free.height()  # the test screen is 800 × 800
